package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// Projects probe tables: a slice of helpers, for a slice of program
// types, in nested range loops that give up on the first failure
//
//	helpers := []asm.BuiltinFunc{asm.FnGetCurrentTaskBtf, asm.FnFindVma}
//	for _, pt := range progTypes {
//		for _, h := range helpers {
//			if err := features.HaveProgramHelper(pt, h); err != nil {
//				return false, err.Error()
//			}
//		}
//	}
//	return true, ""
//
// and the code after the loops has every entry of each table, the cross
// product of the two. This is the flow engine's question, not a pattern:
// the loop's element variable gets a stand-in (probeargs.go), which the
// probe proves where it succeeds, like a wrapper's parameter. Where every
// path of the body back to the loop's head proves it, the head holds it
// (a loop entered at least once meets no other edge there, flow.New), and
// the edge out of the head, taken when the table is exhausted, turns it
// into what every entry of the table names. A field of the element
// (ph.Helper, of a table of {program type, helper} entries) stands for
// what that field of every entry names. What does not prove every
// entry proves none by itself: a break or a return on the first success
// leaves the loop by another edge, a continue or an ignored failure comes
// back to the head without the stand-in, and a table that may be changed,
// or an element variable that is assigned, is no table of constants.

// tableLoop is a range loop over a table of constants whose element
// variable can stand for the entry it holds.
type tableLoop struct {
	rs *ast.RangeStmt
	// entries are what the table surely holds, for the element variable:
	// its literal's values (a map's keys for its key variable), not what
	// is appended to it on a condition.
	entries []ast.Expr
}

// tableLoopOf returns the loop whose element v is, if v is one: declared
// by a range statement over a table of constants and never assigned.
func (c *checker) tableLoopOf(v *types.Var) *tableLoop {
	pa := c.probeArgState()
	if tl, ok := pa.tables[v]; ok {
		return tl
	}
	tl := c.findTableLoop(v)
	pa.tables[v] = tl
	return tl
}

func (c *checker) findTableLoop(v *types.Var) *tableLoop {
	if v.Pkg() != c.pass.Pkg || v.IsField() {
		return nil
	}
	f := c.fileOf(v.Pos())
	if f == nil {
		return nil
	}
	path := pathIn(f, &ast.Ident{NamePos: v.Pos(), Name: v.Name()})
	if len(path) < 2 {
		return nil
	}
	rs, ok := path[1].(*ast.RangeStmt)
	if !ok || rs.Tok != token.DEFINE {
		return nil
	}
	if c.singleValue(v); c.assigned[v] != 0 || c.entryWritten(v) {
		return nil // assigned in the body, or its address taken: it may hold anything
	}
	lit, ok := c.constantTable(rs.X, 0)
	if !ok {
		return nil
	}
	var entries []ast.Expr
	_, isMap := c.pass.TypesInfo.TypeOf(lit).Underlying().(*types.Map)
	key := rs.Key != nil && path[0].Pos() == rs.Key.Pos()
	switch {
	case key && !isMap:
		return nil // an index
	case key && isMap:
		for _, e := range lit.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				entries = append(entries, kv.Key)
			}
		}
	default:
		for _, e := range lit.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				e = kv.Value
			}
			entries = append(entries, e)
		}
	}
	return &tableLoop{rs: rs, entries: entries}
}

// entryWritten reports whether a read of v is the start of a write to
// it or a field of it (ph.Helper = x, ph.Helper++), or of its address.
func (c *checker) entryWritten(v *types.Var) bool {
	for _, s := range c.probeArgState().sites[v] {
		var child ast.Node = s.id
		i := len(s.stack) - 1
		for ; i >= 0; i-- {
			switch p := s.stack[i].(type) {
			case *ast.SelectorExpr, *ast.IndexExpr, *ast.ParenExpr:
				child = p
				continue
			}
			break
		}
		if i < 0 {
			continue
		}
		switch p := s.stack[i].(type) {
		case *ast.AssignStmt:
			if slices.Contains(p.Lhs, child.(ast.Expr)) {
				return true
			}
		case *ast.IncDecStmt:
			if p.X == child {
				return true
			}
		case *ast.UnaryExpr:
			if p.Op == token.AND {
				return true
			}
		}
	}
	return false
}

// constantTable returns the literal a range loop's operand surely holds:
// the literal itself, or the one value of a variable that is otherwise
// only appended to, ranged over, and measured. Any other read may change
// it (an element assigned, the slice handed to a function).
func (c *checker) constantTable(x ast.Expr, depth int) (*ast.CompositeLit, bool) {
	switch x := ast.Unparen(x).(type) {
	case *ast.CompositeLit:
		switch c.pass.TypesInfo.TypeOf(x).Underlying().(type) {
		case *types.Slice, *types.Array, *types.Map:
			return x, true
		}
	case *ast.Ident:
		v, ok := c.pass.TypesInfo.Uses[x].(*types.Var)
		// Only a table that can hold features has its reads indexed.
		if !ok || depth > maxGuardDepth || v.Pkg() != c.pass.Pkg || v.Exported() && v.Parent() == c.pass.Pkg.Scope() ||
			!c.carriesFeature(v.Type(), 0) || !c.onlyRangedOver(v) {
			return nil, false
		}
		value := c.singleValue(v)
		if value == nil {
			value = c.grownFrom(v)
		}
		if value == nil {
			return nil, false
		}
		return c.constantTable(value, depth+1)
	}
	return nil, false
}

