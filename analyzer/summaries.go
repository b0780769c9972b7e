package analyzer

import (
	"cmp"
	"go/ast"
	"go/types"
	"slices"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// inferChecks infers what the results of the package's undeclared
// functions prove, callees first, to a fixpoint within each cycle of
// calls. A check speaks for every caller, so the questions are bare:
// what a function's callers pass it is not part of what its result
// proves (it holds at each call site anyway).
func (c *checker) inferChecks(inferable []*ast.FuncDecl) {
	decls := make(map[*types.Func]*ast.FuncDecl, len(inferable))
	for _, fd := range inferable {
		decls[c.pass.TypesInfo.Defs[fd.Name].(*types.Func)] = fd
	}
	c.bare++
	defer func() { c.bare-- }()
	c.calleesFirst(func(fn *types.Func) bool {
		fd := decls[fn]
		if fd == nil {
			return false
		}
		found := c.inferCheck(fn, fd)
		if found == nil {
			found = c.inferVersionCheck(fn, fd)
		}
		merged := mergeChecks(c.checks[fn], found)
		if merged == nil || c.checks[fn] != nil && sameCheck(merged, c.checks[fn]) {
			return false
		}
		c.checks[fn] = merged
		return true
	}, c.forgetFlowsOf)
}

// mergeChecks is what two inferences of a check prove together: a
// fixpoint's iterates only grow.
func mergeChecks(old, found *checkFact) *checkFact {
	switch {
	case old == nil:
		return found
	case found == nil, old.WhenFalse != found.WhenFalse:
		return old // a result proves on one side only: the first reading stands
	}
	out := &checkFact{
		Features:    union(old.Features, found.Features),
		Version:     old.Version,
		VersionArg:  old.VersionArg,
		FeatureArgs: union(old.FeatureArgs, found.FeatureArgs),
		WhenFalse:   old.WhenFalse,
	}
	if out.VersionArg < 0 {
		out.VersionArg = found.VersionArg
	}
	out.VersionArgs = old.VersionArgs
	if out.VersionArgs == nil {
		out.VersionArgs = found.VersionArgs
	}
	if found.Version != "" {
		older, _ := kernelspec.ParseVersion(out.Version)
		newer, err := kernelspec.ParseVersion(found.Version)
		if err == nil && older.Less(newer) {
			out.Version = found.Version
		}
	}
	return out
}

// union is the sorted set of a's and b's elements.
func union[T cmp.Ordered](a, b []T) []T {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

func sameCheck(a, b *checkFact) bool {
	return a.Version == b.Version && a.VersionArg == b.VersionArg && slices.Equal(a.VersionArgs, b.VersionArgs) && a.WhenFalse == b.WhenFalse &&
		slices.Equal(a.Features, b.Features) && slices.Equal(a.FeatureArgs, b.FeatureArgs)
}

// inferRequirements learns, with the other summaries known, what the
// package's functions require of their callers: the features an exported
// function uses unguarded, and the uses an exported function makes only
// when a boolean parameter is true. It runs the report paths over those
// functions with the sink dry, and again while a bool-parameter move it
// made changes what calls of that function need, so that nothing depends
// on which was walked first. Nothing here reports.
func (c *checker) inferRequirements(files []*ast.File) {
	mapped := c.api.Packages[c.pass.Pkg.Path()] // its API is in the map: nothing to infer
	var decls []*ast.FuncDecl
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if ok && (c.movesByBool(fn) || !mapped && c.mayRequire(fn)) {
				decls = append(decls, fd)
			}
		}
	}
	if len(decls) == 0 {
		return
	}
	c.sink.setDry(true)
	defer c.sink.setDry(false)
	for {
		added := c.paramsAdded
		c.inferred = map[types.Object]*requiresFact{}
		c.inferredClosures = map[types.Object]*requiresFact{}
		for _, fd := range decls {
			ast.Inspect(fd, c.visitor())
		}
		if c.paramsAdded == added {
			return
		}
		c.sink.setDry(true)
	}
}

// mayRequire reports whether a requirement can be inferred for fn
// (noteUnguarded): its callers in other packages can name it.
func (c *checker) mayRequire(fn *types.Func) bool {
	recv := fn.Signature().Recv()
	return fn.Exported() && (recv == nil || exportedType(recv.Type()))
}

// movesByBool reports whether fn could hand a use to its callers through
// a boolean parameter (byBoolParameter): exported, not a method, with a
// boolean parameter.
func (c *checker) movesByBool(fn *types.Func) bool {
	if !fn.Exported() || fn.Signature().Recv() != nil {
		return false
	}
	params := fn.Signature().Params()
	for i := range params.Len() {
		if isBool(params.At(i).Type()) {
			return true
		}
	}
	return false
}

// forwardArg passes a callee's requirement on an argument up to the
// function making the call, where the argument, or the field of a
// literal argument that the requirement is on, comes from that
// function's own parameter: f(o) and f(Opts{Extra: o.Extra}) alike, as
// checkParamRequirement reads them when reporting.
func (c *checker) forwardArg(call *ast.CallExpr, e paramEntry, callee *types.Func) {
	feats := c.featuresNamed(e.Features)
	arg := call.Args[e.Param]
	if c.forwardParam(arg, e, feats, shortFuncName(callee)) {
		return
	}
	if value := c.argumentField(arg, e.Path); value != nil && !isZeroConst(c.pass.TypesInfo, value) {
		c.byParameter(value, feats, e.via(shortFuncName(callee)))
	}
}
