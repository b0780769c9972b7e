package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// A library sets a bpf_attr field, or a MapSpec field, from what its caller
// passed (Flags: opts.Flags, MapExtra: spec.MapExtra): the value is zero
// unless the caller wants the feature. Such a use is the caller's: it is
// not reported where it is, but becomes a requirement of the function on
// that argument, a fact, and a call that passes a non-zero value there is
// checked — in this package or another, and on through callers that pass
// their own parameters along.

// paramFact lists what a function needs when an argument (or a field of
// it) is not zero.
type paramFact struct {
	Entries []paramEntry
}

type paramEntry struct {
	Param    int      // argument index
	Path     string   // field path within it: "BatchSize", "Load.AttachBTFObjFD"
	Features []string // what a non-zero value needs
	Via      string   // how the callee uses it
	// When is the callee's own test of a bare argument: only a value
	// passing it needs the features (replaceFd > 0).
	When paramTest
}

func (*paramFact) AFact() {}

// via describes a use through callee's argument: the chain a diagnostic
// shows.
func (e paramEntry) via(callee string) string {
	if e.Path == "" {
		via := fmt.Sprintf("%s argument %d", callee, e.Param)
		if e.Via != "" {
			via += " → " + e.Via
		}
		return via
	}
	via := callee + " argument field " + e.Path
	if e.Via != "" {
		via += " → " + e.Via
	}
	return via
}

func (f *paramFact) String() string {
	var parts []string
	for _, e := range f.Entries {
		if e.When.set() {
			parts = append(parts, fmt.Sprintf("when argument %d %s, it needs %s", e.Param, e.When, strings.Join(e.Features, ", ")))
			continue
		}
		if e.Path == "" {
			parts = append(parts, fmt.Sprintf("when true, argument %d needs %s", e.Param, strings.Join(e.Features, ", ")))
			continue
		}
		parts = append(parts, fmt.Sprintf("when non-zero, argument %d field %s needs %s", e.Param, e.Path, strings.Join(e.Features, ", ")))
	}
	return strings.Join(parts, "; ")
}

// byParameter records a use whose value comes from a parameter of the
// enclosing function, and reports whether it did: then the use is the
// caller's to check.
func (c *checker) byParameter(value ast.Expr, feats []*kernelspec.Feature, via string) bool {
	fn, param, path, ok := c.parameterOf(value)
	if !ok {
		return false
	}
	var when paramTest
	if path == "" {
		// A bare parameter (fd int, flags uint32) is the function's own
		// input, usually one it always needs, unless the function tests
		// it first (if replaceFd > 0 { ... }): then what each caller
		// passes decides. An options struct's field is by convention
		// zero unless the caller wants the feature.
		if when, ok = c.paramTestAround(value, fn, param); !ok {
			return false
		}
		if calls, known := c.callSites()[fn]; known && calls == nil {
			return false // used as a value: its callers are out of sight
		}
	}
	c.addParamEntry(fn, param, path, when, feats, via)
	return true
}

// addParamEntry adds to fn's requirement on argument param at path.
func (c *checker) addParamEntry(fn *types.Func, param int, path string, when paramTest, feats []*kernelspec.Feature, via string) {
	if c.reporting || strings.Count(path, ".") >= maxGuardDepth {
		return // a recursive type forwarded into itself: no end to the paths
	}
	fact := c.params[fn]
	if fact == nil {
		fact = &paramFact{}
		c.params[fn] = fact
	}
	i := slices.IndexFunc(fact.Entries, func(e paramEntry) bool { return e.Param == param && e.Path == path && e.When == when })
	if i < 0 {
		fact.Entries = append(fact.Entries, paramEntry{Param: param, Path: path, Via: via, When: when})
		i = len(fact.Entries) - 1
	}
	for _, f := range feats {
		if !slices.Contains(fact.Entries[i].Features, f.Name) {
			fact.Entries[i].Features = append(fact.Entries[i].Features, f.Name)
			c.paramsAdded++
		}
	}
}

// parameterOf resolves a value in the function being walked to the
// parameter it comes from.
func (c *checker) parameterOf(value ast.Expr) (fn *types.Func, param int, path string, ok bool) {
	if value == nil {
		return nil, 0, "", false
	}
	fd := c.funcDeclAt(value.Pos())
	if fd == nil {
		return nil, 0, "", false
	}
	fn, ok = c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
	if !ok {
		return nil, 0, "", false
	}
	param, path, ok = c.paramRooted(fn, value, 0)
	return fn, param, path, ok
}

