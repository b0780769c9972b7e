package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/cfg"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/flow"
)

// A probe or a worker. A function that tries a feature and whose result
// proves it (a check, inferred or declared) may be a probe, whose use of
// the feature only asks the kernel, or a worker, which does the job and
// translates the failure for its callers. Memoized checks are probes
// (decided.go); a bool made of the error is the probe's answer
// (fallback.go). Otherwise the result after success tells them apart: a
// worker returns nil (or true) once the feature call succeeded — the
// job is done — while a probe, on every path where the call succeeded,
// returns an error that is never nil (the API map's error_makers with
// never_nil: "unexpected success") or false. Its nil (or true) then comes
// only from a path its check proves, the feature error it tests
// (ProbeNetkit's nil on ENODEV), so no caller can take it for work done:
// the feature call is the probe, guarded by what the function checks,
// neither reported in the body nor passed on as a requirement.

// ownProbeProof is what the function around the use u checks, when u is
// its probe: the use assigns an error, and no path on which that error is
// nil returns a result that can be nil or true. Empty otherwise.
func (c *checker) ownProbeProof(u use) proof {
	ff := c.flowAt(u.node.Pos())
	if ff == nil {
		return proofOf()
	}
	fd, ok := ff.node.(*ast.FuncDecl)
	if !ok {
		return proofOf() // a literal's callers are out of sight, or memoized (decided.go)
	}
	fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
	if !ok {
		return proofOf()
	}
	fact := c.checkFactOf(fn)
	if fact == nil || fact.WhenFalse {
		return proofOf()
	}
	checked := c.factProof(fact)
	if checked.empty() || c.stillMissingUnder(u, checked) {
		return proofOf() // it checks something else than what u selects
	}
	g := c.graph(ff)
	at, ok := g.Locate(u.node.Pos())
	if !ok {
		return proofOf()
	}
	stmt, ok := at.Node().(*ast.AssignStmt)
	if !ok || len(stmt.Rhs) == 0 || u.node.Pos() < stmt.Rhs[0].Pos() {
		return proofOf()
	}
	err := c.errorAssigned(stmt)
	if err == nil {
		return proofOf()
	}
	res := fn.Signature().Results()
	works := flow.Search(g, at, succeeded,
		func(n ast.Node, s success) (success, bool, bool) { return c.successStep(ff, n, s, err, res) },
		func(b *cfg.Block, succ int, s success) (success, bool) { return c.successBranch(ff, b, succ, s, err) })
	if works {
		return proofOf()
	}
	return checked
}

// stillMissingUnder reports whether the use selects a feature beyond the
// oldest release that p neither proves nor implies.
func (c *checker) stillMissingUnder(u use, p proof) bool {
	for _, f := range c.missingAt(u) {
		if !c.provenHas(p, f) && !abiImplied(p, f) {
			return true
		}
	}
	return false
}

// success is where a path from a feature call stands with its error.
type success uint8

const (
	succeeded success = iota // the error is nil: the call did its job
	redefined                // the error holds something else now
)

// successStep is what a node does on a path from the call: a return
// whose result is never nil nor true ends the path well (cut), any other
// return is work done (found).
func (c *checker) successStep(ff *funcFlow, n ast.Node, s success, err *types.Var, res *types.Tuple) (next success, works, cut bool) {
	if e, ok := n.(ast.Expr); ok && (ff.conds[e] || isCase(ff, e)) {
		return s, false, false
	}
	switch n := n.(type) {
	case *ast.ReturnStmt:
		return s, !c.neverYes(n, res), true
	case *ast.ExprStmt:
		if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok && !c.mayReturn(call) {
			return s, false, true
		}
	}
	if c.defines(ff, n, err, "") {
		return redefined, false, false
	}
	return s, false, false
}

// neverYes reports whether a return's result can be neither nil nor true:
// its bool is false, or its error is made on the spot and never nil.
func (c *checker) neverYes(ret *ast.ReturnStmt, res *types.Tuple) bool {
	if len(ret.Results) != res.Len() || res.Len() == 0 {
		return false // named results: out of sight
	}
	first, last := ret.Results[0], ret.Results[len(ret.Results)-1]
	if isBool(res.At(0).Type()) && c.isConstBool(first, false) {
		return true
	}
	return isErrorType(res.At(res.Len()-1).Type()) && c.isAlwaysError(last)
}

// successBranch says which edges out of a conditional block a path where
// the error is nil takes: a test of the error decides; anything else, or
// a test of an error redefined since, takes both.
func (c *checker) successBranch(ff *funcFlow, b *cfg.Block, succ int, s success, err *types.Var) (success, bool) {
	if s != succeeded || len(b.Nodes) == 0 {
		return s, true
	}
	e, ok := b.Nodes[len(b.Nodes)-1].(ast.Expr)
	if !ok || !c.mentions(e, err) {
		return s, true
	}
	if tag, isCase := ff.cases[e]; isCase && tag != nil {
		e = &ast.BinaryExpr{X: tag, OpPos: e.Pos(), Op: token.EQL, Y: e}
	} else if !isCase && !ff.conds[e] {
		return s, true
	}
	switch c.whenNil(e, err) {
	case yes:
		return s, succ == 0
	case no:
		return s, succ == 1
	}
	return s, true
}

// whenNil evaluates a condition where err is nil: err == nil is true;
// err != nil, err == unix.ENODEV and errors.Is(err, unix.ENODEV) are
// false (a package-level error variable or constant names a non-nil
// error); anything else is either.
func (c *checker) whenNil(e ast.Expr, err *types.Var) tri {
	return c.errorCondition(e, err,
		func(other ast.Expr) tri {
			switch {
			case c.isNil(other) || c.isZero(other):
				return yes
			case c.isNamedError(other):
				return no
			}
			return either
		},
		func(call *ast.CallExpr) tri {
			if c.isErrorsIs(call, err) && c.isNamedError(call.Args[1]) {
				return no // errors.Is(nil, target) is target == nil
			}
			return either
		})
}

// isNamedError recognises a package-level error value: unix.ENODEV,
// ebpf.ErrNotSupported. (A variable could be nil; an error sentinel is
// made non-nil where it is declared, and the errnos are constants.)
func (c *checker) isNamedError(e ast.Expr) bool {
	return symbolKey(c.pass.TypesInfo, e) != "" && c.isError(e) && !c.isNil(e)
}

// isErrorsIs recognises errors.Is(err, target).
func (c *checker) isErrorsIs(call *ast.CallExpr, err *types.Var) bool {
	e, _, ok := errorsIsArgs(c.pass.TypesInfo, call)
	return ok && c.isErr(e, err)
}
