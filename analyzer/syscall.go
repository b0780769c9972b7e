package analyzer

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// wrapperFact marks a function that passes its parameters on to bpf(2):
// cilium/ebpf's internal sys.BPF(cmd, attr, size), a project's own
// bpf(cmd, attr, size), or a per-command helper such as
// sys.MapCreate(attr *MapCreateAttr). Calls to it are checked like the
// system call itself, in this package and in every importer.
type wrapperFact struct {
	CmdParam  int    // index of the parameter carrying the command, or -1
	Cmd       uint64 // the command when CmdParam is -1
	AttrParam int    // index of the parameter carrying the attr pointer
}

func (*wrapperFact) AFact() {}

func (f *wrapperFact) String() string {
	if f.CmdParam < 0 {
		return fmt.Sprintf("bpf(2) wrapper: command %d, attr param %d", f.Cmd, f.AttrParam)
	}
	return fmt.Sprintf("bpf(2) wrapper: command param %d, attr param %d", f.CmdParam, f.AttrParam)
}

// packageFact marks a package that exports bpf(2) wrappers or functions
// with requirements, so that the fast path of its importers looks no
// further than their import lists.
type packageFact struct{}

func (*packageFact) AFact()         {}
func (*packageFact) String() string { return "exports bpf(2) wrappers or requirements" }

// bpfCall is a call that reaches bpf(2) with a command and an attr.
type bpfCall struct {
	call    *ast.CallExpr
	cmd     ast.Expr // argument carrying the command
	attr    ast.Expr // argument carrying the attr pointer
	wrapper *types.Func
}

// bpfCallSite recognises calls of bpf(2): a raw syscall whose number is
// bpf(2)'s, or a call of a known wrapper.
func (c *checker) bpfCallSite(call *ast.CallExpr, fn *types.Func) (bpfCall, bool) {
	if sc := c.api.Syscalls[c.key(fn)]; sc != nil {
		n := max(sc.TrapArg, sc.CmdArg, sc.AttrArg)
		if len(call.Args) <= n || fn.Pkg() == nil {
			return bpfCall{}, false
		}
		sysBPF, ok := c.bpfNumber(fn.Pkg(), sc)
		if !ok {
			return bpfCall{}, false
		}
		// The value, not the name: unix.SYS_BPF, 321, a project's own
		// const sysBPF = 321 and uintptr(sysBPF) all select bpf(2).
		tv := c.pass.TypesInfo.Types[call.Args[sc.TrapArg]]
		if tv.Value == nil || !constant.Compare(constant.ToInt(tv.Value), token.EQL, sysBPF) {
			return bpfCall{}, false
		}
		return bpfCall{call: call, cmd: call.Args[sc.CmdArg], attr: call.Args[sc.AttrArg]}, true
	}
	w := c.wrapperOf(fn)
	if w == nil || w.AttrParam >= len(call.Args) || w.CmdParam >= len(call.Args) {
		return bpfCall{}, false
	}
	site := bpfCall{call: call, attr: call.Args[w.AttrParam], wrapper: fn}
	if w.CmdParam >= 0 {
		site.cmd = call.Args[w.CmdParam]
	}
	return site, true
}

// bpfNumber returns bpf(2)'s number for calls of the raw syscall sc in
// pkg: pkg's own constant where it has one (x/sys's SYS_BPF), which is
// exact for the build configuration the packages were type-checked for,
// else the API map's number for the target architecture (the standard
// library's syscall has no SYS_BPF on amd64: its numbers were frozen
// before bpf(2)).
//
// The target architecture is build.Default.GOARCH, that is $GOARCH or
// else the analyzer's own: the go command sets GOARCH (from its
// environment or go env) for the vet tools it runs, unitchecker sizes
// types for build.Default.GOARCH, go/packages' go list selects files by
// the same variable, and x/tools' asmdecl and framepointer passes read
// their target from it too. runtime.GOARCH would be the machine running
// the analysis, wrong when cross-analyzing, and pass.TypesSizes cannot
// tell amd64 from arm64. A standalone driver sets build.Default from
// `go env` (bpfcompat-vet does), so a GOARCH set by go env -w counts too.
func (c *checker) bpfNumber(pkg *types.Package, sc *apimap.Syscall) (constant.Value, bool) {
	if k, ok := pkg.Scope().Lookup(sc.Number).(*types.Const); ok {
		return k.Val(), true
	}
	n, ok := c.api.BPFNumbers[build.Default.GOARCH]
	return constant.MakeUint64(n), ok
}

