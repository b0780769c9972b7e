package analyzer

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/tools/go/ast/astutil"
)

// TestPathInMatchesPathEnclosingInterval checks pathIn, which asks
// PathEnclosingInterval of one declaration, against the whole file's
// answer for every node of this package's own source.
func TestPathInMatchesPathEnclosingInterval(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil || len(names) == 0 {
		t.Fatalf("no source files: %v", err)
	}
	fset := token.NewFileSet()
	nodes := 0
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil || n == f || n.Pos() == n.End() {
				return true
			}
			if _, ok := n.(*ast.CommentGroup); ok {
				return false // not in the tree PathEnclosingInterval walks
			}
			if _, ok := n.(*ast.Comment); ok {
				return false
			}
			nodes++
			want, _ := astutil.PathEnclosingInterval(f, n.Pos(), n.End())
			if got := pathIn(f, n); !slices.Equal(got, want) {
				t.Errorf("%s: path to %T: got %d nodes, want %d", fset.Position(n.Pos()), n, len(got), len(want))
			}
			return true
		})
	}
	if nodes < 10000 {
		t.Errorf("only %d nodes compared", nodes)
	}
}
