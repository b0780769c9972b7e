package analyzer

import (
	"fmt"
	"go/types"
	"slices"
	"strings"
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
