package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
)

// Where an object is loaded. A loader — bpf2go's loadX, LoadX and
// loadXObjects, any function of a generated file around a load, or a
// function that hands its loads on to its callers (a hand-written
// func() (*ebpf.CollectionSpec, error) around an embedded object, an
// exported function that loads; see findLoadSites) — is called directly,
// in its own package or (through objectLoaderFact) in another; or its
// value is stored in a variable or a struct field, or passed as an
// argument, and called later through it. A call through such a holder is
// a load site of everything stored in it: where the call is resolvable,
// the call is the site. Where no call through the holder can be found — a
// field of an exported struct called in another package, a value
// returned, put in a map or handed to another package (sync.OnceValues) —
// the place where the loader's value is taken is the load site instead.

// objectLoaderFact marks a function whose call loads the BPF object at
// Path, so that its callers in other packages are load sites. A function
// that hands on its loads (handsOnLoads) lists what they still need there:
// Needs, by feature name, when HandedOn.
type objectLoaderFact struct {
	Path     string
	HandedOn bool
	Needs    []string
	// KeepsParam, when not 0, is 1 + the index of the parameter whose
	// strings name the programs the spec handed on keeps.
	KeepsParam int
}

func (*objectLoaderFact) AFact() {}

func (f *objectLoaderFact) String() string {
	s := "loads " + filepath.Base(f.Path)
	if f.HandedOn {
		s += ", needing " + strings.Join(f.Needs, ", ")
		if len(f.Needs) == 0 {
			s += "nothing"
		}
	}
	if f.KeepsParam > 0 {
		s += fmt.Sprintf(", of the programs argument %d names", f.KeepsParam)
	}
	return s
}

// objectSite is one place that loads objects.
type objectSite struct {
	node    ast.Node
	objects []*loadedObject
	via     string // the function that hands its load on, called here
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
	if obj, ok := c.importedLoaders[fn]; ok {
		return obj
	}
	var fact objectLoaderFact
	var obj *loadedObject
	if c.pass.ImportObjectFact(fn, &fact) {
		obj = c.parseObject(fact.Path)
		if fact.HandedOn && obj.err == nil {
			needs := *obj
			needs.handedOn = true
			needs.keepsParam = fact.KeepsParam
			needs.features = slices.DeleteFunc(slices.Clone(obj.features), func(of objectFeature) bool {
				return !slices.Contains(fact.Needs, of.feature.Name)
			})
			obj = &needs
		}
	}
	c.importedLoaders[fn] = obj
	return obj
}

