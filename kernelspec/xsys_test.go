package kernelspec_test

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"os"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// xsysEnums names the first enumerator of each kernel enum that x/sys
// generates: the enum's constants follow it in source order, numbered on
// from zero, which is how the test finds them all without a list.
var xsysEnums = map[string]kernelspec.Kind{
	"BPF_MAP_CREATE":          kernelspec.Command,
	"BPF_MAP_TYPE_UNSPEC":     kernelspec.MapType,
	"BPF_PROG_TYPE_UNSPEC":    kernelspec.ProgramType,
	"BPF_CGROUP_INET_INGRESS": kernelspec.AttachType,
	"BPF_LINK_TYPE_UNSPEC":    kernelspec.LinkType,
}

// TestXSysConstants checks that every BPF command, map, program, attach and
// link type and every flag that golang.org/x/sys/unix defines has an entry
// with the same value: x/sys is generated from a released kernel's headers.
func TestXSysConstants(t *testing.T) {
	pkgs, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo,
		Env:  append(os.Environ(), "GOOS=linux", "GOARCH=amd64"),
	}, "golang.org/x/sys/unix")
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("cannot load golang.org/x/sys/unix")
	}
	pkg := pkgs[0]
	db := mustDB(t)

	// Constants in source order.
	var consts []*types.Const
	for _, f := range pkg.Syntax {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				for _, name := range spec.(*ast.ValueSpec).Names {
					if c, ok := pkg.TypesInfo.Defs[name].(*types.Const); ok {
						consts = append(consts, c)
					}
				}
			}
		}
	}
	value := func(c *types.Const) uint64 {
		v, _ := constant.Uint64Val(c.Val())
		return v
	}
	check := func(kind kernelspec.Kind, c *types.Const) {
		f := db.Lookup(kind, c.Name())
		switch {
		case f == nil:
			t.Errorf("x/sys has %s %s = %#x; the specs do not", kind, c.Name(), value(c))
		case f.Value != value(c):
			t.Errorf("x/sys has %s %s = %#x; the specs say %#x (%s)", kind, c.Name(), value(c), f.Value, f.Introduced().Position())
		}
	}
	counts := map[kernelspec.Kind]int{}
	for i, c := range consts {
		kind, ok := xsysEnums[c.Name()]
		if !ok {
			continue
		}
		prev := value(c)
		for _, d := range consts[i:] {
			v := value(d)
			if d != c && v != prev && v != prev+1 {
				break // the next enum starts
			}
			check(kind, d)
			counts[kind]++
			prev = v
		}
	}
	for _, c := range consts {
		if strings.HasPrefix(c.Name(), "BPF_F_") {
			check(kernelspec.Flag, c)
			counts[kernelspec.Flag]++
		}
	}
	for _, kind := range []kernelspec.Kind{kernelspec.Command, kernelspec.MapType, kernelspec.ProgramType, kernelspec.AttachType, kernelspec.LinkType, kernelspec.Flag} {
		if counts[kind] < 5 {
			t.Errorf("found only %d x/sys constants of kind %s: the enumeration is broken", counts[kind], kind)
		}
		t.Logf("x/sys %s constants checked: %d", kind, counts[kind])
	}
}
