package analyzer

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
)

// A project's kernel-version helper reads the running kernel's release
// (uname(2), /proc/sys/kernel/osrelease, /proc/version, or cilium/ebpf's
// LINUX_VERSION_CODE), parses it (fmt.Sscanf, strings.Split and
// strconv.Atoi, its own parser) into numbers, a struct or a version code,
// and compares those. The evaluator below follows a value from such a
// source to the comparison: through the reaching definitions of the flow
// engine, and through the package's own functions, whose bodies it reads
// with their parameters bound to the arguments (a parser called with the
// kernel's release returns the kernel's numbers; called with "5.8", it
// returns 5 and 8). It knows a value only where every definition that
// reaches it agrees; anything else is unknown, and proves nothing.

// versionPart is the part of the running kernel's version a value holds.
type versionPart uint8

const (
	partNone    versionPart = iota
	partRelease             // the release: "5.15.0-91-generic"
	partBanner              // /proc/version: "Linux version 5.15.0-91-generic (...) ..."
	partCode                // LINUX_VERSION_CODE: major<<16 | minor<<8 | patch
	partMajor
	partMinor
	partPatch
)

// versionValue is what the evaluator knows of a value: a part of the
// running kernel's version (as text or number alike: strconv.Atoi keeps
// it), a value known here (a constant, or one computed from constants),
// the kernel's release split at a separator, a known list of strings, or
// a struct's fields. The zero versionValue is unknown.
type versionValue struct {
	part   versionPart
	known  constant.Value
	split  versionPart // what was split (release or banner), at sep
	sep    string
	list   []versionValue
	fields map[string]versionValue
	// terms are the weights of the kernel's numbers in part of a sum
	// that makes a version code (major<<16 + minor<<8).
	terms map[versionPart]int64
	// zero marks the zero value of a failure path (return 0, "", T{}):
	// a version of 0 proves nothing, so it joins any other.
	zero bool
}

func (v versionValue) unknown() bool {
	return v.part == partNone && v.known == nil && v.split == partNone && v.list == nil && v.fields == nil && v.terms == nil && !v.zero
}

// isZero reports whether v is a zero value: of a failure path, or 0 or "".
func (v versionValue) isZero() bool {
	if v.zero {
		return true
	}
	if v.known == nil {
		return false
	}
	switch v.known.Kind() {
	case constant.Int:
		return constant.Sign(v.known) == 0
	case constant.String:
		return constant.StringVal(v.known) == ""
	}
	return false
}

func (v versionValue) same(w versionValue) bool {
	if v.part != w.part || v.split != w.split || v.sep != w.sep || v.zero != w.zero ||
		len(v.list) != len(w.list) || len(v.fields) != len(w.fields) || len(v.terms) != len(w.terms) || (v.known == nil) != (w.known == nil) {
		return false
	}
	if v.known != nil && (v.known.Kind() != w.known.Kind() || !constant.Compare(v.known, token.EQL, w.known)) {
		return false
	}
	for i := range v.list {
		if !v.list[i].same(w.list[i]) {
			return false
		}
	}
	for name, f := range v.fields {
		if g, ok := w.fields[name]; !ok || !f.same(g) {
			return false
		}
	}
	for p, n := range v.terms {
		if w.terms[p] != n {
			return false
		}
	}
	return true
}

// kernelPart reports whether v is a number of the running kernel's
// version that comparisons can bound.
func (v versionValue) kernelPart() bool {
	return v.part == partCode || v.part == partMajor || v.part == partMinor || v.part == partPatch
}

// fromKernel reports whether v holds something of the kernel's version.
func (v versionValue) fromKernel() bool {
	if v.part != partNone || v.split != partNone || v.terms != nil {
		return true
	}
	for _, f := range v.fields {
		if f.fromKernel() {
			return true
		}
	}
	return false
}

// knownInt returns v's value as an integer, when it is a known number.
func (v versionValue) knownInt() (int64, bool) {
	if v.known == nil || v.known.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(v.known)
}

