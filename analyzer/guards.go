package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// A guard is control flow that reaches a use only where a probe proved the
// feature: the use sits in the branch where the probe's error was nil (or
// its boolean true), or after an early exit taken when it was not. The
// checks here are structural, like Android Lint's VersionChecks: they read
// the enclosing if/else, switch and preceding early exits of the use's
// function, through &&, ||, ! and variables assigned once.

// proof is what a condition proves: features present, and the kernel
// version at least (zero: nothing about the version).
//
// assumed holds features the path cannot run without, though nothing
// tested the kernel for them: the data it branches on names them
// (spec.Type == ebpf.StructOpsMap), or the function implements them (the
// API map's link.AttachXDP needs BPF_LINK_TYPE_XDP, so its body runs only
// where the caller's use of it was checked). A kernel without them never
// takes the path, so only kernels with them are checked there; unlike
// proven features, they make no probe and no check function.
type proof struct {
	features map[*kernelspec.Feature]bool
	version  kernelspec.Version
	assumed  map[*kernelspec.Feature]bool
	// assumedFloor is a release the path assumes without a feature to
	// name: one of several alternatives holds (case ebpf.AttachTraceFEntry,
	// ebpf.AttachModifyReturn:), so at least the oldest of them.
	assumedFloor kernelspec.Version
	// top is the lattice's top: everything holds. It is where a greatest
	// fixpoint starts (the callers of a cycle of calls vouch for each
	// other until what comes in from outside says less); the meet with
	// it is the other side. No finished summary holds it.
	top bool
}

// topProof is the proof of a path nothing has been learnt about yet.
func topProof() proof { return proof{top: true} }

func proofOf(feats ...*kernelspec.Feature) proof {
	var p proof
	for _, f := range feats {
		p.prove(f)
	}
	return p
}

func (p *proof) prove(f *kernelspec.Feature) {
	if p.features == nil {
		p.features = map[*kernelspec.Feature]bool{}
	}
	p.features[f] = true
}

// assuming is the proof of a path that runs only where feats exist.
func assuming(feats ...*kernelspec.Feature) proof {
	p := proofOf()
	for _, f := range feats {
		p.assume(f)
	}
	return p
}

// provenHas reports whether p proves f: f itself, or a feature the same kernel
// change introduced — no kernel has one without the other, so a probe for
// the LSM program type proves the BPF_LSM_MAC attach type it loads with.
func (c *checker) provenHas(p proof, f *kernelspec.Feature) bool {
	if p.top || p.features[f] {
		return true
	}
	if len(p.features) == 0 {
		return false
	}
	for _, g := range c.db.IntroducedWith(f) {
		if p.features[g] {
			return true
		}
	}
	return false
}

// empty reports whether p proves nothing; it may still assume something.
func (p proof) empty() bool { return !p.top && len(p.features) == 0 && p.version.IsZero() }

func (p proof) union(q proof) proof {
	if p.top || q.top {
		return topProof()
	}
	out := proofOf()
	for f := range p.features {
		out.prove(f)
	}
	for f := range q.features {
		out.prove(f)
	}
	out.version = maxVersion(p.version, q.version)
	for f := range p.assumed {
		out.assume(f)
	}
	for f := range q.assumed {
		out.assume(f)
	}
	out.assumedFloor = maxVersion(p.assumedFloor, q.assumedFloor)
	return out
}

func (p proof) intersect(q proof) proof {
	switch { // copies: a proof's maps are its own
	case p.top:
		return q.union(proof{})
	case q.top:
		return p.union(proof{})
	}
	out := proofOf()
	for f := range p.features {
		if q.features[f] {
			out.prove(f)
		}
	}
	out.version = p.version
	if q.version.Less(p.version) {
		out.version = q.version
	}
	// Either side holds: at least the older of what each assumes.
	if pv, qv := p.assumedVersion(), q.assumedVersion(); !pv.IsZero() && !qv.IsZero() {
		out.assumedFloor = pv
		if qv.Less(pv) {
			out.assumedFloor = qv
		}
	}
	// What one side proves and the other only assumes, both assume.
	for f := range p.features {
		if q.assumed[f] {
			out.assume(f)
		}
	}
	for f := range p.assumed {
		if q.assumed[f] || q.features[f] {
			out.assume(f)
		}
	}
	return out
}

// equal reports whether p and q say the same.
func (p proof) equal(q proof) bool {
	if p.top || q.top {
		return p.top == q.top
	}
	return p.version == q.version && p.assumedFloor == q.assumedFloor &&
		sameSet(p.features, q.features) && sameSet(p.assumed, q.assumed)
}

