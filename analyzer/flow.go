package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"sort"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/flow"
)

// What holds at a use is a question of control flow, answered by one
// engine: per function, a go/cfg graph whose calls that never return
// (panic, the API map's exits, and this package's own functions that
// only call those) end their blocks, and a forward must-analysis over the
// proof lattice. An edge out of a condition carries what the condition
// proves on that branch; where edges meet, only what all of them carry
// holds. Variables are read through the assignments that reach the read,
// so a probe's error tested three statements later, or in a switch on
// it, or after a loop that retries, means what the flow says it means.
//
// The analysis of a function holds what its own conditions prove; what
// holds on entry (its requirement, its callers' guards, what the API
// map lets its body assume) is added at the question.

// funcGraph is the engine's view of one function body: its graph and
// what the graph's nodes are, shared by every analysis of it.
type funcGraph struct {
	node ast.Node // *ast.FuncDecl or *ast.FuncLit
	body *ast.BlockStmt
	g    *flow.Graph
	// called is set for a function literal that is called where it is
	// written (func() { ... }(), defer func() { ... }()): it runs where
	// the call does, with what holds there.
	called bool

	// cases maps a case expression to its switch's tag (nil for a switch
	// without one); conds holds the conditions of ifs and fors. Only
	// these make an edge conditional on something the code tested.
	cases map[ast.Expr]ast.Expr
	conds map[ast.Expr]bool
	// ranged holds the key and value of range statements: they assign.
	ranged map[ast.Expr]bool
	// unstable holds variables whose address is taken, or that a
	// function literal assigns: their assignments are out of sight.
	unstable map[*types.Var]bool

	values map[valueKey]*reaching
}

// funcFlow is one analysis of a function: what its own conditions prove
// where each block starts.
type funcFlow struct {
	*funcGraph

	state   flowState
	in      []proof // what the function's own conditions prove where each block starts
	reached []bool
	first   []proof // the first round's, while the second runs
	// wantsDefs records that the first round asked what held at an
	// assignment, which it does not know yet: a second round will.
	wantsDefs bool
	edges     map[edgeKey]proof
}

// flowKey names an analysis: a function, and whether it is bare, that is
// blind to what the function's callers pass it. Summaries that speak for
// every caller (what a result proves) are bare; a function whose callers
// pass no guards has one analysis for both.
type flowKey struct {
	node ast.Node
	bare bool
}

type flowState uint8

const (
	flowNew flowState = iota
	flowFirst
	flowSecond
	flowDone
)

type edgeKey struct {
	block int32
	succ  int
}

type valueKey struct {
	node  ast.Node
	v     *types.Var
	field string
}

// reaching is what a read of a variable may see: the assignments that
// reach it, and whether the value it had on entry does.
type reaching struct {
	defs  []flow.Loc
	entry bool
}

// forgetFlowsOf drops the analyses of fn's body and of the literals in
// it, made with summaries that have changed since; what results proved,
// which reads analyses, goes too.
func (c *checker) forgetFlowsOf(fn *types.Func) {
	c.dropFlowsIn(fn, false)
	clear(c.results)
	clear(c.triedParams)
}

// forgetAllFlows drops every analysis and what was read from them: a
// version sample bound to a parameter changes what every function reading
// it proves (versioncheck.go).
func (c *checker) forgetAllFlows() {
	clear(c.flows)
	clear(c.results)
	clear(c.triedParams)
}

// dropFlowsIn drops the analyses of fn's body and of the literals in it;
// with guardedOnly, only those that read what fn's callers pass it.
func (c *checker) dropFlowsIn(fn *types.Func, guardedOnly bool) {
	fd := c.funcDecl(fn)
	if fd == nil {
		return
	}
	for k := range c.flows {
		if (!guardedOnly || !k.bare) && fd.Pos() <= k.node.Pos() && k.node.End() <= fd.End() {
			delete(c.flows, k)
		}
	}
}

// mayReturn reports whether a call in statement position may return.
func (c *checker) mayReturn(call *ast.CallExpr) bool {
	switch fn := typeutil.Callee(c.pass.TypesInfo, call).(type) {
	case *types.Builtin:
		return fn.Name() != "panic"
	case *types.Func:
		return !c.exits.imported(fn) && !c.noReturns()[fn.Origin()]
	}
	return true
}

