package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// Projects probe once and keep the answer: in a variable set when the
// package starts (var haveRingBuf = features.HaveMapType(ebpf.RingBuf) ==
// nil), in a struct that a sync.Once fills, in the function sync.OnceValue
// wraps, or in a field of their own type that a constructor sets
// (t.fmodRet = haveTracing()) for its methods to test. A kept value is as
// good as the probe where it is read when the value was only ever written
// from probe and check results: what reading it proves is what every
// value written into it proves, with what held where it was written. A
// boolean may also be written false, its zero value: that never makes it
// true. One write of anything else (a flag from the command line, true by
// hand), or one out of sight (its address taken, x++), and it proves
// nothing.
//
// Kept values are the package's own: package variables, and unexported
// fields of the package's struct types, whose every write is in the
// package. (An exported field is set by importers too, as options are.)
// A package variable that proves something is a check its importers read,
// exported as a fact; so is a variable made by a memoizer of the API map
// (sync.OnceValue) around a function that is one.

// keptWrite is one write of a kept value: the value, and the node it is
// written at. A nil value is a write out of sight.
type keptWrite struct {
	at    ast.Node
	value ast.Expr
}

// recordKept records a write of v if v may be a kept value.
func (c *checker) recordKept(v *types.Var, at ast.Node, value ast.Expr) {
	if v == nil || !c.mayKeep(v) {
		return
	}
	c.kept[v] = append(c.kept[v], keptWrite{at, value})
}

// mayKeep reports whether v's writes are all in this package: a package
// variable, or an unexported field of a struct declared here.
func (c *checker) mayKeep(v *types.Var) bool {
	if v.Pkg() != c.pass.Pkg {
		return false
	}
	if v.IsField() {
		return !v.Exported() && !v.Embedded()
	}
	return v.Parent() == c.pass.Pkg.Scope()
}

// keptTarget is the kept value an assignment's left side writes: a
// package variable or a field; nil for anything else.
func (c *checker) keptTarget(lhs ast.Expr) *types.Var {
	switch e := ast.Unparen(lhs).(type) {
	case *ast.Ident:
		v, _ := c.pass.TypesInfo.ObjectOf(e).(*types.Var)
		return v
	case *ast.SelectorExpr:
		if sel := c.pass.TypesInfo.Selections[e]; sel != nil && sel.Kind() == types.FieldVal {
			v, _ := sel.Obj().(*types.Var)
			return v
		}
		v, _ := c.pass.TypesInfo.Uses[e.Sel].(*types.Var) // pkg.V
		return v
	}
	return nil
}

// recordLiteralFields records the fields a struct literal writes: those
// it names, or all of them in order.
func (c *checker) recordLiteralFields(lit *ast.CompositeLit) {
	t := c.pass.TypesInfo.TypeOf(lit)
	if t == nil {
		return
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return
	}
	for i, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok {
				if f, ok := c.pass.TypesInfo.ObjectOf(id).(*types.Var); ok {
					c.recordKept(f, kv, kv.Value)
				}
			}
			continue
		}
		if i < st.NumFields() {
			c.recordKept(st.Field(i), elt, elt)
		}
	}
}

// keptProof is what reading v proves: v true for a boolean, v nil for an
// error; nothing unless v is a kept value written only from probes.
func (c *checker) keptProof(v *types.Var) proof {
	if v.Pkg() != c.pass.Pkg {
		if fact := c.varCheckOf(v); fact != nil && !fact.WhenFalse {
			return c.factProof(fact)
		}
		return proofOf()
	}
	boolean := isBool(v.Type())
	if !boolean && !isErrorType(v.Type()) || v.IsField() && !boolean {
		return proofOf() // an error field starts nil: "no error" before any probe
	}
	return c.keptWrites(keptKey{v, false}, func(w keptWrite) (proof, bool) {
		switch {
		case boolean && (w.value == zeroValue || c.isConstBool(w.value, false)):
			return proofOf(), false // never makes it true
		case boolean:
			return c.proves(w.value, true, 1), true
		case w.value == zeroValue || c.isNil(w.value):
			return proofOf(), true // nil says "no error" without a probe
		}
		return c.probeResult(w.value, 1), true
	})
}

