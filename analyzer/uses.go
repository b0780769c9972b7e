package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// visitor walks a file keeping the stack of enclosing nodes, which decides
// whether a feature constant is used or only mentioned.
func (c *checker) visitor() func(ast.Node) bool {
	var stack []ast.Node
	return func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if !c.visit(n, stack) {
			return false
		}
		stack = append(stack, n)
		return true
	}
}

// visit checks one node; false means its children are accounted for.
func (c *checker) visit(n ast.Node, stack []ast.Node) bool {
	if e, ok := n.(ast.Expr); ok {
		if feats, rule, ok := c.constantFeatures(e); ok {
			if len(feats) > 0 && c.selects(e, stack, rule) {
				c.report(use{node: e, features: feats, call: c.attrCallOf(stack)})
			}
			return rule == nil // a typed constant accounts for the constants it is made of
		}
	}
	switch n := n.(type) {
	case *ast.CallExpr:
		c.checkCall(n)
	case *ast.KeyValueExpr:
		if len(stack) > 0 {
			if lit, ok := stack[len(stack)-1].(*ast.CompositeLit); ok {
				c.checkLiteralField(lit, n)
			}
		}
	case *ast.AssignStmt:
		c.checkAssign(n)
	}
	return true
}

// constantFeatures resolves a constant expression to the features it names:
// a constant of a mapped type (ebpf.RingBuf, ebpf.MapType(27)) by value, or
// a constant of a mapped package named as a feature (unix.BPF_F_MMAPABLE).
// ok is false when e is neither; rule is the type rule that matched, if any.
func (c *checker) constantFeatures(e ast.Expr) (feats []*kernelspec.Feature, rule *apimap.TypeRule, ok bool) {
	info := c.pass.TypesInfo
	if !mayBeConstant(info, e) {
		return nil, nil, false
	}
	if tv, found := info.Types[e]; found && tv.Value != nil {
		if rule = c.typeRule(tv.Type); rule != nil {
			v, exact := constant.Uint64Val(constant.ToInt(tv.Value))
			if !exact || v&rule.Mask != 0 {
				return nil, rule, true // not a Linux value: cilium/ebpf tags Windows ones
			}
			feats := c.db.ByValue(rule.Kind, v)
			if rule.Field != "" {
				feats = slices.DeleteFunc(feats, func(f *kernelspec.Feature) bool { return !slices.Contains(f.Fields, rule.Field) })
			}
			return linuxFeatures(feats), rule, true
		}
	}
	var id *ast.Ident
	switch e := e.(type) {
	case *ast.Ident:
		id = e
	case *ast.SelectorExpr:
		id = e.Sel
	default:
		return nil, nil, false
	}
	k, isConst := info.Uses[id].(*types.Const)
	if !isConst || k.Pkg() == nil || !c.api.ConstPkgs[k.Pkg().Path()] {
		return nil, nil, false
	}
	f := c.db.Find(k.Name())
	switch {
	case f == nil || !f.Kind.HasValue():
		return nil, nil, false
	case f.Kind == kernelspec.Command:
		// A command selects something only as the command of a bpf(2)
		// call, which checkBPFCall reports; elsewhere it is just a number.
		return nil, nil, true
	}
	return []*kernelspec.Feature{f}, nil, true
}

// mayBeConstant is a cheap first test for constantFeatures, which the walk
// asks of every expression: an identifier or a selector is a constant
// only where it uses one (looked up by pointer, unlike Types, whose
// interface keys made this lookup the walk's largest cost).
func mayBeConstant(info *types.Info, e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		_, ok := info.Uses[e].(*types.Const)
		return ok
	case *ast.SelectorExpr:
		_, ok := info.Uses[e.Sel].(*types.Const)
		return ok
	case *ast.FuncLit, *ast.CompositeLit, *ast.KeyValueExpr, *ast.StarExpr, *ast.TypeAssertExpr, *ast.SliceExpr, *ast.IndexExpr:
		return false
	}
	return true
}

