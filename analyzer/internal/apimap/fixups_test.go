package apimap_test

import (
	"go/ast"
	"go/types"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// TestLoadFixupsInLibrary ties each load fixup to the cilium/ebpf source
// that does it: the named function exists, and its body refers to each
// symbol the entry lists (the feature test that decides, the helpers it
// swaps). A release that stops doing the fixup, or does it elsewhere,
// fails here rather than leaving a silent false negative.
func TestLoadFixupsInLibrary(t *testing.T) {
	api, _ := loadMap(t)
	if len(api.Fixups) == 0 {
		t.Fatal("no load fixups in the API map")
	}
	var paths []string
	for _, fx := range api.Fixups {
		pkg, _ := apimap.SymbolPackage(fx.Func)
		if !slices.Contains(paths, pkg) {
			paths = append(paths, pkg)
		}
	}
	pkgs, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo,
		Env:  append(os.Environ(), "GOOS=linux", "GOARCH=amd64"),
	}, paths...)
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("cannot load cilium/ebpf")
	}
	// Every function declared in the loaded packages, by FullName, with
	// the full names of what its body refers to.
	refs := map[string]map[string]bool{}
	for _, p := range pkgs {
		for _, f := range p.Syntax {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				fn := p.TypesInfo.Defs[fd.Name].(*types.Func)
				used := map[string]bool{}
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok {
						if obj := p.TypesInfo.Uses[id]; obj != nil && obj.Pkg() != nil {
							used[obj.Pkg().Path()+"."+obj.Name()] = true
						}
					}
					return true
				})
				refs[fn.FullName()] = used
			}
		}
	}
	for feat, fx := range api.Fixups {
		used, ok := refs[fx.Func]
		if !ok {
			t.Errorf("fixup of %s: no function %s in cilium/ebpf", feat.Name, fx.Func)
			continue
		}
		for _, u := range fx.Uses {
			if !used[u] {
				t.Errorf("fixup of %s: %s does not refer to %s", feat.Name, fx.Func, u)
			}
		}
		if fx.Replacement != nil && fx.Replacement.Kind == kernelspec.Helper {
			// The helper it sends instead is one of the asm constants used.
			want := "github.com/cilium/ebpf/asm.Fn"
			if !slices.ContainsFunc(fx.Uses, func(u string) bool { return strings.HasPrefix(u, want) }) {
				t.Errorf("fixup of %s: uses names no asm.Fn constant for %s", feat.Name, fx.Replacement.Name)
			}
		}
	}
}
