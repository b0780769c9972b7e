package analyzer

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// A project that calls bpf(2) itself probes the kernel the way cilium/ebpf
// does inside: it tries the feature — a flag, a map or program type, an
// attr field — and takes the kernel's answer for what it does not know,
// EINVAL (E2BIG past the end of its union), as "missing". The kernel
// parses the command, the attr's size and the values it knows before it
// looks at anything else (a target fd, permissions), so any other answer,
// success included, means it knew them: runc's BPF_F_REPLACE probe
// attaches to /dev/null and takes EBADF as "there".
//
// Trying is probing, as for the API map's functions (probeResult): a
// bpf(2) call, or a call of one of the package's functions that copies
// an argument into a bpf(2) attr, proves what it selects where its error
// is nil or, for the raw call, where it is not one of the unsupported
// errors. What such a call selects is read at the call: the command and
// the attr fields of a bpf(2) call site, and for a wrapper the constants
// its caller passes where the wrapper writes them into the attr
// (progAttach(fd, prog, unix.BPF_F_REPLACE, old): BPF_F_REPLACE, and
// replace_bpf_fd because old is not a value the wrapper skips).

// attrArg is a parameter of a function that the function writes into a
// bpf(2) attr, or passes to a function that does.
type attrArg struct {
	param int
	path  string              // field path within the argument, "" for the argument itself
	cmd   *kernelspec.Feature // the command of the bpf(2) call
	field *kernelspec.Feature // the attr field it is written into
	when  paramTest           // the function's own test of the argument before writing it
}

// paramTest is a test a function makes of a bare parameter before it
// selects a feature with it (if replaceFd > 0 { attr.replace_bpf_fd =
// replaceFd }): an argument failing it selects nothing. The zero value is
// no test.
type paramTest struct {
	Op    token.Token // a comparison: the parameter Op Bound
	Bound int64
}

func (t paramTest) set() bool { return t.Op != token.ILLEGAL }

func (t paramTest) String() string { return fmt.Sprintf("%s %d", t.Op, t.Bound) }

// holds reports whether a constant argument passes the test.
func (t paramTest) holds(v constant.Value) bool {
	return !t.set() || constant.Compare(constant.ToInt(v), t.Op, constant.MakeInt64(t.Bound))
}

// paramTestAround returns the test of fn's parameter param that an if
// around e makes, the parameter on one side and an integer constant on
// the other: where e is evaluated only if the argument passes it.
func (c *checker) paramTestAround(e ast.Node, fn *types.Func, param int) (paramTest, bool) {
	v := fn.Signature().Params().At(param)
	path := c.pathTo(e)
	for i := 1; i < len(path); i++ {
		switch n := path[i].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return paramTest{}, false
		case *ast.IfStmt:
			if path[i-1] != n.Body || c.assignsVar(n.Body, v) {
				continue
			}
			for _, x := range conjuncts(n.Cond) {
				if t, ok := c.comparisonOf(x, v); ok {
					return t, true
				}
			}
		}
	}
	return paramTest{}, false
}

// comparisonOf reads x as a comparison of v with an integer constant.
func (c *checker) comparisonOf(x ast.Expr, v *types.Var) (paramTest, bool) {
	b, ok := ast.Unparen(x).(*ast.BinaryExpr)
	if !ok {
		return paramTest{}, false
	}
	op, operand, bound := b.Op, b.X, b.Y
	if !c.isVarRead(operand, v) {
		op, operand, bound = mirror(b.Op), b.Y, b.X
	}
	switch op {
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
	default:
		return paramTest{}, false
	}
	tv := c.pass.TypesInfo.Types[bound]
	if !c.isVarRead(operand, v) || tv.Value == nil {
		return paramTest{}, false
	}
	n, exact := constant.Int64Val(constant.ToInt(tv.Value))
	if !exact {
		return paramTest{}, false
	}
	return paramTest{Op: op, Bound: n}, true
}

// isVarRead reports whether e reads v, through conversions.
func (c *checker) isVarRead(e ast.Expr, v *types.Var) bool {
	id, ok := stripConversions(c.pass.TypesInfo, e).(*ast.Ident)
	return ok && c.pass.TypesInfo.Uses[id] == v
}

