package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// versionArg evaluates a version argument: a string constant ("5.11",
// "v5.14.0"), a KERNEL_VERSION integer constant, a call with constant
// (major, minor[, patch]) arguments, or a struct literal of constant
// numbers (Version{Major: 5, Minor: 8}).
func (c *checker) versionArg(e ast.Expr) (kernelspec.Version, bool) {
	info := c.pass.TypesInfo
	if tv := info.Types[e]; tv.Value != nil {
		switch tv.Value.Kind() {
		case constant.String:
			v, err := kernelspec.ParseVersion(constant.StringVal(tv.Value))
			return v, err == nil
		case constant.Int:
			code, ok := constant.Uint64Val(tv.Value)
			return kernelspec.VersionFromCode(uint32(code)), ok && code > 0xffff
		}
		return kernelspec.Version{}, false
	}
	if lit, ok := ast.Unparen(e).(*ast.CompositeLit); ok {
		return c.versionLiteral(lit)
	}
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) < 2 || len(call.Args) > 3 {
		return kernelspec.Version{}, false
	}
	var n [3]int
	for i, a := range call.Args {
		tv := info.Types[a]
		if tv.Value == nil {
			return kernelspec.Version{}, false
		}
		x, ok := constant.Int64Val(constant.ToInt(tv.Value))
		if !ok {
			return kernelspec.Version{}, false
		}
		n[i] = int(x)
	}
	return kernelspec.Version{Major: n[0], Minor: n[1], Patch: n[2]}, true
}

// versionLiteral reads a struct literal as a version: its first integer
// fields are the major, minor and patch numbers, as sampleEncoding binds
// them; a field left out is zero.
func (c *checker) versionLiteral(lit *ast.CompositeLit) (kernelspec.Version, bool) {
	st, ok := c.pass.TypesInfo.TypeOf(lit).Underlying().(*types.Struct)
	if !ok || len(lit.Elts) == 0 {
		return kernelspec.Version{}, false
	}
	val := c.versionOfLiteral(lit, nil, maxVersionDepth) // constants only: nothing is followed
	var n []int
	for f := range st.Fields() {
		if b, ok := f.Type().Underlying().(*types.Basic); !ok || b.Info()&types.IsInteger == 0 || len(n) == 3 {
			continue
		}
		x, ok := val.fields[f.Name()].knownInt()
		if !ok && len(n) < 2 {
			return kernelspec.Version{}, false // a patch left out is zero; not a major or minor
		}
		n = append(n, int(x))
	}
	if len(n) < 2 {
		return kernelspec.Version{}, false
	}
	n = append(n, 0)
	return kernelspec.Version{Major: n[0], Minor: n[1], Patch: n[2]}, true
}

// A condition on the kernel's version is made of comparisons of its
// numbers (major, minor, patch, or the version code) with known numbers,
// under &&, || and !: `major > 5 || major == 5 && minor >= 8`, `code >=
// KERNEL_VERSION(5, 8, 0)`. What it proves is the oldest version that
// satisfies it: each number's truth changes only at the constants it is
// compared with, so the oldest is found among the versions made of 0, c
// and c+1 for those constants c (a code's c split into its numbers).

// versionAtom is one comparison: the kernel's part op value.
type versionAtom struct {
	part  versionPart
	op    token.Token
	value int64
}

// versionCond is a condition of atoms and known truths.
type versionCond struct {
	op    token.Token // token.LAND, token.LOR, token.NOT; token.ILLEGAL for a leaf
	kids  []*versionCond
	atom  *versionAtom // a leaf: an atom, or
	truth bool         // a known truth
}

// versionCondOf reads e as a condition on the kernel's version; nil if
// any part of it is something else, or no part of it reads the version.
func (c *checker) versionCondOf(e ast.Expr) *versionCond {
	cond, atoms := c.versionCondAtoms(e)
	if atoms == 0 {
		return nil
	}
	return cond
}