// linuxFeatures drops aliases when the name they alias is also there, so a
// value maps to the name users grep for.
func linuxFeatures(feats []*kernelspec.Feature) []*kernelspec.Feature {
	if len(feats) < 2 {
		return feats
	}
	var out []*kernelspec.Feature
	for _, f := range feats {
		if f.AliasOf == "" {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return feats[:1]
	}
	return out
}

func (c *checker) typeRule(t types.Type) *apimap.TypeRule {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return nil
	}
	obj := n.Obj()
	rule, seen := c.typeRules[obj]
	if !seen { // the key is built once per type, not per expression
		rule = c.api.Types[obj.Pkg().Path()+"."+obj.Name()]
		c.typeRules[obj] = rule
	}
	return rule
}

// selects reports whether the constant expression e, inside stack, selects
// its feature rather than only mentioning it. Comparing with it, switching
// on it, indexing by it, declaring a constant as it, or passing it to a
// probe asks about a feature — a probe wrapper's, or through a table a loop
// probes, where it reaches nothing else (probeargs.go); assigning it,
// passing it on, returning it selects it.
func (c *checker) selects(e ast.Expr, stack []ast.Node, rule *apimap.TypeRule) bool {
	if c.onlyProbed(e, stack) {
		return false
	}
	info := c.pass.TypesInfo
	var child ast.Node = e
	for i := len(stack) - 1; i >= 0; i-- {
		switch p := stack[i].(type) {
		case *ast.ParenExpr, *ast.UnaryExpr, *ast.StarExpr:
			child = p
			continue
		case *ast.BinaryExpr:
			switch p.Op {
			case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
				return false
			}
			child = p // flags combined with | and friends
			continue
		case *ast.CaseClause:
			return false
		case *ast.SelectorExpr:
			// A method of the constant: only listed methods (asm.BuiltinFunc.Call) select.
			return rule != nil && slices.Contains(rule.Methods, p.Sel.Name)
		case *ast.IndexExpr:
			if child == p.Index {
				return false
			}
		case *ast.KeyValueExpr:
			if child == p.Key {
				return false
			}
			child = p // a field value: the literal's context decides
			continue
		case *ast.CompositeLit:
			// case match{ebpf.LSM, ebpf.AttachLSMMac}: a literal made to be
			// compared mentions what it holds; one passed on selects it.
			child = p
			continue
		case *ast.ValueSpec:
			if i > 0 {
				if d, ok := stack[i-1].(*ast.GenDecl); ok && d.Tok == token.CONST {
					return false
				}
			}
		case *ast.CallExpr:
			if child == p.Fun {
				return true
			}
			if tv, ok := info.Types[p.Fun]; ok && tv.IsType() {
				if c.typeRule(tv.Type) != nil {
					return true // converted to a mapped type: the conversion selects
				}
				child = p // uint32(ebpf.RingBuf): where the number goes decides
				continue
			}
			if fn, ok := typeutil.Callee(info, p).(*types.Func); ok {
				if _, probe := c.api.Probes[c.key(fn)]; probe {
					return false
				}
			}
		}
		return true
	}
	return true
}

// funcKey is how the API map names a function: types.Func.FullName of the
// generic origin.
func funcKey(fn *types.Func) string { return fn.Origin().FullName() }

// key is funcKey, memoized: it is asked for every call in a package.
func (c *checker) key(fn *types.Func) string {
	k, ok := c.funcKeys[fn]
	if !ok {
		k = funcKey(fn)
		c.funcKeys[fn] = k
	}
	return k
}

// checkCall reports calls of mapped functions and checks bpf(2) calls.
func (c *checker) checkCall(call *ast.CallExpr) {
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok {
		c.checkClosureCall(call)
		return
	}
	key := c.key(fn)
	if rule := c.api.Probes[key]; rule != nil {
		c.checkObsoleteProbe(call, fn, rule)
		return
	}
	if feats, ok := c.api.Funcs[key]; ok {
		// What its options select is moot where the function itself is
		// missing, as a field is where its command is.
		if !c.report(use{node: callName(call), features: feats, via: shortFuncName(fn)}) {
			c.checkParamsOf(call, fn)
			c.checkMapOperations(call, fn, feats)
		}
		return
	}
	if req := c.requiresOf(fn); req != nil {
		c.checkRequirement(call, fn, req)
	}
	c.checkParamsOf(call, fn)
	if site, ok := c.bpfCallSite(call, fn); ok {
		c.checkBPFCall(site)
	}
}

