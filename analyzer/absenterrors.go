package analyzer

import (
	"go/ast"
	"go/constant"
	"go/types"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// Besides the unsupported errors, a call may fail in its own way where the
// kernel lacks what it needs: link.LoadPinnedLink finds no pin on a kernel
// without links, and says os.ErrNotExist (the API map's absent_errors).
// Code that takes that error as "nothing pinned yet" and goes on the older
// way falls back. A function that hands such an error on, as it is or
// wrapped with %w, passes it to its callers with its requirement (cilium's
// bpf.UpdateLink, documented to return os.ErrNotExist when there is no
// pin), so that a caller's test of it is a fallback too.

// absentErrorsOf is what the call whose error stmt assigns returns where
// the kernel lacks the call's features, besides the unsupported errors.
func (c *checker) absentErrorsOf(stmt ast.Stmt) map[string]bool {
	as, ok := stmt.(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 {
		return nil
	}
	call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
	if !ok {
		return nil
	}
	return c.absentErrorsOfCall(call)
}

func (c *checker) absentErrorsOfCall(call *ast.CallExpr) map[string]bool {
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok {
		return nil
	}
	if errs := c.api.AbsentErrors[c.key(fn)]; errs != nil {
		return errs
	}
	if fn.Pkg() == c.pass.Pkg {
		return nil // its callers here are checked through their context, not a fact
	}
	if req := c.requiresOf(fn); req != nil && len(req.Errors) > 0 {
		errs := make(map[string]bool, len(req.Errors))
		for _, e := range req.Errors {
			errs[e] = true
		}
		return errs
	}
	return nil
}

// absentErrorsHandedOn is the absent errors of the call named at the head
// of path that reach the callers of the function around it unchanged:
// every return that mentions the call's error returns it as it is, or
// wrapped with %w.
func (c *checker) absentErrorsHandedOn(path []ast.Node) []string {
	call := calledAt(path)
	if call == nil {
		return nil
	}
	absent := c.absentErrorsOfCall(call)
	if len(absent) == 0 {
		return nil
	}
	var fd *ast.FuncDecl
	var stmt ast.Stmt
	for _, n := range path {
		if s, ok := n.(ast.Stmt); ok && stmt == nil {
			stmt = s
		}
		if d, ok := n.(*ast.FuncDecl); ok {
			fd = d
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return nil
		}
	}
	if fd == nil || fd.Body == nil || stmt == nil {
		return nil
	}
	if ret, ok := stmt.(*ast.ReturnStmt); ok {
		if len(ret.Results) == 0 || ast.Unparen(ret.Results[len(ret.Results)-1]) != call {
			return nil
		}
	} else if err := c.errorAssigned(stmt); err == nil || !c.returnedIntact(fd.Body, err) {
		return nil
	}
	return slices.Sorted(maps.Keys(absent))
}

// calledAt is the call whose callee is named at the head of path.
func calledAt(path []ast.Node) *ast.CallExpr {
	for i := 1; i < len(path) && i <= 3; i++ {
		if call, ok := path[i].(*ast.CallExpr); ok {
			if ast.Unparen(call.Fun) == path[i-1] || callName(call) == path[0] {
				return call
			}
			return nil
		}
	}
	return nil
}

// returnedIntact reports whether every return in body that mentions err
// returns it as it is or wrapped with %w, so that errors.Is still sees it.
func (c *checker) returnedIntact(body *ast.BlockStmt, err *types.Var) bool {
	intact := true
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if c.mentions(r, err) && !c.isErr(r, err) && !c.wraps(r, err) {
					intact = false
				}
			}
		}
		return intact
	})
	return intact
}

// wraps recognises fmt.Errorf("...: %w", ..., err, ...).
func (c *checker) wraps(e ast.Expr, err *types.Var) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) < 2 {
		return false
	}
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.FullName() != "fmt.Errorf" {
		return false
	}
	tv := c.pass.TypesInfo.Types[call.Args[0]]
	if tv.Value == nil || tv.Value.Kind() != constant.String || !strings.Contains(constant.StringVal(tv.Value), "%w") {
		return false
	}
	return slices.ContainsFunc(call.Args[1:], func(a ast.Expr) bool { return c.isErr(a, err) })
}

// mergeAbsent is what a requirement's callers may take as the kernel
// lacking it, given one more use: the errors every use hands on.
func mergeAbsent(have []string, first bool, more []string) []string {
	if first {
		return more
	}
	return slices.DeleteFunc(have, func(e string) bool { return !slices.Contains(more, e) })
}