func sameSet(a, b map[*kernelspec.Feature]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for f := range a {
		if !b[f] {
			return false
		}
	}
	return true
}

func (p *proof) assume(f *kernelspec.Feature) {
	if p.assumed == nil {
		p.assumed = map[*kernelspec.Feature]bool{}
	}
	p.assumed[f] = true
}

// assumedVersion is the release the path assumes: the newest an assumed
// feature came in, or its assumed floor; zero if nothing is assumed.
func (p proof) assumedVersion() kernelspec.Version {
	v := p.assumedFloor
	for f := range p.assumed {
		v = maxVersion(v, f.Since())
	}
	return v
}

// maxGuardDepth bounds how far variables are followed to their values.
const maxGuardDepth = 8

// receiverAssumes is what a method assumes of its receiver: values of
// some types exist only where features do (the API map's values).
func (c *checker) receiverAssumes(fn *types.Func) proof {
	recv := fn.Signature().Recv()
	if recv == nil || len(c.api.Values) == 0 {
		return proofOf()
	}
	named, ok := types.Unalias(deref(recv.Type())).(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return proofOf()
	}
	return assuming(c.api.Values[named.Obj().Pkg().Path()+"."+named.Obj().Name()]...)
}

// namesFeature is what a path taken only when a value equals e assumes:
// the features e names if it is a feature constant. The value came from
// somewhere that chose the feature, and was checked there.
func (c *checker) namesFeature(e ast.Expr) proof {
	e = ast.Unparen(e)
	if lit, ok := e.(*ast.CompositeLit); ok {
		// match{ebpf.LSM, ebpf.AttachLSMMac}: equal only if every
		// element is, so it assumes what each names.
		out := proofOf()
		for _, elt := range lit.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				elt = kv.Value
			}
			out = out.union(c.namesFeature(elt))
		}
		return out
	}
	if feats, _, ok := c.constantFeatures(e); ok {
		return assuming(feats...)
	}
	if id := identOf(e); id != nil && len(c.api.Implies) > 0 {
		if k, ok := c.pass.TypesInfo.ObjectOf(id).(*types.Const); ok && k.Pkg() != nil {
			return assuming(c.api.Implies[k.Pkg().Path()+"."+k.Name()]...)
		}
	}
	return proofOf()
}

// comparisonAssumes is what x == y (equal) or x != y (!equal) being true
// assumes: x equals a feature constant y, or x is a mapped field and y is
// its zero value.
func (c *checker) comparisonAssumes(x, y ast.Expr, equal bool) proof {
	if isZeroConst(c.pass.TypesInfo, y) {
		if !equal {
			return c.fieldSetAssumes(x)
		}
		return proofOf()
	}
	if equal {
		return c.namesFeature(y).union(c.reportedValueAssumes(x, y))
	}
	return proofOf()
}

// fieldSetAssumes is what a path taken only when x.F is set assumes, F
// being a field the API map maps to features (spec.AttachTarget != nil):
// whoever set it was checked for them. A field the package keeps, set
// only where a probe or a fallback made sure of its value (l.reader = r
// after the probe), proves what every such write does.
func (c *checker) fieldSetAssumes(e ast.Expr) proof {
	named, field := c.assignedField(e)
	if named == nil {
		if v := c.keptVar(e); v != nil {
			return c.keptSetProof(v) // a package variable
		}
		return proofOf()
	}
	rule := c.fieldRule(named, field)
	if rule == nil {
		if p := c.writtenFieldAssumes(e); len(p.assumed) > 0 {
			return p
		}
		if v := c.keptVar(e); v != nil {
			return c.keptSetProof(v)
		}
		return proofOf()
	}
	if rule.HelperCall != nil {
		return proofOf()
	}
	return assuming(rule.Features...)
}

// writtenFieldAssumes is what attr.F != 0 assumes when attr is what a
// bpf(2) call of the function passes: the kernel field F maps to. A kernel
// that wrote a revision into BPF_PROG_QUERY's attr knows revisions (6.6),
// and so its link_ids (query.go's haveLinkIDs); if the program set F
// itself, it chose F, and was checked there.
func (c *checker) writtenFieldAssumes(e ast.Expr) proof {
	root := ast.Unparen(e)
	for {
		sel, ok := root.(*ast.SelectorExpr)
		if !ok {
			break
		}
		root = ast.Unparen(sel.X)
	}
	_, v := c.readVar(root)
	if v == nil {
		return proofOf()
	}
	sites := c.attrSitesOf(v)
	if len(sites) == 0 {
		return proofOf()
	}
	set, ok := c.fieldOf(e, v)
	if !ok {
		return proofOf()
	}
	for _, site := range sites {
		if pick, _ := c.attrField(site.cmd, set); pick != nil {
			return assuming(pick)
		}
	}
	return proofOf()
}