// callName is the part of a call that names the callee: where a
// diagnostic about the call belongs.
func callName(call *ast.CallExpr) ast.Node {
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.SelectorExpr:
		return f.Sel
	case *ast.IndexExpr: // generic instantiation
		return f.X
	}
	return call.Fun
}

// shortFuncName prints link.AttachTCX or (*ebpf.Map).BatchLookup.
func shortFuncName(fn *types.Func) string {
	qual := func(p *types.Package) string { return p.Name() }
	sig := fn.Signature()
	if recv := sig.Recv(); recv != nil {
		return "(" + types.TypeString(recv.Type(), qual) + ")." + fn.Name()
	}
	if fn.Pkg() == nil {
		return fn.Name()
	}
	return fn.Pkg().Name() + "." + fn.Name()
}

// checkLiteralField checks a keyed field of a struct literal.
func (c *checker) checkLiteralField(lit *ast.CompositeLit, kv *ast.KeyValueExpr) {
	named, field := c.literalField(lit, kv)
	if named == nil {
		return
	}
	if rule := c.fieldRule(named, field); rule != nil && rule.HelperCall != nil {
		c.checkHelperCall(lit, kv, rule.HelperCall)
		return
	}
	c.checkFieldValue(named, field, kv.Value)
}

// literalField resolves a keyed element of a struct literal to the struct
// and the field it sets; nil if it is not one.
func (c *checker) literalField(lit *ast.CompositeLit, kv *ast.KeyValueExpr) (*types.Named, string) {
	id, ok := kv.Key.(*ast.Ident)
	if !ok {
		return nil, ""
	}
	named := namedStruct(c.pass.TypesInfo.TypeOf(lit))
	if named == nil {
		return nil, ""
	}
	return named, id.Name
}

// assignedField resolves the left side of x.F = v to the struct declaring
// F and F; nil if it is not a field.
func (c *checker) assignedField(lhs ast.Expr) (*types.Named, string) {
	sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr)
	if !ok {
		return nil, ""
	}
	s := c.pass.TypesInfo.Selections[sel]
	if s == nil || s.Kind() != types.FieldVal {
		return nil, ""
	}
	named := declaringStruct(s)
	if named == nil {
		return nil, ""
	}
	return named, sel.Sel.Name
}

func (c *checker) fieldRule(named *types.Named, field string) *apimap.FieldRule {
	obj := named.Obj()
	if obj.Pkg() == nil {
		return nil
	}
	return c.api.Fields[obj.Pkg().Path()+"."+obj.Name()+"."+field]
}

// checkHelperCall reports the helper a raw call instruction calls:
// asm.Instruction{OpCode: asm.OpCode(asm.JumpClass).SetJumpOp(asm.Call), Constant: 181}.
// The opcode is built by method calls, so it is recognised by naming the
// call operation; a source register marks a bpf2bpf or kfunc call instead.
func (c *checker) checkHelperCall(lit *ast.CompositeLit, kv *ast.KeyValueExpr, rule *apimap.HelperCall) {
	info := c.pass.TypesInfo
	if tv := info.Types[kv.Value]; tv.Value == nil || c.hasNamedConstants(kv.Value) {
		return // not constant, or made of helper constants that report themselves
	}
	isCall := false
	for _, elt := range lit.Elts {
		other, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		switch key, _ := other.Key.(*ast.Ident); {
		case key == nil:
		case key.Name == rule.SrcField && !isZeroConst(info, other.Value):
			return
		case key.Name == rule.OpcodeField:
			ast.Inspect(other.Value, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					if k, ok := info.Uses[sel.Sel].(*types.Const); ok && k.Pkg() != nil && k.Pkg().Path()+"."+k.Name() == rule.CallOp {
						isCall = true
					}
				}
				return !isCall
			})
		}
	}
	if !isCall {
		return
	}
	if v, ok := c.constUint(kv.Value); ok {
		if feats := linuxFeatures(c.db.ByValue(kernelspec.Helper, v)); len(feats) > 0 {
			c.report(use{node: kv.Value, features: feats, via: "a call instruction"})
		}
	}
}