func (c *checker) versionCondAtoms(e ast.Expr) (*versionCond, int) {
	switch e := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			x, n := c.versionCondAtoms(e.X)
			if x == nil {
				return nil, 0
			}
			return &versionCond{op: token.NOT, kids: []*versionCond{x}}, n
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND, token.LOR:
			x, n := c.versionCondAtoms(e.X)
			if x == nil {
				return nil, 0
			}
			y, m := c.versionCondAtoms(e.Y)
			if y == nil {
				return nil, 0
			}
			return &versionCond{op: e.Op, kids: []*versionCond{x, y}}, n + m
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			return c.versionComparison(e)
		}
	}
	return nil, 0
}

// versionComparison reads x op y: the kernel's number against a known
// one (either way round), or two known numbers.
func (c *checker) versionComparison(e *ast.BinaryExpr) (*versionCond, int) {
	x, y := c.kernelVersionOf(e.X).asCode(false), c.kernelVersionOf(e.Y).asCode(false)
	op, other := e.Op, e.Y
	if y.kernelPart() {
		x, y = y, x
		op, other = mirror(op), e.X
	}
	n, ok := y.knownInt()
	if !ok && x.part == partCode {
		// KERNEL_VERSION(5, 8, 0) from another package, whose body is
		// not read: constant numbers compared with a version code.
		if v, isVersion := c.versionArg(other); isVersion {
			n, ok = int64(v.Code()), true
		}
	}
	switch {
	case !ok:
		return nil, 0
	case x.kernelPart():
		return &versionCond{atom: &versionAtom{part: x.part, op: op, value: n}}, 1
	case x.known != nil && x.known.Kind() == constant.Int:
		return &versionCond{truth: constant.Compare(x.known, op, y.known)}, 0
	}
	return nil, 0
}

// mirror is op with its operands swapped: 5 < v is v > 5.
func mirror(op token.Token) token.Token {
	switch op {
	case token.LSS:
		return token.GTR
	case token.LEQ:
		return token.GEQ
	case token.GTR:
		return token.LSS
	case token.GEQ:
		return token.LEQ
	}
	return op
}

// holds evaluates the condition on the version (major, minor, patch).
func (cond *versionCond) holds(n [3]int64) bool {
	switch cond.op {
	case token.LAND:
		return cond.kids[0].holds(n) && cond.kids[1].holds(n)
	case token.LOR:
		return cond.kids[0].holds(n) || cond.kids[1].holds(n)
	case token.NOT:
		return !cond.kids[0].holds(n)
	}
	a := cond.atom
	if a == nil {
		return cond.truth
	}
	var v int64
	switch a.part {
	case partCode:
		v = n[0]<<16 | n[1]<<8 | n[2]
	default:
		v = n[a.part-partMajor]
	}
	return constant.Compare(constant.MakeInt64(v), a.op, constant.MakeInt64(a.value))
}

// candidates adds, for each number, the values where an atom's truth may
// change: c and c+1 (0 is always one).
func (cond *versionCond) candidates(sets *[3]map[int64]bool) {
	for _, k := range cond.kids {
		k.candidates(sets)
	}
	a := cond.atom
	if a == nil {
		return
	}
	for _, c := range []int64{a.value, a.value + 1} {
		if c < 0 {
			continue
		}
		if a.part != partCode {
			sets[a.part-partMajor][c] = true
			continue
		}
		sets[0][c>>16] = true
		sets[1][c>>8&0xff] = true
		sets[2][c&0xff] = true
	}
}

// maxVersionPoints bounds the versions a condition is tried on.
const maxVersionPoints = 1 << 16

