package kernelspec_test

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
	"gopkg.in/yaml.v3"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// cilium/ebpf tags its constants with the platform in the top four bits
// (internal/platform: platformShift = 28); Linux's tag is zero.
const ciliumPlatformMask = 0xf << 28

func loadCilium(t *testing.T, patterns ...string) []*packages.Package {
	t.Helper()
	pkgs, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedImports | packages.NeedDeps | packages.NeedModule,
		Env:  append(os.Environ(), "GOOS=linux", "GOARCH=amd64"),
	}, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("cannot load cilium/ebpf")
	}
	return pkgs
}

// ciliumKinds maps cilium/ebpf's typed constants to the kernel enum they encode.
var ciliumKinds = map[string]kernelspec.Kind{
	"github.com/cilium/ebpf.MapType":         kernelspec.MapType,
	"github.com/cilium/ebpf.ProgramType":     kernelspec.ProgramType,
	"github.com/cilium/ebpf.AttachType":      kernelspec.AttachType,
	"github.com/cilium/ebpf/asm.BuiltinFunc": kernelspec.Helper,
}

// TestCiliumConstants checks that every exported Linux constant of
// cilium/ebpf's MapType, ProgramType, AttachType and asm.BuiltinFunc maps
// by value to an entry, enumerating the packages' scopes.
func TestCiliumConstants(t *testing.T) {
	db := mustDB(t)
	counts := map[kernelspec.Kind]int{}
	for _, pkg := range loadCilium(t, "github.com/cilium/ebpf", "github.com/cilium/ebpf/asm") {
		scope := pkg.Types.Scope()
		for _, name := range scope.Names() {
			c, ok := scope.Lookup(name).(*types.Const)
			if !ok || !c.Exported() {
				continue
			}
			named, ok := c.Type().(*types.Named)
			if !ok {
				continue
			}
			kind, ok := ciliumKinds[named.Obj().Pkg().Path()+"."+named.Obj().Name()]
			if !ok {
				continue
			}
			v, _ := constant.Uint64Val(c.Val())
			if v&ciliumPlatformMask != 0 {
				continue // a Windows constant
			}
			counts[kind]++
			if len(db.ByValue(kind, v)) == 0 {
				t.Errorf("cilium/ebpf %s.%s = %d: no %s has that value", pkg.Name, name, v, kind)
			}
		}
	}
	for kind, min := range map[kernelspec.Kind]int{kernelspec.MapType: 30, kernelspec.ProgramType: 30, kernelspec.AttachType: 40, kernelspec.Helper: 200} {
		if counts[kind] < min {
			t.Errorf("found %d cilium/ebpf constants of kind %s, want at least %d: the enumeration is broken", counts[kind], kind, min)
		}
		t.Logf("cilium/ebpf %s constants checked: %d", kind, counts[kind])
	}
}

// TestCiliumFeatureMatrices compares the minimum versions in cilium/ebpf's
// feature matrices (features.HaveMapType and friends) with the data: they
// agree, or the entry's note says why not.
func TestCiliumFeatureMatrices(t *testing.T) {
	db := mustDB(t)
	matrixKinds := map[string]kernelspec.Kind{
		"github.com/cilium/ebpf.MapType":           kernelspec.MapType,
		"github.com/cilium/ebpf.ProgramType":       kernelspec.ProgramType,
		"github.com/cilium/ebpf/features.MapFlags": kernelspec.Flag,
	}
	checked := 0
	for _, pkg := range loadCilium(t, "github.com/cilium/ebpf/features") {
		for _, file := range pkg.Syntax {
			ast.Inspect(file, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok {
					return true
				}
				named, ok := pkg.TypesInfo.TypeOf(lit).(*types.Named)
				if !ok || named.Obj().Name() != "FeatureMatrix" || named.TypeArgs().Len() != 1 {
					return true
				}
				keyType := named.TypeArgs().At(0).(*types.Named)
				kind, ok := matrixKinds[keyType.Obj().Pkg().Path()+"."+keyType.Obj().Name()]
				if !ok {
					t.Errorf("unknown feature matrix over %s", keyType)
					return false
				}
				for _, elt := range lit.Elts {
					kv := elt.(*ast.KeyValueExpr)
					v, _ := constant.Uint64Val(pkg.TypesInfo.Types[kv.Key].Value)
					version := matrixVersion(t, kv.Value)
					checked++
					compareMinimum(t, db, kind, v, version, pkg.Fset.Position(kv.Pos()).String())
				}
				return false
			})
		}
	}
	if checked < 50 {
		t.Errorf("checked only %d feature matrix entries: the enumeration is broken", checked)
	}
	t.Logf("cilium/ebpf feature matrix entries checked: %d", checked)
}