func (c *checker) wrapperOf(fn *types.Func) *wrapperFact {
	fn = fn.Origin()
	if w := c.wrappers[fn]; w != nil {
		return w
	}
	if fn.Pkg() != c.pass.Pkg {
		return importedFact(c.pass, c.importedWrappers, fn)
	}
	return nil
}

// findWrappers finds this package's bpf(2) wrappers, callees first since
// wrappers call wrappers, and exports them as facts.
func (c *checker) findWrappers() {
	c.calleesFirst(func(fn *types.Func) bool {
		decl := c.funcDecl(fn)
		if c.wrappers[fn] != nil || decl.Body == nil {
			return false
		}
		w := c.wrapperIn(fn, decl)
		if w != nil {
			c.wrappers[fn] = w
		}
		return w != nil
	}, nil)
	for fn, w := range c.wrappers {
		c.pass.ExportObjectFact(fn, w)
	}
}

// wrapperIn returns the wrapper fact of fn if its body passes its own
// attr parameter (and, unless constant, its command) to bpf(2).
func (c *checker) wrapperIn(fn *types.Func, decl *ast.FuncDecl) *wrapperFact {
	params := fn.Signature().Params()
	if params.Len() == 0 {
		return nil // no parameter to pass on as the attr: no walk
	}
	paramIndex := func(e ast.Expr) int {
		id, ok := stripConversions(c.pass.TypesInfo, e).(*ast.Ident)
		if !ok {
			return -1
		}
		obj := c.pass.TypesInfo.Uses[id]
		for i := range params.Len() {
			if params.At(i) == obj {
				return i
			}
		}
		return -1
	}
	var found *wrapperFact
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found != nil {
			return found == nil
		}
		callee, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
		if !ok {
			return true
		}
		site, ok := c.bpfCallSite(call, callee)
		if !ok {
			return true
		}
		attr := paramIndex(site.attr)
		if attr < 0 {
			return true
		}
		w := &wrapperFact{CmdParam: -1, AttrParam: attr}
		if site.cmd == nil {
			w.Cmd = c.wrapperOf(callee).Cmd
		} else if i := paramIndex(site.cmd); i >= 0 {
			w.CmdParam = i
		} else if v, ok := c.constUint(site.cmd); ok {
			w.Cmd = v
		} else {
			return true // a command computed inside: nothing to pass on
		}
		found = w
		return false
	})
	return found
}

func (c *checker) constUint(e ast.Expr) (uint64, bool) {
	tv := c.pass.TypesInfo.Types[e]
	if tv.Value == nil {
		return 0, false
	}
	return constant.Uint64Val(constant.ToInt(tv.Value))
}

// stripConversions removes parentheses and conversions: uintptr(unsafe.Pointer(&attr)).
func stripConversions(info *types.Info, e ast.Expr) ast.Expr {
	for {
		e = ast.Unparen(e)
		call, ok := e.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return e
		}
		if tv, ok := info.Types[call.Fun]; !ok || !tv.IsType() {
			return e
		}
		e = call.Args[0]
	}
}

// checkBPFCall checks a call of bpf(2) with a known command: the command,
// then each field of the attr that the code may set.
func (c *checker) checkBPFCall(site bpfCall) {
	cmd, cmdNode := c.siteCommand(site)
	if cmd == nil {
		return
	}
	via := ""
	if site.wrapper != nil {
		via = shortFuncName(site.wrapper)
	}
	if c.report(use{node: cmdNode, features: []*kernelspec.Feature{cmd}, via: via}) {
		return // the command itself is too new: its fields would only repeat it
	}
	for _, set := range c.attrFieldsSet(site) {
		c.checkAttrField(cmd, set, site.call)
	}
}

