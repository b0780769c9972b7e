package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"

	"golang.org/x/tools/go/types/typeutil"
)

// Where an object is loaded. A loader — bpf2go's loadX, LoadX and
// loadXObjects, or any function of a generated file around a load — is
// called directly, in its own package or (through objectLoaderFact) in
// another; or its value is stored in a variable or a struct field, or passed
// as an argument, and called later through it. A call through such a holder
// is a load site of everything stored in it. Where no call through the
// holder can be found — a field of an exported struct called in another
// package, a value returned, put in a map or handed to another package —
// the place where the loader's value is taken is the load site instead.

// objectLoaderFact marks a function whose call loads the BPF object at
// Path, so that its callers in other packages are load sites.
type objectLoaderFact struct {
	Path string
}

func (*objectLoaderFact) AFact() {}

func (f *objectLoaderFact) String() string { return "loads " + filepath.Base(f.Path) }

// objectSite is one place that loads objects.
type objectSite struct {
	node    ast.Node
	objects []*loadedObject
}

// heldLoader is a loader stored in a holder, and where its value was taken.
type heldLoader struct {
	obj    *loadedObject
	origin ast.Expr
}

// loaderOf returns the object fn loads: a loader of this package, or one
// whose fact another package exported.
func (c *checker) loaderOf(fn *types.Func) *loadedObject {
	fn = fn.Origin()
	if obj := c.objectFuncs[fn]; obj != nil {
		return obj
	}
	if fn.Pkg() == nil || fn.Pkg() == c.pass.Pkg {
		return nil
	}
	var fact objectLoaderFact
	if !c.pass.ImportObjectFact(fn, &fact) {
		return nil
	}
	return c.parseObject(fact.Path)
}

// exportLoaders makes this package's exported loaders known to importers.
func (c *checker) exportLoaders() {
	for fn, obj := range c.objectFuncs {
		if fn.Exported() && fn.Pkg() == c.pass.Pkg {
			c.pass.ExportObjectFact(fn, &objectLoaderFact{Path: obj.path})
			c.exportsLoaders = true
		}
	}
}

// findObjectSites lists the package's load sites: direct calls of the
// library's load functions and of loaders, calls through holders, and the
// values of loaders whose calls cannot be found.
func (c *checker) findObjectSites() {
	info := c.pass.TypesInfo
	holders := map[*types.Var][]heldLoader{}
	holderCalls := map[*types.Var][]*ast.CallExpr{}
	type flow struct {
		from ast.Expr   // a loader's name, or a holder's
		to   *types.Var // nil: the value escapes analysis
	}
	var flows []flow
	for _, f := range c.pass.Files {
		ast.PreorderStack(f, nil, func(n ast.Node, stack []ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if obj := c.objectCalls[n]; obj != nil {
					c.objectSites = append(c.objectSites, objectSite{n, []*loadedObject{obj}})
				}
				if fn, ok := typeutil.Callee(info, n).(*types.Func); ok {
					if obj := c.loaderOf(fn); obj != nil {
						c.objectSites = append(c.objectSites, objectSite{n, []*loadedObject{obj}})
					}
				} else if v := c.holderVar(n.Fun); v != nil {
					holderCalls[v] = append(holderCalls[v], n)
				}
			case *ast.Ident, *ast.SelectorExpr:
				e := n.(ast.Expr)
				if !c.isLoaderValue(e) && c.holderVar(e) == nil {
					return true
				}
				if to, moves := c.valueDestination(e, stack); moves {
					flows = append(flows, flow{e, to})
				}
				return false
			}
			return true
		})
	}
	// Holders take what flows into them, to a fixpoint: a holder may be
	// copied into another.
	escaped := map[ast.Expr]bool{}
	sources := func(e ast.Expr) []heldLoader {
		if fn, ok := c.calleeObject(e).(*types.Func); ok {
			if obj := c.loaderOf(fn); obj != nil {
				return []heldLoader{{obj, e}}
			}
		}
		if v := c.holderVar(e); v != nil {
			return holders[v]
		}
		return nil
	}
	for changed := true; changed; {
		changed = false
		for _, fl := range flows {
			for _, h := range sources(fl.from) {
				if fl.to == nil {
					if !escaped[h.origin] {
						escaped[h.origin], changed = true, true
					}
					continue
				}
				if !slices.Contains(holders[fl.to], h) {
					holders[fl.to] = append(holders[fl.to], h)
					changed = true
				}
			}
		}
	}
	for v, held := range holders {
		calls := holderCalls[v]
		if len(calls) == 0 {
			for _, h := range held {
				escaped[h.origin] = true // never called here: the value is the site
			}
			continue
		}
		var objs []*loadedObject
		for _, h := range held {
			if !slices.Contains(objs, h.obj) {
				objs = append(objs, h.obj)
			}
		}
		for _, call := range calls {
			c.objectSites = append(c.objectSites, objectSite{call, objs})
		}
	}
	for origin := range escaped {
		for _, h := range sources(origin) {
			c.objectSites = append(c.objectSites, objectSite{origin, []*loadedObject{h.obj}})
		}
	}
	slices.SortFunc(c.objectSites, func(a, b objectSite) int { return int(a.node.Pos() - b.node.Pos()) })
}

