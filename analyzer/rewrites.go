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

// Where a probe for a helper fails, some projects patch its calls out of
// the spec rather than drop the programs: a loop over spec.Programs and
// their Instructions that replaces each call of the helper (`switch
// asm.BuiltinFunc(ins.Constant) { case asm.FnFindVma:
// prog.Instructions[i] = asm.Mov.Imm(asm.R0, 0) }`), and the loads of the
// callbacks handed to it (`if ins.IsLoadOfFunctionPointer()`). The
// programs then need nothing of those instructions where the patch ran.
// The patch counts where it runs on every path that goes on to the load
// except those where the helper's probe succeeded: called unconditionally
// after the spec is obtained, in `if probeFailed { patch(spec) }`, or in a
// function that returns early where the probe succeeded — followed through
// the functions of this package the spec is passed to. A function of
// another package that patches is not followed.

// rewriteDepth bounds how deep calls are followed for a patch.
const rewriteDepth = 4

// rewrittenAt is the set of places (objectFeature.where) of obj whose
// instructions the function around node patches in the spec node gives,
// where it goes on to load it.
func (c *checker) rewrittenAt(node ast.Node, obj *loadedObject) map[string]bool {
	call, ok := node.(*ast.CallExpr)
	if !ok {
		return nil
	}
	spec := c.specVarOf(call)
	fn := c.declaredFuncAround(call) // not in a function literal: its statements are not the function's
	if spec == nil || fn == nil {
		return nil
	}
	fd := c.funcDecl(fn)
	if fd == nil || fd.Body == nil {
		return nil
	}
	feats := c.patchedIn(fd, spec, node.End(), true, rewriteDepth)
	if len(feats) == 0 {
		return nil
	}
	out := map[string]bool{}
	for _, of := range obj.features {
		if slices.Contains(feats, of.feature) {
			out[of.where] = true // with the helper-per-program-type pair at the same instruction
		}
	}
	return out
}

// patchedIn is what fd patches out of the spec in v on every path past
// from that returns normally, less what a probe proves on the paths that
// skip the patch.
func (c *checker) patchedIn(fd *ast.FuncDecl, v types.Object, from token.Pos, errorsStop bool, depth int) []*kernelspec.Feature {
	var out []*kernelspec.Feature
	keep := func(patched []*kernelspec.Feature, skipped proof) {
		for _, f := range patched {
			if c.skipProves(skipped, f, patched) {
				out = addFeatures(out, f)
			}
		}
	}
	for _, s := range fd.Body.List {
		if s.End() <= from {
			continue
		}
		// Run on every path to s, the patch is skipped by the returns
		// before it.
		before := c.skippedBy(fd, from, s.Pos(), errorsStop)
		switch s := s.(type) {
		case *ast.IfStmt:
			if s.Init != nil {
				keep(c.patchesOf(s.Init, v, depth), before)
			}
			if s.Else == nil {
				// if probeFailed { patch(spec) }: the other path proves.
				success := c.proves(s.Cond, false, 0)
				var patched []*kernelspec.Feature
				for _, t := range s.Body.List { // the body's own statements: not those under a further condition
					switch t := t.(type) {
					case *ast.ExprStmt, *ast.AssignStmt, *ast.DeclStmt:
						patched = addFeatures(patched, c.patchesOf(t, v, depth)...)
					case *ast.RangeStmt:
						if c.isProgramsLoop(t, v) {
							patched = addFeatures(patched, c.instructionPatches(t.Body)...)
						}
					}
				}
				keep(patched, success.intersect(before))
			}
		case *ast.RangeStmt:
			if c.isProgramsLoop(s, v) {
				keep(c.instructionPatches(s.Body), before)
			}
		case *ast.ExprStmt, *ast.AssignStmt, *ast.DeclStmt:
			keep(c.patchesOf(s, v, depth), before)
		}
	}
	return out
}

