package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/flow"
)

// Projects keep what they probed in a global configuration: a package
// declares a struct type and a package variable of it (option.Config), a
// daemon sets a boolean field of it and clears it when a probe fails
//
//	option.Config.EnablePeer = true
//	if err := probes.HaveAttachType(...); err != nil {
//		option.Config.EnablePeer = false
//	}
//
// and a library uses the feature only when the field is set. The field is
// exported, so its writes are in other packages than the reader's, and
// the writer imports the reader: a fact cannot flow from the writer to
// the reader. The decision moves up instead, as the "report once, where
// decided" rule (decided.go) already moves it: the reader's requirement
// names the field each feature is used under (requiresFact.When), and a
// call of the reader is checked where the writes can be seen, in a
// package that imports every package that writes the field. There the
// field guards the feature when every write that can leave it true,
// here and in every imported package, leaves it true only where the
// feature was proven (configWritesFact summarizes each package's writes).
//
// What it does not see: a write in a package the deciding package does
// not import (a sibling linked into the same binary), a write through
// reflection or a decoder handed the whole struct, a copy of the whole
// struct, and a call of the reader between the write of true and the
// probe that clears it. A write out of sight in the syntax (&x.Field, a
// range variable) proves nothing; so does every write in a package that
// uses no BPF, which is not analyzed beyond this scan.

// configWritesFact is what a package's writes of global configuration
// fields leave them meaning: for each field it may leave true, the
// features every such write has proven.
type configWritesFact struct {
	Fields []configFieldWrites // sorted by Field
}

// configFieldWrites is one field's summary: Proves is nil when some write
// may leave it true without a probe.
type configFieldWrites struct {
	Field  string // "path/to/pkg.Type.Field"
	Proves []string
}

func (*configWritesFact) AFact() {}

func (f *configWritesFact) String() string {
	var parts []string
	for _, w := range f.Fields {
		if len(w.Proves) == 0 {
			parts = append(parts, w.Field+" without a probe")
		} else {
			parts = append(parts, w.Field+" only with "+strings.Join(w.Proves, ", "))
		}
	}
	return "sets config " + strings.Join(parts, "; ")
}

// configTypes answers which types are configuration types, a question
// asked of every boolean field a package selects: a named struct type
// outside the BPF libraries whose package declares a package variable of
// it, or of a pointer to it.
type configTypes struct {
	info      *types.Info
	libraries map[string]bool
	// varTypes holds, per package asked about, the named types its
	// package-level variables have (or point to): one pass over each
	// package's scope, rather than one per field write.
	varTypes map[*types.Package]map[*types.Named]bool
}

func newConfigTypes(info *types.Info, libraries map[string]bool) *configTypes {
	return &configTypes{info: info, libraries: libraries, varTypes: map[*types.Package]map[*types.Named]bool{}}
}

// isConfig reports whether t is a configuration type.
func (ct *configTypes) isConfig(t *types.Named) bool {
	pkg := t.Obj().Pkg()
	if _, isStruct := t.Underlying().(*types.Struct); !isStruct || pkg == nil || ct.libraries[pkg.Path()] {
		return false
	}
	declared, ok := ct.varTypes[pkg]
	if !ok {
		declared = map[*types.Named]bool{}
		scope := pkg.Scope()
		for _, name := range scope.Names() {
			if v, ok := scope.Lookup(name).(*types.Var); ok {
				if named, ok := types.Unalias(deref(v.Type())).(*types.Named); ok {
					declared[named.Origin()] = true
				}
			}
		}
		ct.varTypes[pkg] = declared
	}
	return declared[t.Origin()]
}

// fieldKey names the field sel selects if it is a boolean, exported
// field of a configuration type; "" otherwise.
func (ct *configTypes) fieldKey(sel *ast.SelectorExpr) string {
	s := ct.info.Selections[sel]
	if s == nil || s.Kind() != types.FieldVal || !s.Obj().Exported() || !isBool(s.Obj().Type()) {
		return ""
	}
	named, ok := types.Unalias(deref(s.Recv())).(*types.Named)
	if !ok || !ct.isConfig(named) {
		return ""
	}
	return configKey(named.Obj(), s.Obj().Name())
}

func configKey(t *types.TypeName, field string) string {
	return t.Pkg().Path() + "." + t.Name() + "." + field
}

// configWrite is one write of a configuration field: value nil when the
// write is out of sight, zeroValue for the false a literal leaves it.
type configWrite struct {
	key   string
	at    ast.Node
	value ast.Expr
}