// versionJoin is the value every definition in a set gives: others must
// agree, but a zero (of a failure path: return 0, "", T{}) joins a part
// of the kernel's version, which can be 0 itself as far as a comparison
// can tell. Beside a known value, a zero is another value: a threshold
// that is 0 on some path proves nothing. Only while a sample is bound
// (lenient) is a parse taken to succeed: a sample always parses, and a
// threshold that does not come from it is the same for every sample.
type versionJoin struct {
	v        versionValue
	any, bad bool
	sawZero  bool
	zeroV    versionValue
	lenient  bool
}

func (j *versionJoin) add(v versionValue) {
	switch {
	case v.unknown():
		j.bad = true
	case v.isZero():
		if !j.sawZero || !j.zeroV.same(v) {
			j.zeroV = v // zeros that differ (0 and T{}) are zero all the same
		}
		j.sawZero = true
	case !j.any:
		j.v, j.any = v, true
	case !j.v.same(v):
		j.bad = true
	}
}

func (j *versionJoin) result() versionValue {
	switch {
	case j.bad:
		return versionValue{}
	case j.any && j.sawZero && !j.lenient && !j.v.fromKernel():
		return versionValue{}
	case j.any:
		return j.v
	case j.sawZero:
		return j.zeroV
	}
	return versionValue{}
}

// versionEnv binds the parameters of the functions being read: to the
// arguments of a call, or to a sample version while a parametric check
// is inferred.
type versionEnv map[*types.Var]versionValue

// maxVersionDepth bounds how far values are followed, through
// definitions and calls.
const maxVersionDepth = 12

// versionState is what the evaluator keeps for a package.
type versionState struct {
	// reads reports whether the package reads the kernel's version at
	// all: if not, every value is unknown, decided once.
	reads bool
	// readers are the package's functions that read it, directly or
	// through another.
	readers map[*types.Func]bool
	cache   map[ast.Expr]versionValue
	// sample binds the parameters of a function whose parametric check
	// is being inferred; nothing is cached meanwhile.
	sample versionEnv
}

// versions returns the package's version state, built on first use.
func (c *checker) versions() *versionState {
	if c.version == nil {
		c.version = &versionState{cache: map[ast.Expr]versionValue{}}
		codes := map[string]map[string]bool{}
		for key := range c.api.VersionCodes {
			if pkg, ok := apimap.SymbolPackage(key); ok {
				if codes[pkg] == nil {
					codes[pkg] = map[string]bool{}
				}
				codes[pkg][strings.TrimPrefix(key, pkg+".")] = true
			}
		}
		c.version.reads = readsKernelVersion(c.pass.Pkg, c.pass.TypesInfo, c.pass.Files, c.api.VersionSources, codes) || c.usesVersionResults()
	}
	return c.version
}

// kernelVersionOf is what e holds of the kernel's version where it is,
// or its known value: the comparisons' question.
func (c *checker) kernelVersionOf(e ast.Expr) versionValue {
	vs := c.versions()
	if !vs.reads {
		return c.constVersionValue(e)
	}
	if vs.sample != nil {
		return c.evalVersion(e, vs.sample, 0)
	}
	// Only a function that reads the version, itself or through the
	// package's functions, holds values of it: elsewhere, constants.
	fd := c.funcDeclAt(e.Pos())
	if fd == nil {
		return c.constVersionValue(e)
	}
	if fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func); !ok || !c.readsVersion(fn) {
		return c.constVersionValue(e)
	}
	if v, ok := vs.cache[e]; ok {
		return v
	}
	v := c.evalVersion(e, nil, 0)
	vs.cache[e] = v
	return v
}

// constVersionValue is e's value if it is a constant: all that is known
// where nothing reads the kernel's version.
func (c *checker) constVersionValue(e ast.Expr) versionValue {
	if tv := c.pass.TypesInfo.Types[e]; tv.Value != nil {
		return versionValue{known: tv.Value}
	}
	return versionValue{}
}