// attrArgsOf returns what fn writes of its arguments into bpf(2) attrs,
// finding it for the whole package on the first question: callees first,
// so that a function passing its parameter to a wrapper that writes it
// has it too.
func (c *checker) attrArgsOf(fn *types.Func) []attrArg {
	if fn.Origin().Pkg() != c.pass.Pkg {
		return c.calleeAttrArgs(fn)
	}
	if c.attrArgs == nil {
		c.attrArgs = map[*types.Func][]attrArg{}
		c.calleesFirst(func(fn *types.Func) bool {
			fd := c.funcDecl(fn)
			if fd == nil || fd.Body == nil {
				return false
			}
			found := c.attrArgsIn(fn, fd)
			if len(found) == len(c.attrArgs[fn]) {
				return false // they only grow
			}
			c.attrArgs[fn] = found
			return true
		}, nil)
	}
	return c.attrArgs[fn.Origin()]
}

// attrArgsIn finds the parameters fn's body writes into the attr of a
// bpf(2) call, and those it passes where a callee does.
func (c *checker) attrArgsIn(fn *types.Func, fd *ast.FuncDecl) []attrArg {
	var out []attrArg
	add := func(a attrArg) {
		if !slices.ContainsFunc(out, func(b attrArg) bool { return a.param == b.param && a.path == b.path && a.field == b.field }) {
			out = append(out, a)
		}
	}
	info := c.pass.TypesInfo
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		callee, ok := typeutil.Callee(info, call).(*types.Func)
		if !ok {
			return true
		}
		if site, ok := c.bpfCallSite(call, callee); ok {
			cmd, _ := c.siteCommand(site)
			if cmd == nil {
				return true
			}
			for _, set := range c.attrFieldsSet(site) {
				field, _ := c.attrField(cmd, set)
				if field == nil || set.value == nil {
					continue
				}
				if param, path, ok := c.paramRooted(fn, set.value, 0); ok {
					when, _ := c.paramTestAround(set.value, fn, param)
					add(attrArg{param: param, path: path, cmd: cmd, field: field, when: when})
				}
			}
			return true
		}
		if callee.Origin().Pkg() != c.pass.Pkg || callee.Origin() == fn {
			return true
		}
		for _, a := range c.calleeAttrArgs(callee) {
			if a.param >= len(call.Args) {
				continue
			}
			param, path, ok := c.paramRooted(fn, call.Args[a.param], 0)
			if !ok {
				continue
			}
			when := a.when
			if path == "" {
				if own, tested := c.paramTestAround(call, fn, param); tested {
					when = own
				}
			}
			if path != "" && a.path != "" {
				path += "."
			}
			add(attrArg{param: param, path: path + a.path, cmd: a.cmd, field: a.field, when: when})
		}
		return true
	})
	return out
}

// triedBPF is what a call tries of the kernel when it reaches bpf(2): for
// a bpf(2) call site, its command, the attr fields it sets that are newer
// than the command, and the constants it sets them to; for a call of a
// function that writes its arguments into an attr, the constants the
// call passes there and the fields newer than their command that its
// arguments set. Nothing for any other call.
func (c *checker) triedBPF(call *ast.CallExpr) proof {
	p := proofOf()
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || c.isLibrary() {
		return p
	}
	if site, ok := c.bpfCallSite(call, fn); ok {
		cmd, _ := c.siteCommand(site)
		if cmd == nil {
			return p
		}
		p.prove(cmd)
		for _, set := range c.attrFieldsSet(site) {
			if c.setConditionally(set.node, site.call) {
				continue // if replaceFd > 0 { attr.replace_bpf_fd = ... }: not every call tries it
			}
			if field, _ := c.attrField(cmd, set); field != nil && cmd.Since().Less(field.Since()) && (set.value == nil || c.alwaysWritten(set.value, paramTest{})) {
				p.prove(field)
			}
			for _, f := range c.namedIn(set.value) {
				p.prove(f)
			}
		}
		return p
	}
	for _, a := range c.attrArgsOf(fn) {
		if a.param >= len(call.Args) {
			continue
		}
		arg := c.argumentField(call.Args[a.param], a.path)
		if arg == nil || c.failsTest(arg, a.when) {
			continue // not written
		}
		if a.cmd.Since().Less(a.field.Since()) && c.alwaysWritten(arg, a.when) {
			p.prove(a.field)
		}
		for _, f := range c.namedIn(arg) {
			p.prove(f)
		}
	}
	return p
}