// configWrites lists the writes of configuration fields in files that
// may leave them true: a write of constant false clears, and is left out
// (clears reports those, for the flow below).
func (ct *configTypes) writes(files []*ast.File) (sets, clears []configWrite) {
	info := ct.info
	add := func(key string, at ast.Node, value ast.Expr) {
		if key == "" {
			return
		}
		w := configWrite{key, at, value}
		if tv, ok := info.Types[value]; value != nil && ok && tv.Value != nil && tv.Value.ExactString() == "false" {
			clears = append(clears, w)
			return
		}
		sets = append(sets, w)
	}
	key := func(e ast.Expr) string {
		if sel, ok := ast.Unparen(e).(*ast.SelectorExpr); ok {
			return ct.fieldKey(sel)
		}
		return ""
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					var value ast.Expr // x.F |= y, or one of several results: out of sight
					if n.Tok == token.ASSIGN && len(n.Lhs) == len(n.Rhs) {
						value = n.Rhs[i]
					}
					add(key(lhs), n, value)
				}
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					add(key(n.X), n, nil) // flag.BoolVar(&cfg.F, ...)
				}
			case *ast.RangeStmt:
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if e != nil {
						add(key(e), n, nil)
					}
				}
			case *ast.CompositeLit:
				named, ok := types.Unalias(info.TypeOf(n)).(*types.Named)
				if !ok || !ct.isConfig(named) {
					return true
				}
				st := named.Underlying().(*types.Struct)
				for i, elt := range n.Elts {
					field, value := (*types.Var)(nil), elt
					if kv, ok := elt.(*ast.KeyValueExpr); ok {
						id, _ := kv.Key.(*ast.Ident)
						if id == nil {
							continue
						}
						field, _ = info.ObjectOf(id).(*types.Var)
						value = kv.Value
					} else if i < st.NumFields() {
						field = st.Field(i)
					}
					if field != nil && field.Exported() && isBool(field.Type()) {
						add(configKey(named.Obj(), field.Name()), elt, value)
					}
				}
			}
			return true
		})
	}
	return sets, clears
}

// exportConfigWritesUnanalyzed exports, for a package the analyzer does
// not otherwise look at, the configuration fields it may set: none of its
// writes follows a probe it could know of.
func (s *state) exportConfigWritesUnanalyzed(pass *analysis.Pass) {
	sets, _ := newConfigTypes(pass.TypesInfo, s.index.Libraries).writes(pass.Files)
	keys := map[string]bool{}
	for _, w := range sets {
		keys[w.key] = true
	}
	if len(keys) == 0 {
		return
	}
	fact := &configWritesFact{}
	for _, key := range slices.Sorted(maps.Keys(keys)) {
		fact.Fields = append(fact.Fields, configFieldWrites{Field: key})
	}
	pass.ExportPackageFact(fact)
}

// configSummary is, for each configuration field this package may leave
// true, what its being true proves: the meet, over the functions that
// write it, of what holds where each of them returns if it is true then.
func (c *checker) configSummary() map[string]proof {
	if c.configProofs != nil {
		return c.configProofs
	}
	c.configProofs = map[string]proof{}
	sets, clears := c.configTypesOf().writes(c.pass.Files)
	byFlow := map[*funcFlow][]configWrite{}
	var flows []*funcFlow // in the order met: the meet does not depend on it
	out := map[string]*alternatives{}
	meet := func(key string, p proof) {
		if out[key] == nil {
			out[key] = &alternatives{}
		}
		out[key].add(p)
	}
	for _, w := range sets {
		ff := c.flowAt(w.at.Pos())
		switch {
		case w.value == nil:
			meet(w.key, proofOf())
		case ff == nil: // a package variable's literal
			meet(w.key, c.proves(w.value, true, 0))
		default:
			if byFlow[ff] == nil {
				flows = append(flows, ff)
			}
			byFlow[ff] = append(byFlow[ff], w)
		}
	}
	for _, w := range clears {
		if ff := c.flowAt(w.at.Pos()); ff != nil && byFlow[ff] != nil {
			byFlow[ff] = append(byFlow[ff], w)
		}
	}
	for _, ff := range flows {
		keys := map[string]bool{}
		for _, w := range byFlow[ff] {
			if w.value != nil && !slices.Contains(clears, w) {
				keys[w.key] = true
			}
		}
		for key := range keys {
			meet(key, c.leftTrue(ff, key, byFlow[ff]))
		}
	}
	for key, a := range out {
		if a.any && !a.p.top {
			c.configProofs[key] = a.p
		}
	}
	return c.configProofs
}