// siteCommand resolves the command a bpf(2) call site runs, and the node
// that names it; nil when it is chosen at run time (the wrapper's callers
// say which) or unknown.
func (c *checker) siteCommand(site bpfCall) (*kernelspec.Feature, ast.Node) {
	var cmdValue uint64
	var cmdNode ast.Node = site.call
	switch {
	case site.cmd != nil:
		v, ok := c.constUint(site.cmd)
		if !ok {
			return nil, nil
		}
		cmdValue, cmdNode = v, stripConversions(c.pass.TypesInfo, site.cmd)
	case site.wrapper != nil:
		cmdValue = c.wrapperOf(site.wrapper).Cmd
	default:
		return nil, nil
	}
	cmds := linuxFeatures(c.db.ByValue(kernelspec.Command, cmdValue))
	if len(cmds) == 0 {
		return nil, nil
	}
	return cmds[0], cmdNode
}

// fieldSet is a part of the program's attr struct that the code may set to
// something other than zero.
type fieldSet struct {
	node   ast.Node // where it is set
	value  ast.Expr // what it is set to (nil: copied into)
	goName string   // the Go field, for messages
	offset int64
	size   int64
}

// attrFieldsSet finds the attr the call passes and the fields the enclosing
// function sets in it: a composite literal, assignments to its fields, and
// copies into them.
func (c *checker) attrFieldsSet(site bpfCall) []fieldSet {
	info := c.pass.TypesInfo
	arg := attrOperand(info, site.attr)
	if lit, ok := arg.(*ast.CompositeLit); ok {
		return c.literalSets(lit, 0)
	}
	id, ok := arg.(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok {
		return nil
	}
	body := c.enclosingBody(site.call)
	if body == nil {
		return nil
	}
	var sets []fieldSet
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if len(n.Rhs) != len(n.Lhs) {
					break
				}
				rhs := n.Rhs[i]
				if c.refersTo(lhs, v) {
					// attr := T{...} or attr = &T{...}
					if lit := literalOf(rhs); lit != nil {
						sets = append(sets, c.literalSets(lit, 0)...)
					}
					continue
				}
				if set, ok := c.fieldOf(lhs, v); ok && !isZeroConst(info, rhs) {
					set.value = rhs
					sets = append(sets, set)
				}
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if info.Defs[name] == v && i < len(n.Values) {
					if lit := literalOf(n.Values[i]); lit != nil {
						sets = append(sets, c.literalSets(lit, 0)...)
					}
				}
			}
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && len(n.Args) == 2 {
				if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "copy" {
					if set, ok := c.fieldOf(n.Args[0], v); ok {
						sets = append(sets, set)
					}
				}
			}
		}
		return true
	})
	return sets
}