// triesBPF is the cheap test mayProve makes of a call: it reaches
// bpf(2), itself or through a function writing an argument into an attr.
func (c *checker) triesBPF(call *ast.CallExpr, fn *types.Func) bool {
	if c.isLibrary() {
		return false
	}
	if _, ok := c.bpfCallSite(call, fn); ok {
		return true
	}
	return len(c.attrArgsOf(fn)) > 0
}

// namedIn returns the features the constants in a value name: the value,
// or the operands of the flags it combines (flags | unix.BPF_F_REPLACE).
func (c *checker) namedIn(e ast.Expr) []*kernelspec.Feature {
	if e == nil {
		return nil
	}
	if feats, _, ok := c.constantFeatures(e); ok {
		return feats
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.BinaryExpr:
		if x.Op == token.OR || x.Op == token.ADD {
			return append(c.namedIn(x.X), c.namedIn(x.Y)...)
		}
	case *ast.CallExpr:
		if tv, ok := c.pass.TypesInfo.Types[x.Fun]; ok && tv.IsType() && len(x.Args) == 1 {
			return c.namedIn(x.Args[0]) // uint32(unix.BPF_F_REPLACE)
		}
	}
	return nil
}

// notUnsupportedProof is what the error errExpr not being one of the
// unsupported errors proves (!errors.Is(err, unix.EINVAL), err !=
// unix.EINVAL): on each path, what the bpf(2) call that gave it its
// value tried. A nil error is not one either, and proves the same.
func (c *checker) notUnsupportedProof(errExpr ast.Expr) proof {
	id, ok := ast.Unparen(errExpr).(*ast.Ident)
	if !ok {
		return proofOf()
	}
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok {
		return proofOf()
	}
	p, _ := c.throughValues(id, v, "",
		func(val ast.Expr) proof {
			if call, ok := ast.Unparen(val).(*ast.CallExpr); ok {
				return c.triedBPF(call)
			}
			return proofOf()
		},
		func(ast.Expr) bool { return false },
		func() proof { return proofOf() })
	return p
}

// triedTestProof is what errors.Is(err, e) being false proves, e being an
// unsupported error: err's bpf(2) call knew what it tried.
func (c *checker) triedTestProof(call *ast.CallExpr) proof {
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.FullName() != "errors.Is" || len(call.Args) != 2 || !c.isUnsupportedValue(call.Args[1], nil) {
		return proofOf()
	}
	return c.notUnsupportedProof(call.Args[0])
}

// triedComparisonProof is what x == y (equal) or x != y (!equal) being
// true proves of a bpf(2) call's error x: errno == 0 that the call
// succeeded, err != unix.EINVAL that the kernel knew what it tried.
func (c *checker) triedComparisonProof(x, y ast.Expr, equal bool) proof {
	if !c.isError(x) || c.isNil(x) {
		return proofOf()
	}
	switch {
	case equal && c.isZero(y):
		return c.probeResult(x, 0)
	case !equal && c.isUnsupportedValue(y, nil):
		return c.notUnsupportedProof(x)
	}
	return proofOf()
}

