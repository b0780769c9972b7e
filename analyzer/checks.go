package analyzer

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// A check function's result proves a kernel feature or version: cilium's
// probes are data (the API map); a project's own helpers are marked
//
//	//bpfcompat:checks 5.11               true (or nil) proves Linux 5.11
//	//bpfcompat:checks BPF_MAP_TYPE_RINGBUF
//	//bpfcompat:checks arg0               argument 0 is the version:
//	                                      "5.11", a KERNEL_VERSION code, or
//	                                      NewVersion(5, 11, 0)
//	//bpfcompat:checks arg0 false         false (or non-nil) proves it:
//	                                      IsKernelOlderThan("5.14")
//	//bpfcompat:checks arg0.arg1          arguments 0 and 1 are the major
//	                                      and minor numbers (arg0.arg1.arg2
//	                                      with the patch): AtLeast(5, 8)
//
// (on a function returning one bool or error, or a bool and one more
// result: a reason, or an error when it could not tell), or inferred
// from their bodies (func supportRingBuf() bool { return
// features.HaveMapType(ebpf.RingBuf) == nil }), and exported as facts so
// that they guard in importers too.

// checkFact is what a function's result proves, exported for importers.
type checkFact struct {
	Features   []string // feature names
	Version    string   // a fixed version
	VersionArg int      // index of the argument carrying the version, or -1
	// VersionArgs are the arguments holding the version's major, minor
	// and optionally patch numbers: AtLeast(major, minor int).
	VersionArgs []int
	// FeatureArgs are the arguments whose constants name features it
	// proves: a probe wrapper's (probeargs.go).
	FeatureArgs []int
	WhenFalse   bool // false / non-nil proves it, not true / nil
}

func (*checkFact) AFact() {}

func (f *checkFact) String() string {
	var what []string
	if f.Version != "" {
		what = append(what, "Linux "+f.Version)
	}
	if f.VersionArg >= 0 {
		what = append(what, fmt.Sprintf("the version in argument %d", f.VersionArg))
	}
	if len(f.VersionArgs) > 0 {
		what = append(what, "the version in arguments "+versionArgsString(f.VersionArgs))
	}
	for _, i := range f.FeatureArgs {
		what = append(what, fmt.Sprintf("what argument %d names", i))
	}
	what = append(what, f.Features...)
	when := "true or nil"
	if f.WhenFalse {
		when = "false or non-nil"
	}
	return fmt.Sprintf("checks %s when %s", strings.Join(what, ", "), when)
}

// check is a resolved check at a call: the proof, and the result (true:
// true or nil) that carries it.
type check struct {
	proof  proof
	result bool
}

// checkOf resolves a call of a check function, or of a variable holding
// one.
func (c *checker) checkOf(call *ast.CallExpr) *check {
	var fact *checkFact
	switch callee := typeutil.Callee(c.pass.TypesInfo, call).(type) {
	case *types.Var:
		if chk := c.featureTestCheck(callee); chk != nil {
			return chk
		}
		if _, isFunc := callee.Type().Underlying().(*types.Signature); isFunc {
			fact = c.varCheckOf(callee)
		}
	case *types.Func:
		fact = c.checkFactOf(callee)
	}
	if fact == nil {
		return nil
	}
	p := c.factProof(fact)
	if fact.VersionArg >= 0 && fact.VersionArg < len(call.Args) {
		v, ok := c.versionArg(call.Args[fact.VersionArg])
		if !ok {
			return nil
		}
		p.version = maxVersion(p.version, v)
	}
	if len(fact.VersionArgs) > 0 {
		v, ok := c.versionOfArgs(call, fact.VersionArgs)
		if !ok {
			return nil
		}
		p.version = maxVersion(p.version, v)
	}
	for _, i := range fact.FeatureArgs {
		if i < len(call.Args) {
			for _, f := range c.probeArgFeatures(call.Args[i]) {
				p.prove(f)
			}
		}
	}
	if p.empty() {
		return nil
	}
	return &check{proof: p, result: !fact.WhenFalse}
}

// factProof is what a check proves, but for a version in an argument.
func (c *checker) factProof(fact *checkFact) proof {
	p := proofOf()
	for _, name := range fact.Features {
		if f := c.db.Find(name); f != nil {
			p.prove(f)
		}
	}
	if fact.Version != "" {
		if v, err := kernelspec.ParseVersion(fact.Version); err == nil {
			p.version = v.Release()
		}
	}
	return p
}

// factOf is the check fact of what p proves, for fn (nil for a
// variable): a probe wrapper's stand-ins for its parameters become its
// FeatureArgs. It is nil where p proves nothing of fn's own, only what its
// callers' context does.
func (c *checker) factOf(fn *types.Func, p proof) *checkFact {
	fact := &checkFact{VersionArg: -1}
	fact.Features, fact.FeatureArgs = c.provenFeatures(fn, p)
	if !p.version.IsZero() {
		fact.Version = p.version.String()
	}
	if len(fact.Features) == 0 && len(fact.FeatureArgs) == 0 && fact.Version == "" {
		return nil
	}
	return fact
}

