package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// Naming a feature to a probe selects nothing, and projects name features
// to probes at one remove: through a wrapper of their own (cilium's
// probes.HaveProgramHelper(pt, helper) hands both to
// features.HaveProgramHelper and returns its error, and other packages
// call it with constants), and through tables of {program type, helper}
// pairs that a loop hands to a probe entry by entry.
//
// Both are one question about a value: where can it go? Each place it
// reaches is one of three (valueUse): a probe's feature argument — the
// library's, or a parameter of a function that passes it to one; a place
// that only names it — compared, switched on, a key, an interface
// argument (logging, formatting); or anything else, which may select it —
// a library struct or function, a return, a variable followed no further.
// A constant, or a table holding it, that reaches a probe and otherwise
// only places that name it is a probe's argument, not a use. A parameter
// that does is a probe parameter, exported as a fact so that calls in
// other packages are judged the same way.
//
// The wrapper is also a check when its result is the probe's (inferred in
// checks.go): a parameter passed to a probe stands, in what the body
// proves, for whatever its caller names there (standIn), and a nil error
// then proves the feature the call site's argument names.

// valueUse is where a value can go, ordered so that the join of several
// places is the largest.
type valueUse uint8

const (
	useNames   valueUse = iota // compared, logged, a key: nothing is selected
	useProbes                  // a probe's feature argument
	useSelects                 // anything else: the value may select its feature
)

// probeParamFact lists the parameters of a function that reach only probes:
// a constant passed there is a probe's argument, not a use.
type probeParamFact struct {
	Params []int
}

func (*probeParamFact) AFact() {}

func (f *probeParamFact) String() string {
	args := make([]string, len(f.Params))
	for i, p := range f.Params {
		args[i] = strconv.Itoa(p)
	}
	return "probes the features named by argument " + strings.Join(args, ", ")
}

// probeArgs is the package's answer to where values go, built on the
// first question.
type probeArgs struct {
	// sites lists where each variable of a type that can hold a feature
	// is read, with the syntax around each read.
	sites map[*types.Var][]valueSite
	// params holds, for this package's functions' parameters of such
	// types, where they go: a fixed point over the package's calls.
	params  map[*types.Var]valueUse
	owners  map[*types.Var]*types.Func
	settled bool                    // params is final: locals may be memoized
	locals  map[*types.Var]valueUse // memo, once settled
	// following marks the variables being followed: a cycle adds nothing.
	following map[*types.Var]bool
	// writes lists what gives each variable sites has a value: an
	// assignment, a declaration's value, nil for any other write.
	writes   map[*types.Var][]ast.Node
	imported map[*types.Func]*probeParamFact
	// standIns are the stand-ins for the features parameters name.
	standIns map[*types.Var]*kernelspec.Feature
	standFor map[*kernelspec.Feature]*types.Var
	// tables maps the element variables of range loops to their loop
	// over a table of constants, nil for any other (tableprobes.go).
	tables map[*types.Var]*tableLoop
	// entryFields are the stand-ins for the fields of table entries
	// (ph.Helper), and fieldOf the field each stands for.
	entryFields map[entryField]*kernelspec.Feature
	fieldOf     map[*kernelspec.Feature]string
}

// valueSite is one read of a variable and the nodes around it, innermost
// last.
type valueSite struct {
	id    *ast.Ident
	stack []ast.Node
}

// probeArgState returns the package's probe arguments, finding them on the
// first call.
func (c *checker) probeArgState() *probeArgs {
	if c.probeArgs == nil {
		c.probeArgs = &probeArgs{
			sites:     map[*types.Var][]valueSite{},
			params:    map[*types.Var]valueUse{},
			owners:    map[*types.Var]*types.Func{},
			locals:    map[*types.Var]valueUse{},
			following: map[*types.Var]bool{},
			writes:    map[*types.Var][]ast.Node{},
			imported:  map[*types.Func]*probeParamFact{},
			standIns:  map[*types.Var]*kernelspec.Feature{},
			standFor:  map[*kernelspec.Feature]*types.Var{},
			tables:    map[*types.Var]*tableLoop{},

			entryFields: map[entryField]*kernelspec.Feature{},
			fieldOf:     map[*kernelspec.Feature]string{},
		}
		c.findProbeParams()
	}
	return c.probeArgs
}