// paramRooted resolves a value to the parameter it comes from: the
// parameter, a field chain of it (opts.Flags), through conversions and
// one-argument wrappers (sys.SlicePointer(opts.DataOut)) and locals given
// one such value.
func (c *checker) paramRooted(fn *types.Func, e ast.Expr, depth int) (int, string, bool) {
	if depth > maxGuardDepth {
		return 0, "", false
	}
	info := c.pass.TypesInfo
	var path []string
	for {
		e = ast.Unparen(e)
		switch x := e.(type) {
		case *ast.CallExpr:
			if len(x.Args) == 1 { // a conversion, or sys.NewSlicePointer(opts.Data)
				e = x.Args[0]
				continue
			}
			return 0, "", false
		case *ast.StarExpr:
			e = x.X
			continue
		case *ast.SelectorExpr:
			if s := info.Selections[x]; s != nil && s.Kind() == types.FieldVal {
				path = append([]string{x.Sel.Name}, path...)
				e = x.X
				continue
			}
			return 0, "", false
		case *ast.Ident:
			v, ok := info.Uses[x].(*types.Var)
			if !ok {
				return 0, "", false
			}
			params := fn.Signature().Params()
			for i := range params.Len() {
				if params.At(i) == v {
					return i, strings.Join(path, "."), true
				}
			}
			if def := c.singleValue(v); def != nil {
				p, rest, ok := c.paramRooted(fn, def, depth+1)
				if ok {
					full := slices.DeleteFunc(append([]string{rest}, path...), func(s string) bool { return s == "" })
					return p, strings.Join(full, "."), true
				}
			}
		}
		return 0, "", false
	}
}

// paramRequiresOf returns fn's parameter requirements: this package's, or
// an imported fact.
func (c *checker) paramRequiresOf(fn *types.Func) *paramFact {
	fn = fn.Origin()
	if fn.Pkg() == c.pass.Pkg {
		return c.params[fn]
	}
	// Decoding a fact costs more than the rest of a call's check: once
	// per function.
	return importedFact(c.pass, c.importedParams, fn)
}

// checkParamsOf checks a call's arguments against its callee's parameter
// requirements, if it has any.
func (c *checker) checkParamsOf(call *ast.CallExpr, fn *types.Func) {
	if fact := c.paramRequiresOf(fn); fact != nil {
		c.checkParamRequirement(call, fn, fact)
	}
}

// checkParamRequirement checks the arguments a call passes where the
// callee needs features for a non-zero value.
func (c *checker) checkParamRequirement(call *ast.CallExpr, fn *types.Func, fact *paramFact) {
	for _, e := range fact.Entries {
		if e.Param >= len(call.Args) {
			continue
		}
		feats := c.featuresNamed(e.Features)
		if c.forwardParam(call.Args[e.Param], e, feats, shortFuncName(fn)) {
			continue // passed on from this function's own caller
		}
		value := c.argumentField(call.Args[e.Param], e.Path)
		if value == nil || isZeroConst(c.pass.TypesInfo, value) {
			continue
		}
		via := e.via(shortFuncName(fn))
		if c.byParameter(value, feats, via) {
			continue
		}
		var given proof
		switch {
		case e.When.set():
			var selects bool
			if given, selects = c.passingTest(value, e.When); !selects {
				continue // -1 for "no fd": the callee writes nothing
			}
		case e.Path == "": // a boolean that guards the use: what its truth proves
			given = c.proves(value, true, 0)
		}
		// The call is where the feature is used: its guards and its
		// fallback count, wherever the value was written.
		c.report(use{node: value, features: feats, via: via, call: call, given: given})
	}
}

// argumentField finds, in an argument, the value at path: the argument
// itself, or a keyed field of a literal (T{...} or &T{...}). It returns
// nil when the field is left zero, and when the argument is not a literal
// it can see into.
func (c *checker) argumentField(arg ast.Expr, path string) ast.Expr {
	if path == "" {
		return arg
	}
	for _, name := range strings.Split(path, ".") {
		lit := literalOf(arg)
		var v *types.Var // the variable holding the literal, if any
		if lit == nil {
			e := ast.Unparen(arg)
			addressed := false
			if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
				e, addressed = ast.Unparen(u.X), true // NewBloom(&opts)
			}
			if id, ok := e.(*ast.Ident); ok {
				if v, _ = c.pass.TypesInfo.Uses[id].(*types.Var); v != nil {
					if addressed {
						lit = literalOf(c.valueAtOnlyAddress(v))
					} else {
						lit = literalOf(c.singleValue(v))
					}
				}
			}
		}
		if lit == nil {
			return nil
		}
		var found ast.Expr
		for _, elt := range lit.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok && id.Name == name {
					found = kv.Value
				}
			}
		}
		// opts := T{}; opts.Flags = x; f(opts): an assignment that sets
		// the field may be what the call sees.
		if v != nil {
			for _, set := range c.fieldSets[v][name] {
				if !isZeroConst(c.pass.TypesInfo, set) {
					found = set
				}
			}
		}
		if found == nil {
			return nil // absent: zero, nothing to check
		}
		arg = found
	}
	return arg
}

