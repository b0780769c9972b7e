package analyzer

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// kernelVersionFact says which results of an exported function hold the
// running kernel's version, and which part of it: an importer compares
// them as if it had read the version itself (major, minor, _, err :=
// linux.GetCurrentKernelVersion(); if major > 5 || ...).
type kernelVersionFact struct {
	Results []kernelVersionResult
}

// kernelVersionResult is one result: a part (a versionPart), or the parts
// in a struct's fields, sorted by name (a fact's encoding must not vary).
type kernelVersionResult struct {
	Part   uint8
	Fields []kernelVersionField
}

type kernelVersionField struct {
	Name string
	Part uint8
}

func (*kernelVersionFact) AFact() {}

var partNames = map[versionPart]string{
	partRelease: "release", partBanner: "/proc/version", partCode: "version code",
	partMajor: "major", partMinor: "minor", partPatch: "patch",
}

func (f *kernelVersionFact) String() string {
	var what []string
	for i, r := range f.Results {
		switch {
		case r.Part != 0:
			what = append(what, fmt.Sprintf("%d: %s", i, partNames[versionPart(r.Part)]))
		case len(r.Fields) > 0:
			var fields []string
			for _, f := range r.Fields {
				fields = append(fields, f.Name+" "+partNames[versionPart(f.Part)])
			}
			what = append(what, fmt.Sprintf("%d: {%s}", i, strings.Join(fields, ", ")))
		}
	}
	return "kernel version in results " + strings.Join(what, "; ")
}

// kernelPartOnly reports whether v is a part of the kernel's version
// that a fact can carry.
func kernelPartOnly(v versionValue) bool {
	return v.part != partNone && v.known == nil && v.split == partNone && v.fields == nil && v.terms == nil
}

// exportVersionResults exports, for each exported function of the package
// that reads the kernel's version, which of its results hold it.
func (c *checker) exportVersionResults() {
	if !c.versions().reads {
		return
	}
	c.funcDecl(nil) // builds c.decls
	for fn, fd := range c.decls {
		if !fn.Exported() || fd.Body == nil || !c.readsVersion(fn) {
			continue
		}
		var fact kernelVersionFact
		carries := false
		for _, v := range c.returnedVersions(fd, fn.Signature(), versionEnv{}, 0) {
			var r kernelVersionResult
			switch {
			case kernelPartOnly(v):
				r.Part = uint8(v.part)
			case v.fields != nil:
				for name, f := range v.fields {
					if kernelPartOnly(f) {
						r.Fields = append(r.Fields, kernelVersionField{name, uint8(f.part)})
					}
				}
				slices.SortFunc(r.Fields, func(a, b kernelVersionField) int { return strings.Compare(a.Name, b.Name) })
			}
			carries = carries || r.Part != 0 || r.Fields != nil
			fact.Results = append(fact.Results, r)
		}
		if carries {
			c.pass.ExportObjectFact(fn, &fact)
		}
	}
}

// importedVersionResults are the values of a call of an imported
// function whose results hold the kernel's version.
func (c *checker) importedVersionResults(fn *types.Func) []versionValue {
	var fact kernelVersionFact
	if fn.Pkg() == c.pass.Pkg || !c.pass.ImportObjectFact(fn.Origin(), &fact) {
		return nil
	}
	out := make([]versionValue, len(fact.Results))
	for i, r := range fact.Results {
		if r.Part != 0 {
			out[i] = versionValue{part: versionPart(r.Part)}
			continue
		}
		if r.Fields != nil {
			out[i].fields = map[string]versionValue{}
			for _, f := range r.Fields {
				out[i].fields[f.Name] = versionValue{part: versionPart(f.Part)}
			}
		}
	}
	return out
}

// usesVersionResults reports whether the package calls an imported
// function whose results hold the kernel's version.
func (c *checker) usesVersionResults() bool {
	seen := map[*types.Func]bool{}
	for _, obj := range c.pass.TypesInfo.Uses {
		fn, ok := obj.(*types.Func)
		if !ok || seen[fn] || fn.Pkg() == nil || fn.Pkg() == c.pass.Pkg || !fn.Exported() {
			continue
		}
		seen[fn] = true
		if c.pass.ImportObjectFact(fn.Origin(), new(kernelVersionFact)) {
			return true
		}
	}
	return false
}

// versionOfArgs reads a call's constant arguments args as the major,
// minor and patch numbers of a version: AtLeast(5, 8).
func (c *checker) versionOfArgs(call *ast.CallExpr, args []int) (kernelspec.Version, bool) {
	var n [3]int
	for k, i := range args {
		if i >= len(call.Args) || k >= len(n) {
			return kernelspec.Version{}, false
		}
		tv := c.pass.TypesInfo.Types[call.Args[i]]
		if tv.Value == nil {
			return kernelspec.Version{}, false
		}
		x, ok := constant.Int64Val(constant.ToInt(tv.Value))
		if !ok || x < 0 {
			return kernelspec.Version{}, false
		}
		n[k] = int(x)
	}
	return kernelspec.Version{Major: n[0], Minor: n[1], Patch: n[2]}, n[0] > 0
}

// parseVersionArgs reads a check directive's argI.argJ[.argK]: the
// arguments of fn that hold the major, minor and patch numbers of the
// version its result proves, integers all.
func parseVersionArgs(what string, fn *types.Func) ([]int, error) {
	words := strings.Split(what, ".")
	params := fn.Signature().Params()
	if len(words) < 2 || len(words) > 3 {
		return nil, fmt.Errorf("%q: want the arguments of the major, minor and optionally patch numbers, argI.argJ[.argK]", what)
	}
	var args []int
	for _, w := range words {
		n, err := strconv.Atoi(strings.TrimPrefix(w, "arg"))
		if !strings.HasPrefix(w, "arg") || err != nil || n < 0 || n >= params.Len() || slices.Contains(args, n) {
			return nil, fmt.Errorf("%q: %q is not another argument of %s", what, w, fn.Name())
		}
		if b, ok := params.At(n).Type().Underlying().(*types.Basic); !ok || b.Info()&types.IsInteger == 0 {
			return nil, fmt.Errorf("%q: argument %d of %s is not an integer", what, n, fn.Name())
		}
		args = append(args, n)
	}
	return args, nil
}

// versionArgsString names the arguments of a version's numbers: "0.1".
func versionArgsString(args []int) string {
	words := make([]string, len(args))
	for k, i := range args {
		words[k] = strconv.Itoa(i)
	}
	return strings.Join(words, ".")
}
