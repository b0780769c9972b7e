package analyzer

import (
	"go/constant"
	"go/types"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/specs"
)

// TestAPIMapListsResolve checks that every symbol of the API map's lists
// (exits, error makers, unsupported errors, version codes, feature tests,
// syscalls and their numbers) names a real object of the right kind, in
// the versions this project builds with, unexported ones included
// ((*testing.common).Skip, cilium/ebpf/internal.NewFeatureTest): a
// misspelt entry would otherwise match nothing, silently.
func TestAPIMapListsResolve(t *testing.T) {
	t.Parallel()
	m := embeddedAPIMap(t)
	isFunc := func(o types.Object) bool { _, ok := o.(*types.Func); return ok }
	isError := func(o types.Object) bool {
		switch o.(type) {
		case *types.Var, *types.Const:
			return types.Implements(o.Type(), types.Universe.Lookup("error").Type().Underlying().(*types.Interface))
		}
		return false
	}
	isStruct := func(o types.Object) bool {
		tn, ok := o.(*types.TypeName)
		return ok && tn.Type().Underlying() != nil && isStructType(tn.Type())
	}
	var entries []listEntry
	add := func(list string, symbols []string, want func(types.Object) bool) {
		if len(symbols) == 0 {
			t.Errorf("the API map's %s list is empty", list)
		}
		for _, s := range symbols {
			entries = append(entries, listEntry{list, s, want})
		}
	}
	add("exits", apimap.SortedKeys(m.Exits), isFunc)
	add("error_makers", apimap.SortedKeys(m.ErrorMakers), isFunc)
	add("memoizers", apimap.SortedKeys(m.Memoizers), isFunc)
	add("unsupported_errors", apimap.SortedKeys(m.Unsupported), isError)
	add("version_codes", apimap.SortedKeys(m.VersionCodes), isFunc)
	add("feature_tests", apimap.SortedKeys(m.FeatureTests), isFunc)
	add("feature_tests types", apimap.SortedKeys(m.ProbeTypes), isStruct)
	add("syscalls", apimap.SortedKeys(m.Syscalls), isFunc)
	add("collection_loads", apimap.SortedKeys(m.CollectionLoads), isFunc)
	add("collection_specs readers", apimap.SortedKeys(m.SpecReaders), isFunc)
	// A spec type has the field named for its programs, an instruction
	// type the method named for its callback loads.
	hasMember := func(name string) func(types.Object) bool {
		return func(o types.Object) bool {
			tn, ok := o.(*types.TypeName)
			if !ok {
				return false
			}
			member, _, _ := types.LookupFieldOrMethod(types.NewPointer(tn.Type()), false, tn.Pkg(), name)
			return member != nil
		}
	}
	for _, name := range apimap.SortedKeys(m.CollectionSpecs) {
		entries = append(entries, listEntry{"collection_specs programs " + m.CollectionSpecs[name].Programs, name, hasMember(m.CollectionSpecs[name].Programs)})
	}
	for _, name := range apimap.SortedKeys(m.Instructions) {
		entries = append(entries, listEntry{"collection_specs callback_load " + m.Instructions[name].CallbackLoad, name, hasMember(m.Instructions[name].CallbackLoad)})
	}

	var paths []string
	for _, e := range entries {
		if p, ok := apimap.SymbolPackage(e.symbol); ok && !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	pkgs := loadSources(t, paths)
	checkResolve(t, pkgs, entries)

	// The number each syscall entry prefers, in its own package where it
	// has one, is a constant with bpf(2)'s number; where it has none (the
	// standard library's syscall on amd64 froze its numbers before bpf(2))
	// the API map's bpf_syscall_numbers applies, which
	// TestBPFSyscallNumbers checks.
	for _, fn := range apimap.SortedKeys(m.Syscalls) {
		sc := m.Syscalls[fn]
		pkg, _ := apimap.SymbolPackage(fn)
		obj := lookupSymbol(pkgs, pkg+"."+sc.Number)
		if obj == nil {
			continue
		}
		k, ok := obj.(*types.Const)
		if !ok {
			t.Errorf("syscalls: %s: %s is not a constant", fn, obj)
			continue
		}
		if v, ok := constant.Uint64Val(k.Val()); !ok || v != m.BPFNumbers["amd64"] {
			t.Errorf("syscalls: %s: %s is %s on amd64, but bpf_syscall_numbers says %d", fn, obj, k.Val(), m.BPFNumbers["amd64"])
		}
	}

	// The check can fail: made-up and mistyped names resolve to nothing.
	for _, bad := range []string{"os.Exitt", "(*testing.common).Skipp", "(*testing.nothing).Skip", "nopkg.X", "os"} {
		if obj := lookupSymbol(pkgs, bad); obj != nil {
			t.Errorf("lookupSymbol(%q) = %v, want nothing", bad, obj)
		}
	}
}

// embeddedAPIMap loads the API map this project ships.
func embeddedAPIMap(t *testing.T) *apimap.Map {
	t.Helper()
	db, err := kernelspec.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	m, err := LoadAPIMap(specs.API(), db)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

type listEntry struct {
	list, symbol string
	want         func(types.Object) bool
}

func checkResolve(t *testing.T, pkgs map[string]*types.Package, entries []listEntry) {
	t.Helper()
	for _, e := range entries {
		obj := lookupSymbol(pkgs, e.symbol)
		switch {
		case obj == nil:
			t.Errorf("%s: %s does not exist", e.list, e.symbol)
		case !e.want(obj):
			t.Errorf("%s: %s is %s, not what the list holds", e.list, e.symbol, obj)
		}
	}
}

func isStructType(t types.Type) bool {
	_, ok := t.Underlying().(*types.Struct)
	return ok
}

// loadSources type-checks the packages from source, so that their
// unexported objects are there (export data may drop them), for Linux.
func loadSources(t *testing.T, paths []string) map[string]*types.Package {
	t.Helper()
	loaded, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax,
		Env:  append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "GOFLAGS="),
	}, paths...)
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(loaded) > 0 {
		t.Fatal("cannot load the packages the API map names")
	}
	out := map[string]*types.Package{}
	for _, p := range loaded {
		out[p.PkgPath] = p.Types
	}
	return out
}

// lookupSymbol finds a symbol written as types.Func.FullName or
// types.Object.String name it: pkg.Name, (pkg.Type).Method or
// (*pkg.Type).Method.
func lookupSymbol(pkgs map[string]*types.Package, symbol string) types.Object {
	if typ, method, ok := strings.Cut(symbol, ")."); ok && strings.HasPrefix(typ, "(") {
		typ = strings.TrimPrefix(strings.TrimPrefix(typ, "("), "*")
		tn, _ := lookupSymbol(pkgs, typ).(*types.TypeName)
		if tn == nil {
			return nil
		}
		obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(tn.Type()), true, tn.Pkg(), method)
		if fn, ok := obj.(*types.Func); ok {
			return fn
		}
		return nil
	}
	pkgPath, ok := apimap.SymbolPackage(symbol)
	if !ok || pkgs[pkgPath] == nil {
		return nil
	}
	return pkgs[pkgPath].Scope().Lookup(strings.TrimPrefix(symbol, pkgPath+"."))
}
