package analyzer

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"slices"
)

// An unexported function called only directly, from this package, runs
// only where its callers call it: kprobeMulti is called by KprobeMulti and
// KretprobeMulti, both checked for kprobe_multi links; newToken's one call
// falls back when the kernel has no tokens. Its body may assume what every
// call site proves or assumes, and is tried, not just used, when every call
// site falls back. Exported functions and functions whose value escapes
// have callers we cannot see, and get nothing.

// callerContext is what the call sites of a function have in common.
type callerContext struct {
	proof    proof
	fallback bool // every call site falls back on failure
	// args holds, for each boolean parameter, what every call site's
	// argument proves when true: a guard passed down
	// (attach(prog, haveFexit) where haveFexit := features.Have...()).
	args map[*types.Var]proof
}

// noteCallee records the identifier a call names its callee by. The
// first pre-pass walk (findObjectLoaders) sees every call once, before any
// guard question needs the index.
func (c *checker) noteCallee(call *ast.CallExpr) {
	id := identOf(ast.Unparen(call.Fun))
	if id == nil {
		return
	}
	if fn, ok := c.pass.TypesInfo.Uses[id].(*types.Func); ok && fn.Pkg() == c.pass.Pkg {
		c.callees[id] = call
	}
}

// callSites indexes, once per package, the direct calls of this package's
// functions; a function used any other way maps to nil. (An exported one
// has callers in other packages too.)
func (c *checker) callSites() map[*types.Func][]*ast.CallExpr {
	if c.calls != nil {
		return c.calls
	}
	c.calls = map[*types.Func][]*ast.CallExpr{}
	// An unexported method may implement an interface of this package and
	// be called through it, out of sight.
	viaInterface := map[string]bool{}
	scope := c.pass.Pkg.Scope()
	for _, name := range scope.Names() {
		if tn, ok := scope.Lookup(name).(*types.TypeName); ok {
			if iface, ok := tn.Type().Underlying().(*types.Interface); ok {
				for i := range iface.NumMethods() {
					viaInterface[iface.Method(i).Name()] = true
				}
			}
		}
	}
	escaped := map[*types.Func]bool{}
	for id, obj := range c.pass.TypesInfo.Uses {
		fn, ok := obj.(*types.Func)
		if !ok || fn.Pkg() != c.pass.Pkg || escaped[fn] {
			continue
		}
		call := c.callees[id]
		if call == nil || fn.Signature().Recv() != nil && viaInterface[fn.Name()] {
			escaped[fn] = true
			c.calls[fn] = nil
			continue
		}
		c.calls[fn] = append(c.calls[fn], call)
	}
	return c.calls
}

// callerContextOf returns what fn's call sites share: nil when fn's
// callers are not all known, or before the checks are (a context reads
// what the checks prove at the call sites).
func (c *checker) callerContextOf(fn *types.Func) *callerContext {
	if !c.contextsReady || !c.hasKnownCallers(fn) {
		return nil
	}
	g := c.callGraphOf()
	i, ok := g.compOf[fn]
	if !ok {
		return nil
	}
	c.solveContexts(i)
	return c.callerCtx[fn]
}

// hasKnownCallers reports whether fn is called only directly, from this
// package: the functions that get a caller context.
func (c *checker) hasKnownCallers(fn *types.Func) bool {
	return len(c.callSites()[fn]) > 0 && !fn.Exported() && c.api.Funcs[c.key(fn)] == nil
}

// openCallerContexts opens the caller contexts to questions, once the
// checks they read are known.
func (c *checker) openCallerContexts() { c.contextsReady = true }

// solveContexts computes the caller contexts of the members of the i'th
// component of the call graph, on the first question about one of them:
// callers first, as a function's context reads what holds at its call
// sites, and so its callers' contexts. Within a cycle of calls the
// members' contexts are a greatest fixpoint: each starts at the top of
// the lattice (its callers in the cycle vouch for everything) and
// descends while what comes in from outside the cycle says less. A cycle
// nothing outside it calls is left without a context. What a context is
// does not depend on which function was asked about first.
func (c *checker) solveContexts(i int) {
	if c.contextState[i] != contextUnsolved {
		return // solved, or being solved: a member's current value stands
	}
	c.contextState[i] = contextSolving
	g := c.callGraphOf()
	comp := g.comps[i]
	var members []*types.Func
	for _, fn := range comp {
		if !c.hasKnownCallers(fn) {
			continue
		}
		members = append(members, fn)
		for _, call := range c.callSites()[fn] {
			if caller := c.funcAt(call.Pos()); caller != nil && g.compOf[caller] != i {
				c.solveContexts(g.compOf[caller])
			}
		}
	}
	cyclic := g.cyclic(comp)
	if cyclic {
		for _, fn := range members {
			c.callerCtx[fn] = c.topContext(fn)
		}
	}
	work := newWorklist(members)
	for fn, ok := work.pop(); ok; fn, ok = work.pop() {
		ctx := c.computeCallerContext(fn)
		if old := c.callerCtx[fn]; old != nil {
			ctx = old.meet(ctx)
			if ctx.equal(old) {
				continue
			}
		}
		c.callerCtx[fn] = ctx
		if !cyclic {
			continue
		}
		// What the cycle's members proved with the old context is
		// stale: their callees in the cycle are asked again.
		for _, m := range comp {
			c.forgetGuardedFlowsOf(m)
		}
		for _, callee := range g.callees[fn] {
			if g.compOf[callee] == i && c.hasKnownCallers(callee) {
				work.push(callee)
			}
		}
	}
	if cyclic {
		for _, fn := range members {
			ctx := c.callerCtx[fn]
			if ctx.proof.top {
				c.callerCtx[fn] = nil // nothing outside the cycle calls it
				continue
			}
			for v, p := range ctx.args {
				if p.top {
					ctx.args[v] = proofOf()
				}
			}
		}
		// The members' own analyses read their parameters' proofs:
		// built from here on, they read the final ones.
		for _, fn := range comp {
			c.forgetGuardedFlowsOf(fn)
		}
	}
	c.contextState[i] = contextSolved
}