// keptSetProof is what a kept field or variable being set (not zero)
// proves: l.reader = r, written only where a probe or a fallback made
// sure r works.
func (c *checker) keptSetProof(v *types.Var) proof {
	if v.Pkg() != c.pass.Pkg || isBool(v.Type()) || isErrorType(v.Type()) {
		return proofOf() // booleans are read, errors tested for nil: keptProof
	}
	return c.keptWrites(keptKey{v, true}, func(w keptWrite) (proof, bool) {
		if w.value == zeroValue || isZeroConst(c.pass.TypesInfo, w.value) {
			return proofOf(), false
		}
		return c.nonZeroProof(w.value, 1), true
	})
}

// readsKeptProbe reports whether id reads a variable that may keep a
// probe's result: one of the package's kept values that keptMayProve, or
// an imported variable that is a check.
func (c *checker) readsKeptProbe(id *ast.Ident) bool {
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok {
		return false
	}
	if v.Pkg() != c.pass.Pkg {
		if v.Pkg() == nil || v.Parent() != v.Pkg().Scope() {
			return false
		}
		if _, isFunc := v.Type().Underlying().(*types.Signature); !isFunc && !isBoolOrError(v.Type()) {
			return false
		}
		return c.varCheckOf(v) != nil
	}
	return isBoolOrError(v.Type()) && c.mayKeep(v) && c.keptMayProve(v)
}

// mayReadKept is the cheap test mayProve makes of every identifier
// before readsKeptProbe: the identifier is named as one of the package's
// boolean or error variables, or as an unexported field of one of its
// structs, or an import exports a variable that is a check. Most packages
// keep no probe, and most identifiers name no such thing.
func (c *checker) mayReadKept(id *ast.Ident) bool {
	if c.keptNames == nil {
		c.keptNames = map[string]bool{}
		scope := c.pass.Pkg.Scope()
		for _, name := range scope.Names() {
			t := scope.Lookup(name).Type()
			if _, isVar := scope.Lookup(name).(*types.Var); isVar && isBoolOrError(t) {
				c.keptNames[name] = true
			}
			if st, ok := t.Underlying().(*types.Struct); ok {
				for f := range st.Fields() {
					if !f.Exported() && isBool(f.Type()) {
						c.keptNames[f.Name()] = true
					}
				}
			}
		}
	}
	return c.keptNames[id.Name] || c.importsVarChecks()
}

// importsVarChecks reports, once, whether an import exports a variable
// that is a check.
func (c *checker) importsVarChecks() bool {
	if c.varFacts == 0 {
		c.varFacts = 1
		for _, f := range c.pass.AllObjectFacts() {
			if _, isCheck := f.Fact.(*checkFact); isCheck {
				if _, isVar := f.Object.(*types.Var); isVar {
					c.varFacts = 2
					break
				}
			}
		}
	}
	return c.varFacts == 2
}

// keptMayProve is the cheap test before keptProof, by syntax: every
// write that can make v true (or set) is in a declaration that calls
// something that may prove a feature.
func (c *checker) keptMayProve(v *types.Var) bool {
	if may, done := c.keptMay[v]; done {
		return may
	}
	c.keptMay[v] = false // a value written from itself proves nothing more
	c.singleValue(v)     // collects the writes
	may := false         // until a write can make it true, or set
	for _, w := range c.kept[v] {
		switch {
		case w.value == nil:
			may = false
		case w.value == zeroValue || isZeroConst(c.pass.TypesInfo, w.value):
			continue
		default:
			may = c.writeMayProve(w)
		}
		if !may {
			break
		}
	}
	c.keptMay[v] = may
	return may
}

// writeMayProve is keptMayProve's test of one write: its value may prove
// something, or a condition around it may; a constant or a variable
// written is as good as what its function tested before, anywhere in it.
func (c *checker) writeMayProve(w keptWrite) bool {
	switch ast.Unparen(w.value).(type) {
	case *ast.Ident, *ast.BasicLit:
		decl := ast.Node(c.declAt(w.at.Pos()))
		if decl == nil {
			return false
		}
		may, done := c.declMay[decl]
		if !done {
			may = c.mayProve(decl)
			c.declMay[decl] = may
		}
		return may
	}
	if c.mayProve(w.value) {
		return true
	}
	for _, n := range c.pathTo(w.at) {
		var cond ast.Node
		switch n := n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return false
		case *ast.IfStmt:
			cond = n.Cond
		case *ast.CaseClause:
			cond = n
		case *ast.SwitchStmt:
			cond = n.Tag
		}
		if cond != nil && c.mayProve(cond) {
			return true
		}
	}
	return false
}

