package flow

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// NoReturn infers which of a package's functions never return, as the
// ctrlflow pass does but inside the caller's pass (ctrlflow does not run
// on packages with type errors): a function none of whose paths reaches a
// return, given the calls known not to return (known: panic, os.Exit,
// log.Fatal, ...) and those inferred so far. A project's own die() counts.
//
// Only functions with no return statement of their own can qualify; each
// is looked at again when a function it calls is found not to return.
func NoReturn(info *types.Info, decls map[*types.Func]*ast.FuncDecl, known func(*types.Func) bool) map[*types.Func]bool {
	noReturn := map[*types.Func]bool{}
	mayReturn := func(call *ast.CallExpr) bool {
		switch fn := typeutil.Callee(info, call).(type) {
		case *types.Builtin:
			return fn.Name() != "panic"
		case *types.Func:
			fn = fn.Origin()
			return !known(fn) && !noReturn[fn]
		}
		return true
	}
	// callers[g] lists the candidates that call g as a statement.
	callers := map[*types.Func][]*types.Func{}
	var queue []*types.Func
	for fn, fd := range decls {
		if fd.Body == nil || hasReturn(fd.Body) {
			continue
		}
		direct := false
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ExprStmt:
				call, ok := ast.Unparen(n.X).(*ast.CallExpr)
				if !ok {
					break
				}
				if g, ok := typeutil.Callee(info, call).(*types.Func); ok && decls[g.Origin()] != nil {
					callers[g.Origin()] = append(callers[g.Origin()], fn)
				} else if !mayReturn(call) {
					direct = true
				}
			}
			return true
		})
		if direct {
			queue = append(queue, fn)
		}
	}
	queued := map[*types.Func]bool{}
	for _, fn := range queue {
		queued[fn] = true
	}
	for len(queue) > 0 {
		fn := queue[0]
		queue = queue[1:]
		queued[fn] = false
		if noReturn[fn] || !New(decls[fn].Body, mayReturn, nil).CFG.NoReturn() {
			continue
		}
		noReturn[fn] = true
		for _, caller := range callers[fn] {
			if !noReturn[caller] && !queued[caller] {
				queued[caller] = true
				queue = append(queue, caller)
			}
		}
	}
	return noReturn
}

// hasReturn reports whether body returns anywhere outside function literals.
func hasReturn(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			found = true
		}
		return !found
	})
	return found
}
