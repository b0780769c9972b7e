package analyzer

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// featureErrorAssumes is what a path taken when the error errExpr is
// value (errors.Is(err, unix.EEXIST); cilium/ebpf wraps errnos, so ==
// is not the test) assumes: the
// features of the call that gave err its value, where the API map's
// feature_errors say only a kernel with them returns that error
// (link.AttachTCX returns ErrNotSupported on a kernel without tcx, and
// EEXIST only on one with it). Each assignment reaching the test must
// be such a call.
func (c *checker) featureErrorAssumes(errExpr, value ast.Expr) proof {
	if len(c.api.FeatureErrors) == 0 {
		return proofOf()
	}
	key := symbolKey(c.pass.TypesInfo, value)
	id, ok := ast.Unparen(errExpr).(*ast.Ident)
	if key == "" || !ok {
		return proofOf()
	}
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok {
		return proofOf()
	}
	p, _ := c.throughValues(id, v, "",
		func(val ast.Expr) proof {
			call, ok := ast.Unparen(val).(*ast.CallExpr)
			if !ok {
				return proofOf()
			}
			fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
			if !ok {
				return proofOf()
			}
			return assuming(c.api.FeatureErrors[c.key(fn)][key]...)
		},
		func(val ast.Expr) bool { return val == zeroValue || c.isNil(val) }, // no error: never equal
		func() proof { return proofOf() })
	return p
}

// errorsIsAssumes is featureErrorAssumes for errors.Is(err, value).
func (c *checker) errorsIsAssumes(call *ast.CallExpr) proof {
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.FullName() != "errors.Is" || len(call.Args) != 2 {
		return proofOf()
	}
	return c.featureErrorAssumes(call.Args[0], call.Args[1])
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
