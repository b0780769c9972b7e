package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
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
// its caller passes where the wrapper writes them into the attr, and the
// newer fields it writes on every path (progAttach(devnull, progFd,
// unix.BPF_F_REPLACE, progFd): BPF_F_REPLACE, and replace_bpf_fd, progFd
// being a local fd that the wrapper's test, replaceFd > 0, does not
// skip; a parameter passed there is its callers' to say).

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
	return c.errorCallsProof(errExpr, c.triedBPF, func(ast.Expr) bool { return false })
}

// triedTestProof is what errors.Is(err, e) being false proves, e being an
// unsupported error: err's bpf(2) call knew what it tried.
func (c *checker) triedTestProof(call *ast.CallExpr) proof {
	err, value, ok := errorsIsArgs(c.pass.TypesInfo, call)
	if !ok || !c.isUnsupportedValue(value, nil) {
		return proofOf()
	}
	return c.notUnsupportedProof(err)
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

// alwaysWritten reports whether an argument is one the callee writes
// into the attr on every path to the call: not zero, and passing the
// callee's test of it (replaceFd := -1; if ok { replaceFd = old } passes
// it only where ok). A parameter's value is its callers' to say.
func (c *checker) alwaysWritten(arg ast.Expr, t paramTest) bool {
	nonZero := paramTest{Op: token.NEQ}
	_, always, _ := c.valuesPassing(arg, func(val ast.Expr) bool { return c.failsTest(val, nonZero) || c.failsTest(val, t) })
	return always
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