// attrSite is a bpf(2) call an attr variable is passed to, and its
// command.
type attrSite struct {
	cmd  *kernelspec.Feature
	call *ast.CallExpr
}

// proves returns the features that e being truth proves.
func (c *checker) proves(e ast.Expr, truth bool, depth int) proof {
	if depth > maxGuardDepth {
		return proofOf()
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return c.proves(e.X, truth, depth)
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			return c.proves(e.X, !truth, depth)
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND, token.LOR:
			if p, ok := c.versionLogic(e, truth, depth); ok {
				return p // major > 5 || major == 5 && minor >= 8, solved together
			}
		}
		switch e.Op {
		case token.LAND:
			if truth {
				return c.proves(e.X, true, depth).union(c.proves(e.Y, true, depth))
			}
			return c.proves(e.X, false, depth).intersect(c.proves(e.Y, false, depth))
		case token.LOR:
			if truth {
				return c.proves(e.X, true, depth).intersect(c.proves(e.Y, true, depth))
			}
			return c.proves(e.X, false, depth).union(c.proves(e.Y, false, depth))
		case token.EQL, token.NEQ:
			equal := (e.Op == token.EQL) == truth
			if p := c.comparisonAssumes(e.X, e.Y, equal); !p.empty() || len(p.assumed) > 0 {
				return p
			}
			if p := c.comparisonAssumes(e.Y, e.X, equal); !p.empty() || len(p.assumed) > 0 {
				return p
			}
			if p := c.triedComparisonProof(e.X, e.Y, equal).union(c.triedComparisonProof(e.Y, e.X, equal)); !p.empty() {
				return p // errno == 0, err != unix.EINVAL (rawprobes.go)
			}
			operand := e.X
			if c.isNil(e.X) {
				operand = e.Y
			} else if !c.isNil(e.Y) {
				return c.versionCompare(e, truth, depth)
			}
			if equal && c.isError(operand) {
				return c.probeResult(operand, depth)
			}
		case token.GTR, token.GEQ, token.LSS, token.LEQ:
			return c.versionCompare(e, truth, depth)
		}
	case *ast.Ident:
		if v, ok := c.pass.TypesInfo.Uses[e].(*types.Var); ok {
			p, handled := c.throughValues(e, v, "",
				func(val ast.Expr) proof { return c.proves(val, truth, depth+1) },
				func(val ast.Expr) bool { return c.isConstBool(val, !truth) || truth && val == zeroValue },
				func() proof {
					if truth && c.isParamOf(v, e) {
						return c.parameterProof(v, e) // a guard passed down
					}
					return proofOf()
				})
			if handled {
				return p
			}
			if truth && v.Parent() == c.pass.Pkg.Scope() {
				// A package variable set from probes: its zero value
				// is one of its values, though no assignment gives it.
				return c.keptProof(v)
			}
			if def := c.singleValue(v); def != nil {
				return c.proves(def, truth, depth+1)
			}
			if truth {
				return c.keptProof(v) // a package variable set from probes
			}
		}
	case *ast.SelectorExpr:
		// A field of a local struct value: caps.ring = probe() == nil.
		if sel := c.pass.TypesInfo.Selections[e]; sel != nil && sel.Kind() == types.FieldVal && !sel.Indirect() {
			if id, ok := ast.Unparen(e.X).(*ast.Ident); ok {
				if v, ok := c.pass.TypesInfo.Uses[id].(*types.Var); ok {
					if _, isStruct := v.Type().Underlying().(*types.Struct); isStruct {
						p, handled := c.throughValues(id, v, e.Sel.Name,
							func(val ast.Expr) proof { return c.proves(val, truth, depth+1) },
							func(val ast.Expr) bool { return c.isConstBool(val, !truth) || truth && val == zeroValue },
							func() proof { return proofOf() })
						if handled {
							return p
						}
					}
				}
			}
		}
		// A field kept from probes (p.fmodRet = haveTracing()), or an
		// imported variable that is a check.
		if v := c.keptVar(e); v != nil && truth && isBool(v.Type()) {
			return c.keptProof(v)
		}
	case *ast.CallExpr:
		if chk := c.checkOf(e); chk != nil && chk.result == truth {
			return chk.proof
		}
		if truth {
			return c.errorsIsProof(e)
		}
		return c.triedTestProof(e) // !errors.Is(err, unix.EINVAL)
	}
	return proofOf()
}