// noReturns infers, once, which of the package's functions never return,
// and exports them as facts.
func (c *checker) noReturns() map[*types.Func]bool {
	if c.noReturn == nil {
		c.funcDecl(nil) // builds c.decls
		c.noReturn = c.exits.infer(c.decls)
	}
	return c.noReturn
}

// entered reports whether a range loop runs its body at least once: it
// ranges over a non-empty slice or map literal, an array (or a pointer to
// one) of non-zero length, a positive constant, or a variable given one
// such literal only (and otherwise only appended to). A fallback loop
// over a literal of ways to try, `for _, f := range []func() error{a, b}
// { if err = f(); err == nil { break } }`, leaves err as the last try
// left it, never as declared.
func (c *checker) entered(rs *ast.RangeStmt) bool { return c.nonEmpty(rs.X, 0) }

func (c *checker) nonEmpty(x ast.Expr, depth int) bool {
	info := c.pass.TypesInfo
	x = ast.Unparen(x)
	if tv := info.Types[x]; tv.Value != nil {
		switch tv.Value.Kind() {
		case constant.Int:
			return constant.Sign(tv.Value) > 0
		case constant.String:
			return constant.StringVal(tv.Value) != ""
		}
		return false
	}
	t := info.TypeOf(x)
	if t == nil {
		return false
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	if a, ok := t.Underlying().(*types.Array); ok {
		return a.Len() > 0
	}
	switch x := x.(type) {
	case *ast.CompositeLit:
		return len(x.Elts) > 0
	case *ast.Ident:
		if v, ok := info.Uses[x].(*types.Var); ok && depth < maxGuardDepth {
			if def := c.singleValue(v); def != nil {
				return c.nonEmpty(def, depth+1)
			}
			if def := c.grownFrom(v); def != nil {
				return c.nonEmpty(def, depth+1) // appended to only
			}
		}
	}
	return false
}

// forgetGuardedFlowsOf drops the analyses of fn's body, and of the
// literals in it, that read what fn's callers pass it: made with a
// caller context that has changed since.
func (c *checker) forgetGuardedFlowsOf(fn *types.Func) { c.dropFlowsIn(fn, true) }

// flowAt returns the flow of the innermost function holding pos.
func (c *checker) flowAt(pos token.Pos) *funcFlow {
	decl := c.declAt(pos)
	if decl == nil {
		return nil
	}
	var fn ast.Node
	var body *ast.BlockStmt
	called := false
	if fd, ok := decl.(*ast.FuncDecl); ok && fd.Body != nil && fd.Body.Pos() <= pos && pos < fd.Body.End() {
		fn, body = fd, fd.Body
	}
	// The innermost function literal around pos, if any.
	ast.Inspect(decl, func(n ast.Node) bool {
		if n == nil || pos < n.Pos() || n.End() <= pos {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok {
			if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok && lit.Body.Pos() <= pos && pos < lit.Body.End() {
				fn, body, called = lit, lit.Body, true
			}
		}
		if lit, ok := n.(*ast.FuncLit); ok && lit.Body.Pos() <= pos && pos < lit.Body.End() && fn != lit {
			fn, body, called = lit, lit.Body, false
		}
		return true
	})
	if fn == nil {
		return nil
	}
	k := flowKey{fn, c.bare > 0 || !c.passesGuards(decl)}
	if ff := c.flows[k]; ff != nil {
		return ff
	}
	fg := c.graphs[fn]
	if fg == nil {
		fg = &funcGraph{node: fn, body: body, called: called}
		c.graphs[fn] = fg
	}
	ff := &funcFlow{funcGraph: fg}
	c.flows[k] = ff
	return ff
}

// passesGuards reports whether the callers of the function declared at
// decl pass it what their boolean arguments prove: its analysis reads
// them.
func (c *checker) passesGuards(decl ast.Decl) bool {
	fd, ok := decl.(*ast.FuncDecl)
	if !ok {
		return false
	}
	fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
	if !ok {
		return false
	}
	ctx := c.callerContextOf(fn)
	return ctx != nil && len(ctx.args) > 0
}

// graph builds the function's graph and its index on first use.
func (c *checker) graph(ff *funcFlow) *flow.Graph {
	if ff.g != nil {
		return ff.g
	}
	ff.g = flow.New(ff.body, c.mayReturn, c.entered)
	ff.cases = map[ast.Expr]ast.Expr{}
	ff.conds = map[ast.Expr]bool{}
	ff.ranged = map[ast.Expr]bool{}
	ff.unstable = map[*types.Var]bool{}
	ff.values = map[valueKey]*reaching{}
	info := c.pass.TypesInfo
	var lits int
	ast.Inspect(ff.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			// Whatever it assigns may change at any time.
			lits++
			ast.Inspect(n.Body, func(m ast.Node) bool {
				switch m := m.(type) {
				case *ast.AssignStmt:
					for _, lhs := range m.Lhs {
						if v, ok := info.ObjectOf(rootIdent(lhs)).(*types.Var); ok {
							ff.unstable[v] = true
						}
					}
				case *ast.IncDecStmt:
					if v, ok := info.ObjectOf(rootIdent(m.X)).(*types.Var); ok {
						ff.unstable[v] = true
					}
				}
				return true
			})
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if v, ok := info.ObjectOf(rootIdent(n.X)).(*types.Var); ok {
					ff.unstable[v] = true
				}
			}
		case *ast.IfStmt:
			ff.conds[n.Cond] = true
		case *ast.ForStmt:
			if n.Cond != nil {
				ff.conds[n.Cond] = true
			}
		case *ast.RangeStmt:
			if n.Key != nil {
				ff.ranged[n.Key] = true
			}
			if n.Value != nil {
				ff.ranged[n.Value] = true
			}
		case *ast.SwitchStmt:
			for _, s := range n.Body.List {
				for _, e := range s.(*ast.CaseClause).List {
					ff.cases[e] = n.Tag
				}
			}
		case *ast.SelectorExpr:
			// A method with a pointer receiver may change the value.
			if sel := info.Selections[n]; sel != nil && sel.Kind() == types.MethodVal && sel.Indirect() == false {
				if _, ptr := sel.Obj().Type().(*types.Signature).Recv().Type().(*types.Pointer); ptr {
					if v, ok := info.ObjectOf(rootIdent(n.X)).(*types.Var); ok {
						ff.unstable[v] = true
					}
				}
			}
		}
		return true
	})
	return ff.g
}