// evalVersion is what e holds of the kernel's version, or its known
// value, with env's parameters bound.
func (c *checker) evalVersion(e ast.Expr, env versionEnv, depth int) versionValue {
	if depth > maxVersionDepth {
		return versionValue{}
	}
	info := c.pass.TypesInfo
	if tv := info.Types[e]; tv.Value != nil {
		return versionValue{known: tv.Value}
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return c.evalVersion(e.X, env, depth)
	case *ast.StarExpr:
		return c.evalVersion(e.X, env, depth)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return c.evalVersion(e.X, env, depth)
		}
	case *ast.Ident:
		if v, ok := info.Uses[e].(*types.Var); ok {
			return c.versionOfVar(e.Pos(), v, env, depth)
		}
	case *ast.SelectorExpr:
		if c.isUnameRelease(e) {
			return versionValue{part: partRelease}
		}
		if sel := info.Selections[e]; sel != nil && sel.Kind() == types.FieldVal {
			x := c.evalVersion(e.X, env, depth)
			if x.zero {
				return x
			}
			return x.fields[e.Sel.Name]
		}
	case *ast.IndexExpr:
		x := c.evalVersion(e.X, env, depth)
		i, ok := c.evalVersion(e.Index, env, depth).knownInt()
		if !ok {
			return versionValue{}
		}
		return x.index(int(i))
	case *ast.SliceExpr:
		if e.Low == nil {
			// u.Release[:], or up to its NUL: the release still, as far
			// as parsing it goes.
			if x := c.evalVersion(e.X, env, depth); x.part == partRelease || x.part == partBanner {
				return x
			}
		}
	case *ast.CompositeLit:
		return c.versionOfLiteral(e, env, depth)
	case *ast.BinaryExpr:
		return c.versionOfArithmetic(e, env, depth)
	case *ast.CallExpr:
		if tv := info.Types[e.Fun]; tv.IsType() && len(e.Args) == 1 {
			return c.evalVersion(e.Args[0], env, depth) // string(b), uint32(x)
		}
		if res := c.versionResults(e, env, depth); len(res) > 0 {
			return res[0]
		}
	}
	return versionValue{}
}

// index is element i of a split value.
func (v versionValue) index(i int) versionValue {
	if v.list != nil {
		if i >= 0 && i < len(v.list) {
			return v.list[i]
		}
		return versionValue{}
	}
	switch {
	case v.split == partRelease && v.sep == ".":
		if i < 3 {
			return versionValue{part: partMajor + versionPart(i)}
		}
	case v.split == partRelease && i == 0:
		return versionValue{part: partRelease} // "5.15.0-91-generic" cut at "-"
	case v.split == partBanner && v.sep == " " && i == 2:
		return versionValue{part: partRelease} // "Linux version 5.15.0-91-generic ..."
	}
	return versionValue{}
}

// versionOfVar is the value of v read at pos: a bound parameter, the
// definitions of the flow engine that reach the read, or, for a variable
// whose address fmt.Sscanf takes, what it scans.
func (c *checker) versionOfVar(pos token.Pos, v *types.Var, env versionEnv, depth int) versionValue {
	if st, ok := v.Type().Underlying().(*types.Struct); ok {
		// Field by field: v.Major, _ = strconv.Atoi(parts[0]) defines a
		// field, v = Parse(s) all of them.
		fields := map[string]versionValue{}
		for f := range st.Fields() {
			if val := c.versionOfVarField(pos, v, f.Name(), env, depth); !val.unknown() {
				fields[f.Name()] = val
			}
		}
		if len(fields) == 0 {
			return versionValue{}
		}
		return versionValue{fields: fields}
	}
	return c.versionOfVarField(pos, v, "", env, depth)
}

func (c *checker) versionOfVarField(pos token.Pos, v *types.Var, field string, env versionEnv, depth int) versionValue {
	bound, isBound := env[v]
	entry := bound
	if field != "" && !bound.zero {
		entry = bound.fields[field]
	}
	r, ok := c.reachingAt(pos, v, field)
	switch {
	case ok:
	case isBound:
		return entry
	case field == "":
		return c.scanned(pos, v, env, depth)
	default:
		return versionValue{}
	}
	j := versionJoin{lenient: c.versions().sample != nil}
	if r.entry {
		j.add(entry) // unknown unless bound: a parameter, or a value from before
	}
	for _, d := range r.defs {
		if j.bad {
			break
		}
		j.add(c.versionOfDef(d.Node(), v, field, env, depth+1))
	}
	return j.result()
}