// versionProof is what cond being truth proves: the oldest release
// where it can.
func versionProof(cond *versionCond, truth bool) proof {
	var sets [3]map[int64]bool
	for i := range sets {
		sets[i] = map[int64]bool{0: true}
	}
	cond.candidates(&sets)
	if len(sets[0])*len(sets[1])*len(sets[2]) > maxVersionPoints {
		return proofOf() // a condition no helper writes: not worth solving
	}
	var sorted [3][]int64
	for i, set := range sets {
		for v := range set {
			sorted[i] = append(sorted[i], v)
		}
		slices.Sort(sorted[i])
	}
	for _, major := range sorted[0] {
		for _, minor := range sorted[1] {
			for _, patch := range sorted[2] {
				if cond.holds([3]int64{major, minor, patch}) != truth {
					continue
				}
				p := proofOf()
				if major == 0 {
					return p // true on no kernel's version: it proves nothing
				}
				p.version = kernelspec.Version{Major: int(major), Minor: int(minor)}
				if patch != 0 {
					// 5.8.1 and later does not include 5.8.0: only the next release is sure.
					p.version.Minor++
				}
				return p
			}
		}
	}
	return proofOf() // never truth: nothing to prove where it is not reached
}

// versionCompare is what a comparison being truth proves of the
// kernel's version.
func (c *checker) versionCompare(e *ast.BinaryExpr, truth bool, depth int) proof {
	if cond := c.versionCondOf(e); cond != nil {
		return versionProof(cond, truth)
	}
	return proofOf()
}

// versionLogic is what an && or || chain being truth proves, when some
// of its operands are conditions on the kernel's version: those are
// solved together (major == 5 && minor >= 8 proves 5.8, though neither
// alone does), the others as proves does; ok is false when none is.
func (c *checker) versionLogic(e *ast.BinaryExpr, truth bool, depth int) (p proof, ok bool) {
	var operands []ast.Expr
	var flatten func(ast.Expr)
	flatten = func(x ast.Expr) {
		if b, ok := ast.Unparen(x).(*ast.BinaryExpr); ok && b.Op == e.Op {
			flatten(b.X)
			flatten(b.Y)
			return
		}
		operands = append(operands, x)
	}
	flatten(e)
	var joint *versionCond
	var others []ast.Expr
	for _, x := range operands {
		cond := c.versionCondOf(x)
		switch {
		case cond == nil:
			others = append(others, x)
		case joint == nil:
			joint = cond
		default:
			joint = &versionCond{op: e.Op, kids: []*versionCond{joint, cond}}
		}
	}
	if joint == nil {
		return proofOf(), false
	}
	// Each operand has the chain's truth: all of them (a true &&, a
	// false ||) or one of them.
	all := (e.Op == token.LAND) == truth
	p = versionProof(joint, truth)
	for _, x := range others {
		q := c.proves(x, truth, depth)
		if all {
			p = p.union(q)
		} else {
			p = p.intersect(q)
		}
	}
	return p, true
}

// inferVersionCheck infers what inferCheck cannot: a bool function whose
// false result proves a version (OlderThan58), or whose result proves the
// version its argument gives (AtLeast(code), IsKernelOlderThan(v)), or
// its arguments' numbers (AtLeast(major, minor)). An argument is read as
// a version by binding it to sample versions, each in the argument's form
// (text, a version code, a struct of numbers, or the numbers in arguments
// of their own): the function checks its argument when every sample is
// what its result proves.
func (c *checker) inferVersionCheck(fn *types.Func, fd *ast.FuncDecl) *checkFact {
	sig := fn.Signature()
	if fd.Body == nil || sig.Results().Len() != 1 || !isBool(sig.Results().At(0).Type()) || !c.readsVersion(fn) {
		return nil
	}
	for i := range sig.Params().Len() {
		if fact := c.parametricCheck(fd, sig.Params().At(i), i); fact != nil {
			return fact
		}
	}
	if fact := c.numbersCheck(fd, sig.Params()); fact != nil {
		return fact
	}
	if p, ok := c.boolReturnsProof(fd, false); ok && !p.version.IsZero() {
		return &checkFact{Version: p.version.String(), VersionArg: -1, WhenFalse: true}
	}
	return nil
}

