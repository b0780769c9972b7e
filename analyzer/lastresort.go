package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
)

// A retry may try the old ways first and a newer feature last:
//
//	for _, p := range []struct{ frags bool }{{frags: false}, {frags: true}} {
//		if p.frags {
//			spec.Flags |= unix.BPF_F_XDP_HAS_FRAGS
//		}
//		err := attach(spec)
//		if errors.Is(err, unix.EINVAL) {
//			continue // the next entry, only where this one failed
//		}
//		break
//	}
//
// The feature is selected by a field of the table's entries, false in the
// first, and a slice or array is ranged over in order; the loop reaches
// the next entry only where a test found a not-supported error of the API
// map (unix.EINVAL, ebpf.ErrNotSupported): it cannot fall off its body's
// end, and each continue to it is under such a test. On a kernel without
// the feature, a path that reaches it has failed without it already: it
// is the last resort, not what a working path needs, and is not reported.
//
// The same holds for a table walked by a range-over-func iterator: an
// unexported function returns the literal func(yield ...) bool whose
// loop over the table ends each entry with `if !yield(...) { return }`
// and skips no yield with a continue; every use of the function is the
// range expression of a loop whose body advances only on such a failure,
// which is when yield returns true.

// lastResort reports whether the use at the head of path is selected only
// by a later entry of a table that a retry reaches on failure.
func (c *checker) lastResort(path []ast.Node) bool {
	for i := 1; i+1 < len(path); i++ {
		ifs, ok := path[i].(*ast.IfStmt)
		if !ok || path[i-1] != ifs.Body {
			continue
		}
		rs := c.laterEntriesOnly(ifs.Cond, path[i+1:])
		if rs != nil && (c.advancesOnFailure(rs) || c.yieldsOnFailure(rs, path)) {
			return true
		}
	}
	return false
}

// laterEntriesOnly returns the loop in outer over an ordered table of
// literals whose element's boolean field cond is, false in the first
// entry: the condition does not hold for the first try.
func (c *checker) laterEntriesOnly(cond ast.Expr, outer []ast.Node) *ast.RangeStmt {
	sel, ok := ast.Unparen(cond).(*ast.SelectorExpr)
	if !ok || !isBool(c.pass.TypesInfo.TypeOf(sel)) {
		return nil
	}
	_, elem := c.readVar(sel.X)
	if elem == nil {
		return nil
	}
	if _, isStruct := elem.Type().Underlying().(*types.Struct); !isStruct {
		return nil // entries that are pointers may be changed through them
	}
	if s := c.pass.TypesInfo.Selections[sel]; s == nil || s.Kind() != types.FieldVal || len(s.Index()) != 1 {
		return nil // a promoted field is not a key of the entry's literal
	}
	for _, n := range outer {
		rs, ok := n.(*ast.RangeStmt)
		if !ok {
			continue
		}
		value, ok := rs.Value.(*ast.Ident)
		if !ok || rs.Tok != token.DEFINE || c.pass.TypesInfo.Defs[value] != elem {
			continue
		}
		lit := c.orderedTable(rs.X)
		if lit == nil || len(lit.Elts) == 0 || !c.onlyFieldsRead(rs.Body, elem) {
			return nil
		}
		first := fieldOfLiteral(lit.Elts[0], sel.Sel.Name)
		if first == zeroValue {
			return rs
		}
		if first == nil {
			return nil
		}
		if tv := c.pass.TypesInfo.Types[first]; tv.Value != nil && tv.Value.Kind() == constant.Bool && !constant.BoolVal(tv.Value) {
			return rs
		}
		return nil
	}
	return nil
}