// rootIdent is the variable an lvalue starts from: x in x, x.f, x.f.g.
func rootIdent(e ast.Expr) *ast.Ident {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// local runs the function's own analysis (twice when a first round
// asked what held at an assignment) and returns the best it has: while
// it runs, what a round before it found, or nothing.
func (c *checker) local(ff *funcFlow) (in []proof, reached []bool) {
	switch ff.state {
	case flowDone:
		return ff.in, ff.reached
	case flowFirst:
		ff.wantsDefs = true
		return nil, nil
	case flowSecond:
		return ff.first, ff.reached
	}
	g := c.graph(ff)
	ff.state = flowFirst
	ff.edges = map[edgeKey]proof{}
	in, reached = flow.Forward(g, proofOf(), proof.intersect, proof.equal, c.edgeFunc(ff))
	if ff.wantsDefs {
		ff.first, ff.reached = in, reached
		ff.state = flowSecond
		ff.edges = map[edgeKey]proof{}
		in, reached = flow.Forward(g, proofOf(), proof.intersect, proof.equal, c.edgeFunc(ff))
		ff.first = nil
	}
	ff.in, ff.reached, ff.edges = in, reached, nil
	ff.state = flowDone
	return ff.in, ff.reached
}

// edgeFunc is the transfer of the analysis: an edge out of a condition
// adds what the condition proves on that branch.
func (c *checker) edgeFunc(ff *funcFlow) func(b *cfg.Block, succ int, in proof) proof {
	return func(b *cfg.Block, succ int, in proof) proof {
		if b.Kind == cfg.KindRangeLoop && len(b.Succs) == 2 {
			return c.loopEdge(b, succ, in) // a table's entries, once exhausted (tableprobes.go)
		}
		if len(b.Succs) != 2 || len(b.Nodes) == 0 {
			return in
		}
		k := edgeKey{b.Index, succ}
		p, done := ff.edges[k]
		if !done {
			p = c.condProof(ff, b.Nodes[len(b.Nodes)-1], succ == 0)
			ff.edges[k] = p
		}
		if p.empty() && len(p.assumed) == 0 && p.assumedFloor.IsZero() {
			return in
		}
		return in.union(p)
	}
}

// condProof is what the condition at the end of a block proves when it
// is truth: an if's or a for's condition, or a case of a switch (the tag
// equal to the case's value).
func (c *checker) condProof(ff *funcFlow, n ast.Node, truth bool) proof {
	e, ok := n.(ast.Expr)
	if !ok {
		return proofOf()
	}
	if tag, isCase := ff.cases[e]; isCase {
		if tag == nil {
			return c.proves(e, truth, 0)
		}
		return c.proves(&ast.BinaryExpr{X: tag, OpPos: e.Pos(), Op: token.EQL, Y: e}, truth, 0)
	}
	if ff.conds[e] {
		return c.proves(e, truth, 0)
	}
	return proofOf()
}

// proven returns what holds at node: what the conditions on every path
// to it prove, and what holds where its function starts (in a bare
// question, without what its callers pass it).
func (c *checker) proven(node ast.Node) proof {
	if c.pastTestSkip(node.Pos()) {
		return c.testSkipProof()
	}
	ff := c.flowAt(node.Pos())
	if ff == nil {
		return proofOf()
	}
	p := c.entryProof(ff)
	l, ok := c.graph(ff).Locate(node.Pos())
	if !ok {
		return p
	}
	if in, reached := c.local(ff); in != nil && reached[l.Block.Index] {
		p = p.union(in[l.Block.Index])
	}
	return p.union(c.shortCircuit(l.Node(), node.Pos()))
}

// shortCircuit is what the operands that x && y and x || y evaluate
// first prove where pos is in the operand evaluated second.
func (c *checker) shortCircuit(n ast.Node, pos token.Pos) proof {
	p := proofOf()
	ast.Inspect(n, func(m ast.Node) bool {
		if m == nil || pos < m.Pos() || m.End() <= pos {
			return false
		}
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BinaryExpr:
			if (m.Op == token.LAND || m.Op == token.LOR) && m.Y.Pos() <= pos {
				p = p.union(c.proves(m.X, m.Op == token.LAND, 0))
			}
		}
		return true
	})
	return p
}

