package flow_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/cfg"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/flow"
)

// load type-checks src and returns its functions by name.
func load(t *testing.T, src string) (*token.FileSet, *types.Info, map[string]*ast.FuncDecl, map[*types.Func]*ast.FuncDecl) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{}}
	conf := types.Config{Importer: importer.Default()}
	if _, err := conf.Check("p", fset, []*ast.File{f}, info); err != nil {
		t.Fatal(err)
	}
	byName := map[string]*ast.FuncDecl{}
	decls := map[*types.Func]*ast.FuncDecl{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			byName[fd.Name.Name] = fd
			decls[info.Defs[fd.Name].(*types.Func)] = fd
		}
	}
	return fset, info, byName, decls
}

const src = `package p

func probe() bool
func use(string)
func die() { panic("no") }
func fatal(s string) { println(s); die() }
func maybe(b bool) { if b { die() } }

func guarded(a, b bool) {
	if !a {
		fatal("no a")
	}
	use("after a")
	if b {
		use("in b")
		return
	}
	use("not b")
	for {
		if b {
			break
		}
		use("loop")
	}
	use("end")
}

func defs(x bool) {
	v := x
	if x {
		v = probe()
	}
	use("one")
	v = false
	use("two")
	_ = v
}
`

// at returns the location of the use("name") call in fd.
func at(t *testing.T, g *flow.Graph, fd *ast.FuncDecl, name string) flow.Loc {
	t.Helper()
	var pos token.Pos
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Value == `"`+name+`"` {
			pos = lit.Pos()
		}
		return pos == 0
	})
	l, ok := g.Locate(pos)
	if !ok {
		t.Fatalf("no node holds %q", name)
	}
	return l
}

func TestNoReturn(t *testing.T) {
	_, info, _, decls := load(t, src)
	got := flow.NoReturn(info, decls, func(*types.Func) bool { return false })
	var names []string
	for fn := range got {
		names = append(names, fn.Name())
	}
	slices.Sort(names)
	if want := []string{"die", "fatal"}; !slices.Equal(names, want) {
		t.Errorf("NoReturn = %v, want %v (die panics, fatal calls die; maybe returns when b is false)", names, want)
	}
}

// TestForward runs a must-analysis whose facts are the identifiers a
// condition proves true or false ("a", "!b"): what every path proves.
func TestForward(t *testing.T) {
	_, info, funcs, decls := load(t, src)
	noReturn := flow.NoReturn(info, decls, func(*types.Func) bool { return false })
	fd := funcs["guarded"]
	g := flow.New(fd.Body, func(call *ast.CallExpr) bool {
		fn, ok := info.Uses[call.Fun.(*ast.Ident)].(*types.Func)
		return !ok || !noReturn[fn]
	}, nil)
	type set = map[string]bool
	meet := func(a, b set) set {
		out := set{}
		for k := range a {
			if b[k] {
				out[k] = true
			}
		}
		return out
	}
	edge := func(b *cfg.Block, succ int, in set) set {
		out := maps.Clone(in)
		if len(b.Succs) != 2 || len(b.Nodes) == 0 {
			return out
		}
		cond, neg := b.Nodes[len(b.Nodes)-1].(ast.Expr), succ == 1
		if u, ok := cond.(*ast.UnaryExpr); ok && u.Op == token.NOT {
			cond, neg = u.X, !neg
		}
		if id, ok := cond.(*ast.Ident); ok {
			out[map[bool]string{false: "", true: "!"}[neg]+id.Name] = true
		}
		return out
	}
	in, reached := flow.Forward(g, set{}, meet, maps.Equal, edge)
	for name, want := range map[string]string{
		"after a": "a",      // fatal does not return
		"in b":    "a b",    // and the branch
		"not b":   "!b a",   // past an early return
		"loop":    "!b a",   // inside the loop, b is still false
		"end":     "!b a b", // only break leaves the loop: the edge where b is true, with !b from before (the meet keeps both)
	} {
		l := at(t, g, fd, name)
		if !reached[l.Block.Index] {
			t.Errorf("%s: not reached", name)
			continue
		}
		got := slices.Sorted(maps.Keys(in[l.Block.Index]))
		if strings.Join(got, " ") != want {
			t.Errorf("%s: holds %v, want %s", name, got, want)
		}
	}
}