type contextState uint8

const (
	contextUnsolved contextState = iota
	contextSolving
	contextSolved
)

// topContext is where a member of a cycle of calls starts: everything.
func (c *checker) topContext(fn *types.Func) *callerContext {
	ctx := &callerContext{proof: topProof(), fallback: true, args: map[*types.Var]proof{}}
	params := fn.Signature().Params()
	for j := range params.Len() {
		if v := params.At(j); isBool(v.Type()) {
			ctx.args[v] = topProof()
		}
	}
	return ctx
}

// meet is what two contexts both say.
func (x *callerContext) meet(y *callerContext) *callerContext {
	out := &callerContext{proof: x.proof.intersect(y.proof), fallback: x.fallback && y.fallback, args: map[*types.Var]proof{}}
	for v, p := range x.args {
		if q, ok := y.args[v]; ok {
			out.args[v] = p.intersect(q)
		}
	}
	return out
}

func (x *callerContext) equal(y *callerContext) bool {
	if !x.proof.equal(y.proof) || x.fallback != y.fallback || len(x.args) != len(y.args) {
		return false
	}
	for v, p := range x.args {
		if q, ok := y.args[v]; !ok || !p.equal(q) {
			return false
		}
	}
	return true
}

// computeCallerContext is what fn's call sites share, with the contexts
// of its callers as they stand.
func (c *checker) computeCallerContext(fn *types.Func) *callerContext {
	ctx := &callerContext{fallback: true, args: map[*types.Var]proof{}}
	params := fn.Signature().Params()
	var all alternatives
	args := map[*types.Var]*alternatives{}
	for _, call := range c.callSites()[fn] {
		p := c.proven(call)
		all.add(p)
		ctx.fallback = ctx.fallback && c.hasFallback(call)
		for j := range params.Len() {
			v := params.At(j)
			if !isBool(v.Type()) {
				continue
			}
			if args[v] == nil {
				args[v] = &alternatives{}
			}
			if j >= len(call.Args) || call.Ellipsis.IsValid() {
				args[v].add(proofOf()) // f(xs...): the argument is not in sight
				continue
			}
			args[v].add(c.proves(call.Args[j], true, 0).union(p))
		}
	}
	ctx.proof = all.p
	for v, a := range args {
		ctx.args[v] = a.p
	}
	return ctx
}

// funcAt is the declared function whose body holds pos, or nil.
func (c *checker) funcAt(pos token.Pos) *types.Func {
	if fd := c.funcDeclAt(pos); fd != nil {
		fn, _ := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
		return fn
	}
	return nil
}

// callGraph is the package's declared functions and the functions of the
// package each one's body refers to (calls, and values it passes on),
// grouped in strongly connected components: the summaries are computed
// over it, callees first or callers first, never in declaration order.
type callGraph struct {
	comps   [][]*types.Func // callees before their callers
	compOf  map[*types.Func]int
	callees map[*types.Func][]*types.Func
	callers map[*types.Func][]*types.Func
}

// cyclic reports whether a component is a cycle of calls: several
// functions, or one that calls itself.
func (g *callGraph) cyclic(comp []*types.Func) bool {
	return len(comp) > 1 || slices.Contains(g.callees[comp[0]], comp[0])
}