// keptKey names what is asked of a kept value: read, or set.
type keptKey struct {
	v   *types.Var
	set bool
}

// keptWrites is the meet, over the writes of v, of what each write's value
// proves (of; false when the write cannot give the value asked about)
// with what held where it was written.
func (c *checker) keptWrites(k keptKey, of func(keptWrite) (proof, bool)) proof {
	if !c.mayKeep(k.v) || !c.keptMayProve(k.v) {
		return proofOf()
	}
	if p, done := c.keptProofs[k]; done {
		return p
	}
	c.keptProofs[k] = proofOf() // a value written from itself proves nothing more
	c.singleValue(k.v)          // collects the writes
	var out alternatives
	for _, w := range c.kept[k.v] {
		if w.value == nil {
			return proofOf() // a write out of sight
		}
		if p, gives := of(w); gives {
			out.add(p.union(c.proven(w.at)))
		}
	}
	if !out.any {
		return proofOf()
	}
	c.keptProofs[k] = out.p
	return out.p
}

func isErrorType(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// keptVar is the variable or field e reads, if it may be a kept value
// or an imported variable: v, pkg.V, x.f.
func (c *checker) keptVar(e ast.Expr) *types.Var {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := c.pass.TypesInfo.Uses[e].(*types.Var); ok && (v.Pkg() != c.pass.Pkg || c.mayKeep(v)) {
			return v
		}
	case *ast.SelectorExpr:
		if v := c.keptTarget(e); v != nil && (v.Pkg() != c.pass.Pkg || c.mayKeep(v)) {
			return v
		}
	}
	return nil
}

// memoizedBody is the function a package variable calls when it is
// called: the literal it is, once assigned, or the literal a memoizer
// (sync.OnceValue) wraps.
func (c *checker) memoizedBody(v *types.Var) *ast.FuncLit {
	if v.Pkg() != c.pass.Pkg || v.Parent() != c.pass.Pkg.Scope() {
		return nil
	}
	e := ast.Unparen(c.singleValue(v))
	if call, ok := e.(*ast.CallExpr); ok && len(call.Args) == 1 {
		fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
		if !ok || !c.api.Memoizers[c.key(fn)] {
			return nil
		}
		e = ast.Unparen(call.Args[0])
	}
	lit, _ := e.(*ast.FuncLit)
	return lit
}

// inferVarChecks infers, in a round of findChecks, the checks that are
// package variables: a memoized probe, called, or a kept probe result,
// read. It reports whether it found one.
func (c *checker) inferVarChecks() bool {
	changed := false
	for _, f := range c.pass.Files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				for _, id := range spec.(*ast.ValueSpec).Names {
					v, ok := c.pass.TypesInfo.Defs[id].(*types.Var)
					if !ok || c.varChecks[v] != nil {
						continue
					}
					if fact := c.inferVarCheck(v); fact != nil {
						c.varChecks[v] = fact
						changed = true
					}
				}
			}
		}
	}
	return changed
}

func (c *checker) inferVarCheck(v *types.Var) *checkFact {
	if lit := c.memoizedBody(v); lit != nil {
		return c.inferBodyCheck(nil, c.pass.TypesInfo.TypeOf(lit).(*types.Signature).Results(), lit.Body)
	}
	p := c.keptProof(v)
	if p.empty() {
		return nil
	}
	return c.factOf(nil, p)
}

// varCheckOf is what a variable proves: called, if it holds a function;
// read, if it holds a bool or an error.
func (c *checker) varCheckOf(v *types.Var) *checkFact {
	if v.Pkg() == c.pass.Pkg {
		c.findChecks()
		return c.varChecks[v]
	}
	var f checkFact
	if c.pass.ImportObjectFact(v, &f) {
		return &f
	}
	return nil
}
