package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// An attr field set to a variable selects its feature only when the
// variable is not zero. Where every assignment that can make it non-zero
// sits on a path that assumes something — or calls a function of this
// package whose every non-zero return does — the use may assume it too:
// cilium/ebpf's program loader passes the BTF id that
// findProgramTargetInKernel returns, which is zero unless the program is a
// tracing, LSM or struct_ops one, all newer than the BTF id field.

// nonZeroProof is what e being non-zero implies; depth bounds the chase.
func (c *checker) nonZeroProof(e ast.Expr, depth int) proof {
	if e == nil || depth > maxGuardDepth {
		return proofOf()
	}
	info := c.pass.TypesInfo
	e = stripConversions(info, e)
	if call, ok := e.(*ast.CallExpr); ok {
		return c.resultProof(call, 0, depth)
	}
	id, ok := e.(*ast.Ident)
	if !ok {
		return proofOf()
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok || v.Pkg() != c.pass.Pkg || v.Parent() == nil || v.Parent() == c.pass.Pkg.Scope() {
		return proofOf()
	}
	fd := c.funcDeclAt(id.Pos())
	if fd == nil || fd.Body == nil || v.Pos() < fd.Body.Pos() {
		return proofOf() // a parameter or result: its values come from elsewhere
	}
	body := fd.Body
	var out alternatives
	known := true
	ast.Inspect(body, func(n ast.Node) bool {
		if !known {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			if c.mentions(n, v) {
				known = false // a closure may change it
			}
			return false
		case *ast.UnaryExpr:
			if n.Op == token.AND && c.refersTo(n.X, v) {
				known = false
			}
		case *ast.IncDecStmt, *ast.RangeStmt:
			if c.assignsIn(n, v) {
				known = false
			}
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if !c.refersTo(lhs, v) {
					continue
				}
				var p proof
				switch {
				case n.Tok != token.ASSIGN && n.Tok != token.DEFINE:
					known = false // v |= x
					return false
				case len(n.Rhs) == len(n.Lhs):
					if isZeroConst(info, n.Rhs[i]) {
						continue // zero selects nothing
					}
					p = c.proven(n).union(c.nonZeroProof(n.Rhs[i], depth+1))
				case len(n.Rhs) == 1:
					call, isCall := ast.Unparen(n.Rhs[0]).(*ast.CallExpr)
					if !isCall {
						known = false
						return false
					}
					p = c.proven(n).union(c.resultProof(call, i, depth))
				}
				out.add(p)
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if info.Defs[name] != v {
					continue
				}
				switch {
				case len(n.Values) == 0:
					// var id uint32: zero selects nothing
				case len(n.Values) == len(n.Names):
					if !isZeroConst(info, n.Values[i]) {
						out.add(c.proven(n).union(c.nonZeroProof(n.Values[i], depth+1)))
					}
				default:
					call, isCall := ast.Unparen(n.Values[0]).(*ast.CallExpr)
					if !isCall {
						known = false
						return false
					}
					out.add(c.proven(n).union(c.resultProof(call, i, depth)))
				}
			}
		}
		return true
	})
	if !known || !out.any {
		return proofOf()
	}
	return out.p
}

// resultProof is what result index of call being non-zero implies: for a
// function of this package, what every return making it non-zero proves
// or assumes.
func (c *checker) resultProof(call *ast.CallExpr, index, depth int) proof {
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() != c.pass.Pkg || depth > maxGuardDepth {
		return proofOf()
	}
	key := resultKey{fn, index}
	if p, done := c.results[key]; done {
		return p
	}
	c.results[key] = proofOf() // a recursive call knows nothing more
	// It speaks for every caller: a bare question.
	c.bare++
	defer func() { c.bare-- }()
	fd := c.funcDecl(fn)
	if fd == nil || fd.Body == nil {
		return proofOf()
	}
	n := fn.Signature().Results().Len()
	var out alternatives
	known := true
	ast.Inspect(fd.Body, func(node ast.Node) bool {
		if !known {
			return false
		}
		switch node := node.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(node.Results) != n || index >= n {
				known = false // return g(), or a bare return
				return false
			}
			r := node.Results[index]
			if isZeroConst(c.pass.TypesInfo, r) {
				return true
			}
			out.add(c.proven(node).union(c.nonZeroProof(r, depth+1)))
		}
		return true
	})
	result := out.p
	if !known || !out.any {
		result = proofOf()
	}
	c.results[key] = result
	return result
}

// alternatives gathers what holds on whichever of several paths is taken.
type alternatives struct {
	p   proof
	any bool
}

func (a *alternatives) add(p proof) {
	if a.any {
		a.p = a.p.intersect(p)
	} else {
		a.p, a.any = p, true
	}
}

type resultKey struct {
	fn    *types.Func
	index int
}

// funcDecl finds the declaration of a function of this package.
func (c *checker) funcDecl(fn *types.Func) *ast.FuncDecl {
	if c.decls == nil {
		c.decls = map[*types.Func]*ast.FuncDecl{}
		for _, f := range c.pass.Files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					if obj, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
						c.decls[obj] = fd
					}
				}
			}
		}
	}
	return c.decls[fn]
}

// assignsIn reports whether n (a ++/-- or a range) assigns v.
func (c *checker) assignsIn(n ast.Node, v *types.Var) bool {
	switch n := n.(type) {
	case *ast.IncDecStmt:
		return c.refersTo(n.X, v)
	case *ast.RangeStmt:
		return n.Key != nil && c.refersTo(n.Key, v) || n.Value != nil && c.refersTo(n.Value, v)
	}
	return false
}