// skipProves reports whether what holds on the paths that skip a patch
// (skipped) proves f, one of the features the patch removes. Callbacks
// patched out with helpers count as proven where the skipping paths prove
// a patched helper no older than callbacks: the data does not say which
// helpers take a callback, but one released after them and patched with
// the loads of callbacks is what they were handed to.
func (c *checker) skipProves(skipped proof, f *kernelspec.Feature, patched []*kernelspec.Feature) bool {
	if c.provenHas(skipped, f) {
		return true
	}
	if f.Kind != kernelspec.Capability || f.Name != "callbacks" {
		return false
	}
	return slices.ContainsFunc(patched, func(h *kernelspec.Feature) bool {
		return h.Kind == kernelspec.Helper && !h.Since().Less(f.Since()) && c.provenHas(skipped, h)
	})
}

// skippedBy is what holds on every return of fd between from and at,
// which skip what is at: everything where there is none, and where
// errorsStop a return of an error proves everything (the caller, which
// looks at it, does not go on to load).
func (c *checker) skippedBy(fd *ast.FuncDecl, from, at token.Pos, errorsStop bool) proof {
	p := proof{top: true}
	inspectOwnBody(fd.Body, func(n ast.Node) {
		ret, isRet := n.(*ast.ReturnStmt)
		if !isRet || ret.Pos() < from || ret.Pos() >= at || (errorsStop && c.returnsError(ret)) {
			return
		}
		p = p.intersect(c.proven(ret))
	})
	return p
}

// isProgramsLoop reports whether r ranges over the programs of the spec
// in v.
func (c *checker) isProgramsLoop(r *ast.RangeStmt, v types.Object) bool {
	return c.isProgramsOf(r.X, v)
}

// isProgramsOf reports whether e is the field of the spec in v that holds
// its program specs (spec.Programs).
func (c *checker) isProgramsOf(e ast.Expr, v types.Object) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok || !c.isVar(sel.X, v) {
		return false
	}
	t := v.Type()
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	spec := c.api.CollectionSpecs[namedKey(t)]
	return spec != nil && sel.Sel.Name == spec.Programs
}

// returnsError reports whether ret's last result is a non-nil error.
func (c *checker) returnsError(ret *ast.ReturnStmt) bool {
	if len(ret.Results) == 0 {
		return false
	}
	last := ret.Results[len(ret.Results)-1]
	tv := c.pass.TypesInfo.Types[last]
	return !tv.IsNil() && types.Identical(tv.Type, types.Universe.Lookup("error").Type())
}

// patchesOf is what n patches out of the spec in v: the loops over its
// programs in n, and the functions of this package n passes v to, where
// they patch on every path (patchedIn); where n drops the error of such
// a call, the function's returns of errors skip its patch like any other.
func (c *checker) patchesOf(n ast.Node, v types.Object, depth int) []*kernelspec.Feature {
	var out []*kernelspec.Feature
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.FuncLit:
			return false
		case *ast.RangeStmt:
			if c.isProgramsLoop(m, v) {
				out = addFeatures(out, c.instructionPatches(m.Body)...)
				return false
			}
		case *ast.CallExpr:
			if depth == 0 {
				return true
			}
			fn := typeutil.StaticCallee(c.pass.TypesInfo, m) // a method too
			if fn == nil || fn.Pkg() != c.pass.Pkg {
				return true
			}
			fd := c.funcDecl(fn.Origin())
			if fd == nil || fd.Body == nil {
				return true
			}
			es, isStmt := n.(*ast.ExprStmt)
			dropped := isStmt && ast.Unparen(es.X) == m // its error, if any, not looked at
			params := fn.Origin().Signature().Params()
			for i, arg := range m.Args {
				if i < params.Len() && c.isVar(arg, v) {
					out = addFeatures(out, c.patchedIn(fd, params.At(i), fd.Body.Pos(), !dropped, depth-1)...)
				}
			}
		}
		return true
	})
	return out
}

// instructionPatches is what a loop body over a spec's programs patches:
// the helpers whose calls, and the callbacks whose loads, a branch testing
// for them replaces or changes.
func (c *checker) instructionPatches(body *ast.BlockStmt) []*kernelspec.Feature {
	var out []*kernelspec.Feature
	branch := func(feats []*kernelspec.Feature, stmts []ast.Stmt) {
		if len(feats) > 0 && slices.ContainsFunc(stmts, c.assignsInstruction) {
			out = addFeatures(out, feats...)
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IfStmt:
			branch(c.testedInstructions(n.Cond), n.Body.List)
		case *ast.SwitchStmt:
			if n.Tag == nil || !c.isHelperID(c.pass.TypesInfo.TypeOf(n.Tag)) {
				return true
			}
			for _, cl := range n.Body.List {
				cc := cl.(*ast.CaseClause)
				var feats []*kernelspec.Feature
				for _, e := range cc.List {
					feats = append(feats, c.testedInstructions(e)...)
				}
				branch(feats, cc.Body)
			}
		}
		return true
	})
	return out
}

