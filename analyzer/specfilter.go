package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// A function may hand on not the spec it loads but a new one holding some
// of its programs — `filtered := &ebpf.CollectionSpec{Programs:
// map[string]*ebpf.ProgramSpec{}}` filled by `filtered.Programs[name] =
// full.Programs[name]` — and loading it needs only what those programs
// need. The names are constants of the function (in the literal, the
// assignments, or a range over a literal list of them), or the strings of
// one of its []string parameters, read at each call; a name the analysis
// cannot read keeps every program. The object's maps are kept whatever
// the filter: which maps a program uses is not recorded per program.

// programFilter is what a function keeps of the programs of the spec it
// loads: the programs named, or those its parameter param names at each
// call (param >= 0).
type programFilter struct {
	names []string
	param int
}

// onlyPrograms is obj less the features of its programs not in names.
func (obj *loadedObject) onlyPrograms(names []string) *loadedObject {
	kept := *obj
	kept.keepsParam = 0
	kept.features = slices.DeleteFunc(slices.Clone(obj.features), func(of objectFeature) bool {
		prog, isProg := strings.CutPrefix(objectOwner(of), "program ")
		return isProg && !slices.Contains(names, prog)
	})
	return &kept
}

// keptAtCall is what a call of a loader loads: where the loader keeps the
// programs its parameter names, those the call's argument names, if it
// names them with constants; the whole object otherwise.
func (c *checker) keptAtCall(call *ast.CallExpr, fn *types.Func, obj *loadedObject) *loadedObject {
	if obj.keepsParam == 0 {
		return obj
	}
	k := obj.keepsParam - 1
	sig := fn.Signature()
	var elts []ast.Expr
	switch {
	case sig.Variadic() && k == sig.Params().Len()-1 && !call.Ellipsis.IsValid():
		if k <= len(call.Args) {
			elts = call.Args[k:]
		}
	case k < len(call.Args):
		lit, ok := ast.Unparen(call.Args[k]).(*ast.CompositeLit)
		if !ok {
			return obj // a slice built elsewhere: not read
		}
		elts = lit.Elts
	default:
		return obj
	}
	names, ok := c.constantStrings(elts)
	if !ok {
		return obj
	}
	return obj.onlyPrograms(names)
}

// constantStrings is the values of exprs, when each is a constant string.
func (c *checker) constantStrings(exprs []ast.Expr) ([]string, bool) {
	var out []string
	for _, e := range exprs {
		tv := c.pass.TypesInfo.Types[e]
		if tv.Value == nil || tv.Value.Kind() != constant.String {
			return nil, false
		}
		out = append(out, constant.StringVal(tv.Value))
	}
	return out, true
}

// filterOf finds the programs fn keeps of the spec it loads: fn returns a
// variable holding a new *ebpf.CollectionSpec literal, never assigned
// again, whose Programs are set only by constant keys or by keys ranging
// over a constant list or over a []string parameter. ok is false where
// fn returns anything else, or fills Programs otherwise. A function of
// this package the new spec is passed to is not followed: adding
// programs there to a spec built to hold a few is not a form we know.
func (c *checker) filterOf(fn *types.Func) (programFilter, bool) {
	fd := c.funcDecl(fn)
	if fd == nil || fd.Body == nil {
		return programFilter{}, false
	}
	info := c.pass.TypesInfo
	results := fn.Signature().Results()
	ri := -1
	for i := range results.Len() {
		if c.isCollectionSpec(results.At(i).Type()) {
			ri = i
		}
	}
	if ri < 0 {
		return programFilter{}, false
	}
	// The variable every return gives (nil aside).
	var spec *types.Var
	ok := true
	inspectOwnBody(fd.Body, func(n ast.Node) {
		ret, isRet := n.(*ast.ReturnStmt)
		if !isRet {
			return
		}
		if len(ret.Results) != results.Len() {
			ok = false // a bare return, or a call's results
			return
		}
		e := ast.Unparen(ret.Results[ri])
		if tv := info.Types[e]; tv.IsNil() {
			return
		}
		id, isID := e.(*ast.Ident)
		v, isVar := info.Uses[id].(*types.Var)
		if !isID || !isVar || (spec != nil && spec != v) {
			ok = false
			return
		}
		spec = v
	})
	if !ok || spec == nil || spec.Parent() == nil || spec.Parent().Parent() == types.Universe {
		return programFilter{}, false
	}
	filter := programFilter{param: -1}
	defined := false
	// isPrograms reports whether e is spec.Programs.
	isPrograms := func(e ast.Expr) bool { return c.isProgramsOf(e, spec) }
	// key adds what an index of spec.Programs names.
	key := func(k ast.Expr, stack []ast.Node) bool {
		if names, ok := c.constantStrings([]ast.Expr{k}); ok {
			filter.names = append(filter.names, names...)
			return true
		}
		id, isID := ast.Unparen(k).(*ast.Ident)
		if !isID {
			return false
		}
		v := info.Uses[id]
		for _, s := range stack {
			rng, isRange := s.(*ast.RangeStmt)
			if !isRange || rng.Value == nil || info.Defs[identOf(rng.Value)] != v {
				continue
			}
			switch x := ast.Unparen(rng.X).(type) {
			case *ast.CompositeLit:
				names, ok := c.constantStrings(x.Elts)
				filter.names = append(filter.names, names...)
				return ok
			case *ast.Ident:
				p, _ := info.Uses[x].(*types.Var)
				params := fn.Signature().Params()
				for i := range params.Len() {
					if params.At(i) == p && (filter.param < 0 || filter.param == i) && isStringSlice(p.Type()) {
						filter.param = i
						return true
					}
				}
			}
			return false
		}
		return false
	}
	ast.PreorderStack(fd.Body, nil, func(n ast.Node, stack []ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			ok = !usesVar(info, n, spec) // changed where we do not follow
			return false
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				lhs = ast.Unparen(lhs)
				switch {
				case c.isVar(lhs, spec) || identDefines(info, lhs, spec):
					if defined || len(n.Rhs) != len(n.Lhs) || !c.newSpecLiteral(n.Rhs[i], &filter) {
						ok = false
					}
					defined = true
				case isPrograms(lhs):
					ok = false // Programs replaced
				default:
					if ix, isIndex := lhs.(*ast.IndexExpr); isIndex && isPrograms(ix.X) && !key(ix.Index, stack) {
						ok = false
					}
				}
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if info.Defs[name] == spec {
					if defined || len(n.Values) != len(n.Names) || !c.newSpecLiteral(n.Values[i], &filter) {
						ok = false
					}
					defined = true
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND && c.isVar(n.X, spec) {
				ok = false // its address taken
			}
		case *ast.SelectorExpr:
			if isPrograms(n) && !programsIndexedOrRanged(n, stack) {
				ok = false // the map itself handed on: filled where we do not look
			}
		}
		return true
	})
	if !ok || !defined || (filter.param >= 0 && len(filter.names) > 0) {
		return programFilter{}, false // names of both kinds: not carried in one fact
	}
	if filter.param >= 0 && assignsTo(info, fd.Body, fn.Signature().Params().At(filter.param)) {
		return programFilter{}, false // the names grown past the caller's
	}
	return filter, true
}

