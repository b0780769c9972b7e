package analyzer

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// A function may require features of its callers: declared with
//
//	//bpfcompat:requires 5.8
//	//bpfcompat:requires BPF_MAP_TYPE_RINGBUF
//
// (its body is then checked as if the floor were raised), or inferred for
// an exported function whose body uses a feature unguarded, so that a
// wrapper library's requirements reach the packages that call it. Either
// way it is a fact, and a call that its caller does not guard is reported.
// cilium/ebpf's own API is covered by the API map, not by inference.

// requiresFact is what calling a function requires.
type requiresFact struct {
	Version  string            // a kernel version, or ""
	Features []string          // feature names
	Vias     map[string]string // inferred: how the body selects each feature
	// Errors are what the function returns, besides the unsupported
	// errors, where the kernel lacks the features (absenterrors.go).
	Errors []string
	// Closures is what calling a closure the function returns requires:
	// checked where the closure is called.
	Closures *requiresFact
	// When names, for a feature used only under a configuration field
	// being true, the field (configfields.go): the call is checked for it
	// where the field's writes are in sight.
	When map[string]string
}

func (*requiresFact) AFact() {}

func (f *requiresFact) String() string {
	what := slices.Clone(f.Features)
	if f.Version != "" {
		what = append([]string{"Linux " + f.Version}, what...)
	}
	var parts []string
	if len(what) > 0 {
		parts = append(parts, "requires "+strings.Join(what, ", ")+f.viaText()+f.whenText())
	}
	if f.Closures != nil {
		parts = append(parts, "its closures require "+strings.Join(f.Closures.Features, ", ")+f.Closures.viaText())
	}
	return strings.Join(parts, "; ")
}

func (f *requiresFact) viaText() string {
	var vias []string
	for _, name := range f.Features {
		if v := f.Vias[name]; v != "" && !slices.Contains(vias, v) {
			vias = append(vias, v)
		}
	}
	if len(vias) == 0 {
		return ""
	}
	return " (via " + strings.Join(vias, ", ") + ")"
}

// proof is what the requirement lets the body assume.
func (c *checker) requirementProof(f *requiresFact) proof {
	p := proofOf()
	for _, name := range f.Features {
		if feat := c.db.Find(name); feat != nil {
			p.prove(feat)
		}
	}
	if v, err := kernelspec.ParseVersion(f.Version); err == nil {
		p.version = v.Release()
	}
	return p
}

// findRequires reads this package's //bpfcompat:requires directives.
func (c *checker) findRequires() {
	c.requires = map[*types.Func]*requiresFact{}
	c.inferred = map[types.Object]*requiresFact{}
	c.inferredClosures = map[types.Object]*requiresFact{}
	for _, f := range c.pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Doc == nil {
				continue
			}
			fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			for _, cm := range fd.Doc.List {
				verb, arg, ok := parseDirective(cm.Text)
				if !ok || verb != "requires" {
					continue
				}
				fact, err := c.parseRequires(arg)
				if err != nil {
					c.pass.ReportRangef(cm, "bad //bpfcompat:requires directive: %v", err)
					continue
				}
				// Several directives add up: the newest version, and
				// every feature each names.
				if prev := c.requires[fn]; prev != nil {
					fact.Features = append(prev.Features, fact.Features...)
					if v := maxVersion(c.versionOf(prev), c.versionOf(fact)); !v.IsZero() {
						fact.Version = v.String()
					}
				}
				c.requires[fn] = fact
			}
		}
	}
}

func (c *checker) parseRequires(arg string) (*requiresFact, error) {
	words := strings.Fields(arg)
	if len(words) == 0 {
		return nil, fmt.Errorf("want a kernel version or feature names")
	}
	fact := &requiresFact{}
	for _, w := range words {
		if f := c.db.Find(w); f != nil {
			fact.Features = append(fact.Features, f.Name)
			continue
		}
		v, err := kernelspec.ParseVersion(w)
		if err != nil {
			return nil, fmt.Errorf("%q is neither a kernel version nor a feature the specs know", w)
		}
		if err := c.db.CheckRelease(v); err != nil {
			return nil, err
		}
		fact.Version = maxVersion(c.versionOf(fact), v.Release()).String()
	}
	return fact, nil
}

func (c *checker) versionOf(f *requiresFact) kernelspec.Version {
	v, _ := kernelspec.ParseVersion(f.Version)
	return v
}

// requiresOf returns fn's requirement: declared here, or an imported fact.
func (c *checker) requiresOf(fn *types.Func) *requiresFact {
	fn = fn.Origin()
	if fn.Pkg() == c.pass.Pkg {
		return c.requires[fn]
	}
	return importedFact(c.pass, c.importedRequires, fn)
}

// checkRequirement reports a call whose callee requires what the caller
// neither has nor guards.
func (c *checker) checkRequirement(call *ast.CallExpr, fn *types.Func, req *requiresFact) {
	c.checkRequirementAs(call, shortFuncName(fn), req)
}

