package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/flow"
)

// Try, then fall back: code may use a feature and handle its failure by
// doing the job another way (tcx failed: attach with classic tc; fentry
// failed: a kprobe). Such a use is not reported. The failure branch is the
// one where the use's error is non-nil, or errors.Is it one of the
// not-supported errors of the API map (ebpf.ErrNotSupported, unix.EINVAL,
// unix.E2BIG); it falls back unless it hands the error on (returning it,
// wrapped or not) or gives up (log.Fatal, panic).

// hasFallback reports whether the use at node is followed by a fallback,
// or is itself a probe: the body of a function literal handed to a
// feature-test constructor (cilium/ebpf's internal.NewFeatureTest) or set as
// the test of a feature-test struct, which uses the feature to find out
// whether the kernel has it, or a retry's last resort (lastresort.go).
func (c *checker) hasFallback(node ast.Node) bool {
	path := c.pathTo(node)
	if c.inProbeBody(path) || c.fallsBackHere(node) || c.triedByCallee(path) || c.lastResort(path) {
		return true
	}
	// A failure handed on from an unexported function reaches its callers:
	// if every one falls back, so does the use.
	for _, n := range path {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.FuncDecl:
			if fn, ok := c.pass.TypesInfo.Defs[n.Name].(*types.Func); ok {
				ctx := c.callerContextOf(fn)
				return ctx != nil && ctx.fallback
			}
			return false
		}
	}
	return false
}

// fallsBackHere reports whether the function around node falls back
// when the use at node fails: its error is tested, and no path from the
// test's failure edge hands the error on (returns it, wrapped or not),
// gives up (log.Fatal, panic, an error of its own), or drops it untested.
// A path ends well where it assigns the error again (the other way's
// own result) or returns without it.
func (c *checker) fallsBackHere(node ast.Node) bool {
	ff := c.flowAt(node.Pos())
	if ff == nil {
		return false
	}
	g := c.graph(ff)
	at, ok := g.Locate(node.Pos())
	if !ok {
		return false
	}
	stmt, ok := at.Node().(ast.Stmt)
	if !ok {
		return false
	}
	err := c.errorAssigned(stmt)
	if err == nil {
		return false
	}
	failed := failedError{v: err, absent: c.absentErrorsOf(stmt), result: c.nilOnFailure(ff, stmt)}
	handsOn := flow.Search(g, at, untested,
		func(n ast.Node, s failure) (failure, bool, bool) { return c.failureStep(ff, n, s, err) },
		func(b *cfg.Block, succ int, s failure) (failure, bool) {
			return c.failureBranch(ff, b, succ, s, failed)
		})
	return !handsOn
}

// failure is where a path from a use stands with the use's error.
type failure uint8

const (
	untested failure = iota // not tested yet: the error may still be dropped
	failing                 // on the failure edge of a test
	tried                   // failing, past a call or a decision that may be the other way's
)

// failureStep is what a node does on a path from the use: hand the error
// on (true, first result), end the path well (cut), or move it along.
func (c *checker) failureStep(ff *funcFlow, n ast.Node, s failure, err *types.Var) (next failure, handsOn, cut bool) {
	if e, ok := n.(ast.Expr); ok && (ff.conds[e] || isCase(ff, e)) {
		return s, false, false // branch reads it
	}
	switch n := n.(type) {
	case *ast.ReturnStmt:
		// A boolean result made of the error is a test of it that the
		// callers read (return !errors.Is(err, unix.EINVAL)): what a
		// probe returns, not the error handed on.
		tests := false
		for _, r := range n.Results {
			if c.mentions(r, err) {
				if !isBool(c.pass.TypesInfo.TypeOf(r)) {
					return s, true, false
				}
				tests = true
			}
		}
		if s == untested && !tests {
			return s, true, false // returned or dropped untested
		}
		if s == failing && len(n.Results) > 0 && c.isNewError(n.Results[len(n.Results)-1]) {
			return s, true, false // gave up with an error of its own
		}
		return s, false, true
	case *ast.ExprStmt:
		if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok && !c.mayReturn(call) {
			// log.Fatal, panic: no other way was taken, unless one
			// was tried first.
			return s, s != tried, true
		}
	}
	if c.defines(ff, n, err, "") {
		// The error is the other way's now; untested, the use's was
		// dropped.
		return s, s == untested, true
	}
	if s == untested && c.mentions(n, err) {
		return s, true, false // used some other way before any test
	}
	if s == failing && c.assignsError(n) {
		return tried, false, false
	}
	return s, false, false
}

func isCase(ff *funcFlow, e ast.Expr) bool {
	_, ok := ff.cases[e]
	return ok
}