// checkAssign checks assignments to mapped fields: spec.Flags = ...
func (c *checker) checkAssign(as *ast.AssignStmt) {
	if len(as.Lhs) != len(as.Rhs) {
		return
	}
	for i, lhs := range as.Lhs {
		if named, field := c.assignedField(lhs); named != nil {
			c.checkFieldValue(named, field, as.Rhs[i])
		}
	}
}

func (c *checker) checkFieldValue(named *types.Named, field string, value ast.Expr) {
	feats, via := c.fieldValueFeatures(named, field, value)
	if len(feats) == 0 || c.byParameter(value, feats, via) {
		return
	}
	if named.Obj().Pkg() == c.pass.Pkg && c.pass.TypesInfo.Types[value].Value == nil {
		// The library that declares a mapped field fills it from data it
		// decodes (the map definitions of an ELF file), checked where the
		// data is loaded; only a constant of its own is its choice.
		return
	}
	c.report(use{node: value, features: feats, via: via})
}

// fieldValueFeatures returns what setting a mapped field to value needs.
func (c *checker) fieldValueFeatures(named *types.Named, field string, value ast.Expr) ([]*kernelspec.Feature, string) {
	obj := named.Obj()
	rule := c.fieldRule(named, field)
	if rule == nil || rule.HelperCall != nil || isZeroConst(c.pass.TypesInfo, value) {
		return nil, ""
	}
	via := obj.Pkg().Name() + "." + obj.Name() + "." + field
	feats := rule.Features
	if rule.FlagsOf != "" && !c.hasNamedConstants(value) {
		if tv := c.pass.TypesInfo.Types[value]; tv.Value != nil {
			if bits, ok := constant.Uint64Val(constant.ToInt(tv.Value)); ok {
				feats = append(feats[:len(feats):len(feats)], c.flagsIn(rule.FlagsOf, bits)...)
			}
		}
	}
	return feats, via
}

// flagsIn returns the flags of attr field whose bits are all set in v.
func (c *checker) flagsIn(field string, v uint64) []*kernelspec.Feature {
	var out []*kernelspec.Feature
	for _, f := range c.db.Features(kernelspec.Flag) {
		if f.Value != 0 && f.Value&v == f.Value && f.AliasOf == "" && slices.Contains(f.Fields, field) {
			out = append(out, f)
		}
	}
	return out
}

// hasNamedConstants reports whether e mentions constants that are reported
// on their own (unix.BPF_F_MMAPABLE): then its bits are not decoded again.
func (c *checker) hasNamedConstants(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if x, ok := n.(ast.Expr); ok && !found {
			if _, _, ok := c.constantFeatures(x); ok {
				found = true
			}
		}
		return !found
	})
	return found
}

func isZeroConst(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	if !ok {
		return false
	}
	if tv.IsNil() {
		return true
	}
	if tv.Value == nil {
		return false
	}
	switch tv.Value.Kind() {
	case constant.Bool:
		return !constant.BoolVal(tv.Value)
	case constant.String:
		return constant.StringVal(tv.Value) == ""
	case constant.Int, constant.Float:
		return constant.Sign(tv.Value) == 0
	}
	return false
}

// namedStruct returns the named struct type of t, through one pointer.
func namedStruct(t types.Type) *types.Named {
	if t == nil { // untyped in code that does not type-check
		return nil
	}
	n, ok := types.Unalias(deref(t)).(*types.Named)
	if !ok {
		return nil
	}
	if _, ok := n.Underlying().(*types.Struct); !ok {
		return nil
	}
	return n
}

// declaringStruct returns the struct type that declares a selected field,
// following embedded fields.
func declaringStruct(s *types.Selection) *types.Named {
	t := s.Recv()
	idx := s.Index()
	for _, i := range idx[:len(idx)-1] {
		n := namedStruct(t)
		if n == nil {
			st, ok := deref(t).Underlying().(*types.Struct)
			if !ok {
				return nil
			}
			t = st.Field(i).Type()
			continue
		}
		t = n.Underlying().(*types.Struct).Field(i).Type()
	}
	return namedStruct(t)
}

func deref(t types.Type) types.Type {
	if p, ok := types.Unalias(t).Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}