// attrCallOf returns the bpf(2) call that a constant inside stack
// (innermost last) is passed to in an attr: a field value of the literal
// the attr variable is given, or assigned to a field of it. Its guards
// and its fallback cover the constant, as they do the field.
func (c *checker) attrCallOf(stack []ast.Node) ast.Node {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.ParenExpr, *ast.BinaryExpr, *ast.KeyValueExpr, *ast.CompositeLit, *ast.UnaryExpr:
			continue
		case *ast.CallExpr:
			if tv, ok := c.pass.TypesInfo.Types[n.Fun]; ok && tv.IsType() {
				continue // a conversion
			}
		case *ast.AssignStmt:
			for _, lhs := range n.Lhs {
				if root := rootIdent(lhs); root != nil {
					if v, ok := c.pass.TypesInfo.ObjectOf(root).(*types.Var); ok {
						return c.onlyAttrCall(v)
					}
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == 1 {
				if v, ok := c.pass.TypesInfo.Defs[n.Names[0]].(*types.Var); ok {
					return c.onlyAttrCall(v)
				}
			}
		}
		return nil
	}
	return nil
}

// onlyAttrCall is the bpf(2) call v is passed to as the attr, if there is
// one only.
func (c *checker) onlyAttrCall(v *types.Var) ast.Node {
	if sites := c.attrSitesOf(v); len(sites) == 1 {
		return sites[0].call
	}
	return nil
}

// alwaysWritten reports whether an argument is one the callee writes
// into the attr on every path to the call: not zero, and passing the
// callee's test of it (replaceFd := -1; if ok { replaceFd = old } passes
// it only where ok). A parameter's value is its callers' to say.
func (c *checker) alwaysWritten(arg ast.Expr, t paramTest) bool {
	nonZero := paramTest{Op: token.NEQ}
	_, always, _ := c.valuesPassing(arg, func(val ast.Expr) bool { return c.failsTest(val, nonZero) || c.failsTest(val, t) })
	return always
}

// passingTest reports whether an argument can pass the callee's test of
// it, and what holds wherever it does: a constant passes or fails; a
// variable passes along the assignments that reach the call with a value
// that can, each with what held where it was assigned (replaceFd := -1;
// if useReplace { replaceFd = old[0] }: only the guarded one).
func (c *checker) passingTest(value ast.Expr, t paramTest) (given proof, selects bool) {
	given, _, selects = c.valuesPassing(value, func(val ast.Expr) bool { return c.failsTest(val, t) })
	return given, selects
}

// valuesPassing follows value, or the local variable it reads, to the
// values that reach it: given is what holds on the paths whose value does
// not fail, always whether none fails (a parameter's might), some whether
// one does not.
func (c *checker) valuesPassing(value ast.Expr, fails func(ast.Expr) bool) (given proof, always, some bool) {
	if fails(value) {
		return proofOf(), false, false
	}
	id, ok := stripConversions(c.pass.TypesInfo, value).(*ast.Ident)
	if !ok {
		return proofOf(), true, true
	}
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok {
		return proofOf(), true, true
	}
	always = true
	given, handled := c.throughValues(id, v, "",
		func(ast.Expr) proof { some = true; return proofOf() },
		func(val ast.Expr) bool {
			if fails(val) {
				always = false
				return true
			}
			return false
		},
		func() proof { some, always = true, false; return proofOf() })
	if !handled {
		return proofOf(), true, true
	}
	return given, always, some
}

// failsTest reports whether a value is a constant (or the zero value a
// declaration gives) that fails the test.
func (c *checker) failsTest(val ast.Expr, t paramTest) bool {
	if !t.set() {
		return false
	}
	if val == zeroValue {
		return !t.holds(constant.MakeInt64(0))
	}
	tv := c.pass.TypesInfo.Types[val]
	return tv.Value != nil && tv.Value.Kind() == constant.Int && !t.holds(tv.Value)
}

// isLibrary reports whether the package is in a module the API map
// describes: what its functions do with bpf(2) is the map's to say (the
// mapped functions, their probes and their errors), not inferred from
// their bodies, so that their callers see the same whoever analyzes them.
func (c *checker) isLibrary() bool {
	if c.inLibrary == 0 {
		c.inLibrary = 2
		module := c.pass.Pkg.Path()
		if c.pass.Module != nil {
			module = c.pass.Module.Path
		}
		for pkg := range c.api.Packages {
			if pkg == module || strings.HasPrefix(pkg, module+"/") {
				c.inLibrary = 1
				break
			}
		}
	}
	return c.inLibrary == 1
}