// findProbeParams finds where each of the package's functions' parameters
// go, to a fixed point: a wrapper of a wrapper is known whatever the order
// of their declarations.
func (c *checker) findProbeParams() {
	pa := c.probeArgs
	params := c.indexValues()
	// Each round reads the others' parameters as the last round left
	// them; uses only grow (useNames < useProbes < useSelects), so it ends.
	for changed := true; changed; {
		changed = false
		for _, v := range params {
			if u := max(pa.params[v], c.sitesUse(v, 0)); u != pa.params[v] {
				pa.params[v] = u
				changed = true
			}
		}
	}
	pa.settled = true
}

// indexValues indexes, in one walk, the reads and writes of the package's
// variables that can hold a feature, and returns the parameters of its
// functions that can.
func (c *checker) indexValues() []*types.Var {
	pa := c.probeArgs
	info := c.pass.TypesInfo
	var params []*types.Var
	for _, f := range c.pass.Files {
		var stack []ast.Node
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return true
			}
			switch n := n.(type) {
			case *ast.FuncDecl:
				if fn, ok := info.Defs[n.Name].(*types.Func); ok && n.Body != nil {
					sig := fn.Signature()
					for i := range sig.Params().Len() {
						if v := sig.Params().At(i); c.carriesFeature(v.Type(), 0) {
							params = append(params, v)
							pa.params[v] = useNames
							pa.owners[v] = fn
						}
					}
				}
			case *ast.Ident:
				if v, ok := info.Uses[n].(*types.Var); ok && !v.IsField() && v.Pkg() == c.pass.Pkg && c.carriesFeature(v.Type(), 0) {
					pa.sites[v] = append(pa.sites[v], valueSite{n, slices.Clone(stack)})
				}
			case *ast.AssignStmt, *ast.ValueSpec, *ast.RangeStmt:
				c.indexWrites(n)
			}
			stack = append(stack, n)
			return true
		})
	}
	return params
}

// indexWrites records what gives a variable that can hold a feature its
// value: an assignment of one value, a declaration's value, or nil for
// any other write (several results, a compound assignment, a range).
func (c *checker) indexWrites(n ast.Node) {
	pa := c.probeArgs
	info := c.pass.TypesInfo
	switch n := n.(type) {
	case *ast.AssignStmt:
		for _, lhs := range n.Lhs {
			if id, ok := ast.Unparen(lhs).(*ast.Ident); ok {
				if v, ok := info.ObjectOf(id).(*types.Var); ok && c.carriesFeature(v.Type(), 0) {
					var w ast.Node = n
					if len(n.Lhs) != len(n.Rhs) || n.Tok != token.ASSIGN && n.Tok != token.DEFINE {
						w = nil
					}
					pa.writes[v] = append(pa.writes[v], w)
				}
			}
		}
	case *ast.ValueSpec:
		for _, id := range n.Names {
			if v, ok := info.Defs[id].(*types.Var); ok && len(n.Values) > 0 && c.carriesFeature(v.Type(), 0) {
				pa.writes[v] = append(pa.writes[v], n)
			}
		}
	case *ast.RangeStmt:
		if n.Tok == token.ASSIGN {
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok {
						pa.writes[v] = append(pa.writes[v], nil)
					}
				}
			}
		}
	}
}

// exportProbeParams exports this package's probe parameters, and reports
// whether there were any.
func (c *checker) exportProbeParams() bool {
	if c.probeArgs == nil && !c.hasFeatureParams() {
		return false // nothing to export: no need to index the package's values
	}
	pa := c.probeArgState()
	facts := map[*types.Func]*probeParamFact{}
	for v, u := range pa.params {
		if u != useProbes {
			continue
		}
		fn := pa.owners[v]
		if facts[fn] == nil {
			facts[fn] = &probeParamFact{}
		}
		facts[fn].Params = append(facts[fn].Params, paramIndex(fn, v))
	}
	for fn, fact := range facts {
		slices.Sort(fact.Params)
		c.pass.ExportObjectFact(fn, fact)
	}
	return len(facts) > 0
}