// featureTestCheck resolves a call of a variable made by a feature-test
// constructor: cilium/ebpf's own `haveBPFLink()` proves Linux 5.7.
func (c *checker) featureTestCheck(v *types.Var) *check {
	if len(c.api.FeatureTests) == 0 || v.Pkg() != c.pass.Pkg {
		return nil
	}
	def, ok := ast.Unparen(c.singleValueOrNil(v)).(*ast.CallExpr)
	if !ok {
		return nil
	}
	fn, ok := typeutil.Callee(c.pass.TypesInfo, def).(*types.Func)
	if !ok {
		return nil
	}
	arg, ok := c.api.FeatureTests[c.key(fn)]
	if !ok || arg >= len(def.Args) {
		return nil
	}
	v2, ok := c.versionArg(def.Args[arg])
	if !ok {
		return nil
	}
	p := proofOf()
	p.version = v2.Release()
	return &check{proof: p, result: true}
}

func (c *checker) singleValueOrNil(v *types.Var) ast.Expr {
	if e := c.singleValue(v); e != nil {
		return e
	}
	return &ast.BadExpr{}
}

// checkFactOf returns fn's check: its directive, its inferred check, or an
// imported fact.
func (c *checker) checkFactOf(fn *types.Func) *checkFact {
	fn = fn.Origin()
	if f := c.configuredCheck(fn); f != nil {
		return f
	}
	if fn.Pkg() == c.pass.Pkg {
		c.findChecks()
		return c.checks[fn]
	}
	return importedFact(c.pass, c.importedChecks, fn)
}

// findChecks reads this package's check directives and infers the rest,
// once, and exports them.
func (c *checker) findChecks() {
	if c.checks != nil {
		return
	}
	c.checks = map[*types.Func]*checkFact{}
	var inferable []*ast.FuncDecl
	for _, f := range c.pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			if fact, found := c.checkDirective(fd); found {
				if fact != nil {
					c.checks[fn] = fact
				}
				continue
			}
			inferable = append(inferable, fd)
		}
	}
	// Variables kept from probes and the functions reading them are
	// inferred from each other: to a fixed point, where each round's
	// checks only grow (mergeChecks) and a new variable check drops what
	// the flows read without it.
	c.varChecks = map[*types.Var]*checkFact{}
	for {
		clear(c.keptProofs)
		clear(c.keptMay)
		clear(c.declMay)
		c.inferChecks(inferable)
		if !c.inferVarChecks() {
			break
		}
		c.forgetAllFlows()
	}
	for fn, fact := range c.checks {
		c.pass.ExportObjectFact(fn, fact)
	}
	for v, fact := range c.varChecks {
		if v.Exported() { // importers can name no other
			c.pass.ExportObjectFact(v, fact)
		}
	}
}

// checkDirective parses //bpfcompat:checks in a function's doc; found is
// true if there is one (fact is nil when it is malformed, reported).
func (c *checker) checkDirective(fd *ast.FuncDecl) (fact *checkFact, found bool) {
	if fd.Doc == nil {
		return nil, false
	}
	for _, cm := range fd.Doc.List {
		verb, arg, ok := parseDirective(cm.Text)
		if !ok || verb != "checks" {
			continue
		}
		fact, err := c.parseCheck(fd, arg)
		if err != nil {
			c.pass.ReportRangef(cm, "bad //bpfcompat:checks directive: %v", err)
			return nil, true
		}
		return fact, true
	}
	return nil, false
}

func (c *checker) parseCheck(fd *ast.FuncDecl, arg string) (*checkFact, error) {
	return c.parseCheckFor(c.pass.TypesInfo.Defs[fd.Name].(*types.Func), arg)
}

// parseCheckFor reads a check's terms for fn: from its directive, or from
// the configuration for a function the module does not own.
func (c *checker) parseCheckFor(fn *types.Func, arg string) (*checkFact, error) {
	fields := strings.Fields(arg)
	if len(fields) == 0 || len(fields) > 2 {
		return nil, fmt.Errorf("want a version, a feature name, argN or argI.argJ[.argK], then optionally false")
	}
	fact := &checkFact{VersionArg: -1}
	if len(fields) == 2 {
		if fields[1] != "false" && fields[1] != "true" {
			return nil, fmt.Errorf("%q: the second word says which result proves it, true or false", fields[1])
		}
		fact.WhenFalse = fields[1] == "false"
	}
	what := fields[0]
	sig := fn.Signature()
	switch {
	case strings.HasPrefix(what, "arg") && strings.Contains(what, "."):
		args, err := parseVersionArgs(what, fn)
		if err != nil {
			return nil, err
		}
		fact.VersionArgs = args
	case strings.HasPrefix(what, "arg"):
		n, err := strconv.Atoi(strings.TrimPrefix(what, "arg"))
		if err != nil || n < 0 || n >= sig.Params().Len() {
			return nil, fmt.Errorf("%q: %s has no such argument", what, fn.Name())
		}
		fact.VersionArg = n
	case c.db.Find(what) != nil:
		fact.Features = []string{what}
	default:
		v, err := kernelspec.ParseVersion(what)
		if err != nil {
			return nil, fmt.Errorf("%q is neither a kernel version nor a feature the specs know", what)
		}
		if err := c.db.CheckRelease(v); err != nil {
			return nil, err
		}
		fact.Version = v.Release().String()
	}
	if res := sig.Results(); !boolFirst(res) && (res.Len() != 1 || !isBoolOrError(res.At(0).Type())) {
		return nil, fmt.Errorf("%s must return one bool or error, or a bool and one more result", fn.Name())
	}
	return fact, nil
}

