package analyzer

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// A factory returns closures that use features: the closure, not the
// factory, is what needs them, so the requirement is checked where a
// closure is called (attach := lib.NewAttacher(prog); ... attach()), with
// what holds there; a caller that probes first guards it. The closures of
// a factory that declares //bpfcompat:requires are covered by it: a
// literal's body holds what held where it was made (flow.go), and the
// factory's body holds its requirement.

// checkClosureCall checks a call of a closure a function of another
// package returned: f(x)(), or a variable given f(x)'s result once.
func (c *checker) checkClosureCall(call *ast.CallExpr) {
	factory, ok := ast.Unparen(call.Fun).(*ast.CallExpr)
	if !ok {
		_, v := c.readVar(call.Fun)
		if v == nil {
			return
		}
		factory, ok = ast.Unparen(c.singleValue(v)).(*ast.CallExpr)
		if !ok {
			return
		}
	}
	fn, ok := typeutil.Callee(c.pass.TypesInfo, factory).(*types.Func)
	if !ok || fn.Pkg() == c.pass.Pkg {
		return
	}
	if req := c.requiresOf(fn); req != nil && req.Closures != nil {
		c.checkRequirementAs(call, "a closure of "+shortFuncName(fn), req.Closures)
	}
}