// hasFeatureParams reports whether a function declared in the package has
// a parameter that can hold a feature: one that may be a probe parameter
// (indexValues lists the same ones).
func (c *checker) hasFeatureParams() bool {
	c.funcDecl(nil) // builds c.decls
	for fn, fd := range c.decls {
		if fd.Body == nil {
			continue
		}
		for v := range fn.Signature().Params().Variables() {
			if c.carriesFeature(v.Type(), 0) {
				return true
			}
		}
	}
	return false
}

// onlyProbed reports whether the constant e, inside stack, reaches a probe
// and otherwise only places that name it: it is a probe's argument.
func (c *checker) onlyProbed(e ast.Expr, stack []ast.Node) bool {
	c.probeArgState()
	return c.useOf(e, stack, 0) == useProbes
}

// useOf is where the value of e, read inside stack (innermost last), goes.
func (c *checker) useOf(e ast.Node, stack []ast.Node, depth int) valueUse {
	info := c.pass.TypesInfo
	child := e
	for i := len(stack) - 1; i >= 0; i-- {
		switch p := stack[i].(type) {
		case *ast.ParenExpr, *ast.StarExpr:
		case *ast.UnaryExpr:
			if p.Op == token.AND {
				return useSelects // its address can go anywhere
			}
		case *ast.BinaryExpr:
			switch p.Op {
			case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
				return useNames
			}
			// Flags combined: where the result goes decides.
		case *ast.SelectorExpr:
			if s := info.Selections[p]; s == nil || s.Kind() != types.FieldVal {
				return c.methodUse(p)
			}
			// A field of a table entry (ph.Helper): where it goes decides.
		case *ast.IndexExpr:
			if child == p.Index {
				return useNames
			}
			// An element of a table indexed: where it goes decides.
		case *ast.KeyValueExpr:
			if child == p.Key {
				return useNames
			}
		case *ast.CompositeLit:
			if named := namedStruct(info.TypeOf(p)); named != nil && c.api.Packages[named.Obj().Pkg().Path()] {
				return useSelects // handed to the library
			}
		case *ast.CallExpr:
			if child == p.Fun {
				return useSelects
			}
			if tv, ok := info.Types[p.Fun]; ok && tv.IsType() {
				break // a conversion: where the result goes decides
			}
			if v := c.selfAppend(p, stack[:i]); v != nil {
				if child == p.Args[0] {
					return useNames // back into v, whose reads are followed
				}
				return c.varUse(v, depth+1)
			}
			return c.argumentUse(p, child)
		case *ast.SwitchStmt:
			if child == p.Tag {
				return useNames
			}
			return useSelects
		case *ast.CaseClause:
			return useNames
		case *ast.RangeStmt:
			if child == p.X {
				return c.rangeUse(p, depth)
			}
			return useSelects
		case *ast.AssignStmt:
			return c.assignedUse(p, child, depth)
		case *ast.ValueSpec:
			return c.declaredUse(p, child, depth)
		default:
			return useSelects
		}
		child = stack[i]
	}
	return useSelects
}

// methodUse is where a value goes that a method is called on: a mapped
// type's listed methods select (asm.BuiltinFunc.Call), its others name it
// (String); any other type's methods are not followed.
func (c *checker) methodUse(sel *ast.SelectorExpr) valueUse {
	rule := c.typeRule(c.pass.TypesInfo.TypeOf(sel.X))
	if rule == nil || slices.Contains(rule.Methods, sel.Sel.Name) {
		return useSelects
	}
	return useNames
}