// orderedTable returns the slice or array literal x is, directly or as a
// local variable given it once and read only as a range expression.
func (c *checker) orderedTable(x ast.Expr) *ast.CompositeLit {
	switch x := ast.Unparen(x).(type) {
	case *ast.CompositeLit:
		switch c.pass.TypesInfo.TypeOf(x).Underlying().(type) {
		case *types.Slice, *types.Array:
			for _, e := range x.Elts {
				if _, indexed := e.(*ast.KeyValueExpr); indexed {
					return nil // [...]T{2: a, 0: b}: not in writing order
				}
			}
			return x
		}
	case *ast.Ident:
		v, ok := c.pass.TypesInfo.Uses[x].(*types.Var)
		if !ok || v.Pkg() != c.pass.Pkg || v.Parent() == c.pass.Pkg.Scope() {
			return nil
		}
		fd := c.funcDeclAt(v.Pos())
		if fd == nil {
			return nil
		}
		var value ast.Expr
		ranged := map[*ast.Ident]bool{}
		uses := 0
		ast.Inspect(fd, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if len(n.Lhs) == len(n.Rhs) {
					for i, l := range n.Lhs {
						if id, ok := l.(*ast.Ident); ok && c.pass.TypesInfo.Defs[id] == v {
							value = n.Rhs[i]
						}
					}
				}
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if c.pass.TypesInfo.Defs[name] == v && i < len(n.Values) {
						value = n.Values[i]
					}
				}
			case *ast.RangeStmt:
				if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
					ranged[id] = true
				}
			case *ast.Ident:
				if c.pass.TypesInfo.Uses[n] == v {
					uses++
				}
			}
			return true
		})
		if value == nil {
			return nil
		}
		for id := range ranged {
			if c.pass.TypesInfo.Uses[id] == v {
				uses--
			}
		}
		if uses != 0 {
			return nil // written, appended to, or handed on
		}
		if lit, ok := ast.Unparen(value).(*ast.CompositeLit); ok {
			return c.orderedTable(lit)
		}
	}
	return nil
}

// onlyFieldsRead reports whether every use of elem in body reads a field
// of it: the element keeps the entry it was given.
func (c *checker) onlyFieldsRead(body *ast.BlockStmt, elem *types.Var) bool {
	ok := true
	var visit func(n ast.Node, lhs bool)
	visit = func(n ast.Node, lhs bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			if !ok {
				return false
			}
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					visit(l, true)
				}
				for _, r := range n.Rhs {
					visit(r, false)
				}
				return false
			case *ast.IncDecStmt:
				visit(n.X, true)
				return false
			case *ast.SelectorExpr:
				if id, isID := ast.Unparen(n.X).(*ast.Ident); isID && c.pass.TypesInfo.Uses[id] == elem {
					s := c.pass.TypesInfo.Selections[n]
					ok = !lhs && s != nil && s.Kind() == types.FieldVal
					return false
				}
			case *ast.Ident:
				if c.pass.TypesInfo.Uses[n] == elem {
					ok = false
				}
			}
			return true
		})
	}
	visit(body, false)
	return ok
}

// advancesOnFailure reports whether rs reaches its next entry only past a
// test that found a not-supported error: its body ends in a break or a
// return, and every continue to it is in the body of such a test.
func (c *checker) advancesOnFailure(rs *ast.RangeStmt) bool {
	if !stops(rs.Body) {
		return false
	}
	continues, ok := c.continuesTo(rs)
	if !ok {
		return false
	}
	for _, br := range continues {
		if !c.underFailureTest(c.pathTo(br), rs) {
			return false
		}
	}
	return true
}

// stops reports whether a body cannot complete: its last statement
// leaves the loop it is the body of.
func stops(body *ast.BlockStmt) bool {
	if len(body.List) == 0 {
		return false
	}
	switch last := body.List[len(body.List)-1].(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return last.Tok == token.BREAK && last.Label == nil
	}
	return false
}

// continuesTo returns the continue statements that go to rs's next
// entry; false where a goto may.
func (c *checker) continuesTo(rs *ast.RangeStmt) ([]*ast.BranchStmt, bool) {
	var label types.Object
	if path := c.pathTo(rs); len(path) > 1 {
		if ls, ok := path[1].(*ast.LabeledStmt); ok {
			label = c.pass.TypesInfo.Defs[ls.Label]
		}
	}
	var found []*ast.BranchStmt
	ok := true
	var walk func(n ast.Node, innermost bool)
	walk = func(n ast.Node, innermost bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt:
				walk(n.Body, false)
				return false
			case *ast.RangeStmt:
				walk(n.Body, false)
				return false
			case *ast.BranchStmt:
				switch {
				case n.Tok == token.GOTO:
					ok = false
				case n.Tok != token.CONTINUE:
				case n.Label == nil && innermost,
					n.Label != nil && label != nil && c.pass.TypesInfo.Uses[n.Label] == label:
					found = append(found, n)
				}
			}
			return true
		})
	}
	walk(rs.Body, true)
	return found, ok
}