func (c *checker) isError(e ast.Expr) bool {
	tv, ok := c.pass.TypesInfo.Types[e]
	errorType := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	return ok && tv.Type != nil && types.Implements(tv.Type, errorType)
}

func (c *checker) isNil(e ast.Expr) bool {
	tv, ok := c.pass.TypesInfo.Types[e]
	return ok && tv.IsNil()
}

// probeResult returns what e being a nil error proves: e is a probe call,
// or a variable holding one's result.
func (c *checker) probeResult(e ast.Expr, depth int) proof {
	e = ast.Unparen(e)
	if id, ok := e.(*ast.Ident); ok {
		if v, ok := c.pass.TypesInfo.Uses[id].(*types.Var); ok && depth < maxGuardDepth {
			p, handled := c.throughValues(id, v, "",
				func(val ast.Expr) proof { return c.probeResult(val, depth+1) },
				func(val ast.Expr) bool { return c.isAlwaysError(val) },
				func() proof { return proofOf() })
			if handled {
				return p
			}
			if def := c.singleValue(v); def != nil {
				return c.probeResult(def, depth+1)
			}
			return c.keptProof(v)
		}
		return proofOf()
	}
	if v := c.keptVar(e); v != nil && isErrorType(v.Type()) {
		return c.keptProof(v) // an imported variable keeping a probe's error
	}
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return proofOf()
	}
	if chk := c.checkOf(call); chk != nil && chk.result && !boolFirst(c.pass.TypesInfo.TypeOf(call)) {
		return chk.proof.union(c.triedBPF(call)) // a check function, or a feature-test variable
	}
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok {
		return proofOf()
	}
	if rule := c.api.Probes[c.key(fn)]; rule != nil {
		return c.probed(rule, call)
	}
	// Trying is probing: a call that selects features and returned no
	// error proves the kernel has them (pwru's HaveBPFLinkKprobeMulti
	// attaches a kretprobe_multi link and reports whether it worked).
	if feats, ok := c.api.Funcs[c.key(fn)]; ok {
		return proofOf(feats...)
	}
	if req := c.requiresOf(fn); req != nil {
		return c.requirementProof(req)
	}
	if p := c.triedBPF(call); !p.empty() {
		return p // a bpf(2) call, or a wrapper's (rawprobes.go)
	}
	return c.callbackResult(call)
}

// probed is the set of features a probe call tests for.
func (c *checker) probed(rule *apimap.ProbeRule, call *ast.CallExpr) proof {
	out := proofOf(rule.Features...)
	for _, i := range rule.Args {
		if i >= len(call.Args) {
			continue
		}
		for _, f := range c.probeArgFeatures(call.Args[i]) {
			out.prove(f)
		}
	}
	return out
}

// singleValue returns the expression a local variable is given if it is
// given exactly one, in its declaration or one assignment; nil otherwise.
func (c *checker) singleValue(v *types.Var) ast.Expr {
	if c.values == nil {
		c.values = map[*types.Var]ast.Expr{}
		c.assigned = map[*types.Var]int{}
		c.addressed = map[*types.Var]int{}
		c.fieldSets = map[*types.Var]map[string][]ast.Expr{}
		c.kept = map[*types.Var][]keptWrite{}
		for _, f := range c.pass.Files {
			c.collectValues(f)
		}
	}
	if c.assigned[v] != 1 {
		return nil
	}
	return c.values[v]
}

// valueAtOnlyAddress returns the one value a local variable is given when
// its address is taken once, by the caller: opts := T{...}; f(&opts).
// What f does with it afterwards cannot change what it was passed.
func (c *checker) valueAtOnlyAddress(v *types.Var) ast.Expr {
	c.singleValue(v) // collects
	if c.addressed[v] != 1 || c.assigned[v] != 3 {
		return nil
	}
	return c.values[v]
}

func (c *checker) recordFieldSet(sel *ast.SelectorExpr, value ast.Expr) {
	_, v := c.readVar(sel.X)
	if v == nil {
		return
	}
	if c.fieldSets[v] == nil {
		c.fieldSets[v] = map[string][]ast.Expr{}
	}
	c.fieldSets[v][sel.Sel.Name] = append(c.fieldSets[v][sel.Sel.Name], value)
}