// findParamRequirements computes this package's parameter requirements
// before the main walk, so that a call earlier in the package than its
// callee is checked too. It records the uses the main walk would make of
// options fields (bpf_attr fields and mapped library fields), then passes
// requirements up through this package's own forwarding calls until
// nothing changes. Reporting is left to the main walk.
func (c *checker) findParamRequirements() {
	c.params = map[*types.Func]*paramFact{}
	c.importedParams = map[*types.Func]*paramFact{}
	type site struct {
		call *ast.CallExpr
		fn   *types.Func
	}
	var calls []site // calls of this package's functions, to forward through
	info := c.pass.TypesInfo
	for _, f := range c.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				fn, ok := typeutil.Callee(info, n).(*types.Func)
				if !ok {
					return true
				}
				c.findAttrParams(n, fn)
				if fn.Pkg() == c.pass.Pkg || c.paramRequiresOf(fn) != nil {
					calls = append(calls, site{n, fn})
				}
			case *ast.CompositeLit:
				for _, elt := range n.Elts {
					if kv, ok := elt.(*ast.KeyValueExpr); ok {
						if named, field := c.literalField(n, kv); named != nil {
							c.mappedFieldByParameter(named, field, kv.Value)
						}
					}
				}
			case *ast.AssignStmt:
				if len(n.Lhs) != len(n.Rhs) {
					return true
				}
				for i, lhs := range n.Lhs {
					if named, field := c.assignedField(lhs); named != nil {
						c.mappedFieldByParameter(named, field, n.Rhs[i])
					}
				}
			}
			return true
		})
	}
	// Forwarding: func B(o Opts) { A(o) } needs what A needs. A worklist
	// over the calls: when a function needs more, the calls of it are
	// looked at again, until nothing changes, in whatever order the
	// functions are declared.
	byCallee := map[*types.Func][]site{}
	for _, fc := range calls {
		byCallee[fc.fn.Origin()] = append(byCallee[fc.fn.Origin()], fc)
	}
	queue := slices.Clone(calls)
	queued := make(map[*ast.CallExpr]bool, len(calls))
	for _, fc := range calls {
		queued[fc.call] = true
	}
	for len(queue) > 0 {
		fc := queue[0]
		queue = queue[1:]
		queued[fc.call] = false
		fact := c.paramRequiresOf(fc.fn)
		if fact == nil {
			continue
		}
		for _, e := range fact.Entries {
			if e.Param >= len(fc.call.Args) {
				continue
			}
			changed := c.paramsAdded
			c.forwardArg(fc.call, e, fc.fn)
			if c.paramsAdded == changed {
				continue
			}
			// The function around the call needs more: look again at
			// the calls of it.
			if caller := c.funcAt(fc.call.Pos()); caller != nil {
				for _, next := range byCallee[caller] {
					if !queued[next.call] {
						queued[next.call] = true
						queue = append(queue, next)
					}
				}
			}
		}
	}
}

// mappedFieldByParameter records a mapped field set from an options
// parameter, as checkFieldValue would in the main walk.
func (c *checker) mappedFieldByParameter(named *types.Named, field string, value ast.Expr) {
	if feats, via := c.fieldValueFeatures(named, field, value); len(feats) > 0 {
		c.byParameter(value, feats, via)
	}
}

// findAttrParams records the options fields a bpf(2) call site copies
// into its attr.
func (c *checker) findAttrParams(call *ast.CallExpr, fn *types.Func) {
	site, ok := c.bpfCallSite(call, fn)
	if !ok {
		return
	}
	cmd, _ := c.siteCommand(site)
	if cmd == nil {
		return
	}
	for _, set := range c.attrFieldsSet(site) {
		if pick, via := c.attrField(cmd, set); pick != nil {
			c.byParameter(set.value, []*kernelspec.Feature{pick}, via)
		}
	}
}