// versionOfDef is the value the definition n gives v (or v.field).
func (c *checker) versionOfDef(n ast.Node, v *types.Var, field string, env versionEnv, depth int) versionValue {
	info := c.pass.TypesInfo
	// rhs is the expression assigned, and which of its results.
	pick := func(lhs []ast.Expr, names []*ast.Ident, rhs []ast.Expr) versionValue {
		for i := range max(len(lhs), len(names)) {
			whole, ofField := false, false
			if names != nil {
				whole = info.Defs[names[i]] == v
			} else {
				whole = c.isTarget(lhs[i], v, "")
				ofField = field != "" && c.isTarget(lhs[i], v, field)
			}
			if !whole && !ofField {
				continue
			}
			var val versionValue
			switch {
			case len(rhs) == 0:
				return versionValue{zero: true}
			case len(rhs) == max(len(lhs), len(names)):
				val = c.evalVersion(rhs[i], env, depth)
			case len(rhs) == 1:
				call, ok := ast.Unparen(rhs[0]).(*ast.CallExpr)
				if !ok {
					return versionValue{}
				}
				res := c.versionResults(call, env, depth)
				if i >= len(res) {
					return versionValue{}
				}
				val = res[i]
			}
			if whole && field != "" {
				if val.zero {
					return val
				}
				return val.fields[field]
			}
			return val
		}
		return versionValue{}
	}
	switch n := n.(type) {
	case *ast.AssignStmt:
		if n.Tok != token.ASSIGN && n.Tok != token.DEFINE {
			return versionValue{}
		}
		return pick(n.Lhs, nil, n.Rhs)
	case *ast.ValueSpec:
		return pick(nil, n.Names, n.Values)
	}
	return versionValue{}
}

// scanned is the value fmt.Sscanf(src, "%d.%d.%d", &major, ...) gives a
// variable whose address it takes, in the function around pos.
func (c *checker) scanned(pos token.Pos, v *types.Var, env versionEnv, depth int) versionValue {
	fd := c.funcDeclAt(pos)
	if fd == nil || fd.Body == nil {
		return versionValue{}
	}
	var out versionValue
	found := 0
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found > 1 {
			return found <= 1
		}
		fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
		if !ok || c.api.VersionSources.Text[c.key(fn)] != apimap.Scan || len(call.Args) < 3 {
			return true
		}
		for i, a := range call.Args[2:] {
			u, ok := ast.Unparen(a).(*ast.UnaryExpr)
			if !ok || u.Op != token.AND || !c.isTarget(u.X, v, "") {
				continue
			}
			found++
			format, ok := c.evalVersion(call.Args[1], env, depth+1).knownString()
			if !ok {
				return false
			}
			out = scanVersion(c.evalVersion(call.Args[0], env, depth+1), format, i)
		}
		return true
	})
	if found != 1 {
		return versionValue{} // scanned twice, or not at all: out of sight
	}
	return out
}

func (v versionValue) knownString() (string, bool) {
	if v.known == nil || v.known.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(v.known), true
}

// scanVersion is the value fmt.Sscanf(src, format, ...) stores in its
// operand i: src scanned, if it is known; a number of the kernel's
// version, if src is its release (or banner) and format reads numbers
// separated by dots ("%d.%d.%d", "Linux version %d.%d").
func scanVersion(src versionValue, format string, i int) versionValue {
	if s, ok := src.knownString(); ok {
		verbs := strings.Count(format, "%") - 2*strings.Count(format, "%%")
		if strings.Count(format, "%d") != verbs || i >= verbs {
			return versionValue{}
		}
		nums := make([]int, verbs)
		ptrs := make([]any, verbs)
		for k := range nums {
			ptrs[k] = &nums[k]
		}
		if n, _ := fmt.Sscanf(s, format, ptrs...); i >= n {
			return versionValue{zero: true} // left as it was: zero, as a failure
		}
		return versionValue{known: constant.MakeInt64(int64(nums[i]))}
	}
	var prefix string
	switch src.part {
	case partRelease:
	case partBanner:
		prefix = "Linux version "
	default:
		return versionValue{}
	}
	rest, ok := strings.CutPrefix(format, prefix)
	if !ok {
		return versionValue{}
	}
	// The numbers come first, dot-separated; i must be one of them.
	verbs := strings.Split(rest, ".")
	for k := 0; k <= i; k++ {
		if k >= len(verbs) || k > 2 || !strings.HasPrefix(verbs[k], "%d") || k < len(verbs)-1 && verbs[k] != "%d" {
			return versionValue{}
		}
	}
	return versionValue{part: partMajor + versionPart(i)}
}

