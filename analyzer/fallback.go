package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/types/typeutil"
)

// Try, then fall back: code may use a feature and handle its failure by
// doing the job another way (tcx failed: attach with classic tc; fentry
// failed: a kprobe). Such a use is not reported. The failure branch is the
// one where the use's error is non-nil, or errors.Is it one of the
// not-supported errors of the API map (ebpf.ErrNotSupported, unix.EINVAL,
// unix.E2BIG); it falls back unless it hands the error on (returning it,
// wrapped or not) or gives up (log.Fatal, panic).

// hasFallback reports whether the use at node is followed by a fallback,
// or is itself a probe: the body of a function literal handed to a
// feature-test constructor (cilium/ebpf's internal.NewFeatureTest) or set as
// the test of a feature-test struct, which uses the feature to find out
// whether the kernel has it.
func (c *checker) hasFallback(node ast.Node) bool {
	path, _ := astutil.PathEnclosingInterval(c.file, node.Pos(), node.End())
	if c.inProbeBody(path) {
		return true
	}
	for i, n := range path {
		switch n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return false
		}
		stmt, ok := n.(ast.Stmt)
		if !ok || i+1 >= len(path) {
			continue
		}
		errVar := c.errorAssigned(stmt)
		if errVar == nil {
			continue
		}
		switch parent := path[i+1].(type) {
		case *ast.IfStmt: // if err := use(); err != nil { ... }
			return parent.Init == stmt && c.fallsBack(parent, errVar)
		case *ast.BlockStmt:
			return c.checkedLater(parent.List, stmt, errVar)
		case *ast.CaseClause:
			return c.checkedLater(parent.Body, stmt, errVar)
		}
		return false
	}
	return false
}

// errorAssigned returns the error variable an assignment gives the result
// of the use to: `l, err := link.AttachTCX(...)`.
func (c *checker) errorAssigned(s ast.Stmt) *types.Var {
	as, ok := s.(*ast.AssignStmt)
	if !ok || len(as.Lhs) == 0 {
		return nil
	}
	id, ok := ast.Unparen(as.Lhs[len(as.Lhs)-1]).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := c.pass.TypesInfo.ObjectOf(id).(*types.Var)
	errorType := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	if !ok || !types.Implements(v.Type(), errorType) {
		return nil // an error, or an errno such as unix.Errno
	}
	return v
}

// checkedLater finds the first if after s in list that tests err.
func (c *checker) checkedLater(list []ast.Stmt, s ast.Stmt, err *types.Var) bool {
	after := false
	for _, x := range list {
		if x == s {
			after = true
			continue
		}
		if !after {
			continue
		}
		if ifs, ok := x.(*ast.IfStmt); ok && c.mentions(ifs.Cond, err) {
			return c.fallsBack(ifs, err)
		}
		if c.mentions(x, err) {
			return false // the error is used some other way first
		}
	}
	return false
}

// fallsBack reports whether the failure branch of ifs handles err.
func (c *checker) fallsBack(ifs *ast.IfStmt, err *types.Var) bool {
	var failure ast.Stmt
	switch cond := ast.Unparen(ifs.Cond).(type) {
	case *ast.BinaryExpr:
		if !c.isErr(cond.X, err) && !c.isErr(cond.Y, err) {
			return false
		}
		if c.isUnsupportedValue(cond.X) || c.isUnsupportedValue(cond.Y) {
			if cond.Op == token.EQL {
				failure = ifs.Body // errno == unix.EINVAL
			}
			break
		}
		if !c.isNil(cond.X) && !c.isNil(cond.Y) && !c.isZero(cond.X) && !c.isZero(cond.Y) {
			return false
		}
		switch cond.Op {
		case token.NEQ:
			failure = ifs.Body
		case token.EQL:
			failure = ifs.Else
		}
	case *ast.CallExpr:
		if !c.isUnsupportedTest(cond, err) {
			return false
		}
		failure = ifs.Body
	}
	if failure == nil {
		return false
	}
	return !c.handsOn(failure, err)
}

// isUnsupportedValue recognises ebpf.ErrNotSupported or unix.EINVAL.
func (c *checker) isUnsupportedValue(e ast.Expr) bool {
	var obj types.Object
	switch t := ast.Unparen(e).(type) {
	case *ast.Ident:
		obj = c.pass.TypesInfo.Uses[t]
	case *ast.SelectorExpr:
		obj = c.pass.TypesInfo.Uses[t.Sel]
	}
	return obj != nil && obj.Pkg() != nil && c.api.unsupported[obj.Pkg().Path()+"."+obj.Name()]
}

// isZero recognises the 0 an errno is compared with.
func (c *checker) isZero(e ast.Expr) bool {
	tv, ok := c.pass.TypesInfo.Types[e]
	return ok && tv.Value != nil && isZeroConst(c.pass.TypesInfo, e)
}

// isUnsupportedTest recognises errors.Is(err, ebpf.ErrNotSupported).
func (c *checker) isUnsupportedTest(call *ast.CallExpr, err *types.Var) bool {
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.FullName() != "errors.Is" || len(call.Args) != 2 || !c.isErr(call.Args[0], err) {
		return false
	}
	return c.isUnsupportedValue(call.Args[1])
}

// handsOn reports whether a failure branch returns err (wrapped or not),
// or gives up without going on.
func (c *checker) handsOn(branch ast.Stmt, err *types.Var) bool {
	handed := false
	ast.Inspect(branch, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if c.mentions(r, err) {
					handed = true
				}
			}
		}
		return !handed
	})
	if handed {
		return true
	}
	if b, ok := branch.(*ast.BlockStmt); ok && len(b.List) > 0 {
		if last, ok := b.List[len(b.List)-1].(*ast.ExprStmt); ok && c.terminates(last) {
			return true // log.Fatal, panic: no other way was taken
		}
	}
	return false
}

func (c *checker) isErr(e ast.Expr, err *types.Var) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && c.pass.TypesInfo.Uses[id] == err
}

func (c *checker) mentions(n ast.Node, v *types.Var) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if id, ok := x.(*ast.Ident); ok && c.pass.TypesInfo.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

// inProbeBody reports whether path passes through a function literal that
// is a probe: an argument of a feature-test constructor, or a field value
// of a feature-test struct.
func (c *checker) inProbeBody(path []ast.Node) bool {
	if len(c.api.featureTests) == 0 && len(c.api.probeTypes) == 0 {
		return false
	}
	for i, n := range path {
		if _, ok := n.(*ast.FuncLit); !ok || i+1 >= len(path) {
			continue
		}
		switch p := path[i+1].(type) {
		case *ast.CallExpr:
			if fn, ok := typeutil.Callee(c.pass.TypesInfo, p).(*types.Func); ok {
				if _, ok := c.api.featureTests[c.key(fn)]; ok {
					return true
				}
			}
		case *ast.KeyValueExpr:
			if i+2 < len(path) {
				if lit, ok := path[i+2].(*ast.CompositeLit); ok {
					if named := namedStruct(c.pass.TypesInfo.TypeOf(lit)); named != nil && named.Obj().Pkg() != nil &&
						c.api.probeTypes[named.Obj().Pkg().Path()+"."+named.Obj().Name()] {
						return true
					}
				}
			}
		}
	}
	return false
}