// newSpecLiteral reports whether e is a new &ebpf.CollectionSpec{...}
// whose Programs are absent, made empty, or a literal with constant keys
// (added to filter).
func (c *checker) newSpecLiteral(e ast.Expr, filter *programFilter) bool {
	u, ok := ast.Unparen(e).(*ast.UnaryExpr)
	if !ok || u.Op != token.AND || !c.isCollectionSpec(c.pass.TypesInfo.TypeOf(u)) {
		return false
	}
	switch v := ast.Unparen(fieldOfLiteral(u.X, "Programs")).(type) {
	case nil:
		return false // no keyed literal
	case *ast.BadExpr:
		return v == zeroValue // left out
	case *ast.CallExpr:
		id, ok := ast.Unparen(v.Fun).(*ast.Ident)
		_, builtin := c.pass.TypesInfo.Uses[id].(*types.Builtin)
		return ok && builtin && id.Name == "make"
	case *ast.CompositeLit:
		for _, p := range v.Elts {
			pkv, ok := p.(*ast.KeyValueExpr)
			if !ok {
				return false
			}
			names, ok := c.constantStrings([]ast.Expr{pkv.Key})
			if !ok {
				return false
			}
			filter.names = append(filter.names, names...)
		}
		return true
	}
	return false
}

func isStringSlice(t types.Type) bool {
	s, ok := t.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	b, ok := s.Elem().Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// identDefines reports whether e is an identifier that defines v.
func identDefines(info *types.Info, e ast.Expr, v *types.Var) bool {
	id, ok := e.(*ast.Ident)
	return ok && info.Defs[id] == v
}

// programsIndexedOrRanged reports whether sel, a spec's Programs, is
// indexed, ranged over, measured or deleted from where it appears (the
// last of stack is its parent): nothing that could add programs unseen.
func programsIndexedOrRanged(sel *ast.SelectorExpr, stack []ast.Node) bool {
	if len(stack) == 0 {
		return false
	}
	switch p := stack[len(stack)-1].(type) {
	case *ast.IndexExpr:
		return p.X == sel
	case *ast.RangeStmt:
		return p.X == sel
	case *ast.CallExpr:
		id, ok := ast.Unparen(p.Fun).(*ast.Ident)
		return ok && (id.Name == "len" || id.Name == "delete") && len(p.Args) > 0 && p.Args[0] == sel
	}
	return false
}

// assignsTo reports whether body assigns to v, or takes its address.
func assignsTo(info *types.Info, body *ast.BlockStmt, v *types.Var) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, lhs := range n.Lhs {
				if id, ok := ast.Unparen(lhs).(*ast.Ident); ok && info.Uses[id] == v {
					found = true
				}
			}
		case *ast.UnaryExpr:
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND && info.Uses[id] == v {
				found = true
			}
		}
		return !found
	})
	return found
}

// usesVar reports whether n mentions v.
func usesVar(info *types.Info, n ast.Node, v *types.Var) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if id, ok := m.(*ast.Ident); ok && info.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

