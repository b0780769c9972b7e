package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/types/typeutil"
)

// A test checks its environment its own way, often through files a probe
// never reads (`if !strings.Contains(kallsyms, "bpf_fentry_test1") {
// t.Skip(...) }`), and skipping is how it says "not on this kernel". A
// skipped test is not a failure on an old kernel, so in a _test.go file
// a use that follows a conditional skip in its function (or in the
// function around a closure it is in: t.Run's subtests) is not reported.
// A test without such a skip is checked like any code.

// pastTestSkip reports whether pos, in a _test.go file, follows an
// `if cond { ...; t.Skip(...) }` in a block around it.
func (c *checker) pastTestSkip(pos token.Pos) bool {
	tf := c.pass.Fset.File(pos)
	if tf == nil || !strings.HasSuffix(tf.Name(), "_test.go") {
		return false
	}
	f := c.fileOf(pos)
	if f == nil {
		return false
	}
	path, _ := astutil.PathEnclosingInterval(f, pos, pos)
	for _, n := range path {
		var list []ast.Stmt
		switch n := n.(type) {
		case *ast.BlockStmt:
			list = n.List
		case *ast.CaseClause:
			list = n.Body
		case *ast.CommClause:
			list = n.Body
		case *ast.FuncDecl:
			return false
		}
		for _, s := range list {
			if s.End() > pos {
				break
			}
			if ifs, ok := s.(*ast.IfStmt); ok && c.endsInSkip(ifs.Body) {
				return true
			}
		}
	}
	return false
}

// endsInSkip reports whether a block's last statement is a call of
// testing's Skip, Skipf or SkipNow (on *testing.T, *testing.B, testing.TB).
func (c *checker) endsInSkip(b *ast.BlockStmt) bool {
	if len(b.List) == 0 {
		return false
	}
	es, ok := b.List[len(b.List)-1].(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := ast.Unparen(es.X).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "testing" {
		return false
	}
	switch fn.Name() {
	case "Skip", "Skipf", "SkipNow":
		return true
	}
	return false
}

// testSkipProof is what a test past its skip may use: whatever the
// newest release has, as a test run only where the kernel passed its own
// check.
func (c *checker) testSkipProof() proof {
	p := proofOf()
	p.version = c.db.Newest()
	return p
}