// assignsError reports whether n assigns an error from a call: a path
// past it has tried another way, whose own failure it may give up on.
func (c *checker) assignsError(n ast.Node) bool {
	as, ok := n.(*ast.AssignStmt)
	if !ok || len(as.Rhs) == 0 {
		return false
	}
	if _, ok := ast.Unparen(as.Rhs[len(as.Rhs)-1]).(*ast.CallExpr); !ok {
		return false
	}
	errorType := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	for _, lhs := range as.Lhs {
		if id, ok := ast.Unparen(lhs).(*ast.Ident); ok {
			if v, ok := c.pass.TypesInfo.ObjectOf(id).(*types.Var); ok && types.Implements(v.Type(), errorType) {
				return true
			}
		}
	}
	return false
}

// failureBranch says which edges out of a conditional block a path from
// the use takes, the use having failed because the kernel lacks the
// feature: a test of the error decides, and puts the path on the
// failure side; a test it does not decide, both; anything else, both,
// unchanged.
func (c *checker) failureBranch(ff *funcFlow, b *cfg.Block, succ int, s failure, failed failedError) (failure, bool) {
	err := failed.v
	if len(b.Nodes) == 0 {
		return s, true // a range or select: either way
	}
	e, ok := b.Nodes[len(b.Nodes)-1].(ast.Expr)
	if ok && ff.conds[e] && failed.result != nil && !c.mentions(e, err) {
		// A test of the result the failure left nil is one of the
		// failure: `if l == nil { return fmt.Errorf(...) }` gives up.
		if t := c.whenNil(e, failed.result); t != either {
			if s == untested {
				s = failing
			}
			return s, (t == yes) == (succ == 0)
		}
	}
	if !ok || !c.mentions(e, err) {
		if s == failing {
			// A decision on something else: the path may be the
			// other way's, and an error it makes, the other way's
			// own (cilium's attachBTFID: raw tracepoints take no
			// cookie).
			return tried, true
		}
		return s, true
	}
	if tag, isCase := ff.cases[e]; isCase && tag != nil {
		e = &ast.BinaryExpr{X: tag, OpPos: e.Pos(), Op: token.EQL, Y: e}
	} else if !isCase && !ff.conds[e] {
		return s, true
	}
	if s == untested {
		s = failing
	}
	switch c.whenFailed(e, failed) {
	case yes:
		return s, succ == 0
	case no:
		return s, succ == 1
	}
	return s, true
}

// tri is a condition's value where the use failed: yes, no, or either.
type tri uint8

const (
	either tri = iota
	yes
	no
)

func (t tri) not() tri {
	switch t {
	case yes:
		return no
	case no:
		return yes
	}
	return either
}

// and is Kleene's conjunction: no if either is no, yes if both are yes.
func (t tri) and(u tri) tri {
	switch {
	case t == no || u == no:
		return no
	case t == yes && u == yes:
		return yes
	}
	return either
}

// or is Kleene's disjunction, by De Morgan.
func (t tri) or(u tri) tri { return t.not().and(u.not()).not() }

// failedError is the use's error variable, as a kernel without the
// feature leaves it: non-nil, and each of the API map's not-supported
// errors (ebpf.ErrNotSupported, unix.EINVAL, ...) and of the use's own
// absent errors (os.ErrNotExist, looking up a pin of a kind the kernel
// lacks) that the code tests for.
type failedError struct {
	v      *types.Var
	absent map[string]bool
	result *types.Var // the use's other result, nil where it failed (nilOnFailure)
}

// whenFailed evaluates a condition where the use failed for want of the
// feature: true of a test for one of its errors, other errors, either.
func (c *checker) whenFailed(e ast.Expr, failed failedError) tri {
	return c.whenError(e, failed, no, yes)
}

// whenError evaluates a condition on failed.v where a comparison with nil
// (or errno 0) is isNil and a test for one of its not-supported errors
// is unsupported.
func (c *checker) whenError(e ast.Expr, failed failedError, isNil, unsupported tri) tri {
	return c.errorCondition(e, failed.v,
		func(other ast.Expr) tri {
			switch {
			case c.isNil(other) || c.isZero(other):
				return isNil
			case c.isUnsupportedValue(other, failed.absent):
				return unsupported
			}
			return either
		},
		func(call *ast.CallExpr) tri {
			if c.isUnsupportedTest(call, failed) {
				return unsupported
			}
			return either
		})
}

