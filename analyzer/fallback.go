package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/types/typeutil"
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
// whether the kernel has it.
func (c *checker) hasFallback(node ast.Node) bool {
	path, _ := astutil.PathEnclosingInterval(c.file, node.Pos(), node.End())
	if c.inProbeBody(path) || c.fallsBackHere(path) {
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

// fallsBackHere reports whether the function around path[0] falls back
// when the use fails.
func (c *checker) fallsBackHere(path []ast.Node) bool {
	for i, n := range path {
		switch n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return false
		}
		stmt, ok := n.(ast.Stmt)
		if !ok || i+1 >= len(path) {
			continue
		}
		errVar := c.errorAssigned(stmt)
		if errVar == nil {
			continue
		}
		if parent, ok := path[i+1].(*ast.IfStmt); ok { // if err := use(); err != nil { ... }
			return parent.Init == stmt && c.fallsBack(parent, errVar)
		}
		return c.checkedAfter(path[i:], errVar)
	}
	return false
}

// checkedAfter finds the first test of err after the statement path[0],
// in its list or, when the list ends first, after the statements that
// enclose it: `if unsafe { mm, err = m.unsafeMemory() } else { mm, err =
// m.Memory() }` is checked after the if.
func (c *checker) checkedAfter(path []ast.Node, err *types.Var) bool {
	for i := 0; i+1 < len(path); i++ {
		stmt, ok := path[i].(ast.Stmt)
		if !ok {
			continue
		}
		var list []ast.Stmt
		switch parent := path[i+1].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return false
		case *ast.BlockStmt:
			list = parent.List
		case *ast.CaseClause:
			list = parent.Body
		case *ast.CommClause:
			list = parent.Body
		default:
			continue
		}
		if found, ok := c.checkedLater(list, stmt, err); found {
			return ok
		}
		if c.mentions(stmt, err) && i > 0 {
			return false // the enclosing statement looks at the error itself
		}
	}
	return false
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

// checkedLater finds the first statement after s in list that looks at
// err; found is false if none does, and fallback says whether that one
// falls back.
func (c *checker) checkedLater(list []ast.Stmt, s ast.Stmt, err *types.Var) (found, fallback bool) {
	i := slices.Index(list, s)
	if i < 0 {
		return false, false
	}
	for j, x := range list[i+1:] {
		if !c.mentions(x, err) {
			continue
		}
		ifs, ok := x.(*ast.IfStmt)
		if !ok {
			return true, false // the error is used some other way first
		}
		if c.succeedsOut(ifs, err) {
			// if err == nil { break }: what follows is the failure path.
			return true, c.goesOn(list[i+1+j+1:], err)
		}
		return true, c.fallsBack(ifs, err)
	}
	return false, false
}

// succeedsOut recognises `if err == nil { ...; break }`: the success path
// leaves, and the statements after the if are the failure path.
func (c *checker) succeedsOut(ifs *ast.IfStmt, err *types.Var) bool {
	cond, ok := ast.Unparen(ifs.Cond).(*ast.BinaryExpr)
	if !ok || cond.Op != token.EQL || ifs.Else != nil || len(ifs.Body.List) == 0 {
		return false
	}
	if !(c.isErr(cond.X, err) && (c.isNil(cond.Y) || c.isZero(cond.Y)) || c.isErr(cond.Y, err) && (c.isNil(cond.X) || c.isZero(cond.X))) {
		return false
	}
	switch last := ifs.Body.List[len(ifs.Body.List)-1].(type) {
	case *ast.ReturnStmt, *ast.BranchStmt:
		return true
	default:
		return c.terminates(last)
	}
}

// goesOn reports whether a failure path, the statements after `if err ==
// nil { break }`, goes on another way for a not-supported error: past
// tests that hand on only other errors (`if !errors.Is(err, unix.EINVAL)
// { return err }`), it reaches a fallthrough or goto, or a test for a
// not-supported error whose branch falls back. Anything else (a test of
// another error, a return) keeps the use reported.
func (c *checker) goesOn(list []ast.Stmt, err *types.Var) bool {
	for _, x := range list {
		switch x := x.(type) {
		case *ast.IfStmt:
			if c.onlyOtherErrors(x.Cond, err) {
				continue
			}
			if call, ok := ast.Unparen(x.Cond).(*ast.CallExpr); ok && c.isUnsupportedTest(call, err) {
				return !c.handsOn(x.Body, err)
			}
			return false
		case *ast.BranchStmt:
			return x.Tok == token.FALLTHROUGH || x.Tok == token.GOTO
		default:
			return false
		}
	}
	return false
}

// anyUnsupported recognises a disjunction with a not-supported test in it.
func (c *checker) anyUnsupported(cond ast.Expr, err *types.Var) bool {
	switch e := ast.Unparen(cond).(type) {
	case *ast.BinaryExpr:
		return e.Op == token.LOR && (c.anyUnsupported(e.X, err) || c.anyUnsupported(e.Y, err))
	case *ast.CallExpr:
		return c.isUnsupportedTest(e, err)
	}
	return false
}

// onlyOtherErrors recognises a condition false for every not-supported
// error: `!errors.Is(err, ebpf.ErrNotSupported)`, alone or in a conjunction.
func (c *checker) onlyOtherErrors(cond ast.Expr, err *types.Var) bool {
	switch e := ast.Unparen(cond).(type) {
	case *ast.BinaryExpr:
		if e.Op == token.LAND {
			return c.onlyOtherErrors(e.X, err) || c.onlyOtherErrors(e.Y, err)
		}
	case *ast.UnaryExpr:
		if call, ok := ast.Unparen(e.X).(*ast.CallExpr); ok && e.Op == token.NOT {
			return c.isUnsupportedTest(call, err)
		}
	}
	return false
}

// fallsBack reports whether the failure branch of ifs handles err.
func (c *checker) fallsBack(ifs *ast.IfStmt, err *types.Var) bool {
	if c.onlyOtherErrors(ifs.Cond, err) {
		// err != nil && !errors.Is(err, ErrNotSupported): a not-supported
		// error passes the test and goes on.
		return true
	}
	if c.anyUnsupported(ifs.Cond, err) {
		// errors.Is(err, unix.EACCES) || errors.Is(err, unix.EINVAL)
		return !c.handsOn(ifs.Body, err)
	}
	var failure ast.Stmt
	switch cond := ast.Unparen(ifs.Cond).(type) {
	case *ast.BinaryExpr:
		if !c.isErr(cond.X, err) && !c.isErr(cond.Y, err) {
			return false
		}
		if c.isUnsupportedValue(cond.X) || c.isUnsupportedValue(cond.Y) {
			if cond.Op == token.EQL {
				failure = ifs.Body // errno == unix.EINVAL
			}
			break
		}
		if !c.isNil(cond.X) && !c.isNil(cond.Y) && !c.isZero(cond.X) && !c.isZero(cond.Y) {
			return false
		}
		switch cond.Op {
		case token.NEQ:
			failure = ifs.Body
		case token.EQL:
			failure = ifs.Else
		}
	case *ast.CallExpr:
		if !c.isUnsupportedTest(cond, err) {
			return false
		}
		failure = ifs.Body
	}
	if failure == nil {
		return false
	}
	return !c.handsOn(failure, err)
}

// isUnsupportedValue recognises ebpf.ErrNotSupported or unix.EINVAL.
func (c *checker) isUnsupportedValue(e ast.Expr) bool {
	var obj types.Object
	switch t := ast.Unparen(e).(type) {
	case *ast.Ident:
		obj = c.pass.TypesInfo.Uses[t]
	case *ast.SelectorExpr:
		obj = c.pass.TypesInfo.Uses[t.Sel]
	}
	return obj != nil && obj.Pkg() != nil && c.api.Unsupported[obj.Pkg().Path()+"."+obj.Name()]
}

// isZero recognises the 0 an errno is compared with.
func (c *checker) isZero(e ast.Expr) bool {
	tv, ok := c.pass.TypesInfo.Types[e]
	return ok && tv.Value != nil && isZeroConst(c.pass.TypesInfo, e)
}

// isUnsupportedTest recognises errors.Is(err, ebpf.ErrNotSupported).
func (c *checker) isUnsupportedTest(call *ast.CallExpr, err *types.Var) bool {
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.FullName() != "errors.Is" || len(call.Args) != 2 || !c.isErr(call.Args[0], err) {
		return false
	}
	return c.isUnsupportedValue(call.Args[1])
}

// handsOn reports whether a failure branch returns err (wrapped or not),
// or gives up without going on.
func (c *checker) handsOn(branch ast.Stmt, err *types.Var) bool {
	list := []ast.Stmt{branch}
	if b, ok := branch.(*ast.BlockStmt); ok {
		list = b.List
	}
	for _, s := range list {
		switch s := s.(type) {
		case *ast.IfStmt:
			if c.onlyOtherErrors(s.Cond, err) {
				continue // `if !errors.Is(err, ErrNotSupported) { return err }`: other errors only
			}
		case *ast.ReturnStmt:
			// Giving up with an error of its own, at the top of the branch;
			// a nested one may be the other way's own failure.
			if len(s.Results) > 0 && c.isNewError(s.Results[len(s.Results)-1]) {
				return true
			}
		case *ast.ExprStmt:
			if c.terminates(s) {
				return true // log.Fatal, panic: no other way was taken
			}
		}
		if c.assigns(s, err) {
			return false // err = other(): what follows is the other way's
		}
		if c.returnsErr(s, err) {
			return true
		}
	}
	return false
}

// returnsErr reports whether s returns err, wrapped or not.
func (c *checker) returnsErr(s ast.Stmt, err *types.Var) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				found = found || c.mentions(r, err)
			}
		}
		return !found
	})
	return found
}

// assigns reports whether s assigns v at its top level.
func (c *checker) assigns(s ast.Stmt, v *types.Var) bool {
	as, ok := s.(*ast.AssignStmt)
	if !ok {
		return false
	}
	for _, lhs := range as.Lhs {
		if id, ok := ast.Unparen(lhs).(*ast.Ident); ok && c.pass.TypesInfo.ObjectOf(id) == v {
			return true
		}
	}
	return false
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
