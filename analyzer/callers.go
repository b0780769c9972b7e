package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
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

// callerContextOf returns what fn's call sites share; nil when fn's
// callers are not all known.
func (c *checker) callerContextOf(fn *types.Func) *callerContext {
	if ctx, done := c.callerCtx[fn]; done {
		return ctx
	}
	calls := c.callSites()[fn]
	if len(calls) == 0 || fn.Exported() || c.api.Funcs[c.key(fn)] != nil {
		return nil
	}
	c.callerCtx[fn] = nil // a recursive call knows nothing more
	ctx := &callerContext{fallback: true, args: map[*types.Var]proof{}}
	params := fn.Signature().Params()
	var all alternatives
	args := map[*types.Var]*alternatives{}
	for _, call := range calls {
		// A call from fn's own cycle of calls (fn itself, or a function
		// fn leads back to) adds what holds there without the cycle's
		// callers: they are the ones being asked about.
		inCycle := c.sameCycle(c.funcAt(call.Pos()), fn)
		p := c.provenFrom(call, !inCycle)
		all.add(p)
		if inCycle {
			ctx.fallback = ctx.fallback && c.fallsBackHere(call)
		} else {
			ctx.fallback = ctx.fallback && c.hasFallback(call)
		}
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
	c.callerCtx[fn] = ctx
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

// sameCycle reports whether caller and callee call each other, directly
// or through other functions of this package: the same strongly
// connected component of the package's call graph, computed once.
func (c *checker) sameCycle(caller, callee *types.Func) bool {
	if caller == nil {
		return false
	}
	if c.cycles == nil {
		c.cycles = c.components()
	}
	k, ok := c.cycles[caller]
	return ok && k == c.cycles[callee]
}

// components numbers the strongly connected components of the package's
// direct calls (Tarjan's algorithm); a function calling itself is a
// component with a cycle, and only functions on a cycle are numbered.
func (c *checker) components() map[*types.Func]int {
	callees := map[*types.Func][]*types.Func{}
	for callee, calls := range c.callSites() {
		for _, call := range calls {
			if caller := c.funcAt(call.Pos()); caller != nil {
				callees[caller] = append(callees[caller], callee)
			}
		}
	}
	index := map[*types.Func]int{}
	low := map[*types.Func]int{}
	onStack := map[*types.Func]bool{}
	var stack []*types.Func
	out := map[*types.Func]int{}
	n, comp := 0, 0
	var visit func(f *types.Func)
	visit = func(f *types.Func) {
		index[f], low[f] = n, n
		n++
		stack = append(stack, f)
		onStack[f] = true
		for _, g := range callees[f] {
			if _, seen := index[g]; !seen {
				visit(g)
				low[f] = min(low[f], low[g])
			} else if onStack[g] {
				low[f] = min(low[f], index[g])
			}
		}
		if low[f] != index[f] {
			return
		}
		var members []*types.Func
		for {
			g := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[g] = false
			members = append(members, g)
			if g == f {
				break
			}
		}
		if len(members) > 1 || slices.Contains(callees[f], f) {
			for _, g := range members {
				out[g] = comp
			}
			comp++
		}
	}
	for f := range callees {
		if _, seen := index[f]; !seen {
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
	if ctx := c.callerContextOf(fn); ctx != nil {
		return ctx.args[v]
	}
	return proofOf()
}

func isBool(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsBoolean != 0
}