// testedInstructions is what a condition requires an instruction to be,
// by conjunction: a call of a helper (a comparison with a helper id
// constant, asm.BuiltinFunc's, or the constant itself as a case), or a
// load of a callback (the API map's callback_load method of instructions).
func (c *checker) testedInstructions(e ast.Expr) []*kernelspec.Feature {
	e = ast.Unparen(e)
	if tv := c.pass.TypesInfo.Types[e]; tv.Value != nil && tv.Value.Kind() == constant.Int && c.isHelperID(tv.Type) {
		if v, ok := constant.Uint64Val(tv.Value); ok {
			if feats := linuxFeatures(c.db.ByValue(kernelspec.Helper, v)); len(feats) > 0 {
				return feats[:1]
			}
		}
		return nil
	}
	switch e := e.(type) {
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			return append(c.testedInstructions(e.X), c.testedInstructions(e.Y)...)
		case token.EQL:
			return append(c.testedInstructions(e.X), c.testedInstructions(e.Y)...)
		}
	case *ast.CallExpr:
		if sel, ok := ast.Unparen(e.Fun).(*ast.SelectorExpr); ok && c.callsCallbackLoad(sel) {
			if f := c.db.Lookup(kernelspec.Capability, "callbacks"); f != nil {
				return []*kernelspec.Feature{f}
			}
		}
	}
	return nil
}

// assignsInstruction reports whether s changes an instruction in place:
// prog.Instructions[i] = ..., *ins = ..., ins.Constant = ... (ins a
// pointer into the instructions).
func (c *checker) assignsInstruction(s ast.Stmt) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return !found
		}
		for _, lhs := range as.Lhs {
			switch lhs := ast.Unparen(lhs).(type) {
			case *ast.IndexExpr:
				found = found || c.isInstruction(c.pass.TypesInfo.TypeOf(lhs))
			case *ast.StarExpr:
				found = found || c.isInstruction(c.pass.TypesInfo.TypeOf(lhs))
			case *ast.SelectorExpr:
				_, isPtr := types.Unalias(c.pass.TypesInfo.TypeOf(lhs.X)).(*types.Pointer)
				found = found || (isPtr && c.isInstruction(c.pass.TypesInfo.TypeOf(lhs.X)))
			}
		}
		return !found
	})
	return found
}

// isInstruction reports whether t is an instruction type of the API map
// (asm.Instruction) or a pointer to one.
func (c *checker) isInstruction(t types.Type) bool { return c.instructionOf(t) != nil }

// instructionOf is the API map's rule of t, an instruction type or a
// pointer to one, or nil.
func (c *checker) instructionOf(t types.Type) *apimap.Instruction {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	return c.api.Instructions[namedKey(t)]
}

// callsCallbackLoad reports whether sel is the method of an instruction
// that says it loads a function pointer (ins.IsLoadOfFunctionPointer).
func (c *checker) callsCallbackLoad(sel *ast.SelectorExpr) bool {
	ins := c.instructionOf(c.pass.TypesInfo.TypeOf(sel.X))
	return ins != nil && sel.Sel.Name == ins.CallbackLoad
}

// isHelperID reports whether t is a type whose constants are helper ids
// (asm.BuiltinFunc: the API map's type of kind helper).
func (c *checker) isHelperID(t types.Type) bool {
	rule := c.api.Types[namedKey(t)]
	return rule != nil && rule.Kind == kernelspec.Helper
}

// namedKey is "pkgpath.Name" of the named type t, the API map's key for
// it, or "" for any other type.
func namedKey(t types.Type) string {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return ""
	}
	return n.Obj().Pkg().Path() + "." + n.Obj().Name()
}

// addFeatures appends to out those of fs it lacks.
func addFeatures(out []*kernelspec.Feature, fs ...*kernelspec.Feature) []*kernelspec.Feature {
	for _, f := range fs {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}