// checkRequirementAs is checkRequirement for a callee named via: a
// function, or a closure a function returned.
func (c *checker) checkRequirementAs(call *ast.CallExpr, via string, req *requiresFact) {
	req = c.unlessConfigGuarded(req)
	if len(req.Features) == 0 && req.Version == "" {
		return // only its closures require something
	}
	p := c.requirementProof(req)
	feats := slices.Collect(func(yield func(*kernelspec.Feature) bool) {
		for f := range p.features {
			if !yield(f) {
				return
			}
		}
	})
	slices.SortFunc(feats, func(a, b *kernelspec.Feature) int {
		return cmp.Or(a.Since().Compare(b.Since()), strings.Compare(a.Name, b.Name))
	})
	viaFor, whenFor := map[*kernelspec.Feature]string{}, map[*kernelspec.Feature]string{}
	for _, f := range feats {
		if v := req.Vias[f.Name]; v != "" {
			viaFor[f] = via + " → " + v
		}
		if key := req.When[f.Name]; key != "" {
			whenFor[f] = key
		}
	}
	if p.version.IsZero() {
		c.report(use{node: callName(call), features: feats, via: via, viaFor: viaFor, whenFor: whenFor})
		return
	}
	// A version requirement: the call's floor must reach it.
	node := callName(call)
	if c.sink.done(node.Pos()) {
		return
	}
	var missing []string
	for _, k := range c.targetsUnder(node.Pos(), c.proven(node)) {
		if k.Base.Less(p.version) {
			missing = append(missing, k.Name)
		}
	}
	if len(missing) == 0 || c.hasFallback(node) {
		c.report(use{node: node, features: feats, via: via})
		return
	}
	c.sink.emit(c, analysis.Diagnostic{Pos: node.Pos(), End: call.End(), Category: "requires",
		Message: requiresMessage(via, p.version, missing, len(c.targets.kernels) > 1, "")})
}

// noteUnguarded records, for the exported function around node, the
// features a use selects without a guard: its inferred requirement, or
// that of the closures it returns (decided.go says whose a use is).
func (c *checker) noteUnguarded(u use, proven proof) {
	if c.api.Packages[c.pass.Pkg.Path()] {
		return // cilium/ebpf itself: its API is in the map
	}
	path := c.pathTo(u.node)
	o, ok := c.ownerOf(path)
	fn, isFunc := o.obj.(*types.Func)
	if !ok || !isFunc || !fn.Exported() || c.requires[fn] != nil || c.wrappers[fn] != nil {
		return // a bpf(2) wrapper's callers are checked call by call
	}
	if recv := fn.Signature().Recv(); recv != nil && !exportedType(recv.Type()) {
		return
	}
	if c.underParameter(path, o.decl) {
		return // the caller decides, through an argument
	}
	inferred := c.inferred
	if o.closure {
		inferred = c.inferredClosures
	}
	req := inferred[fn]
	if req == nil {
		req = &requiresFact{Vias: map[string]string{}}
		inferred[fn] = req
	}
	first, contributes := len(req.Features) == 0, false
	here := c.configCondition(path)
	for _, f := range u.features {
		if f.Since() == c.db.Oldest() || c.provenHas(proven, f) || abiImplied(proven, f) || !maxVersion(proven.version, proven.assumedVersion()).Less(f.Since()) {
			continue
		}
		contributes = true
		when := cmp.Or(here, u.whenFor[f]) // under a field here, or in the callee
		if slices.Contains(req.Features, f.Name) {
			if req.When[f.Name] != when {
				delete(req.When, f.Name) // needed under another field, or none
			}
			continue
		}
		req.Features = append(req.Features, f.Name)
		if u.via != "" {
			req.Vias[f.Name] = u.via
		}
		if when != "" {
			if req.When == nil {
				req.When = map[string]string{}
			}
			req.When[f.Name] = when
		}
	}
	if contributes {
		req.Errors = mergeAbsent(req.Errors, first, c.absentErrorsHandedOn(path))
	}
}

// underParameter reports whether a use sits in a branch whose condition
// reads one of the function's parameters: `if haveFexit { ... }` where the
// caller probed and passed the answer. Such a use is the caller's to guard,
// so it passes no requirement on; the use itself is still checked.
func (c *checker) underParameter(path []ast.Node, fd *ast.FuncDecl) bool {
	params := map[types.Object]bool{}
	for _, field := range fd.Type.Params.List {
		for _, name := range field.Names {
			params[c.pass.TypesInfo.Defs[name]] = true
		}
	}
	for i := 1; i < len(path); i++ {
		var cond ast.Expr
		switch p := path[i].(type) {
		case *ast.IfStmt:
			if path[i-1] == p.Body || path[i-1] == p.Else {
				cond = p.Cond
			}
		case *ast.CaseClause:
			for _, e := range p.List {
				if c.readsAny(e, params) {
					return true
				}
			}
		}
		if cond != nil && c.readsAny(cond, params) {
			return true
		}
	}
	return false
}

func (c *checker) readsAny(e ast.Expr, objs map[types.Object]bool) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && objs[c.pass.TypesInfo.Uses[id]] {
			found = true
		}
		return !found
	})
	return found
}

func exportedType(t types.Type) bool {
	if n, ok := types.Unalias(deref(t)).(*types.Named); ok {
		return n.Obj().Exported()
	}
	return false
}

// exportRequires exports declared and inferred requirements, and reports
// whether there were any.
func (c *checker) exportRequires() bool {
	exported := false
	for fn, req := range c.requires {
		c.pass.ExportObjectFact(fn, req)
		exported = true
	}
	for fn, req := range c.inferred {
		if len(req.Features) > 0 && c.requires[fn.(*types.Func)] == nil {
			slices.Sort(req.Features)
			c.pass.ExportObjectFact(fn, req)
			exported = true
		}
	}
	for fn, closures := range c.inferredClosures {
		if len(closures.Features) == 0 {
			continue
		}
		slices.Sort(closures.Features)
		fact := &requiresFact{Closures: closures}
		if own := c.inferred[fn]; own != nil && len(own.Features) > 0 {
			fact.Features, fact.Vias = own.Features, own.Vias
		}
		c.pass.ExportObjectFact(fn, fact)
		exported = true
	}
	return exported
}