// attrOperand strips an attr argument to what it points at:
// uintptr(unsafe.Pointer(&attr)) is attr.
func attrOperand(info *types.Info, e ast.Expr) ast.Expr {
	e = stripConversions(info, e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	return e
}

func literalOf(e ast.Expr) *ast.CompositeLit {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, _ := e.(*ast.CompositeLit)
	return lit
}

func (c *checker) refersTo(e ast.Expr, v *types.Var) bool {
	e = ast.Unparen(e)
	if s, ok := e.(*ast.StarExpr); ok {
		e = ast.Unparen(s.X)
	}
	id, ok := e.(*ast.Ident)
	return ok && (c.pass.TypesInfo.Uses[id] == v || c.pass.TypesInfo.Defs[id] == v)
}

// fieldOf resolves attr.A.B[i] (or attr.A[:]) rooted at v to the bytes it
// covers in the attr struct.
func (c *checker) fieldOf(e ast.Expr, v *types.Var) (fieldSet, bool) {
	info := c.pass.TypesInfo
	sizes := c.pass.TypesSizes
	var path []*ast.SelectorExpr
	node := e
	for {
		e = ast.Unparen(e)
		switch x := e.(type) {
		case *ast.SliceExpr:
			e = x.X
			continue
		case *ast.IndexExpr:
			e = x.X // an element: count the whole field as set
			path = path[:0]
			continue
		case *ast.SelectorExpr:
			path = append(path, x)
			e = x.X
			continue
		}
		break
	}
	if len(path) == 0 || !c.refersTo(e, v) {
		return fieldSet{}, false
	}
	slices.Reverse(path)
	var off int64
	t := deref(v.Type())
	var name []string
	for _, sel := range path {
		s := info.Selections[sel]
		if s == nil || s.Kind() != types.FieldVal {
			return fieldSet{}, false
		}
		// An embedded path is resolved one struct at a time.
		for _, i := range s.Index() {
			st, ok := t.Underlying().(*types.Struct)
			if !ok {
				return fieldSet{}, false
			}
			fields := make([]*types.Var, st.NumFields())
			for j := range fields {
				fields[j] = st.Field(j)
			}
			off += sizes.Offsetsof(fields)[i]
			t = st.Field(i).Type()
		}
		name = append(name, sel.Sel.Name)
	}
	return fieldSet{node: node, goName: strings.Join(name, "."), offset: off, size: sizes.Sizeof(t)}, true
}

// literalSets lists the non-zero fields of a struct literal at base offset.
func (c *checker) literalSets(lit *ast.CompositeLit, base int64) []fieldSet {
	info := c.pass.TypesInfo
	tv, ok := info.Types[lit]
	if !ok {
		return nil
	}
	st, ok := tv.Type.Underlying().(*types.Struct)
	if !ok {
		return nil
	}
	fields := make([]*types.Var, st.NumFields())
	for i := range fields {
		fields[i] = st.Field(i)
	}
	offsets := c.pass.TypesSizes.Offsetsof(fields)
	var sets []fieldSet
	for i, elt := range lit.Elts {
		idx, value := i, elt
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			id, ok := kv.Key.(*ast.Ident)
			if !ok {
				continue
			}
			idx = slices.IndexFunc(fields, func(f *types.Var) bool { return f.Name() == id.Name })
			value = kv.Value
			if idx < 0 {
				continue
			}
		}
		if idx >= len(fields) || isZeroConst(info, value) {
			continue
		}
		if inner, ok := ast.Unparen(value).(*ast.CompositeLit); ok {
			if _, isStruct := fields[idx].Type().Underlying().(*types.Struct); isStruct {
				sets = append(sets, c.literalSets(inner, base+offsets[idx])...)
				continue
			}
		}
		sets = append(sets, fieldSet{node: elt, value: value, goName: fields[idx].Name(), offset: base + offsets[idx], size: c.pass.TypesSizes.Sizeof(fields[idx].Type())})
	}
	return sets
}

func (c *checker) enclosingBody(n ast.Node) *ast.BlockStmt {
	for _, f := range c.pass.Files {
		if f.FileStart <= n.Pos() && n.Pos() < f.FileEnd {
			var body *ast.BlockStmt
			ast.Inspect(f, func(x ast.Node) bool {
				if x == nil || body != nil && x.Pos() > n.Pos() {
					return false
				}
				if x.Pos() <= n.Pos() && n.End() <= x.End() {
					switch x := x.(type) {
					case *ast.FuncDecl:
						body = x.Body
					case *ast.FuncLit:
						body = x.Body
					}
					return true
				}
				return false
			})
			return body
		}
	}
	return nil
}

// attrField maps a set part of the program's struct onto the kernel's
// field for the command, by byte offset; nil when it lies past the end.
func (c *checker) attrField(cmd *kernelspec.Feature, set fieldSet) (pick *kernelspec.Feature, via string) {
	via = fmt.Sprintf("field %s of the %s attr", set.goName, cmd.Name)
	return matchAttrField(c.db.AttrFields(cmd.Name), set.offset, set.size, set.goName), via
}

// checkAttrField maps a set part of the program's struct onto the kernel's
// fields for the command, by byte offset, and reports the kernel field it
// sets if the target lacks it.
func (c *checker) checkAttrField(cmd *kernelspec.Feature, set fieldSet, call *ast.CallExpr) {
	pick, via := c.attrField(cmd, set)
	if pick == nil {
		c.reportPastEnd(cmd, set, via)
		return
	}
	if c.byParameter(set.value, []*kernelspec.Feature{pick}, via) {
		return // the caller decides, through an argument
	}
	if c.copiedFromMapped(set.value, pick) || c.fromCarrier(set.value, 0) {
		return
	}
	c.report(use{node: set.node, features: []*kernelspec.Feature{pick}, via: via, call: call, value: set.value})
}

