package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// versionArg evaluates a version argument: a string constant ("5.11",
// "v5.14.0"), a KERNEL_VERSION integer constant, or a call with constant
// (major, minor[, patch]) arguments.
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

// versionCompare reads `code >= 0x050b00` where code is the kernel's
// version code (features.LinuxVersionCode, in the API map's version_codes).
func (c *checker) versionCompare(e *ast.BinaryExpr, truth bool, depth int) proof {
	op := e.Op
	x, y := e.X, e.Y
	if c.isVersionCode(y, depth) {
		x, y = y, x
		switch op { // 5 < v is v > 5
		case token.LSS:
			op = token.GTR
		case token.LEQ:
			op = token.GEQ
		case token.GTR:
			op = token.LSS
		case token.GEQ:
			op = token.LEQ
		}
	}
	if !c.isVersionCode(x, depth) {
		return proofOf()
	}
	tv := c.pass.TypesInfo.Types[y]
	if tv.Value == nil {
		return proofOf()
	}
	code, ok := constant.Uint64Val(constant.ToInt(tv.Value))
	if !ok {
		return proofOf()
	}
	if !truth { // !(v < c) is v >= c
		switch op {
		case token.LSS:
			op = token.GEQ
		case token.LEQ:
			op = token.GTR
		default:
			return proofOf()
		}
	}
	switch op {
	case token.GEQ:
	case token.GTR:
		code++
	default:
		return proofOf()
	}
	p := proofOf()
	p.version = kernelspec.VersionFromCode(uint32(code)).Release()
	if kernelspec.VersionFromCode(uint32(code)).Patch != 0 {
		// 5.8.1 and later does not include 5.8.0: only the next release is sure.
		p.version = kernelspec.Version{Major: p.version.Major, Minor: p.version.Minor + 1}
	}
	return p
}

func (c *checker) isVersionCode(e ast.Expr, depth int) bool {
	e = ast.Unparen(e)
	if conv, ok := e.(*ast.CallExpr); ok && len(conv.Args) == 1 {
		if tv := c.pass.TypesInfo.Types[conv.Fun]; tv.IsType() {
			return c.isVersionCode(conv.Args[0], depth)
		}
	}
	switch e := e.(type) {
	case *ast.Ident:
		if v, ok := c.pass.TypesInfo.Uses[e].(*types.Var); ok && depth < maxGuardDepth {
			if r, ok := c.reachingAt(e.Pos(), v, ""); ok {
				// Every value that reaches the read is a version code.
				for _, d := range r.defs {
					if !c.isVersionCode(c.valueOf(d.Node(), v, ""), depth+1) {
						return false
					}
				}
				return len(r.defs) > 0 && !r.entry
			}
			if def := c.singleValue(v); def != nil {
				return c.isVersionCode(def, depth+1)
			}
		}
	case *ast.CallExpr:
		fn, ok := typeutil.Callee(c.pass.TypesInfo, e).(*types.Func)
		return ok && c.api.VersionCodes[funcKey(fn)]
	}
	return false
}
