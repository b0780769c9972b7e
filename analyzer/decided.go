package analyzer

import (
	"go/ast"
	"go/types"
	"slices"

	"golang.org/x/tools/go/cfg"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/flow"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// Where an unguarded use is decided. An exported function that uses a
// feature without a guard passes the requirement to its callers as a fact
// (requires.go), and a call that its caller does not guard is reported.
// The use is reported once, where it is decided:
//
//   - At the callers, when the function hands the use's failure to them:
//     every path from the failure returns an error (its own, or one made
//     for it). A caller then tests that error or probes first, and each
//     call is checked for the requirement, in importers through the fact.
//     A memoized check (HaveTCX = sync.OnceValue(func() error { ...
//     link.AttachTCX ... })) is a probe: its callers test it, and it
//     passes on no requirement either. (A function that tries a feature
//     and returns the error is inferred to be a check too, but may as well
//     be the worker its callers rely on: it passes its requirement on.)
//     Callers in the function's own package are not checked for an
//     inferred requirement, so each of them must decide: guard the call,
//     fall back when it fails, or call a check.
//   - In the body otherwise: the function drops the failure or gives up
//     on it (log.Fatal), so that no caller can do anything but not call
//     it; it is used as a value, its callers out of sight; or a caller in
//     its package neither guards nor tests the call. The requirement still
//     passes to importers.
//
// The use belongs to the function whose body it is in, through function
// literals that run as part of it: a callback whose error the function
// returns as the call's (return ns.Do(func() error { ... }): the
// convention of netns.Do and retry helpers, which return what their
// function returned), the function a memoized package variable wraps, and
// a closure the function returns, whose callers in importers are checked
// where they call it.

// useOwner is the exported function (or memoized variable) whose callers
// decide a use.
type useOwner struct {
	obj  types.Object // *types.Func, or the *types.Var of a memoized function
	decl *ast.FuncDecl
	// closure is set when the use is in a function literal obj returns:
	// its callers are the closure's.
	closure bool
}

// ownerOf finds who a use at the end of path belongs to; ok is false
// when it is in a function literal that runs some other way.
func (c *checker) ownerOf(path []ast.Node) (o useOwner, ok bool) {
	for i, n := range path {
		switch n := n.(type) {
		case *ast.FuncDecl:
			fn, ok := c.pass.TypesInfo.Defs[n.Name].(*types.Func)
			o.obj, o.decl = fn, n
			return o, ok
		case *ast.FuncLit:
			if i+2 >= len(path) {
				return o, false
			}
			switch p := path[i+1].(type) {
			case *ast.ReturnStmt: // return func() { ... }
				if o.closure {
					return o, false // a closure's closures: out of sight
				}
				o.closure = true
			case *ast.CallExpr:
				if ret, ok := path[i+2].(*ast.ReturnStmt); ok && ast.Unparen(p.Fun) != n && !o.closure &&
					len(ret.Results) > 0 && ret.Results[len(ret.Results)-1] == p {
					continue // return ns.Do(func() error { ... })
				}
				spec, ok := path[i+2].(*ast.ValueSpec)
				if !ok || o.closure {
					return o, false
				}
				for _, id := range spec.Names {
					if v, ok := c.pass.TypesInfo.Defs[id].(*types.Var); ok && c.memoizedBody(v) == n {
						o.obj = v
						return o, true
					}
				}
				return o, false
			default:
				return o, false
			}
		}
	}
	return o, false
}

// decidedByCallers reports whether the unguarded use u, missing worst,
// is its callers' to decide (the rule above), and not the body's to
// report.
func (c *checker) decidedByCallers(u use, worst *kernelspec.Feature) bool {
	path := c.pathTo(u.node)
	o, ok := c.ownerOf(path)
	if !ok {
		return false
	}
	// A memoized check is a probe: its callers test it, exported or not.
	fn, isFunc := o.obj.(*types.Func)
	check := !isFunc && c.varCheckOf(o.obj.(*types.Var)) != nil
	if !check && !o.obj.Exported() {
		return false
	}
	if !check {
		// The requirement must pass on, for the callers to be checked.
		req := c.inferred[o.obj]
		if o.closure {
			req = c.inferredClosures[o.obj]
		}
		if !isFunc || req == nil || !slices.Contains(req.Features, worst.Name) {
			return false
		}
	}
	if !c.handsFailureOn(u) {
		return false
	}
	if !isFunc {
		return true // a memoized variable's calls are checks
	}
	calls, known := c.callSites()[fn]
	switch {
	case known && calls == nil:
		return false // used as a value: callers out of sight
	case o.closure:
		return len(calls) == 0 // where the closures are called is out of sight here
	}
	for _, call := range calls {
		if !c.hasFallback(callName(call)) && c.stillMissing(u, c.proven(call)) {
			return false
		}
	}
	return true
}

// handsFailureOn reports whether the function holding the use at u hands
// the use's failure to its callers: the use is in a statement that
// returns its call's error, or assigns it to a variable that every path
// from its failure returns (wrapped or not) or replaces with an error of
// the function's own.
func (c *checker) handsFailureOn(u use) bool {
	ff := c.flowAt(u.node.Pos())
	if ff == nil || !returnsError(c.pass.TypesInfo, ff.node) {
		return false
	}
	g := c.graph(ff)
	at, ok := g.Locate(u.node.Pos())
	if !ok {
		return false
	}
	switch stmt := at.Node().(type) {
	case *ast.ReturnStmt:
		// return link.AttachTCX(...), or return l, f(..., use, ...)
		if len(stmt.Results) == 0 {
			return false
		}
		last := stmt.Results[len(stmt.Results)-1]
		_, isCall := ast.Unparen(last).(*ast.CallExpr)
		return isCall && last.Pos() <= u.node.Pos() && u.node.End() <= last.End()
	case *ast.AssignStmt:
		err := c.errorAssigned(stmt)
		if err == nil || len(stmt.Rhs) == 0 || u.node.Pos() < stmt.Rhs[0].Pos() {
			return false
		}
		missing := c.missingAt(u)
		notHanded := flow.Search(g, at, untested,
			func(n ast.Node, s failure) (failure, bool, bool) { return c.handOnStep(ff, n, s, err) },
			func(b *cfg.Block, succ int, s failure) (failure, bool) {
				if c.takenOnlyWith(ff, b, succ, missing) {
					// Only a kernel with the feature goes there, first
					// test of the error or not (HaveNetkit's nil on ENODEV).
					return s, false
				}
				return c.failureBranch(ff, b, succ, s, failedError{v: err, absent: c.absentErrorsOf(stmt)})
			})
		return !notHanded
	}
	return false
}

// handOnStep is what a node does on a path from a failed use: a return
// of the error (or of an error of the function's own) ends the path
// well; any other return, a call that never returns, or a new value
// for the error, is a path where the callers are not told.
func (c *checker) handOnStep(ff *funcFlow, n ast.Node, s failure, err *types.Var) (next failure, notHanded, cut bool) {
	if e, ok := n.(ast.Expr); ok && (ff.conds[e] || isCase(ff, e)) {
		return s, false, false // branch reads it
	}
	switch n := n.(type) {
	case *ast.ReturnStmt:
		if len(n.Results) == 0 {
			return s, true, false // named results: out of sight
		}
		last := n.Results[len(n.Results)-1]
		if c.mentions(last, err) || s != untested && c.isNewError(last) {
			return s, false, true
		}
		return s, true, false
	case *ast.ExprStmt:
		if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok && !c.mayReturn(call) {
			return s, true, false
		}
	}
	if c.defines(ff, n, err, "") {
		return s, true, false
	}
	return s, false, false
}

// takenOnlyWith reports whether the edge out of b is taken only on a
// kernel with one of the features missing: its condition proves or
// assumes it (errors.Is(err, unix.EEXIST) after link.AttachTCX).
func (c *checker) takenOnlyWith(ff *funcFlow, b *cfg.Block, succ int, missing []*kernelspec.Feature) bool {
	if len(b.Succs) != 2 || len(b.Nodes) == 0 || len(missing) == 0 {
		return false
	}
	p := c.condProof(ff, b.Nodes[len(b.Nodes)-1], succ == 0)
	for _, f := range missing {
		if c.provenHas(p, f) || p.assumed[f] {
			return true
		}
	}
	return false
}

// missingAt is what the use selects beyond the oldest release.
func (c *checker) missingAt(u use) []*kernelspec.Feature {
	var out []*kernelspec.Feature
	for _, f := range u.features {
		if f.Since() != c.db.Oldest() {
			out = append(out, f)
		}
	}
	return out
}

// returnsError reports whether the function fn (a declaration or a
// literal) has an error as its last result.
func returnsError(info *types.Info, fn ast.Node) bool {
	var sig *types.Signature
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		if obj, ok := info.Defs[fn.Name].(*types.Func); ok {
			sig = obj.Signature()
		}
	case *ast.FuncLit:
		sig, _ = info.TypeOf(fn).(*types.Signature)
	}
	if sig == nil || sig.Results().Len() == 0 {
		return false
	}
	return isErrorType(sig.Results().At(sig.Results().Len() - 1).Type())
}

// callbackResult is what a nil error from call proves when call is
// handed one function literal returning an error: by the convention
// above (netns.Do), the call returns what the literal returned.
func (c *checker) callbackResult(call *ast.CallExpr) proof {
	var lit *ast.FuncLit
	for _, a := range call.Args {
		if l, ok := ast.Unparen(a).(*ast.FuncLit); ok {
			if lit != nil {
				return proofOf() // which one's error?
			}
			lit = l
		}
	}
	if lit == nil || !isErrorType(c.pass.TypesInfo.TypeOf(call)) {
		return proofOf()
	}
	res := c.pass.TypesInfo.TypeOf(lit).(*types.Signature).Results()
	if res.Len() != 1 || !isErrorType(res.At(0).Type()) {
		return proofOf()
	}
	if fact := c.inferBodyCheck(nil, res, lit.Body); fact != nil {
		return c.factProof(fact)
	}
	return proofOf()
}