// onlyRangedOver reports whether every read of the table v ranges over
// it, measures it, or appends to it in place.
func (c *checker) onlyRangedOver(v *types.Var) bool {
	info := c.pass.TypesInfo
	for _, s := range c.probeArgState().sites[v] {
		if len(s.stack) == 0 {
			return false
		}
		switch p := s.stack[len(s.stack)-1].(type) {
		case *ast.RangeStmt:
			if p.X != s.id {
				return false
			}
		case *ast.CallExpr:
			b, ok := typeutil.Callee(info, p).(*types.Builtin)
			if !ok {
				return false
			}
			switch b.Name() {
			case "len", "cap":
			case "append":
				if len(p.Args) == 0 || p.Args[0] != s.id || c.selfAppend(p, s.stack[:len(s.stack)-1]) != v {
					return false
				}
			default:
				return false
			}
		case *ast.AssignStmt:
			if appendedTo(info, p) != v || p.Lhs[0] != s.id {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// grownFrom is the one value a table of features that only grows is
// given besides what is appended to it, or nil: it holds at least that
// value's entries.
func (c *checker) grownFrom(v *types.Var) ast.Expr {
	if !c.carriesFeature(v.Type(), 0) {
		return nil
	}
	pa := c.probeArgState()
	if !c.growsOnly(v) {
		return nil
	}
	info := c.pass.TypesInfo
	for _, w := range pa.writes[v] {
		switch w := w.(type) {
		case *ast.AssignStmt:
			if appendedTo(info, w) == v {
				continue
			}
			for i, lhs := range w.Lhs {
				if id, ok := ast.Unparen(lhs).(*ast.Ident); ok && info.ObjectOf(id) == v && len(w.Rhs) == len(w.Lhs) {
					return w.Rhs[i]
				}
			}
		case *ast.ValueSpec:
			for i, id := range w.Names {
				if info.Defs[id] == v && len(w.Values) == len(w.Names) {
					return w.Values[i]
				}
			}
		}
	}
	return nil
}

// entryField is a field of a table loop's element variable.
type entryField struct {
	v     *types.Var
	field string
}

// tableEntryStandIn returns the stand-in for what e names if e is a table
// loop's element variable (h) or a field of it (ph.Helper), or nil.
func (c *checker) tableEntryStandIn(e ast.Expr) *kernelspec.Feature {
	info := c.pass.TypesInfo
	field := ""
	if sel, ok := e.(*ast.SelectorExpr); ok {
		s := info.Selections[sel]
		if s == nil || s.Kind() != types.FieldVal || len(s.Index()) != 1 {
			return nil
		}
		field, e = sel.Sel.Name, ast.Unparen(sel.X)
	}
	id, ok := e.(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok || c.tableLoopOf(v) == nil {
		return nil
	}
	if field == "" {
		return c.standIn(v)
	}
	pa := c.probeArgs
	k := entryField{v, field}
	f := pa.entryFields[k]
	if f == nil {
		f = &kernelspec.Feature{
			Name:  fmt.Sprintf("(the feature %s.%s names)", v.Name(), field),
			Spans: []kernelspec.Span{{Removed: kernelspec.Version{Patch: 1}}},
		}
		pa.entryFields[k] = f
		pa.standFor[f] = v
		pa.fieldOf[f] = field
	}
	return f
}

// entryValue is what a table's entry e gives the field (e itself for
// none): a struct literal's value for it, by key or by position; nil
// where it cannot be read.
func (c *checker) entryValue(e ast.Expr, field string) ast.Expr {
	if field == "" {
		return e
	}
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	t := c.pass.TypesInfo.TypeOf(lit)
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	for i, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == field {
				return kv.Value
			}
			continue
		}
		if i < st.NumFields() && st.Field(i).Name() == field {
			return elt
		}
	}
	return nil // left out: the zero value names nothing
}

// loopEdge is what holds along an edge out of a range loop's head: on
// the way into the body, nothing of the entry the last iteration held;
// on the way out, once the table is exhausted, what every iteration
// proved of its entry, for each entry of the table.
func (c *checker) loopEdge(b *cfg.Block, succ int, in proof) proof {
	rs, ok := b.Stmt.(*ast.RangeStmt)
	if !ok || in.top || c.probeArgs == nil {
		return in
	}
	pa := c.probeArgs
	var held []*kernelspec.Feature
	for f := range in.features {
		if v, ok := pa.standFor[f]; ok && rs.Pos() <= v.Pos() && v.Pos() < rs.End() {
			held = append(held, f)
		}
	}
	if len(held) == 0 {
		return in
	}
	out := in.union(proof{})
	for _, f := range held {
		delete(out.features, f)
		if succ != 1 {
			continue
		}
		if tl := c.tableLoopOf(pa.standFor[f]); tl != nil && tl.rs == rs {
			for _, e := range tl.entries {
				if e = c.entryValue(e, pa.fieldOf[f]); e == nil {
					continue
				}
				if feats, _, ok := c.constantFeatures(e); ok {
					for _, g := range feats {
						out.prove(g)
					}
				}
			}
		}
	}
	return out
}
