package analyzer

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
)

// A function may test a bare parameter before it selects a feature with
// it (if replaceFd > 0 { attr.replace_bpf_fd = uint32(replaceFd) }): the
// argument is then optional, and what each caller passes decides. The
// test is kept with the parameter's requirement (params.go) and with what
// the function writes into attrs (attrargs.go), and read at the calls.

// paramTest is a test a function makes of a bare parameter before it
// selects a feature with it (if replaceFd > 0 { attr.replace_bpf_fd =
// replaceFd }): an argument failing it selects nothing. The zero value is
// no test.
type paramTest struct {
	Op    token.Token // a comparison: the parameter Op Bound
	Bound int64
}

func (t paramTest) set() bool { return t.Op != token.ILLEGAL }

func (t paramTest) String() string { return fmt.Sprintf("%s %d", t.Op, t.Bound) }

// holds reports whether a constant argument passes the test.
func (t paramTest) holds(v constant.Value) bool {
	return !t.set() || constant.Compare(constant.ToInt(v), t.Op, constant.MakeInt64(t.Bound))
}

// paramTestAround returns the test of fn's parameter param that an if
// around e makes, the parameter on one side and an integer constant on
// the other: where e is evaluated only if the argument passes it.
func (c *checker) paramTestAround(e ast.Node, fn *types.Func, param int) (paramTest, bool) {
	v := fn.Signature().Params().At(param)
	path := c.pathTo(e)
	for i := 1; i < len(path); i++ {
		switch n := path[i].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return paramTest{}, false
		case *ast.IfStmt:
			if path[i-1] != n.Body || c.assignsVar(n.Body, v) {
				continue
			}
			for _, x := range conjuncts(n.Cond) {
				if t, ok := c.comparisonOf(x, v); ok {
					return t, true
				}
			}
		}
	}
	return paramTest{}, false
}

// comparisonOf reads x as a comparison of v with an integer constant.
func (c *checker) comparisonOf(x ast.Expr, v *types.Var) (paramTest, bool) {
	b, ok := ast.Unparen(x).(*ast.BinaryExpr)
	if !ok {
		return paramTest{}, false
	}
	op, operand, bound := b.Op, b.X, b.Y
	if !c.isVarRead(operand, v) {
		op, operand, bound = mirror(b.Op), b.Y, b.X
	}
	switch op {
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
	default:
		return paramTest{}, false
	}
	tv := c.pass.TypesInfo.Types[bound]
	if !c.isVarRead(operand, v) || tv.Value == nil {
		return paramTest{}, false
	}
	n, exact := constant.Int64Val(constant.ToInt(tv.Value))
	if !exact {
		return paramTest{}, false
	}
	return paramTest{Op: op, Bound: n}, true
}

// isVarRead reports whether e reads v, through conversions.
func (c *checker) isVarRead(e ast.Expr, v *types.Var) bool {
	id, ok := stripConversions(c.pass.TypesInfo, e).(*ast.Ident)
	return ok && c.pass.TypesInfo.Uses[id] == v
}

// passingTest reports whether an argument can pass the callee's test of
// it, and what holds wherever it does: a constant passes or fails; a
// variable passes along the assignments that reach the call with a value
// that can, each with what held where it was assigned (replaceFd := -1;
// if useReplace { replaceFd = old[0] }: only the guarded one).
func (c *checker) passingTest(value ast.Expr, t paramTest) (given proof, selects bool) {
	given, _, selects = c.valuesPassing(value, func(val ast.Expr) bool { return c.failsTest(val, t) })
	return given, selects
}

// valuesPassing follows value, or the local variable it reads, to the
// values that reach it: given is what holds on the paths whose value does
// not fail, always whether none fails (a parameter's might), some whether
// one does not.
func (c *checker) valuesPassing(value ast.Expr, fails func(ast.Expr) bool) (given proof, always, some bool) {
	if fails(value) {
		return proofOf(), false, false
	}
	id, v := c.readVar(stripConversions(c.pass.TypesInfo, value))
	if v == nil {
		return proofOf(), true, true
	}
	always = true
	given, handled := c.throughValues(id, v, "",
		func(ast.Expr) proof { some = true; return proofOf() },
		func(val ast.Expr) bool {
			if fails(val) {
				always = false
				return true
			}
			return false
		},
		func() proof { some, always = true, false; return proofOf() })
	if !handled {
		return proofOf(), true, true
	}
	return given, always, some
}

// failsTest reports whether a value is a constant (or the zero value a
// declaration gives) that fails the test.
func (c *checker) failsTest(val ast.Expr, t paramTest) bool {
	if !t.set() {
		return false
	}
	if val == zeroValue {
		return !t.holds(constant.MakeInt64(0))
	}
	tv := c.pass.TypesInfo.Types[val]
	return tv.Value != nil && tv.Value.Kind() == constant.Int && !t.holds(tv.Value)
}