// boolFirst recognises the results (bool, T) of a check whose bool says
// whether the kernel has it, and whose second result says more: an
// error when the probe could not tell, or a reason.
func boolFirst(t types.Type) bool {
	res, ok := t.(*types.Tuple)
	return ok && res.Len() == 2 && isBool(res.At(0).Type())
}

func isBoolOrError(t types.Type) bool {
	if b, ok := t.Underlying().(*types.Basic); ok && b.Kind() == types.Bool {
		return true
	}
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// inferCheck infers what a function returning one bool or error proves by
// its result.
func (c *checker) inferCheck(fn *types.Func, fd *ast.FuncDecl) *checkFact {
	if fd.Body == nil {
		return nil
	}
	return c.inferBodyCheck(fn, fn.Signature().Results(), fd.Body)
}

// inferBodyCheck infers what a function body with results res proves by
// its result: the intersection, over the returns that can yield true (or
// nil), of what each return's value and the guards around it prove.
func (c *checker) inferBodyCheck(fn *types.Func, res *types.Tuple, body *ast.BlockStmt) *checkFact {
	// (bool, T): the bool says whether the kernel has it.
	pair := boolFirst(res)
	if !pair && (res.Len() != 1 || !isBoolOrError(res.At(0).Type())) {
		return nil
	}
	if !c.mayProve(body) {
		return nil // no call in it can prove anything: the common case, decided cheaply
	}
	isBool := pair || !isErrorType(res.At(0).Type())
	var total *proof
	ok := true
	ast.Inspect(body, func(n ast.Node) bool {
		if _, lit := n.(*ast.FuncLit); lit {
			return false
		}
		ret, isRet := n.(*ast.ReturnStmt)
		if !isRet || !ok {
			return ok
		}
		if len(ret.Results) != res.Len() {
			ok = false
			return false
		}
		r := ret.Results[0]
		var p proof
		switch {
		case isBool && c.isConstBool(r, false), !isBool && !c.isNil(r) && (c.isAlwaysError(r) || c.testedNonNil(body, ret, r)):
			return true // this return never proves anything, and needs not
		case isBool:
			p = c.proves(r, true, 0).union(c.versionPathProof(ret, r, true))
		case c.isNil(r):
			p = proofOf()
		default:
			p = c.probeResult(r, 0)
		}
		p = p.union(c.proven(ret))
		if total == nil {
			total = &p
		} else {
			t := total.intersect(p)
			total = &t
		}
		return true
	})
	if !ok || total == nil || total.empty() {
		return nil
	}
	return c.factOf(fn, *total)
}

// mayProve reports whether body calls anything whose result can prove a
// feature: a probe, a version code, a check, a feature-selecting call, or
// errors.Is of an error only a kernel with a feature returns.
func (c *checker) mayProve(body ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		if id, ok := n.(*ast.Ident); ok {
			found = c.mayReadKept(id) && c.readsKeptProbe(id) // a kept probe result read, or a memoized check called
			return !found
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		callee := typeutil.Callee(c.pass.TypesInfo, call)
		if v, ok := callee.(*types.Var); ok && v.Pkg() == c.pass.Pkg && c.memoizedBody(v) != nil {
			found = true
			return false
		}
		fn, ok := callee.(*types.Func)
		if !ok {
			return true
		}
		key := c.key(fn)
		if c.api.Probes[key] != nil || c.api.Funcs[key] != nil || c.triesBPF(call, fn) || c.isVersionSource(call, fn) || fn.Origin().Pkg() == c.pass.Pkg && c.readsVersion(fn.Origin()) ||
			c.mayTestFeatureError(call) {
			found = true
			return false
		}
		if fn.Origin().Pkg() == c.pass.Pkg {
			_, found = c.checks[fn.Origin()]
		} else {
			found = importedFact(c.pass, c.importedChecks, fn.Origin()) != nil
		}
		return !found
	})
	return found
}

func (c *checker) isConstBool(e ast.Expr, want bool) bool {
	tv := c.pass.TypesInfo.Types[e]
	return tv.Value != nil && tv.Value.Kind() == constant.Bool && constant.BoolVal(tv.Value) == want
}

// isAlwaysError recognises a call of an error maker whose error is never
// nil (the API map's error_makers with never_nil: errors.New, fmt.Errorf;
// not errors.Join): a return of it never yields nil.
func (c *checker) isAlwaysError(e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	return ok && c.api.NonNilErrors[c.key(fn)]
}