// forwardParam records, when an argument is the enclosing function's own
// parameter (or a field of it), that the callee's requirement on it is
// the enclosing function's too, and reports whether it did.
func (c *checker) forwardParam(arg ast.Expr, e paramEntry, feats []*kernelspec.Feature, callee string) bool {
	if len(feats) == 0 {
		return false
	}
	// Passed whole (Load(p, opts)) or a field at a time (Load(p, o.Load)):
	// the path grows by the callee's.
	fn, param, path, ok := c.parameterOf(arg)
	if !ok {
		return false
	}
	when := e.When
	if when.set() && path == "" {
		// The caller's own input, passed on as it is: its callers decide
		// only if it too tests it first; else the call does.
		if when, ok = c.paramTestAround(arg, fn, param); !ok {
			return false
		}
	}
	if path != "" {
		path += "."
	}
	c.addParamEntry(fn, param, path+e.Path, when, feats, e.via(callee))
	return true
}

func (c *checker) featuresNamed(names []string) []*kernelspec.Feature {
	var feats []*kernelspec.Feature
	for _, name := range names {
		if f := c.db.Find(name); f != nil {
			feats = append(feats, f)
		}
	}
	return feats
}

// exportParamRequirements exports this package's parameter requirements,
// and reports whether there were any.
func (c *checker) exportParamRequirements() bool {
	exported := false
	for fn, fact := range c.params {
		if fn.Pkg() != c.pass.Pkg {
			continue
		}
		for i := range fact.Entries {
			slices.Sort(fact.Entries[i].Features)
		}
		c.pass.ExportObjectFact(fn, fact)
		exported = true
	}
	return exported
}

// byBoolParameter moves a use that an exported function makes only when a
// boolean parameter is true (TrackSkb(coll, haveFexit, ...) with `if
// haveFexit { link.AttachTracing(...) }`) to its callers, as "when argument
// 1 is true, needs trampolines", and reports whether it did. The callers
// in other packages are checked through the fact, with what their
// argument proves; callers in this package are known, so the move is made
// only if each of them passes an argument that proves what is missing.
func (c *checker) byBoolParameter(u use) bool {
	path := c.pathTo(u.node)
	var conds []ast.Expr
	var fd *ast.FuncDecl
	for i := 1; i < len(path) && fd == nil; i++ {
		switch n := path[i].(type) {
		case *ast.FuncLit:
			return false
		case *ast.FuncDecl:
			fd = n
		case *ast.IfStmt:
			if path[i-1] == n.Body {
				conds = append(conds, conjuncts(n.Cond)...)
			}
		}
	}
	if len(conds) == 0 || fd == nil {
		return false
	}
	fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
	// A method may be called through an interface, where no fact is seen.
	if !ok || !fn.Exported() || fn.Signature().Recv() != nil || c.requires[fn] != nil {
		return false
	}
	index := c.boolParamIndex(fn, conds)
	if index < 0 {
		return false
	}
	// Callers in this package: all direct, each proving what is missing.
	calls := c.callSites()[fn]
	if _, known := c.callSites()[fn]; known && calls == nil {
		return false // used as a value: callers out of sight
	}
	for _, call := range calls {
		if index >= len(call.Args) {
			return false
		}
		if c.stillMissing(u, c.proves(call.Args[index], true, 0).union(c.proven(call))) {
			return false
		}
	}
	c.addParamEntry(fn, index, "", paramTest{}, u.features, u.via)
	return true
}

// boolParamIndex returns the index of a boolean parameter of fn, never
// assigned, that one of conds is; -1 if none is.
func (c *checker) boolParamIndex(fn *types.Func, conds []ast.Expr) int {
	sig := fn.Signature()
	for _, x := range conds {
		id, ok := ast.Unparen(x).(*ast.Ident)
		if !ok {
			continue
		}
		v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
		if !ok || !isBool(v.Type()) || c.singleValue(v) != nil || c.assigned[v] != 0 {
			continue
		}
		for i := range sig.Params().Len() {
			if sig.Params().At(i) == v && !(sig.Variadic() && i == sig.Params().Len()-1) {
				return i
			}
		}
	}
	return -1
}

// conjuncts splits a && b && c.
func conjuncts(e ast.Expr) []ast.Expr {
	if b, ok := ast.Unparen(e).(*ast.BinaryExpr); ok && b.Op == token.LAND {
		return append(conjuncts(b.X), conjuncts(b.Y)...)
	}
	return []ast.Expr{e}
}