// copiedFromMapped reports whether value is read from a field that the API
// map maps to pick, or to a field sharing pick's bytes: spec.MapExtra copied
// into map_extra, spec.AttachTarget.FD() into the attach_prog_fd slot that
// a later kernel also calls attach_btf_obj_fd. Whoever set that field was
// checked for it where they set it.
func (c *checker) copiedFromMapped(value ast.Expr, pick *kernelspec.Feature) bool {
	if value == nil {
		return false
	}
	info := c.pass.TypesInfo
	e := stripConversions(info, value)
	for { // spec.AttachTarget.FD(): a value derived from the field
		call, ok := e.(*ast.CallExpr)
		if !ok {
			break
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok || info.Selections[sel] == nil || info.Selections[sel].Kind() != types.MethodVal {
			break
		}
		e = stripConversions(info, sel.X)
	}
	named, field := c.assignedField(e)
	if named == nil {
		return false
	}
	rule := c.fieldRule(named, field)
	if rule == nil {
		return false
	}
	for _, f := range rule.Features {
		if f == pick || f.Kind == kernelspec.AttrField && f.Command == pick.Command && f.Offset == pick.Offset && f.Size == pick.Size {
			return true
		}
	}
	return false
}

// matchAttrField picks the kernel field that the bytes [off, off+size) of
// the program's attr struct set: of the fields they overlap, the one the Go
// field is named after, else the oldest, so that a doubt never turns into
// a report. It returns nil when they overlap no field any release knows.
func matchAttrField(fields []*kernelspec.Feature, off, size int64, goName string) *kernelspec.Feature {
	var pick *kernelspec.Feature
	for _, f := range fields {
		if int64(f.Offset) >= off+size || off >= int64(f.Offset+f.Size) {
			continue
		}
		if sameName(goName, f.Field) {
			return aliased(fields, f)
		}
		if pick == nil || f.Since().Less(pick.Since()) {
			pick = f
		}
	}
	return pick
}

// fromCarrier reports whether value is derived from a carrier (the API
// map's carriers): the result of a method of one, directly or through a
// variable given it once (fdOrID, flags, err := opts.Anchor.anchor()).
// The carrier's constructor was checked where it was called.
func (c *checker) fromCarrier(value ast.Expr, depth int) bool {
	if value == nil || depth > maxGuardDepth || len(c.api.Carriers) == 0 {
		return false
	}
	info := c.pass.TypesInfo
	switch e := stripConversions(info, value).(type) {
	case *ast.Ident:
		if v, ok := info.Uses[e].(*types.Var); ok {
			return c.fromCarrier(c.singleValue(v), depth+1)
		}
	case *ast.CallExpr:
		sel, ok := ast.Unparen(e.Fun).(*ast.SelectorExpr)
		if !ok || info.Selections[sel] == nil || info.Selections[sel].Kind() != types.MethodVal {
			// A one-argument wrapper: sys.SlicePointer(fdArray).
			return len(e.Args) == 1 && c.fromCarrier(e.Args[0], depth+1)
		}
		named, ok := types.Unalias(deref(info.TypeOf(sel.X))).(*types.Named)
		return ok && named.Obj().Pkg() != nil && c.api.Carriers[named.Obj().Pkg().Path()+"."+named.Obj().Name()]
	}
	return false
}

// aliased returns the older field that f is a second name for, or f.
func aliased(fields []*kernelspec.Feature, f *kernelspec.Feature) *kernelspec.Feature {
	if f.AliasOf == "" {
		return f
	}
	for _, g := range fields {
		if g.Name == f.AliasOf {
			return g
		}
	}
	return f
}

// sameName compares a Go field name (AttachBtfObjFd, Attach_btf_obj_fd)
// with a kernel one (attach_btf_obj_fd, kprobe_multi.flags).
func sameName(goName, kernel string) bool {
	norm := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(unicode.ToLower(r))
			}
		}
		return b.String()
	}
	return norm(goName) == norm(kernel) || norm(goName) == norm(kernel[strings.LastIndexByte(kernel, '.')+1:])
}