// underFailureTest reports whether path, from a statement in rs, passes
// into the body of an if whose condition holds only for a not-supported
// error.
func (c *checker) underFailureTest(path []ast.Node, rs *ast.RangeStmt) bool {
	for i := 1; i < len(path) && path[i] != rs; i++ {
		if ifs, ok := path[i].(*ast.IfStmt); ok && path[i-1] == ifs.Body && c.onlyUnsupported(ifs.Cond) {
			return true
		}
	}
	return false
}

// onlyUnsupported reports whether cond is false for an error variable it
// tests, wherever that error is nil or other than the API map's
// not-supported errors: errors.Is(err, unix.EINVAL), err ==
// ebpf.ErrNotSupported.
func (c *checker) onlyUnsupported(cond ast.Expr) bool {
	var errs []*types.Var
	ast.Inspect(cond, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && c.isError(id) {
			if v, ok := c.pass.TypesInfo.Uses[id].(*types.Var); ok {
				errs = append(errs, v)
			}
		}
		return true
	})
	for _, v := range errs {
		// Where v is nil or another error, the condition is false.
		if c.whenError(cond, failedError{v: v}, either, no) == no {
			return true
		}
	}
	return false
}

// yieldsOnFailure reports whether rs is the loop of a range-over-func
// iterator that an unexported function returns, whose every entry ends
// in a yield that stops it on false, and whose every use is the range
// expression of a loop that advances only on failure.
func (c *checker) yieldsOnFailure(rs *ast.RangeStmt, path []ast.Node) bool {
	i := 0
	for i < len(path) && path[i] != rs {
		i++
	}
	var lit *ast.FuncLit
	for i++; i < len(path); i++ {
		if l, ok := path[i].(*ast.FuncLit); ok {
			lit = l
			break
		}
		if _, ok := path[i].(*ast.FuncDecl); ok {
			return false
		}
	}
	if lit == nil || i+1 >= len(path) || !c.yieldsEachEntry(rs, lit) {
		return false
	}
	if _, ok := path[i+1].(*ast.ReturnStmt); !ok {
		return false
	}
	var decl *ast.FuncDecl
	for _, n := range path[i+1:] {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if d, ok := n.(*ast.FuncDecl); ok {
			decl = d
			break
		}
	}
	if decl == nil || decl.Recv != nil || decl.Name.IsExported() {
		return false
	}
	fn := c.pass.TypesInfo.Defs[decl.Name]
	loops, uses := []*ast.RangeStmt{}, 0
	for _, f := range c.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.RangeStmt:
				if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok {
					if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok && c.pass.TypesInfo.Uses[id] == fn {
						loops = append(loops, n)
					}
				}
			case *ast.Ident:
				if c.pass.TypesInfo.Uses[n] == fn {
					uses++
				}
			}
			return true
		})
	}
	if len(loops) == 0 || len(loops) != uses {
		return false // a value of it may be ranged over otherwise
	}
	for _, l := range loops {
		if !c.advancesOnFailure(l) {
			return false
		}
	}
	return true
}

// yieldsEachEntry reports whether lit takes one parameter, a yield
// function, and rs, its loop, ends each entry with `if !yield(...) {
// return }` and skips it by no continue.
func (c *checker) yieldsEachEntry(rs *ast.RangeStmt, lit *ast.FuncLit) bool {
	params := lit.Type.Params.List
	if len(params) != 1 || len(params[0].Names) != 1 || len(rs.Body.List) == 0 {
		return false
	}
	yield := c.pass.TypesInfo.Defs[params[0].Names[0]]
	last, ok := rs.Body.List[len(rs.Body.List)-1].(*ast.IfStmt)
	if !ok || last.Init != nil || last.Else != nil || !stops(last.Body) {
		return false
	}
	not, ok := ast.Unparen(last.Cond).(*ast.UnaryExpr)
	if !ok || not.Op != token.NOT {
		return false
	}
	call, ok := ast.Unparen(not.X).(*ast.CallExpr)
	if !ok {
		return false
	}
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); !ok || yield == nil || c.pass.TypesInfo.Uses[id] != yield {
		return false
	}
	continues, ok := c.continuesTo(rs)
	return ok && len(continues) == 0
}