// versionOfLiteral is a struct literal's fields.
func (c *checker) versionOfLiteral(lit *ast.CompositeLit, env versionEnv, depth int) versionValue {
	st, ok := c.pass.TypesInfo.TypeOf(lit).Underlying().(*types.Struct)
	if !ok {
		return versionValue{}
	}
	if len(lit.Elts) == 0 {
		return versionValue{zero: true}
	}
	fields := map[string]versionValue{}
	for i, elt := range lit.Elts {
		name, val := "", elt
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			id, ok := kv.Key.(*ast.Ident)
			if !ok {
				return versionValue{}
			}
			name, val = id.Name, kv.Value
		} else if i < st.NumFields() {
			name = st.Field(i).Name()
		}
		if x := c.evalVersion(val, env, depth); !x.unknown() {
			fields[name] = x
		}
	}
	for f := range st.Fields() {
		if _, set := fields[f.Name()]; !set && !hasKey(lit, f.Name()) && isKeyed(lit) {
			fields[f.Name()] = versionValue{known: constant.MakeInt64(0)} // left out: zero
		}
	}
	return versionValue{fields: fields}
}

func isKeyed(lit *ast.CompositeLit) bool {
	_, ok := lit.Elts[0].(*ast.KeyValueExpr)
	return ok
}

func hasKey(lit *ast.CompositeLit, name string) bool {
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == name {
				return true
			}
		}
	}
	return false
}

// versionOfArithmetic computes with known numbers, and recognises the
// version code made of the kernel's numbers: major<<16 | minor<<8 |
// patch, with + or |, shifts or products. Each operand is evaluated
// once, one level deeper: a long expression of something else ends soon.
func (c *checker) versionOfArithmetic(e *ast.BinaryExpr, env versionEnv, depth int) versionValue {
	x, y := c.evalVersion(e.X, env, depth+1), c.evalVersion(e.Y, env, depth+1)
	if x.known != nil && y.known != nil {
		if e.Op == token.SHL || e.Op == token.SHR {
			n, ok := y.knownInt()
			if !ok || n < 0 || n > 64 || x.known.Kind() != constant.Int {
				return versionValue{}
			}
			return versionValue{known: constant.Shift(x.known, e.Op, uint(n))}
		}
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.OR, token.AND:
			if x.known.Kind() == y.known.Kind() {
				return versionValue{known: constant.BinaryOp(x.known, e.Op, y.known)}
			}
		}
		return versionValue{}
	}
	switch e.Op {
	case token.SHL, token.MUL:
		n, ok := y.knownInt()
		if !ok || n < 0 || n > 32 || x.part < partMajor {
			return versionValue{}
		}
		if e.Op == token.SHL {
			n = 1 << n
		}
		return versionValue{terms: map[versionPart]int64{x.part: n}}
	case token.ADD, token.OR:
		terms := map[versionPart]int64{}
		for _, v := range []versionValue{x, y} {
			switch {
			case v.part >= partMajor && terms[v.part] == 0:
				terms[v.part] = 1
			case v.terms != nil:
				for p, w := range v.terms {
					if terms[p] != 0 {
						return versionValue{}
					}
					terms[p] = w
				}
			default:
				return versionValue{}
			}
		}
		return versionValue{terms: terms}.asCode(true)
	}
	return versionValue{}
}