// versionSamples are the versions a parameter is bound to: releases with
// one- and two-digit minors, around the ones real checks name.
var versionSamples = []kernelspec.Version{{Major: 4, Minor: 19}, {Major: 5, Minor: 8}, {Major: 6, Minor: 13}}

// parametricCheck tries param, argument i of fd, as the version fd's
// result checks.
func (c *checker) parametricCheck(fd *ast.FuncDecl, param *types.Var, i int) *checkFact {
	encode := sampleEncoding(param.Type())
	if encode == nil {
		return nil
	}
	whenFalse, ok := c.checksSamples(fd, func(s kernelspec.Version) versionEnv { return versionEnv{param: encode(s)} })
	if !ok {
		return nil
	}
	return &checkFact{VersionArg: i, WhenFalse: whenFalse}
}

// numbersCheck tries fd's integer parameters, two or three in a row, as
// the major, minor and patch numbers of the version its result checks:
// AtLeast(major, minor int) bool. Two first: the samples' patch is 0, so
// a third integer that is not the patch would pass as one, while a
// patch left unbound makes two fail.
func (c *checker) numbersCheck(fd *ast.FuncDecl, params *types.Tuple) *checkFact {
	isInt := func(i int) bool {
		b, ok := params.At(i).Type().Underlying().(*types.Basic)
		return ok && b.Info()&types.IsInteger != 0
	}
	for _, n := range []int{2, 3} {
		for first := 0; first+n <= params.Len(); first++ {
			args := make([]int, n)
			for k := range args {
				args[k] = first + k
			}
			if !slices.ContainsFunc(args, func(i int) bool { return !isInt(i) }) {
				if fact := c.numbersAre(fd, params, args); fact != nil {
					return fact
				}
			}
		}
	}
	return nil
}

// numbersAre tries the parameters args of fd as a version's numbers.
func (c *checker) numbersAre(fd *ast.FuncDecl, params *types.Tuple, args []int) *checkFact {
	whenFalse, ok := c.checksSamples(fd, func(s kernelspec.Version) versionEnv {
		env := versionEnv{}
		for k, n := range []int{s.Major, s.Minor, s.Patch}[:len(args)] {
			env[params.At(args[k])] = versionValue{known: constant.MakeInt64(int64(n))}
		}
		return env
	})
	if !ok {
		return nil
	}
	return &checkFact{VersionArg: -1, VersionArgs: args, WhenFalse: whenFalse}
}

// checksSamples reports whether fd's result, with its parameters bound
// to each sample by bind, proves that sample, and which result does.
func (c *checker) checksSamples(fd *ast.FuncDecl, bind func(kernelspec.Version) versionEnv) (whenFalse, ok bool) {
	vs := c.versions()
	defer func() {
		// What was found with a sample bound holds for that sample only.
		vs.sample = nil
		c.forgetAllFlows()
	}()
	for _, whenFalse := range []bool{false, true} {
		checks := true
		for _, s := range versionSamples {
			vs.sample = bind(s)
			c.forgetAllFlows()
			p, ok := c.boolReturnsProof(fd, !whenFalse)
			if !ok || p.version != s {
				checks = false
				break
			}
		}
		if checks {
			return whenFalse, true
		}
	}
	return false, false
}

// sampleEncoding is how a parameter of type t holds a version, if it can:
// text ("5.8.0"), a version code, or a struct whose first integer fields
// are the major, minor and patch numbers (or a pointer to one).
func sampleEncoding(t types.Type) func(kernelspec.Version) versionValue {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsString != 0:
			return func(v kernelspec.Version) versionValue {
				return versionValue{known: constant.MakeString(v.String() + ".0")}
			}
		case u.Info()&types.IsInteger != 0:
			return func(v kernelspec.Version) versionValue {
				return versionValue{known: constant.MakeUint64(uint64(v.Code()))}
			}
		}
	case *types.Struct:
		var ints []string
		for f := range u.Fields() {
			if b, ok := f.Type().Underlying().(*types.Basic); ok && b.Info()&types.IsInteger != 0 && len(ints) < 3 {
				ints = append(ints, f.Name())
			}
		}
		if len(ints) < 2 {
			return nil
		}
		return func(v kernelspec.Version) versionValue {
			n := []int{v.Major, v.Minor, v.Patch}
			fields := map[string]versionValue{}
			for i, name := range ints {
				fields[name] = versionValue{known: constant.MakeInt64(int64(n[i]))}
			}
			return versionValue{fields: fields}
		}
	}
	return nil
}