func TestReaching(t *testing.T) {
	fset, info, funcs, _ := load(t, src)
	fd := funcs["defs"]
	g := flow.New(fd.Body, func(*ast.CallExpr) bool { return true }, nil)
	var v types.Object
	for id, obj := range info.Defs {
		if id.Name == "v" && obj != nil {
			v = obj
		}
	}
	defines := func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		return ok && slices.ContainsFunc(as.Lhs, func(e ast.Expr) bool {
			id, ok := e.(*ast.Ident)
			return ok && info.ObjectOf(id) == v
		})
	}
	lines := func(defs []flow.Loc) []int {
		var out []int
		for _, d := range defs {
			out = append(out, fset.Position(d.Node().Pos()).Line)
		}
		return out
	}
	defs, entry := g.Reaching(at(t, g, fd, "one"), defines)
	if got := lines(defs); !slices.Equal(got, []int{29, 31}) || entry {
		t.Errorf("at one: defs on lines %v (entry %v), want 29 and 31", got, entry)
	}
	defs, entry = g.Reaching(at(t, g, fd, "two"), defines)
	if got := lines(defs); !slices.Equal(got, []int{34}) || entry {
		t.Errorf("at two: defs on lines %v (entry %v), want 34", got, entry)
	}
}

// TestSearch asks lostcancel's question: is there a path from a node to
// another, not passing a third.
func TestSearch(t *testing.T) {
	_, _, funcs, _ := load(t, src)
	fd := funcs["guarded"]
	g := flow.New(fd.Body, func(*ast.CallExpr) bool { return true }, nil)
	calls := func(name string) func(ast.Node) bool {
		return func(n ast.Node) bool {
			found := false
			ast.Inspect(n, func(m ast.Node) bool {
				if lit, ok := m.(*ast.BasicLit); ok && lit.Value == `"`+name+`"` {
					found = true
				}
				return !found
			})
			return found
		}
	}
	reaches := func(from, to, avoid string) bool {
		return flow.Search(g, at(t, g, fd, from), 0,
			func(n ast.Node, s int) (int, bool, bool) { return s, calls(to)(n), avoid != "" && calls(avoid)(n) },
			func(*cfg.Block, int, int) (int, bool) { return 0, true })
	}
	for _, c := range []struct {
		from, to, avoid string
		want            bool
	}{
		{"after a", "end", "", true},
		{"in b", "end", "", false}, // it returns
		{"not b", "end", "", true},
		{"not b", "end", "loop", true}, // the loop may break before "loop"
		{"loop", "not b", "", false},   // no way back
		{"loop", "loop", "", true},     // round the loop
	} {
		if got := reaches(c.from, c.to, c.avoid); got != c.want {
			t.Errorf("from %q to %q avoiding %q: %v, want %v", c.from, c.to, c.avoid, got, c.want)
		}
	}
}

// A range loop that is entered at least once has no path from before it
// to its exit that skips the body: only the body's assignment reaches the
// code after it.
func TestEnteredLoop(t *testing.T) {
	const src = `package p

func use(string)

func retry() {
	v := 0
	for range []int{1, 2} {
		v = 1
	}
	use("after")
	for range []int{1, 2} {
		if v == 1 {
			continue
		}
		v = 2
	}
	use("again")
}
`
	fset, info, funcs, _ := load(t, src)
	fd := funcs["retry"]
	var v types.Object
	for id, obj := range info.Defs {
		if id.Name == "v" {
			v = obj
		}
	}
	defines := func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		return ok && info.ObjectOf(as.Lhs[0].(*ast.Ident)) == v
	}
	lines := func(g *flow.Graph, name string) []int {
		defs, entry := g.Reaching(at(t, g, fd, name), defines)
		var out []int
		if entry {
			out = append(out, 0)
		}
		for _, d := range defs {
			out = append(out, fset.Position(d.Node().Pos()).Line)
		}
		return out
	}
	mayReturn := func(*ast.CallExpr) bool { return true }
	entered := flow.New(fd.Body, mayReturn, func(*ast.RangeStmt) bool { return true })
	maybe := flow.New(fd.Body, mayReturn, nil)
	for _, c := range []struct {
		g    *flow.Graph
		name string
		want []int
	}{
		{entered, "after", []int{8}},
		{maybe, "after", []int{6, 8}},
		// A continue goes back to the loop's head, not around it.
		{entered, "again", []int{8, 15}},
		{maybe, "again", []int{6, 8, 15}},
	} {
		if got := lines(c.g, c.name); !slices.Equal(got, c.want) {
			t.Errorf("at %s: defs on lines %v, want %v", c.name, got, c.want)
		}
	}
}