// entryProof is what holds where a function starts: for a declared one,
// what it requires, what the API map lets it assume, and what all its
// callers share; for a literal, what holds where it is made.
func (c *checker) entryProof(ff *funcFlow) proof {
	switch fn := ff.node.(type) {
	case *ast.FuncLit:
		// Called where it is written, or later: a literal exists only
		// where it was made, and the kernel keeps what was proven there.
		return c.proven(fn)
	case *ast.FuncDecl:
		obj, ok := c.pass.TypesInfo.Defs[fn.Name].(*types.Func)
		if !ok {
			break
		}
		p := proofOf()
		// A function that requires something may assume it.
		if c.requires != nil && c.requires[obj] != nil {
			p = p.union(c.requirementProof(c.requires[obj]))
		}
		// The body of a function the API map describes is how its
		// features are done: callers are checked for them.
		if feats, mapped := c.api.Funcs[c.key(obj)]; mapped {
			p = p.union(assuming(feats...))
		}
		p = p.union(c.receiverAssumes(obj))
		if c.bare > 0 {
			return p
		}
		if ctx := c.callerContextOf(obj); ctx != nil {
			p = p.union(ctx.proof)
		}
		return p
	}
	return proofOf()
}

// reachingAt returns the assignments of v (or of its field, for a
// struct value) that reach pos, in the function holding pos; ok is false
// when v is not that function's own or some assignment of it is out of
// sight.
func (c *checker) reachingAt(pos token.Pos, v *types.Var, field string) (*flowDefs, bool) {
	ff := c.flowAt(pos)
	if ff == nil {
		return nil, false
	}
	g := c.graph(ff)
	if v.Pos() < ff.node.Pos() || ff.node.End() <= v.Pos() {
		// Captured from around a literal called where it is written:
		// what reaches the call, unless the literal assigns it.
		if lit, ok := ff.node.(*ast.FuncLit); ok && ff.called && !c.assignsVar(lit.Body, v) {
			return c.reachingAt(lit.Pos(), v, field)
		}
		return nil, false
	}
	if ff.unstable[v] {
		return nil, false
	}
	l, ok := g.Locate(pos)
	if !ok {
		return nil, false
	}
	key := valueKey{l.Node(), v, field}
	r := ff.values[key]
	if r == nil {
		defs, entry := g.Reaching(l, func(n ast.Node) bool { return c.defines(ff, n, v, field) })
		r = &reaching{defs: defs, entry: entry}
		ff.values[key] = r
	}
	return &flowDefs{ff: ff, reaching: r}, true
}