func matrixVersion(t *testing.T, e ast.Expr) string {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return ""
	}
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Version" {
				if bl, ok := kv.Value.(*ast.BasicLit); ok {
					s, err := strconv.Unquote(bl.Value)
					if err != nil {
						t.Fatal(err)
					}
					return s
				}
			}
		}
	}
	return ""
}

func compareMinimum(t *testing.T, db *kernelspec.DB, kind kernelspec.Kind, value uint64, version, where string) {
	t.Helper()
	var f *kernelspec.Feature
	for _, c := range db.ByValue(kind, value) {
		if c.AliasOf == "" && (kind != kernelspec.Flag || contains(c.Fields, "BPF_MAP_CREATE.map_flags")) {
			f = c
		}
	}
	if f == nil {
		t.Errorf("%s: cilium/ebpf has %s %d; the specs do not", where, kind, value)
		return
	}
	v, err := kernelspec.ParseVersion(version)
	if err != nil {
		t.Errorf("%s: %v", where, err)
		return
	}
	if v.Release() != f.Since() && !strings.Contains(strings.ToLower(f.Introduced().Note), "cilium") {
		t.Errorf("%s: cilium/ebpf says %s needs %s, the specs say %s (%s); fix one, or say why in the entry's note", where, f.Name, v, f.Since(), f.Introduced().Position())
	}
}

func stringLit(e ast.Expr) string {
	if bl, ok := e.(*ast.BasicLit); ok {
		if s, err := strconv.Unquote(bl.Value); err == nil {
			return s
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ciliumFeatureTest is one of cilium/ebpf's named feature tests and the
// feature of ours it checks (testdata/cilium-feature-tests.yaml).
type ciliumFeatureTest struct {
	Name    string `yaml:"name"`
	Version string `yaml:"version"`
	Feature string `yaml:"feature"`
	Note    string `yaml:"note"`
}

// TestCiliumFeatureTests finds every internal.NewFeatureTest in cilium/ebpf
// and checks that the table maps it to a feature whose release agrees with
// cilium's stated minimum, or says why not.
func TestCiliumFeatureTests(t *testing.T) {
	db := mustDB(t)
	data, err := os.ReadFile("testdata/cilium-feature-tests.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var table []ciliumFeatureTest
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&table); err != nil {
		t.Fatal(err)
	}
	byName := map[string]ciliumFeatureTest{}
	for _, e := range table {
		byName[e.Name] = e
	}
	// Every non-test file of the module, parsed on its own: the feature
	// tests' names and versions are string literals.
	dir := loadCilium(t, "github.com/cilium/ebpf")[0].Module.Dir
	fset := token.NewFileSet()
	found := 0
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "NewFeatureTest" || len(call.Args) < 3 {
				return true
			}
			name, version := stringLit(call.Args[0]), stringLit(call.Args[2])
			found++
			where := fset.Position(call.Pos()).String()
			e, ok := byName[name]
			if !ok {
				t.Errorf("%s: cilium/ebpf feature test %q (%s) is not in testdata/cilium-feature-tests.yaml", where, name, version)
				return true
			}
			if e.Version != version {
				t.Errorf("%s: feature test %q says %s; the table says %s", where, name, version, e.Version)
			}
			f := db.Find(e.Feature)
			if f == nil {
				t.Errorf("%s: feature test %q maps to unknown feature %q", where, name, e.Feature)
				return true
			}
			v, err := kernelspec.ParseVersion(version)
			if err != nil {
				t.Errorf("%s: %v", where, err)
				return true
			}
			if v.Release() != f.Since() && e.Note == "" && !strings.Contains(strings.ToLower(f.Introduced().Note), "cilium") {
				t.Errorf("%s: feature test %q needs %s, but %s is dated %s (%s); say why in a note", where, name, v, f.Name, f.Since(), f.Introduced().Position())
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 20 {
		t.Errorf("found only %d feature tests: the enumeration is broken", found)
	}
	t.Logf("cilium/ebpf feature tests checked: %d", found)
}