// argumentUse is where an argument of a call goes.
func (c *checker) argumentUse(call *ast.CallExpr, arg ast.Node) valueUse {
	idx := slices.IndexFunc(call.Args, func(a ast.Expr) bool { return a == arg })
	switch callee := typeutil.Callee(c.pass.TypesInfo, call).(type) {
	case *types.Builtin:
		if callee.Name() == "len" || callee.Name() == "cap" {
			return useNames
		}
		return useSelects
	case *types.Func:
		key := c.key(callee)
		if rule := c.api.Probes[key]; rule != nil {
			if slices.Contains(rule.Args, idx) {
				return useProbes
			}
			return useNames
		}
		if _, mapped := c.api.Funcs[key]; mapped || idx < 0 {
			return useSelects
		}
		return c.paramUse(callee, idx)
	}
	return useSelects // a function value: its body is out of sight
}

// paramUse is where a function's parameter idx goes: this package's from
// the fixed point, another's from its fact; an interface parameter only
// names what it is given (logging, formatting, errors).
func (c *checker) paramUse(fn *types.Func, idx int) valueUse {
	fn = fn.Origin()
	sig := fn.Signature()
	n := sig.Params().Len()
	if sig.Variadic() && idx >= n-1 {
		idx = n - 1
	}
	if idx >= n {
		return useSelects
	}
	param := sig.Params().At(idx)
	if fn.Pkg() == c.pass.Pkg {
		if u, ok := c.probeArgs.params[param]; ok {
			return u
		}
	} else if fact := c.importedProbeParams(fn); fact != nil && slices.Contains(fact.Params, idx) {
		return useProbes
	}
	t := param.Type()
	if s, ok := t.(*types.Slice); ok && sig.Variadic() && idx == n-1 {
		t = s.Elem()
	}
	if types.IsInterface(t) {
		return useNames
	}
	return useSelects
}

// importedProbeParams returns another package's function's probe
// parameters, decoded once.
func (c *checker) importedProbeParams(fn *types.Func) *probeParamFact {
	pa := c.probeArgs
	if f, ok := pa.imported[fn]; ok {
		return f
	}
	var f *probeParamFact
	if imported := new(probeParamFact); c.pass.ImportObjectFact(fn, imported) {
		f = imported
	}
	pa.imported[fn] = f
	return f
}

// rangeUse is where the entries of a table go that a loop ranges over:
// where its element variable (and a map's key) goes.
func (c *checker) rangeUse(rs *ast.RangeStmt, depth int) valueUse {
	if rs.Tok != token.DEFINE {
		return useSelects // assigned to variables of the enclosing scope
	}
	vars := []ast.Expr{rs.Value}
	if _, isMap := c.pass.TypesInfo.TypeOf(rs.X).Underlying().(*types.Map); isMap {
		vars = append(vars, rs.Key) // a slice's key is an index
	}
	u := useNames
	for _, e := range vars {
		id, ok := e.(*ast.Ident)
		if !ok || id.Name == "_" {
			continue
		}
		if v, ok := c.pass.TypesInfo.Defs[id].(*types.Var); ok {
			u = max(u, c.varUse(v, depth+1))
		}
	}
	return u
}

// assignedUse is where a value goes that is assigned: to a variable given
// only it, where that variable goes. A variable written is not read.
func (c *checker) assignedUse(as *ast.AssignStmt, value ast.Node, depth int) valueUse {
	if slices.ContainsFunc(as.Lhs, func(e ast.Expr) bool { return e == value }) {
		return useNames
	}
	k := slices.IndexFunc(as.Rhs, func(e ast.Expr) bool { return e == value })
	if k < 0 || len(as.Lhs) != len(as.Rhs) {
		return useSelects
	}
	id, ok := ast.Unparen(as.Lhs[k]).(*ast.Ident)
	if !ok {
		return useSelects // into a field, a map, a slice: not followed
	}
	if id.Name == "_" {
		return useNames
	}
	return c.singleValueUse(c.pass.TypesInfo.ObjectOf(id), as.Rhs[k], depth)
}