// flowDefs is what reachingAt found, with the flow it is in.
type flowDefs struct {
	ff *funcFlow
	*reaching
}

// assignsVar reports whether body assigns v.
func (c *checker) assignsVar(body ast.Node, v *types.Var) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, lhs := range n.Lhs {
				found = found || c.pass.TypesInfo.ObjectOf(rootIdent(lhs)) == v
			}
		case *ast.IncDecStmt:
			found = found || c.pass.TypesInfo.ObjectOf(rootIdent(n.X)) == v
		}
		return !found
	})
	return found
}

// defines reports whether the graph node n assigns v, or v.field: an
// assignment to the field, or to the whole value.
func (c *checker) defines(ff *funcFlow, n ast.Node, v *types.Var, field string) bool {
	info := c.pass.TypesInfo
	switch n := n.(type) {
	case *ast.AssignStmt:
		for _, lhs := range n.Lhs {
			if c.isTarget(lhs, v, "") || field != "" && c.isTarget(lhs, v, field) {
				return true
			}
		}
	case *ast.ValueSpec:
		for _, id := range n.Names {
			if info.Defs[id] == v {
				return true
			}
		}
	case *ast.IncDecStmt:
		return c.isTarget(n.X, v, field)
	case ast.Expr:
		if ff.ranged[n] {
			return c.isTarget(n, v, "")
		}
	}
	return false
}

// isTarget reports whether e is v (field "") or v.field.
func (c *checker) isTarget(e ast.Expr, v *types.Var, field string) bool {
	e = ast.Unparen(e)
	if field != "" {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != field {
			return false
		}
		e = ast.Unparen(sel.X)
	}
	id, ok := e.(*ast.Ident)
	return ok && c.pass.TypesInfo.ObjectOf(id) == v
}

// zeroValue stands for the value a declaration without one gives, or a
// composite literal gives a field it leaves out.
var zeroValue ast.Expr = &ast.BadExpr{}

// valueOf is the expression the assignment at n gives v (or v.field):
// nil when it gives it no expression of its own (x++, a range key, the
// middle result of a call). A call with several results stands for its
// first and its last: code, err := features.LinuxVersionCode().
func (c *checker) valueOf(n ast.Node, v *types.Var, field string) ast.Expr {
	info := c.pass.TypesInfo
	switch n := n.(type) {
	case *ast.AssignStmt:
		if n.Tok != token.ASSIGN && n.Tok != token.DEFINE {
			return nil
		}
		for i, lhs := range n.Lhs {
			whole := c.isTarget(lhs, v, "")
			if !whole && (field == "" || !c.isTarget(lhs, v, field)) {
				continue
			}
			var val ast.Expr
			switch {
			case len(n.Rhs) == len(n.Lhs):
				val = n.Rhs[i]
			case len(n.Rhs) == 1 && (i == 0 || i == len(n.Lhs)-1):
				val = n.Rhs[0]
			}
			if whole && field != "" {
				return fieldOfLiteral(val, field)
			}
			return val
		}
	case *ast.ValueSpec:
		for i, id := range n.Names {
			if info.Defs[id] != v {
				continue
			}
			var val ast.Expr
			switch {
			case len(n.Values) == 0:
				return zeroValue
			case len(n.Values) == len(n.Names):
				val = n.Values[i]
			case len(n.Values) == 1 && (i == 0 || i == len(n.Names)-1):
				val = n.Values[0]
			}
			if field != "" {
				return fieldOfLiteral(val, field)
			}
			return val
		}
	}
	return nil
}

// fieldOfLiteral is the value a struct literal gives a field by key:
// zeroValue if it leaves it out, nil if e is no keyed literal.
func fieldOfLiteral(e ast.Expr, field string) ast.Expr {
	lit, ok := ast.Unparen(e).(*ast.CompositeLit)
	if !ok {
		return nil
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			return nil
		}
		if id, ok := kv.Key.(*ast.Ident); ok && id.Name == field {
			return kv.Value
		}
	}
	return zeroValue
}

