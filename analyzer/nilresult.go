package analyzer

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// A failed use leaves its other result nil, not only its error: a library
// call returning (T, error), T a pointer, interface, slice, map, func or
// chan, returns T's zero value with a non-nil error (Go's convention, and
// cilium/ebpf's throughout). So `if l == nil { return fmt.Errorf(...) }`
// after `l, err = link.AttachXDP(...)` tests the failure as surely as
// `if err != nil` would: the code that gives up there (gVisor's XDP
// loader, after a loop trying each attach mode) hands the failure on.

// nilOnFailure returns the variable the use at stmt assigns its first
// result to, when the failure path knows it is nil: the call is one of a
// mapped library's, its first result nilable, and no other statement of
// the function (or a literal in it, or a pointer) assigns the variable, so
// no path from the use sees another value before the use runs again. A
// `var x T` without a value declares it nil and is no other value.
func (c *checker) nilOnFailure(ff *funcFlow, stmt ast.Stmt) *types.Var {
	as, ok := stmt.(*ast.AssignStmt)
	if !ok || len(as.Lhs) < 2 || len(as.Rhs) != 1 {
		return nil
	}
	call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
	if !ok {
		return nil
	}
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() == nil || !c.api.Packages[fn.Pkg().Path()] {
		return nil
	}
	id, ok := ast.Unparen(as.Lhs[0]).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := c.pass.TypesInfo.ObjectOf(id).(*types.Var)
	if !ok || !isNilable(v.Type()) || ff.unstable[v] || v.Pos() < ff.node.Pos() || ff.node.End() <= v.Pos() {
		return nil
	}
	alone := true
	ast.Inspect(ff.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			if len(n.Values) == 0 {
				return false
			}
		case *ast.AssignStmt:
			if n == as {
				return true
			}
		}
		if c.defines(ff, n, v, "") {
			alone = false
		}
		return alone
	})
	if !alone {
		return nil
	}
	return v
}

// isNilable reports whether nil is a value of t that a failed call returns.
func isNilable(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Pointer, *types.Interface, *types.Slice, *types.Map, *types.Signature, *types.Chan:
		return true
	}
	return false
}