// declaredUse is assignedUse for var declarations.
func (c *checker) declaredUse(vs *ast.ValueSpec, value ast.Node, depth int) valueUse {
	k := slices.IndexFunc(vs.Values, func(e ast.Expr) bool { return e == value })
	if k < 0 || len(vs.Names) != len(vs.Values) {
		return useSelects
	}
	return c.singleValueUse(c.pass.TypesInfo.Defs[vs.Names[k]], vs.Values[k], depth)
}

func (c *checker) singleValueUse(obj types.Object, value ast.Expr, depth int) valueUse {
	v, ok := obj.(*types.Var)
	if !ok || c.singleValue(v) != value && !c.growsOnly(v) {
		return useSelects // given other values too: they would share its reads
	}
	return c.varUse(v, depth+1)
}

// selfAppend returns v where call, inside outer (innermost last), is the
// append of v = append(v, ...) and v is a table that only grows: what is
// appended goes where v's reads go.
func (c *checker) selfAppend(call *ast.CallExpr, outer []ast.Node) *types.Var {
	info := c.pass.TypesInfo
	if b, ok := typeutil.Callee(info, call).(*types.Builtin); !ok || b.Name() != "append" || len(call.Args) == 0 || len(outer) == 0 {
		return nil
	}
	as, ok := outer[len(outer)-1].(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 || as.Rhs[0] != call {
		return nil
	}
	v := appendedTo(info, as)
	if v == nil || !c.growsOnly(v) {
		return nil
	}
	return v
}

// appendedTo returns v if as is v = append(v, ...).
func appendedTo(info *types.Info, as *ast.AssignStmt) *types.Var {
	if as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return nil
	}
	call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
	if !ok || len(call.Args) == 0 {
		return nil
	}
	if b, ok := typeutil.Callee(info, call).(*types.Builtin); !ok || b.Name() != "append" {
		return nil
	}
	lhs, ok := ast.Unparen(as.Lhs[0]).(*ast.Ident)
	arg, ok2 := ast.Unparen(call.Args[0]).(*ast.Ident)
	if !ok || !ok2 {
		return nil
	}
	v, _ := info.Uses[lhs].(*types.Var)
	if v == nil || info.Uses[arg] != v {
		return nil
	}
	return v
}

// growsOnly reports whether v is a table given one value and otherwise
// only appended to (progTypes = append(progTypes, ebpf.Kprobe)): all
// it ever holds are that value's entries and what is appended.
func (c *checker) growsOnly(v *types.Var) bool {
	c.singleValue(v) // collects c.addressed
	if c.addressed[v] > 0 {
		return false
	}
	others := 0
	for _, w := range c.probeArgs.writes[v] {
		if w == nil {
			return false // written some other way: a range, several results
		}
		if as, ok := w.(*ast.AssignStmt); !ok || appendedTo(c.pass.TypesInfo, as) == nil {
			others++
		}
	}
	return others <= 1
}

// varUse is where a variable given one value goes: the join of its reads.
// An exported package variable can be read anywhere.
func (c *checker) varUse(v *types.Var, depth int) valueUse {
	pa := c.probeArgs
	if u, ok := pa.params[v]; ok {
		return u
	}
	if depth > maxGuardDepth || !c.carriesFeature(v.Type(), 0) || v.Exported() && v.Parent() == c.pass.Pkg.Scope() {
		return useSelects
	}
	if u, ok := pa.locals[v]; ok {
		return u
	}
	if pa.following[v] {
		return useNames // a cycle adds nothing to what its other reads give
	}
	pa.following[v] = true
	u := c.sitesUse(v, depth)
	delete(pa.following, v)
	if pa.settled {
		pa.locals[v] = u
	}
	return u
}

// sitesUse joins where each read of v goes.
func (c *checker) sitesUse(v *types.Var, depth int) valueUse {
	u := useNames
	for _, s := range c.probeArgs.sites[v] {
		if u = max(u, c.useOf(s.id, s.stack, depth)); u == useSelects {
			break
		}
	}
	return u
}