// callGraphOf builds the package's call graph once.
func (c *checker) callGraphOf() *callGraph {
	if c.graphOfCalls != nil {
		return c.graphOfCalls
	}
	c.funcDecl(nil) // builds c.decls
	g := &callGraph{compOf: make(map[*types.Func]int, len(c.decls)), callees: map[*types.Func][]*types.Func{}, callers: map[*types.Func][]*types.Func{}}
	for id, obj := range c.pass.TypesInfo.Uses {
		fn, ok := obj.(*types.Func)
		if !ok || fn.Pkg() != c.pass.Pkg {
			continue
		}
		fn = fn.Origin()
		if c.decls[fn] == nil {
			continue // an interface's method
		}
		caller := c.funcAt(id.Pos())
		if caller == nil {
			continue
		}
		// Duplicate edges go when the lists are sorted, below: cheaper
		// than a set of every edge.
		g.callees[caller] = append(g.callees[caller], fn)
		g.callers[fn] = append(g.callers[fn], caller)
	}
	// Declared functions each have their own position: sorted by it, the
	// same function's entries are adjacent.
	byPos := func(a, b *types.Func) int { return cmp.Compare(a.Pos(), b.Pos()) }
	for _, m := range []map[*types.Func][]*types.Func{g.callees, g.callers} {
		for k, fns := range m {
			slices.SortFunc(fns, byPos)
			m[k] = slices.Clip(slices.Compact(fns))
		}
	}
	funcs := slices.SortedFunc(maps.Keys(c.decls), byPos)
	g.comps = stronglyConnected(funcs, g.callees)
	for i, comp := range g.comps {
		for _, fn := range comp {
			g.compOf[fn] = i
		}
	}
	c.graphOfCalls = g
	return g
}

// stronglyConnected returns the strongly connected components of a
// graph, each after the components it reaches (Tarjan's algorithm).
func stronglyConnected(nodes []*types.Func, succs map[*types.Func][]*types.Func) [][]*types.Func {
	// One entry per node, allocated together, rather than three maps.
	type mark struct {
		index, low int
		onStack    bool
	}
	marks := make([]mark, 0, len(nodes))
	markOf := make(map[*types.Func]int, len(nodes)) // index into marks
	var stack []*types.Func
	out := make([][]*types.Func, 0, len(nodes))
	var visit func(f *types.Func) int
	visit = func(f *types.Func) int {
		i := len(marks)
		marks = append(marks, mark{index: i, low: i, onStack: true})
		markOf[f] = i
		stack = append(stack, f)
		for _, g := range succs[f] {
			if j, seen := markOf[g]; !seen {
				j = visit(g)
				marks[i].low = min(marks[i].low, marks[j].low)
			} else if marks[j].onStack {
				marks[i].low = min(marks[i].low, marks[j].index)
			}
		}
		if marks[i].low != marks[i].index {
			return i
		}
		n := len(stack) - 1
		for stack[n] != f {
			n--
		}
		comp := slices.Clone(stack[n:])
		stack = stack[:n]
		for _, g := range comp {
			marks[markOf[g]].onStack = false
		}
		out = append(out, comp)
		return i
	}
	for _, f := range nodes {
		if _, seen := markOf[f]; !seen {
			visit(f)
		}
	}
	return out
}

// parameterProof is what a boolean parameter being true proves: what the
// argument of every call site proves, for a function whose callers are
// all known.
func (c *checker) parameterProof(v *types.Var, at ast.Node) proof {
	if !isBool(v.Type()) {
		return proofOf()
	}
	fd := c.funcDeclAt(at.Pos())
	if fd == nil {
		return proofOf()
	}
	fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
	if !ok {
		return proofOf()
	}
	if c.bare > 0 {
		return proofOf()
	}
	if ctx := c.callerContextOf(fn); ctx != nil {
		return ctx.args[v]
	}
	return proofOf()
}

func isBool(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsBoolean != 0
}

// calleesFirst computes a summary of each of the package's functions,
// callees first: update computes fn's from those of the functions it
// calls and reports whether it changed. Within a cycle of calls a change
// sends the cycle's callers of fn round again (after stale has dropped
// what they found with the old summary), until none changes: a least
// fixpoint, whatever order the functions are declared in.
func (c *checker) calleesFirst(update func(fn *types.Func) bool, stale func(fn *types.Func)) {
	g := c.callGraphOf()
	for i, comp := range g.comps {
		if !g.cyclic(comp) {
			update(comp[0]) // most functions: no cycle, one pass
			continue
		}
		work := newWorklist(comp)
		for fn, ok := work.pop(); ok; fn, ok = work.pop() {
			if !update(fn) {
				continue
			}
			for _, caller := range g.callers[fn] {
				if g.compOf[caller] != i {
					continue
				}
				if stale != nil {
					stale(caller)
				}
				work.push(caller)
			}
		}
	}
}

// worklist is a first-in first-out queue of functions in which each is
// at most once at a time: the fixpoints over a cycle of calls.
type worklist struct {
	queue  []*types.Func
	queued map[*types.Func]bool
}

func newWorklist(fns []*types.Func) *worklist {
	w := &worklist{queued: make(map[*types.Func]bool, len(fns))}
	for _, fn := range fns {
		w.push(fn)
	}
	return w
}

// push queues fn unless it is queued already.
func (w *worklist) push(fn *types.Func) {
	if !w.queued[fn] {
		w.queued[fn] = true
		w.queue = append(w.queue, fn)
	}
}

// pop takes the first function queued; ok is false when none is.
func (w *worklist) pop() (fn *types.Func, ok bool) {
	if len(w.queue) == 0 {
		return nil, false
	}
	fn, w.queue = w.queue[0], w.queue[1:]
	w.queued[fn] = false
	return fn, true
}