// readVar returns the identifier e is, parentheses aside, and the
// variable it reads; nil and nil when e reads no variable by name.
func (c *checker) readVar(e ast.Expr) (*ast.Ident, *types.Var) {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil, nil
	}
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok {
		return nil, nil
	}
	return id, v
}

// throughValues is what a read of v at id proves, through the
// assignments that reach it: on each path, what the value assigned
// there proves (of) with what held where it was assigned. A value that
// cannot be the one tested (never, below) takes no path there. entry is
// what v's value on entry proves. handled is false when the reads are
// not the function's own to follow.
func (c *checker) throughValues(id *ast.Ident, v *types.Var, field string, of func(ast.Expr) proof, never func(ast.Expr) bool, entry func() proof) (p proof, handled bool) {
	r, ok := c.reachingAt(id.Pos(), v, field)
	if !ok {
		return proofOf(), false
	}
	var out alternatives
	for _, d := range r.defs {
		val := c.valueOf(d.Node(), v, field)
		if val == nil {
			return proofOf(), true
		}
		if never(val) {
			continue
		}
		at := proofOf()
		if in, reached := c.local(r.ff); in != nil && reached[d.Block.Index] {
			at = in[d.Block.Index]
		}
		out.add(of(val).union(at))
	}
	if r.entry {
		out.add(entry())
	}
	if !out.any {
		return proofOf(), true
	}
	return out.p, true
}

// isParamOf reports whether v is a parameter of the function around id.
func (c *checker) isParamOf(v *types.Var, id *ast.Ident) bool {
	ff := c.flowAt(id.Pos())
	if ff == nil {
		return false
	}
	var ft *ast.FuncType
	switch fn := ff.node.(type) {
	case *ast.FuncDecl:
		ft = fn.Type
	case *ast.FuncLit:
		ft = fn.Type
	}
	return ft.Params != nil && ft.Params.Pos() <= v.Pos() && v.Pos() < ft.Params.End()
}

// declAt is the top-level declaration holding pos.
func (c *checker) declAt(pos token.Pos) ast.Decl {
	f := c.fileOf(pos)
	if f == nil {
		return nil
	}
	i := sort.Search(len(f.Decls), func(i int) bool { return f.Decls[i].End() > pos })
	if i == len(f.Decls) || f.Decls[i].Pos() > pos {
		return nil
	}
	return f.Decls[i]
}

// funcDeclAt is the function declaration holding pos, if any.
func (c *checker) funcDeclAt(pos token.Pos) *ast.FuncDecl {
	fd, _ := c.declAt(pos).(*ast.FuncDecl)
	return fd
}

// pathTo is the syntax from n up to its file, the file found by
// position: no question needs a current file.
func (c *checker) pathTo(n ast.Node) []ast.Node {
	f := c.fileOf(n.Pos())
	if f == nil {
		return nil
	}
	return pathIn(f, n)
}

// pathIn is astutil.PathEnclosingInterval's path to n in f, asked of the
// declaration that holds n alone: the path never leaves it, and the
// whole file would have every node on the way list its children, all of
// the file's declarations first.
func pathIn(f *ast.File, n ast.Node) []ast.Node {
	root := f
	decls := f.Decls
	i := sort.Search(len(decls), func(i int) bool { return decls[i].End() > n.Pos() })
	if i < len(decls) && decls[i].Pos() <= n.Pos() && n.End() <= decls[i].End() {
		root = &ast.File{Package: f.Package, Name: f.Name, Decls: decls[i : i+1]}
	}
	path, _ := astutil.PathEnclosingInterval(root, n.Pos(), n.End())
	if len(path) > 0 && path[len(path)-1] == root {
		path[len(path)-1] = f
	}
	return path
}

func (c *checker) fileOf(pos token.Pos) *ast.File {
	files := c.pass.Files
	i := sort.Search(len(files), func(i int) bool { return files[i].FileEnd > pos })
	if i < len(files) && files[i].FileStart <= pos {
		return files[i]
	}
	for _, f := range files { // files not in position order
		if f.FileStart <= pos && pos < f.FileEnd {
			return f
		}
	}
	return nil
}