// inspectOwnBody visits the nodes of body outside function literals.
func inspectOwnBody(body *ast.BlockStmt, visit func(ast.Node)) {
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if n != nil {
			visit(n)
		}
		return true
	})
}

// keptBy is what fn, whose load sites are sites, hands on of obj: the
// programs it keeps in a new spec (filterOf), where the spec it loads is
// not also loaded into the kernel whole in fn.
func (c *checker) keptBy(fn *types.Func, sites []objectSite, obj *loadedObject) *loadedObject {
	if slices.ContainsFunc(sites, func(s objectSite) bool { return len(c.kernelLoadsOf(s.node)) > 0 }) {
		return obj
	}
	filter, ok := c.filterOf(fn)
	switch {
	case !ok:
		return obj
	case filter.param >= 0:
		obj.keepsParam = filter.param + 1
		return obj
	}
	return obj.onlyPrograms(filter.names)
}

// deletedAfter is what the function around a load site deletes from the
// spec the site gives on every path past it, before loading it:
// `delete(spec.Programs, "x")` among the function's own statements, by
// owner ("program x", "map y"). A delete under a condition counts only
// where a probe's failure is the condition (droppedOnFailure).
func (c *checker) deletedAfter(node ast.Node) map[string]bool {
	call, ok := node.(*ast.CallExpr)
	if !ok {
		return nil
	}
	spec := c.specVarOf(call)
	fn := c.declaredFuncAround(call)
	if spec == nil || fn == nil {
		return nil
	}
	fd := c.funcDecl(fn)
	if fd == nil || fd.Body == nil {
		return nil
	}
	until := fd.Body.End()
	for _, load := range c.kernelLoadsOf(node) {
		until = min(until, load.Pos())
	}
	out := map[string]bool{}
	for _, s := range fd.Body.List {
		es, ok := s.(*ast.ExprStmt)
		if !ok || s.Pos() < call.End() || s.End() > until {
			continue
		}
		del, ok := ast.Unparen(es.X).(*ast.CallExpr)
		if !ok || len(del.Args) != 2 {
			continue
		}
		if _, builtin := c.pass.TypesInfo.Uses[identOf(del.Fun)].(*types.Builtin); !builtin || identOf(del.Fun).Name != "delete" {
			continue
		}
		sel, ok := ast.Unparen(del.Args[0]).(*ast.SelectorExpr)
		if !ok || !c.isVar(sel.X, spec) {
			continue
		}
		kind := map[string]string{"Programs": "program ", "Maps": "map "}[sel.Sel.Name]
		if names, ok := c.constantStrings(del.Args[1:]); ok && kind != "" {
			out[kind+names[0]] = true
		}
	}
	return out
}

// programsReadAfter is, where the spec a load site gives is used in the
// function around it only to read programs by constant name
// (`full.Programs["pass"]`) and its other fields (`full.Maps`), those
// names: the spec itself is never loaded, handed on or ranged over, so
// only the programs read can reach the kernel. ok is false otherwise.
func (c *checker) programsReadAfter(node ast.Node) (names []string, ok bool) {
	call, isCall := node.(*ast.CallExpr)
	if !isCall {
		return nil, false
	}
	spec := c.specVarOf(call)
	fn := c.declaredFuncAround(call)
	if spec == nil || spec.Name() == "_" || fn == nil {
		return nil, false // a spec discarded is where the object counts as loaded
	}
	fd := c.funcDecl(fn)
	if fd == nil || fd.Body == nil {
		return nil, false
	}
	info := c.pass.TypesInfo
	ok = true
	ast.PreorderStack(fd.Body, nil, func(n ast.Node, stack []ast.Node) bool {
		id, isID := n.(*ast.Ident)
		if !ok || !isID || info.Uses[id] != spec || len(stack) == 0 {
			return ok
		}
		sel, isSel := stack[len(stack)-1].(*ast.SelectorExpr)
		if !isSel || sel.X != id {
			ok = false // the spec itself used: loaded, handed on, assigned
			return false
		}
		if s := info.Selections[sel]; s == nil || s.Kind() != types.FieldVal {
			ok = false // a method: LoadAndAssign, RewriteConstants
			return false
		}
		if sel.Sel.Name != "Programs" {
			return false
		}
		if len(stack) < 2 {
			ok = false
			return false
		}
		ix, isIndex := stack[len(stack)-2].(*ast.IndexExpr)
		if !isIndex || ix.X != sel || isAssigned(ix, stack[:len(stack)-2]) {
			ok = false
			return false
		}
		read, isConst := c.constantStrings([]ast.Expr{ix.Index})
		ok = isConst
		names = append(names, read...)
		return false
	})
	return names, ok
}

// isAssigned reports whether e, whose ancestors are stack, is assigned to.
func isAssigned(e ast.Expr, stack []ast.Node) bool {
	if len(stack) == 0 {
		return false
	}
	as, ok := stack[len(stack)-1].(*ast.AssignStmt)
	return ok && slices.Contains(as.Lhs, e)
}