func (c *checker) collectValues(f *ast.File) {
	info := c.pass.TypesInfo
	record := func(id *ast.Ident, value ast.Expr) {
		v, ok := info.ObjectOf(id).(*types.Var)
		if !ok {
			return
		}
		c.assigned[v]++
		c.values[v] = value
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				// What a write of a package variable or a field keeps:
				// nil for a value of no expression of its own (x |= y).
				var kept ast.Expr
				if n.Tok == token.ASSIGN || n.Tok == token.DEFINE {
					kept = assignedValue(n.Lhs, n.Rhs, i)
				}
				c.recordKept(c.keptTarget(lhs), n, kept)
				if sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr); ok && len(n.Lhs) == len(n.Rhs) {
					c.recordFieldSet(sel, n.Rhs[i]) // opts.Flags = x
					continue
				}
				id, ok := ast.Unparen(lhs).(*ast.Ident)
				if !ok {
					continue
				}
				var value ast.Expr
				switch {
				case len(n.Rhs) == len(n.Lhs) && n.Tok != token.ADD_ASSIGN:
					value = n.Rhs[i]
				case len(n.Rhs) == 1 && (i == 0 || i == len(n.Lhs)-1):
					// code, err := features.LinuxVersionCode(): the call
					// stands for its first result, and for its error.
					value = n.Rhs[0]
				}
				record(id, value)
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				var value ast.Expr
				if len(n.Values) == len(n.Names) {
					value = n.Values[i]
				}
				if value != nil || len(n.Values) > 0 {
					record(id, value)
				}
				if v, ok := info.Defs[id].(*types.Var); ok {
					kept := ast.Expr(zeroValue)
					if len(n.Values) > 0 {
						kept = assignedValue(n.Names, n.Values, i)
					}
					c.recordKept(v, n, kept)
				}
			}
		case *ast.CompositeLit:
			c.recordLiteralFields(n)
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if e != nil {
						c.recordKept(c.keptTarget(e), n, nil)
					}
				}
			}
		case *ast.UnaryExpr:
			// Taking a variable's address lets anything change it.
			// The value stays recorded for valueAtOnlyAddress.
			if n.Op == token.AND {
				c.recordKept(c.keptTarget(n.X), n, nil)
			}
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND {
				if v, ok := info.ObjectOf(id).(*types.Var); ok {
					c.assigned[v] += 2
					c.addressed[v]++
				}
			}
		case *ast.IncDecStmt:
			c.recordKept(c.keptTarget(n.X), n, nil)
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
				record(id, nil)
			}
		}
		return true
	})
}

// assignedValue is the expression lhs[i] is given: its own, or, from one
// call with several results, the call for the first and the last (code,
// err := features.LinuxVersionCode()); nil for a middle one.
func assignedValue[L ast.Node](lhs []L, rhs []ast.Expr, i int) ast.Expr {
	switch {
	case len(rhs) == len(lhs):
		return rhs[i]
	case len(rhs) == 1 && (i == 0 || i == len(lhs)-1):
		return rhs[0]
	}
	return nil
}

// ObsoleteGuardCategory is the category of a probe for features every
// target already has, the analogue of Android Lint's ObsoleteSdkInt. A
// feature the data says a kernel configuration or runtime setting can
// remove (kernelspec.Requirement) is never one every target has.
const ObsoleteGuardCategory = "obsolete_guard"

// checkObsoleteProbe reports a probe whose answer the targets fix in
// advance: its fallback path is dead code on every supported kernel.
func (c *checker) checkObsoleteProbe(call *ast.CallExpr, fn *types.Func, rule *apimap.ProbeRule) {
	if c.sink.dry {
		return // nothing to learn from it
	}
	probed := c.probed(rule, call)
	if len(probed.features) == 0 {
		return
	}
	targets := c.targetsAt(call.Pos())
	var newest *kernelspec.Feature
	for f := range probed.features {
		for _, k := range targets {
			// A kernel built or booted without what the feature needs
			// (CONFIG_FPROBE, lockdown) lacks it whatever its release:
			// the probe still answers a question there.
			if !k.Has(f) || len(f.RequiresIn(k.Base)) > 0 {
				return
			}
		}
		if newest == nil || newest.Since().Less(f.Since()) || newest.Since() == f.Since() && f.Name < newest.Name {
			newest = f
		}
	}
	pos := callName(call).Pos()
	target := "the target"
	if len(targets) == 1 {
		target = "the target, " + targets[0].Name + ","
	}
	c.sink.emit(c, analysisDiagnostic(pos, call.End(), ObsoleteGuardCategory,
		"%s always succeeds: %s is in Linux %s and %s has it", shortFuncName(fn), newest.Name, newest.Since(), target))
}