// leftTrue is what the field key being true proves where the function
// ff returns: a forward must-analysis of "the field true implies this",
// which a write of true starts from what holds there (and what its value
// proves), a write of false makes vacuous (top), and a branch adds to
// what its condition proves on that side. The field's value on entry is
// vouched for by the other writes: top.
func (c *checker) leftTrue(ff *funcFlow, key string, writes []configWrite) proof {
	g := c.graph(ff)
	at := map[ast.Node][]configWrite{}
	for _, w := range writes {
		if w.key != key {
			continue
		}
		l, ok := g.Locate(w.at.Pos())
		if !ok {
			return proofOf() // a write the graph does not hold: in a literal run who knows when
		}
		at[l.Node()] = append(at[l.Node()], w)
	}
	effect := func(b *cfg.Block, in proof) proof {
		for _, n := range b.Nodes {
			for _, w := range at[n] {
				switch {
				case w.value == nil:
					in = proofOf()
				case c.isConstBool(w.value, false):
					in = topProof()
				default:
					in = c.proven(w.at).union(c.proves(w.value, true, 0))
				}
			}
		}
		return in
	}
	in, reached := flow.Forward(g, topProof(), proof.intersect, proof.equal, func(b *cfg.Block, succ int, in proof) proof {
		out := effect(b, in)
		if len(b.Succs) == 2 && len(b.Nodes) > 0 {
			out = out.union(c.condProof(ff, b.Nodes[len(b.Nodes)-1], succ == 0))
		}
		return out
	})
	var exit alternatives
	for _, b := range g.CFG.Blocks {
		if reached[b.Index] && len(b.Succs) == 0 {
			exit.add(effect(b, in[b.Index]))
		}
	}
	if !exit.any {
		return topProof() // never returns
	}
	return exit.p
}

// exportConfigWrites exports configSummary as a fact, for the packages
// that import this one and call a library reading the fields.
func (c *checker) exportConfigWrites() {
	summary := c.configSummary()
	if len(summary) == 0 {
		return
	}
	fact := &configWritesFact{}
	for key, p := range summary {
		w := configFieldWrites{Field: key}
		for f := range p.features {
			w.Proves = append(w.Proves, f.Name)
		}
		slices.Sort(w.Proves)
		fact.Fields = append(fact.Fields, w)
	}
	slices.SortFunc(fact.Fields, func(a, b configFieldWrites) int { return strings.Compare(a.Field, b.Field) })
	c.pass.ExportPackageFact(fact)
}

// configGuard is what the field key being true proves in this package:
// the meet of what every write of it here and in the imported packages
// leaves it meaning. Nothing when no write of it is in sight, since a
// write must then be elsewhere.
func (c *checker) configGuard(key string) proof {
	if c.configGuards == nil {
		c.configGuards = map[string]proof{}
		guards := map[string]*alternatives{}
		meet := func(key string, p proof) {
			if guards[key] == nil {
				guards[key] = &alternatives{}
			}
			guards[key].add(p)
		}
		for key, p := range c.configSummary() {
			meet(key, p)
		}
		for _, pf := range c.pass.AllPackageFacts() {
			fact, ok := pf.Fact.(*configWritesFact)
			if !ok {
				continue
			}
			for _, w := range fact.Fields {
				p := proofOf()
				for _, name := range w.Proves {
					if f := c.db.Find(name); f != nil {
						p.prove(f)
					}
				}
				meet(w.Field, p)
			}
		}
		for key, a := range guards {
			c.configGuards[key] = a.p
		}
	}
	return c.configGuards[key] // none in sight: the zero proof
}

// unlessConfigGuarded is req without the features it needs only when a
// configuration field is set that, where the call is, is set only where
// they were proven.
func (c *checker) unlessConfigGuarded(req *requiresFact) *requiresFact {
	if len(req.When) == 0 {
		return req
	}
	var keep []string
	for _, name := range req.Features {
		key, f := req.When[name], c.db.Find(name)
		if key != "" && f != nil && c.provenHas(c.configGuard(key), f) {
			continue
		}
		keep = append(keep, name)
	}
	if len(keep) == len(req.Features) {
		return req
	}
	out := *req
	out.Features = keep
	return &out
}

func (c *checker) configTypesOf() *configTypes {
	if c.configTypes == nil {
		c.configTypes = newConfigTypes(c.pass.TypesInfo, c.api.Packages)
	}
	return c.configTypes
}

// configCondition is the configuration field whose being true the use at
// the end of path is under: a conjunct of the condition of an if whose
// body holds it, the innermost such if. "" when there is none.
func (c *checker) configCondition(path []ast.Node) string {
	for i := 1; i < len(path); i++ {
		switch p := path[i].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return ""
		case *ast.IfStmt:
			if path[i-1] != p.Body {
				continue
			}
			for _, e := range conjuncts(p.Cond) {
				if sel, ok := ast.Unparen(e).(*ast.SelectorExpr); ok {
					if key := c.configTypesOf().fieldKey(sel); key != "" {
						return key
					}
				}
			}
		}
	}
	return ""
}

// whenText lists the features a requirement needs only under a field,
// by field.
func (f *requiresFact) whenText() string {
	byKey := map[string][]string{}
	for _, name := range f.Features { // sorted when exported
		if key := f.When[name]; key != "" {
			byKey[key] = append(byKey[key], name)
		}
	}
	if len(byKey) == 0 {
		return ""
	}
	var parts []string
	for _, key := range slices.Sorted(maps.Keys(byKey)) {
		parts = append(parts, strings.Join(byKey[key], ", ")+" only when "+key+" is set")
	}
	return " (" + strings.Join(parts, "; ") + ")"
}