// asCode is v as a version code if its terms make one: with the patch
// number, or, when withPatch is false, without it too (major<<16 |
// minor<<8 is a code whose patch is 0; inside a longer sum it is only
// part of one).
func (v versionValue) asCode(withPatch bool) versionValue {
	if v.terms != nil && v.terms[partMajor] == 1<<16 && v.terms[partMinor] == 1<<8 &&
		(v.terms[partPatch] == 1 || !withPatch && v.terms[partPatch] == 0) {
		return versionValue{part: partCode}
	}
	return v
}

// versionResults are the values of a call's results: a source of the
// kernel's version, a standard function that parses or trims text, or
// one of the package's own functions, read with its parameters bound.
func (c *checker) versionResults(call *ast.CallExpr, env versionEnv, depth int) []versionValue {
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok {
		return nil
	}
	arg := func(i int) versionValue {
		if i >= len(call.Args) {
			return versionValue{}
		}
		return c.evalVersion(call.Args[i], env, depth)
	}
	key := c.key(fn)
	if c.api.VersionCodes[key] {
		return []versionValue{{part: partCode}}
	}
	if c.api.VersionSources.FileReaders[key] {
		path, _ := arg(0).knownString()
		if part := releasePart(c.api.VersionSources, path); part != partNone {
			return []versionValue{{part: part}}
		}
		return nil
	}
	op := c.api.VersionSources.Text[key]
	if op == apimap.ParseInt {
		x := arg(0)
		if s, ok := x.knownString(); ok {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return []versionValue{{zero: true}}
			}
			return []versionValue{{known: constant.MakeInt64(n)}}
		}
		if x.part >= partMajor {
			return []versionValue{x}
		}
		return nil
	}
	if text := textOps[op]; text != nil {
		return textResult(text, arg(0), arg(1), arg(2))
	}
	if fn.Pkg() != c.pass.Pkg {
		return c.importedVersionResults(fn)
	}
	return c.inlineVersion(fn, call, env, depth)
}

// textFunc is what a standard text function does to a value: known
// text is computed; the kernel's release stays the release when it is
// trimmed, and splits into its numbers.
type textFunc struct {
	known func(s, t string, n int) []string
	// kernel is what the kernel's release (or banner) becomes: trim, or
	// split at the second argument (or whitespace).
	kernel textKernel
}

type textKernel uint8

const (
	textTrim textKernel = iota
	textSplit
	textFields
	textCut
)

// textOps are the API map's text operations (apimap.TextOps), but
// parse_int and scan, which make numbers.
var textOps = map[apimap.TextOp]*textFunc{}

func init() {
	one := func(f func(string) string) func(s, t string, n int) []string {
		return func(s, _ string, _ int) []string { return []string{f(s)} }
	}
	two := func(f func(string, string) string) func(s, t string, n int) []string {
		return func(s, t string, _ int) []string { return []string{f(s, t)} }
	}
	textOps[apimap.TrimSpace] = &textFunc{known: one(strings.TrimSpace)}
	textOps[apimap.Trim] = &textFunc{known: two(strings.Trim)}
	textOps[apimap.TrimLeft] = &textFunc{known: two(strings.TrimLeft)}
	textOps[apimap.TrimRight] = &textFunc{known: two(strings.TrimRight)}
	textOps[apimap.TrimPrefix] = &textFunc{known: two(strings.TrimPrefix)}
	textOps[apimap.TrimSuffix] = &textFunc{known: two(strings.TrimSuffix)}
	textOps[apimap.UpToNUL] = &textFunc{known: one(func(s string) string {
		s, _, _ = strings.Cut(s, "\x00")
		return s
	})}
	textOps[apimap.Split] = &textFunc{known: func(s, t string, _ int) []string { return strings.Split(s, t) }, kernel: textSplit}
	textOps[apimap.SplitN] = &textFunc{known: strings.SplitN, kernel: textSplit}
	textOps[apimap.Fields] = &textFunc{known: func(s, _ string, _ int) []string { return strings.Fields(s) }, kernel: textFields}
	textOps[apimap.Cut] = &textFunc{known: func(s, t string, _ int) []string {
		before, after, _ := strings.Cut(s, t)
		return []string{before, after}
	}, kernel: textCut}
}