// exportLoaders makes this package's exported loaders known to importers.
func (c *checker) exportLoaders() {
	for fn, obj := range c.objectFuncs {
		if !fn.Exported() || fn.Pkg() != c.pass.Pkg {
			continue
		}
		fact := &objectLoaderFact{Path: obj.path, HandedOn: obj.handedOn, KeepsParam: obj.keepsParam}
		if obj.handedOn {
			for _, of := range obj.features {
				if !slices.Contains(fact.Needs, of.feature.Name) {
					fact.Needs = append(fact.Needs, of.feature.Name)
				}
			}
			slices.Sort(fact.Needs)
		}
		c.pass.ExportObjectFact(fn, fact)
		c.exportsLoaders = true
	}
	c.exportSpecLoaders()
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
					c.objectSites = append(c.objectSites, objectSite{n, []*loadedObject{obj}, ""})
				}
				if fn, ok := typeutil.Callee(info, n).(*types.Func); ok {
					if obj := c.loaderOf(fn); obj != nil {
						via := ""
						if obj.handedOn {
							via = shortFuncName(fn) // which call loads is not obvious
						}
						obj = c.keptAtCall(n, fn, obj)
						c.objectSites = append(c.objectSites, objectSite{n, []*loadedObject{obj}, via})
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
			c.objectSites = append(c.objectSites, objectSite{call, objs, ""})
		}
	}
	for origin := range escaped {
		for _, h := range sources(origin) {
			c.objectSites = append(c.objectSites, objectSite{origin, []*loadedObject{h.obj}, ""})
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

// A function around a load may hand its object on: its callers then load
// it, and decide — with a guard before the call or a fallback after it —
// what the load itself cannot. A function does so when it returns a
// *ebpf.CollectionSpec (a hand-written loader around an embedded object:
// the spec it returns keeps its object), or when it is exported from a
// package others import, whose callers the analysis may not see (the
// load's needs become their requirement). Such a function is a loader of
// what its loads still need there (a fact for importers); its loads are
// not reported, the calls of it are. A finding is reported once: at the
// callers, which decide, or at the load where no caller can — in a
// function literal, an unexported function nobody calls, package main.

// findLoadSites settles the package's load sites and loaders, after the
// summaries the guard questions need: a function becomes a loader, its
// calls become sites, and the function around them may become one in turn.
func (c *checker) findLoadSites() {
	handed := map[ast.Node]bool{} // sites whose function hands them on
	for {
		c.findObjectSites()
		var order []*types.Func
		byFunc := map[*types.Func][]objectSite{}
		for _, site := range c.objectSites {
			if _, isCall := site.node.(*ast.CallExpr); !isCall || handed[site.node] {
				continue // a loader's value taken: where it is taken is the site
			}
			fn := c.declaredFuncAround(site.node)
			if fn == nil || c.objectFuncs[fn] != nil || !c.handsOnLoads(fn) {
				continue
			}
			if byFunc[fn] == nil {
				order = append(order, fn)
			}
			byFunc[fn] = append(byFunc[fn], site)
		}
		changed := false
		for _, fn := range order {
			if obj := c.neededByCallers(byFunc[fn]); obj != nil {
				c.objectFuncs[fn] = c.keptBy(fn, byFunc[fn], obj)
				for _, s := range byFunc[fn] {
					handed[s.node] = true
				}
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	c.objectSites = slices.DeleteFunc(c.objectSites, func(s objectSite) bool { return handed[s.node] })
	c.exportLoaders()
}

// declaredFuncAround is the declared function whose own body holds n; nil
// inside a function literal, whose callers are not known.
func (c *checker) declaredFuncAround(n ast.Node) *types.Func {
	for _, p := range c.pathTo(n) {
		switch p := p.(type) {
		case *ast.FuncLit:
			return nil
		case *ast.FuncDecl:
			fn, _ := c.pass.TypesInfo.Defs[p.Name].(*types.Func)
			return fn
		}
	}
	return nil
}

// handsOnLoads reports whether fn's callers, rather than fn, answer for
// the objects fn loads: fn returns the *CollectionSpec, and is called or
// its value taken in this package; or fn can be called from other
// packages.
func (c *checker) handsOnLoads(fn *types.Func) bool {
	if c.pass.Pkg.Name() == "main" || strings.HasSuffix(c.pass.Fset.Position(fn.Pos()).Filename, "_test.go") {
		return false // nothing imports it: its loads are its own
	}
	if fn.Exported() && (fn.Signature().Recv() == nil || exportedType(fn.Signature().Recv().Type())) {
		return true
	}
	if _, used := c.callSites()[fn]; !used {
		return false
	}
	results := fn.Signature().Results()
	for i := range results.Len() {
		if c.isCollectionSpec(results.At(i).Type()) {
			return true
		}
	}
	return false
}

// isCollectionSpec reports whether t is a pointer to a collection spec
// type of the API map (*ebpf.CollectionSpec).
func (c *checker) isCollectionSpec(t types.Type) bool {
	return c.collectionSpecOf(t) != nil
}

// collectionSpecOf is the API map's collection spec rule of t, a pointer
// to a collection spec type, or nil.
func (c *checker) collectionSpecOf(t types.Type) *apimap.CollectionSpec {
	ptr, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return nil
	}
	return c.api.CollectionSpecs[namedKey(ptr.Elem())]
}

// neededByCallers is the object a function's load sites hand on: what
// each still needs where it is, past the guards and drops around it. It
// is nil where the sites cannot make the function a loader of one object:
// they load several, or one the analysis cannot read (reported where it
// is loaded).
func (c *checker) neededByCallers(sites []objectSite) *loadedObject {
	var out *loadedObject
	for _, site := range sites {
		if len(site.objects) != 1 || site.objects[0].err != nil {
			return nil
		}
		obj := site.objects[0]
		if out == nil {
			out = &loadedObject{path: obj.path, maps: obj.maps, handedOn: true}
		} else if out.path != obj.path {
			return nil
		}
		for _, of := range c.neededAt(site.node, obj) {
			if !slices.Contains(out.features, of) {
				out.features = append(out.features, of)
			}
		}
	}
	return out
}
