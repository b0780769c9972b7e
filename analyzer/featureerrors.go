package analyzer

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// featureErrorProof is what a path taken when the error errExpr is value
// (errors.Is(err, unix.EEXIST); cilium/ebpf wraps errnos, so == is not
// the test) proves: the features of the call that gave err its value,
// where the API map's feature_errors say only a kernel with them returns
// that error (link.AttachTCX returns ErrNotSupported on a kernel without
// tcx, and EEXIST only on one with it). Each assignment reaching the test
// must be such a call. The kernel answered, as it does when the call
// succeeds: the path proves the features, so a function whose nil result
// follows that error is a check of them (cilium's HaveNetkit takes ENODEV
// as "netkit is there"). It assumes them too, as a path the data leads
// to does: on mainline, the path runs on the release they came in (a
// replace by id, BPF_F_ID, after tcx's EEXIST).
func (c *checker) featureErrorProof(errExpr, value ast.Expr) proof {
	if len(c.api.FeatureErrors) == 0 {
		return proofOf()
	}
	key := symbolKey(c.pass.TypesInfo, value)
	if key == "" {
		return proofOf()
	}
	return c.errorCallsProof(errExpr,
		func(call *ast.CallExpr) proof {
			fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
			if !ok {
				return proofOf()
			}
			feats := c.api.FeatureErrors[c.key(fn)][key]
			p := assuming(feats...) // on mainline, the release they came in
			for _, f := range feats {
				p.prove(f)
			}
			return p
		},
		func(val ast.Expr) bool { return val == zeroValue || c.isNil(val) }) // no error: never equal
}

// errorCallsProof is what a test of the error variable errExpr proves
// through the calls that gave it its value: on each path to the test,
// what fromCall says of the call assigned there, with what held where it
// was assigned. A value that is no call proves nothing; one that cannot
// be the error tested (never) takes no path to the test.
func (c *checker) errorCallsProof(errExpr ast.Expr, fromCall func(*ast.CallExpr) proof, never func(ast.Expr) bool) proof {
	id, v := c.readVar(errExpr)
	if v == nil {
		return proofOf()
	}
	p, _ := c.throughValues(id, v, "",
		func(val ast.Expr) proof {
			if call, ok := ast.Unparen(val).(*ast.CallExpr); ok {
				return fromCall(call)
			}
			return proofOf()
		},
		never, func() proof { return proofOf() })
	return p
}

// errorsIsArgs returns the error and the target of call if it is
// errors.Is(err, target).
func errorsIsArgs(info *types.Info, call *ast.CallExpr) (err, target ast.Expr, ok bool) {
	fn, isFunc := typeutil.Callee(info, call).(*types.Func)
	if !isFunc || fn.FullName() != "errors.Is" || len(call.Args) != 2 {
		return nil, nil, false
	}
	return call.Args[0], call.Args[1], true
}

// errorsIsProof is featureErrorProof for errors.Is(err, value).
func (c *checker) errorsIsProof(call *ast.CallExpr) proof {
	err, value, ok := errorsIsArgs(c.pass.TypesInfo, call)
	if !ok {
		return proofOf()
	}
	return c.featureErrorProof(err, value)
}

// mayTestFeatureError is mayProve's cheap test of a call: it is
// errors.Is(err, value) for a value some function's feature_errors name,
// so that a value kept from it (ok = errors.Is(err, unix.ENODEV)) may
// prove what that function's error does.
func (c *checker) mayTestFeatureError(call *ast.CallExpr) bool {
	_, value, ok := errorsIsArgs(c.pass.TypesInfo, call)
	if !ok {
		return false
	}
	key := symbolKey(c.pass.TypesInfo, value)
	for _, errs := range c.api.FeatureErrors {
		if _, ok := errs[key]; ok {
			return true
		}
	}
	return false
}

// symbolKey is "pkgpath.Name" of the package-level variable or constant
// e names, or "".
func symbolKey(info *types.Info, e ast.Expr) string {
	var obj types.Object
	switch t := ast.Unparen(e).(type) {
	case *ast.Ident:
		obj = info.Uses[t]
	case *ast.SelectorExpr:
		obj = info.Uses[t.Sel]
	}
	if obj == nil || obj.Pkg() == nil || obj.Parent() != obj.Pkg().Scope() {
		return ""
	}
	return obj.Pkg().Path() + "." + obj.Name()
}