// boolReturnsProof is what fd's bool result being truth proves: over its
// returns that can yield truth, what each one's value and the flow to it
// prove, intersected.
func (c *checker) boolReturnsProof(fd *ast.FuncDecl, truth bool) (proof, bool) {
	var total *proof
	ok := true
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(n.Results) != 1 {
				ok = false
				return false
			}
			if c.isConstBool(n.Results[0], !truth) {
				return true
			}
			p := c.proves(n.Results[0], truth, 0).union(c.proven(n)).union(c.versionPathProof(n, n.Results[0], truth))
			if total != nil {
				p = total.intersect(p)
			}
			total = &p
		}
		return ok
	})
	if !ok || total == nil {
		return proofOf(), false
	}
	return *total, true
}

// versionPathProof is what a return proves when its result is truth,
// with the conditions on the kernel's version on the way to it solved
// together with the result: `if major != 5 { return major > 5 }; return
// minor >= 8` proves 5.8 at each return, though the flow engine, which
// carries versions and not numbers, sees 5.0 at the second. The kernel's
// numbers are the same wherever they are read, so conditions read at
// different places join.
func (c *checker) versionPathProof(ret *ast.ReturnStmt, result ast.Expr, truth bool) proof {
	fd := c.funcDeclAt(ret.Pos())
	if fd == nil {
		return proofOf()
	}
	if fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func); !ok || !c.readsVersion(fn) {
		return proofOf() // asked of every return of a bool: most read no version
	}
	var conds []*versionCond
	add := func(cond *versionCond, holds bool) {
		if cond == nil {
			return
		}
		if !holds {
			cond = &versionCond{op: token.NOT, kids: []*versionCond{cond}}
		}
		conds = append(conds, cond)
	}
	add(c.versionCondOf(result), truth)
	if len(conds) == 0 && !c.isConstBool(result, truth) {
		return proofOf() // a result that is not about the version
	}
	path := c.pathTo(ret)
walk:
	for i := 0; i+1 < len(path); i++ {
		switch parent := path[i+1].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			break walk
		case *ast.IfStmt:
			switch path[i] {
			case parent.Body:
				add(c.versionCondOf(parent.Cond), true)
			case parent.Else:
				add(c.versionCondOf(parent.Cond), false)
			}
		case *ast.BlockStmt:
			// if cond { return ... } before: cond is false past it.
			for _, stmt := range parent.List {
				if stmt == path[i] {
					break
				}
				if ifs, ok := stmt.(*ast.IfStmt); ok && ifs.Else == nil && endsInReturn(ifs.Body) {
					add(c.versionCondOf(ifs.Cond), false)
				}
			}
		}
	}
	if len(conds) == 0 {
		return proofOf()
	}
	joint := conds[0]
	for _, cond := range conds[1:] {
		joint = &versionCond{op: token.LAND, kids: []*versionCond{joint, cond}}
	}
	return versionProof(joint, true)
}

// endsInReturn reports whether a block always returns: it ends in a
// return, and no break, continue or goto leaves it before.
func endsInReturn(body *ast.BlockStmt) bool {
	if len(body.List) == 0 {
		return false
	}
	if _, ok := body.List[len(body.List)-1].(*ast.ReturnStmt); !ok {
		return false
	}
	branches := false
	ast.Inspect(body, func(n ast.Node) bool {
		_, ok := n.(*ast.BranchStmt)
		branches = branches || ok
		return !branches
	})
	return !branches
}