// carriesFeature reports whether a value of type t can hold a feature
// constant: a mapped type, or a pointer, slice, array, map or struct (a
// table entry) of one.
func (c *checker) carriesFeature(t types.Type, depth int) bool {
	if known, ok := c.carries[t]; ok {
		return known
	}
	// Only a whole answer is kept: one cut short by the depth is not.
	carries := false
	if c.typeRule(t) != nil {
		carries = true
	} else if depth < 3 {
		switch u := t.Underlying().(type) {
		case *types.Pointer:
			carries = c.carriesFeature(u.Elem(), depth+1)
		case *types.Slice:
			carries = c.carriesFeature(u.Elem(), depth+1)
		case *types.Array:
			carries = c.carriesFeature(u.Elem(), depth+1)
		case *types.Map:
			carries = c.carriesFeature(u.Key(), depth+1) || c.carriesFeature(u.Elem(), depth+1)
		case *types.Struct:
			// Only fields this package can read: another package's
			// object (an *ebpf.Map and its unexported type) is no table.
			for i := range u.NumFields() {
				f := u.Field(i)
				if (f.Exported() || f.Pkg() == c.pass.Pkg) && c.carriesFeature(f.Type(), depth+1) {
					carries = true
					break
				}
			}
		}
	}
	if depth == 0 {
		c.carries[t] = carries
	}
	return carries
}

// probeArgFeatures returns what a probe's (or a parametric check's)
// argument names: the features of a constant, or, for a parameter of the
// function around the call or the element of a loop over a table, its
// stand-in.
func (c *checker) probeArgFeatures(arg ast.Expr) []*kernelspec.Feature {
	if feats, _, ok := c.constantFeatures(arg); ok {
		return feats
	}
	e := ast.Unparen(arg)
	for {
		conv, ok := e.(*ast.CallExpr)
		if !ok || len(conv.Args) != 1 || !c.pass.TypesInfo.Types[conv.Fun].IsType() {
			break
		}
		e = ast.Unparen(conv.Args[0])
	}
	if f := c.tableEntryStandIn(e); f != nil {
		return []*kernelspec.Feature{f} // an entry of a table a loop probes
	}
	id, v := c.readVar(e)
	if v == nil {
		return nil
	}
	fd := c.funcDeclAt(id.Pos())
	if fd == nil {
		return nil
	}
	fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
	if !ok || paramIndex(fn, v) < 0 {
		return nil
	}
	return []*kernelspec.Feature{c.standIn(v)}
}

// standIn returns the feature that stands for whatever parameter v names at
// a call. It is in no kernel and dates from no release, so that a proof
// holding it decides nothing about real features; inferCheck turns it into
// the check's feature argument.
func (c *checker) standIn(v *types.Var) *kernelspec.Feature {
	pa := c.probeArgState()
	f := pa.standIns[v]
	if f == nil {
		f = &kernelspec.Feature{
			Name:  fmt.Sprintf("(the feature parameter %s names)", v.Name()),
			Spans: []kernelspec.Span{{Removed: kernelspec.Version{Patch: 1}}},
		}
		pa.standIns[v] = f
		pa.standFor[f] = v
	}
	return f
}

// provenFeatures splits what a check function's body proves into the
// features it names and the parameters whose argument names what it
// proves. A stand-in for another function's parameter (a caller's
// context) says nothing about fn's result.
func (c *checker) provenFeatures(fn *types.Func, p proof) (names []string, args []int) {
	for f := range p.features {
		if v, ok := c.probeArgState().standFor[f]; ok {
			if i := paramIndex(fn, v); i >= 0 {
				args = append(args, i)
			}
			continue
		}
		names = append(names, f.Name)
	}
	slices.Sort(names)
	slices.Sort(args)
	return names, args
}

// paramIndex is v's index among fn's parameters, or -1.
func paramIndex(fn *types.Func, v *types.Var) int {
	if fn == nil {
		return -1
	}
	params := fn.Signature().Params()
	for i := range params.Len() {
		if params.At(i) == v {
			return i
		}
	}
	return -1
}