// calleeObject is the object an identifier or selector names.
func (c *checker) calleeObject(e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return c.pass.TypesInfo.Uses[e]
	case *ast.SelectorExpr:
		if sel := c.pass.TypesInfo.Selections[e]; sel != nil {
			if sel.Kind() == types.FieldVal {
				return sel.Obj()
			}
			return nil // a method value: not a loader of ours
		}
		return c.pass.TypesInfo.Uses[e.Sel] // pkg.Name
	}
	return nil
}

// isLoaderValue reports whether e names a loader.
func (c *checker) isLoaderValue(e ast.Expr) bool {
	fn, ok := c.calleeObject(e).(*types.Func)
	return ok && c.loaderOf(fn) != nil
}

// holderVar returns the variable or field e names when it has a function
// type: one that may hold a loader.
func (c *checker) holderVar(e ast.Expr) *types.Var {
	v, ok := c.calleeObject(e).(*types.Var)
	if !ok {
		return nil
	}
	if _, isFunc := v.Type().Underlying().(*types.Signature); !isFunc {
		return nil
	}
	return v.Origin()
}

// valueDestination says where the value of e (a loader or a holder, not
// called) goes: into a variable, a field or a parameter of a function of
// this package (to), or somewhere the analysis does not follow (to nil).
// moves is false where the value goes nowhere: a comparison, a call of it.
func (c *checker) valueDestination(e ast.Expr, stack []ast.Node) (to *types.Var, moves bool) {
	info := c.pass.TypesInfo
	var child ast.Node = e
	i := len(stack) - 1
	for ; i >= 0; i-- { // past parentheses, and pkg.Name's selector
		if p, ok := stack[i].(*ast.ParenExpr); ok {
			child = p
			continue
		}
		if s, ok := stack[i].(*ast.SelectorExpr); ok && s.Sel == child {
			child = s
			continue
		}
		break
	}
	if i < 0 {
		return nil, false
	}
	varOf := func(lhs ast.Expr) *types.Var {
		switch lhs := ast.Unparen(lhs).(type) {
		case *ast.Ident:
			if v, ok := info.Defs[lhs].(*types.Var); ok {
				return v.Origin()
			}
		}
		v, _ := c.calleeObject(lhs).(*types.Var)
		if v != nil {
			v = v.Origin()
		}
		return v
	}
	switch p := stack[i].(type) {
	case *ast.CallExpr:
		if p.Fun == child {
			return nil, false // a call: a load site of its own
		}
		fn := typeutil.StaticCallee(info, p)
		if fn == nil || fn.Pkg() != c.pass.Pkg {
			return nil, true
		}
		sig := fn.Signature()
		for k, arg := range p.Args {
			if arg != child {
				continue
			}
			if sig.Variadic() && k >= sig.Params().Len()-1 {
				return nil, true
			}
			return sig.Params().At(k).Origin(), true
		}
		return nil, true
	case *ast.KeyValueExpr:
		if p.Key == child {
			return nil, false // the field a literal sets
		}
		if i == 0 {
			return nil, true
		}
		if _, ok := stack[i-1].(*ast.CompositeLit); ok {
			if id, ok := p.Key.(*ast.Ident); ok {
				if v, ok := info.Uses[id].(*types.Var); ok && v.IsField() {
					return v.Origin(), true
				}
			}
		}
		return nil, true
	case *ast.CompositeLit:
		if st, ok := info.TypeOf(p).Underlying().(*types.Struct); ok {
			if k := slices.Index(p.Elts, child.(ast.Expr)); k >= 0 && k < st.NumFields() {
				return st.Field(k).Origin(), true
			}
		}
		return nil, true
	case *ast.AssignStmt:
		if k := slices.Index(p.Rhs, child.(ast.Expr)); k >= 0 && len(p.Lhs) == len(p.Rhs) {
			if v := varOf(p.Lhs[k]); v != nil {
				return v, true
			}
			return nil, true
		}
		return nil, false // a holder assigned to
	case *ast.ValueSpec:
		if k := slices.Index(p.Values, child.(ast.Expr)); k >= 0 && len(p.Names) == len(p.Values) {
			if v, ok := info.Defs[p.Names[k]].(*types.Var); ok {
				return v.Origin(), true
			}
		}
		return nil, true
	case *ast.BinaryExpr:
		if p.Op == token.EQL || p.Op == token.NEQ {
			return nil, false // fn != nil
		}
	}
	return nil, true
}