// setConditionally reports whether the attr field set at node is set
// only on some paths to the bpf(2) call: inside a branch or a loop that
// does not hold the call as well.
func (c *checker) setConditionally(node, call ast.Node) bool {
	path := c.pathTo(node)
	if len(path) == 0 {
		return true // out of sight: not known to be set on every path
	}
	for _, n := range path[1:] {
		if n.Pos() <= call.Pos() && call.End() <= n.End() {
			return false // the call is in the same branch
		}
		switch n.(type) {
		case *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt, *ast.ForStmt, *ast.RangeStmt, *ast.FuncLit:
			return true
		}
	}
	return false
}

// attrSitesOf lists the bpf(2) calls v is passed to as the attr, indexing
// the package's calls on the first question: the summaries ask it (what a
// field the kernel wrote assumes) before the report does.
func (c *checker) attrSitesOf(v *types.Var) []attrSite {
	if c.attrVars == nil {
		c.attrVars = map[*types.Var][]attrSite{}
		info := c.pass.TypesInfo
		for _, f := range c.pass.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				fn, ok := typeutil.Callee(info, call).(*types.Func)
				if !ok {
					return true
				}
				site, ok := c.bpfCallSite(call, fn)
				if !ok {
					return true
				}
				cmd, _ := c.siteCommand(site)
				if cmd == nil {
					return true
				}
				if id, ok := attrOperand(info, site.attr).(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok {
						c.attrVars[v] = append(c.attrVars[v], attrSite{cmd, call})
					}
				}
				return true
			})
		}
	}
	return c.attrVars[v]
}

// attrArgsFact is attrArgsOf for importers: a probe in another package
// that calls the function tries what it passes there.
type attrArgsFact struct {
	Args []attrArgEntry
}

type attrArgEntry struct {
	Param int
	Path  string
	Cmd   string // the command
	Field string // the attr field the argument is written into
	When  paramTest
}

func (*attrArgsFact) AFact() {}

func (f *attrArgsFact) String() string {
	parts := make([]string, len(f.Args))
	for i, a := range f.Args {
		arg := fmt.Sprintf("argument %d", a.Param)
		if a.Path != "" {
			arg += " field " + a.Path
		}
		if a.When.set() {
			arg += " " + a.When.String()
		}
		parts[i] = arg + " into " + a.Field
	}
	return "writes " + strings.Join(parts, ", ")
}

// calleeAttrArgs is what a callee writes of its arguments into attrs as
// known so far: this package's as the summary stands, another's from its
// fact.
func (c *checker) calleeAttrArgs(fn *types.Func) []attrArg {
	fn = fn.Origin()
	if fn.Pkg() == c.pass.Pkg {
		return c.attrArgs[fn]
	}
	if c.importedAttrArgs == nil {
		c.importedAttrArgs = map[*types.Func]*attrArgsFact{}
	}
	fact := importedFact(c.pass, c.importedAttrArgs, fn)
	if fact == nil {
		return nil
	}
	var out []attrArg
	for _, a := range fact.Args {
		cmd, field := c.db.Find(a.Cmd), c.db.Find(a.Field)
		if cmd != nil && field != nil {
			out = append(out, attrArg{param: a.Param, path: a.Path, cmd: cmd, field: field, when: a.When})
		}
	}
	return out
}

// exportAttrArgs exports what the package's exported functions write of
// their arguments into attrs, and reports whether it did.
func (c *checker) exportAttrArgs() bool {
	if c.isLibrary() {
		return false
	}
	exported := false
	c.funcDecl(nil) // builds c.decls
	for fn := range c.decls {
		if !c.mayRequire(fn) {
			continue // importers cannot call it
		}
		args := c.attrArgsOf(fn)
		if len(args) == 0 {
			continue
		}
		fact := &attrArgsFact{}
		for _, a := range args {
			fact.Args = append(fact.Args, attrArgEntry{Param: a.param, Path: a.path, Cmd: a.cmd.Name, Field: a.field.Name, When: a.when})
		}
		c.pass.ExportObjectFact(fn, fact)
		exported = true
	}
	return exported
}
