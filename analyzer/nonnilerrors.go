package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/cfg"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/flow"
)

// A check's return of an error variable says nothing about the kernel
// where the variable cannot be nil there: that return never yields nil,
// so it needs to prove nothing. Whether it can be nil is a question of
// control flow, answered on the function's graph like the guards are, so
// that every spelling of the test counts: `if err != nil { return err }`,
// its else branch (`if err == nil { ... } else { return err }`), a switch
// with or without a tag (`case err != nil:`, `switch err { case nil: ...
// default: return err }`), an if with an init, a negation, a conjunct,
// and an assignment of an error that is never nil in between.

// testedNonNil reports whether the error variable r cannot be nil at ret,
// a return in body: on every path to ret, what last happened to the
// variable is a branch taken only where it is not nil, or an assignment
// of an error that is never nil (the API map's never_nil error makers).
func (c *checker) testedNonNil(body *ast.BlockStmt, ret *ast.ReturnStmt, r ast.Expr) bool {
	_, v := c.readVar(r)
	if v == nil {
		return false
	}
	ff := c.flowAt(ret.Pos())
	if ff == nil || ff.body != body {
		return false
	}
	g := c.graph(ff)
	if ff.unstable[v] {
		return false // assigned out of sight: by a function literal, or through its address
	}
	at, ok := g.Locate(ret.Pos())
	if !ok {
		return false
	}
	// A must-analysis over one bit, "v is not nil": false where the
	// function starts, and where paths meet only if it is on all of them.
	and := func(a, b bool) bool { return a && b }
	same := func(a, b bool) bool { return a == b }
	in, reached := flow.Forward(g, false, and, same, func(b *cfg.Block, succ int, nonNil bool) bool {
		nonNil = c.nonNilAfter(ff, b.Nodes, v, nonNil)
		if len(b.Succs) != 2 || len(b.Nodes) == 0 {
			return nonNil
		}
		if tested, known := c.branchNilness(ff, b.Nodes[len(b.Nodes)-1], v, succ == 0); known {
			return tested
		}
		return nonNil
	})
	return reached[at.Block.Index] && c.nonNilAfter(ff, at.Block.Nodes[:at.Index], v, in[at.Block.Index])
}

// nonNilAfter is whether v is not nil after nodes, when nonNil says
// whether it was before them: an assignment to v decides it anew.
func (c *checker) nonNilAfter(ff *funcFlow, nodes []ast.Node, v *types.Var, nonNil bool) bool {
	for _, n := range nodes {
		if c.defines(ff, n, v, "") {
			val := c.valueOf(n, v, "")
			nonNil = val != nil && val != zeroValue && c.isAlwaysError(val)
		}
	}
	return nonNil
}

// branchNilness says whether v is not nil on the branch of the condition
// n that is taken when n is truth; known is false when the branch says
// nothing of it. n is an if's or a for's condition, or a case of a switch
// (with a tag, the tag equal to the case's value).
func (c *checker) branchNilness(ff *funcFlow, n ast.Node, v *types.Var, truth bool) (nonNil, known bool) {
	e, ok := n.(ast.Expr)
	if !ok {
		return false, false
	}
	if tag, isCase := ff.cases[e]; isCase {
		if tag == nil {
			return c.condNilness(e, v, truth)
		}
		if c.isTarget(tag, v, "") && c.isNil(e) {
			return !truth, true // switch v { case nil: ... }
		}
		return false, false
	}
	if ff.conds[e] {
		return c.condNilness(e, v, truth)
	}
	return false, false
}

// condNilness says whether v is not nil where the boolean e is truth:
// v != nil, v == nil, through negations, the conjuncts of a true && and
// the disjuncts of a false ||.
func (c *checker) condNilness(e ast.Expr, v *types.Var, truth bool) (nonNil, known bool) {
	switch e := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			return c.condNilness(e.X, v, !truth)
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND, token.LOR:
			if truth != (e.Op == token.LAND) {
				return false, false // a false && or a true ||: either operand may be why
			}
			if nonNil, known := c.condNilness(e.X, v, truth); known {
				return nonNil, true
			}
			return c.condNilness(e.Y, v, truth)
		case token.EQL, token.NEQ:
			if c.isTarget(e.X, v, "") && c.isNil(e.Y) || c.isTarget(e.Y, v, "") && c.isNil(e.X) {
				return truth == (e.Op == token.NEQ), true
			}
		}
	}
	return false, false
}