// errorCondition evaluates a condition on the error err, in Kleene's
// logic, where equal says whether err == other holds and test what a
// call of err's is: each either when it cannot tell.
func (c *checker) errorCondition(e ast.Expr, err *types.Var, equal func(other ast.Expr) tri, test func(*ast.CallExpr) tri) tri {
	switch e := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			return c.errorCondition(e.X, err, equal, test).not()
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			return c.errorCondition(e.X, err, equal, test).and(c.errorCondition(e.Y, err, equal, test))
		case token.LOR:
			return c.errorCondition(e.X, err, equal, test).or(c.errorCondition(e.Y, err, equal, test))
		case token.EQL, token.NEQ:
			other := e.Y
			if c.isErr(e.Y, err) {
				other = e.X
			} else if !c.isErr(e.X, err) {
				return either
			}
			if e.Op == token.NEQ {
				return equal(other).not()
			}
			return equal(other)
		}
	case *ast.CallExpr:
		return test(e)
	}
	return either
}

// errorAssigned returns the error variable an assignment gives the result
// of the use to: `l, err := link.AttachTCX(...)`.
func (c *checker) errorAssigned(s ast.Stmt) *types.Var {
	as, ok := s.(*ast.AssignStmt)
	if !ok || len(as.Lhs) == 0 {
		return nil
	}
	id, ok := ast.Unparen(as.Lhs[len(as.Lhs)-1]).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := c.pass.TypesInfo.ObjectOf(id).(*types.Var)
	errorType := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	if !ok || !types.Implements(v.Type(), errorType) {
		return nil // an error, or an errno such as unix.Errno
	}
	return v
}

// isUnsupportedValue recognises ebpf.ErrNotSupported or unix.EINVAL, or
// one of the use's absent errors.
func (c *checker) isUnsupportedValue(e ast.Expr, absent map[string]bool) bool {
	key := symbolKey(c.pass.TypesInfo, e)
	return c.api.Unsupported[key] || absent[key]
}

// isZero recognises the 0 an errno is compared with.
func (c *checker) isZero(e ast.Expr) bool {
	tv, ok := c.pass.TypesInfo.Types[e]
	return ok && tv.Value != nil && isZeroConst(c.pass.TypesInfo, e)
}

// isUnsupportedTest recognises errors.Is(err, ebpf.ErrNotSupported).
func (c *checker) isUnsupportedTest(call *ast.CallExpr, failed failedError) bool {
	err, value, ok := errorsIsArgs(c.pass.TypesInfo, call)
	return ok && c.isErr(err, failed.v) && c.isUnsupportedValue(value, failed.absent)
}

// isNewError recognises an error made on the spot (the API map's
// error_makers: fmt.Errorf, errors.New) or named (ebpf.ErrNotSupported). A
// call to anything else may be the other way, returning its own result.
func (c *checker) isNewError(e ast.Expr) bool {
	if !c.isError(e) || c.isNil(e) {
		return false
	}
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident, *ast.SelectorExpr:
		_, isVar := c.pass.TypesInfo.ObjectOf(identOf(e)).(*types.Var)
		return isVar
	case *ast.CallExpr:
		fn, ok := typeutil.Callee(c.pass.TypesInfo, e).(*types.Func)
		return ok && c.api.ErrorMakers[c.key(fn)]
	}
	return false
}

// identOf is the identifier naming x or pkg.x; nil for anything else.
func identOf(e ast.Expr) *ast.Ident {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		return e.Sel
	case *ast.Ident:
		return e
	}
	return nil
}

func (c *checker) isErr(e ast.Expr, err *types.Var) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && c.pass.TypesInfo.Uses[id] == err
}

func (c *checker) mentions(n ast.Node, v *types.Var) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if id, ok := x.(*ast.Ident); ok && c.pass.TypesInfo.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

// inProbeBody reports whether path passes through a function literal that
// is a probe: an argument of a feature-test constructor, or a field value
// of a feature-test struct.
func (c *checker) inProbeBody(path []ast.Node) bool {
	if len(c.api.FeatureTests) == 0 && len(c.api.ProbeTypes) == 0 {
		return false
	}
	for i, n := range path {
		if _, ok := n.(*ast.FuncLit); !ok || i+1 >= len(path) {
			continue
		}
		switch p := path[i+1].(type) {
		case *ast.CallExpr:
			if fn, ok := typeutil.Callee(c.pass.TypesInfo, p).(*types.Func); ok {
				if _, ok := c.api.FeatureTests[c.key(fn)]; ok {
					return true
				}
			}
		case *ast.KeyValueExpr:
			if i+2 < len(path) {
				if lit, ok := path[i+2].(*ast.CompositeLit); ok {
					if named := namedStruct(c.pass.TypesInfo.TypeOf(lit)); named != nil && named.Obj().Pkg() != nil &&
						c.api.ProbeTypes[named.Obj().Pkg().Path()+"."+named.Obj().Name()] {
						return true
					}
				}
			}
		}
	}
	return false
}