// textResult applies a text function to its arguments' values.
func textResult(f *textFunc, x, y, z versionValue) []versionValue {
	if s, ok := x.knownString(); ok {
		t, _ := y.knownString()
		n, ok := z.knownInt()
		if !ok {
			n = -1
		}
		out := f.known(s, t, int(n))
		vals := make([]versionValue, len(out))
		for i, s := range out {
			vals[i] = versionValue{known: constant.MakeString(s)}
		}
		if f.kernel == textSplit || f.kernel == textFields {
			return []versionValue{{list: vals}}
		}
		return vals
	}
	if x.part != partRelease && x.part != partBanner {
		return nil
	}
	sep, _ := y.knownString()
	switch f.kernel {
	case textTrim:
		return []versionValue{x}
	case textSplit:
		return []versionValue{{split: x.part, sep: sep}}
	case textFields:
		return []versionValue{{split: x.part, sep: " "}}
	case textCut:
		if x.part != partRelease {
			return nil
		}
		if sep == "." {
			return []versionValue{{part: partMajor}}
		}
		return []versionValue{x}
	}
	return nil
}

// inlineVersion reads a function of the package with its parameters
// bound to the call's arguments: the values its returns agree on.
func (c *checker) inlineVersion(fn *types.Func, call *ast.CallExpr, env versionEnv, depth int) []versionValue {
	fd := c.funcDecl(fn.Origin())
	if fd == nil || fd.Body == nil || depth >= maxVersionDepth || !c.readsVersion(fn.Origin()) && !c.anyKnown(call, env, depth) {
		return nil
	}
	sig := fn.Signature()
	inner := versionEnv{}
	params := sig.Params()
	for i := range params.Len() {
		if i >= len(call.Args) || sig.Variadic() && i == params.Len()-1 {
			break
		}
		if val := c.evalVersion(call.Args[i], env, depth+1); !val.unknown() {
			inner[params.At(i)] = val
		}
	}
	if recv := sig.Recv(); recv != nil {
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			if val := c.evalVersion(sel.X, env, depth+1); !val.unknown() {
				inner[recv] = val
			}
		}
	}
	return c.returnedVersions(fd, sig, inner, depth+1)
}

// anyKnown reports whether a call has an argument the evaluator knows: a
// function that reads no kernel version can still compute one from
// them (KERNEL_VERSION(5, 8, 0), a parser given "5.8").
func (c *checker) anyKnown(call *ast.CallExpr, env versionEnv, depth int) bool {
	for _, a := range call.Args {
		if !c.evalVersion(a, env, depth+1).unknown() {
			return true
		}
	}
	return false
}

// returnedVersions is, for each result, the value fd's returns agree on.
func (c *checker) returnedVersions(fd *ast.FuncDecl, sig *types.Signature, env versionEnv, depth int) []versionValue {
	n := sig.Results().Len()
	joins := make([]versionJoin, n)
	for i := range joins {
		joins[i].lenient = c.versions().sample != nil
	}
	ast.Inspect(fd.Body, func(node ast.Node) bool {
		switch node := node.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			var vals []versionValue
			switch {
			case len(node.Results) == 0 && n > 0:
				for i := range n {
					vals = append(vals, c.versionOfVar(node.Pos(), sig.Results().At(i), env, depth))
				}
			case len(node.Results) == n:
				for _, r := range node.Results {
					vals = append(vals, c.evalVersion(r, env, depth))
				}
			case len(node.Results) == 1:
				if call, ok := ast.Unparen(node.Results[0]).(*ast.CallExpr); ok {
					vals = c.versionResults(call, env, depth)
				}
			}
			for i := range joins {
				if i < len(vals) {
					joins[i].add(vals[i].asCode(false)) // a sum returned is whole
				} else {
					joins[i].add(versionValue{})
				}
			}
		}
		return true
	})
	out := make([]versionValue, n)
	for i := range joins {
		out[i] = joins[i].result()
	}
	return out
}
