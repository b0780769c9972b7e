package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/specs"
)

// APIMap is the merged, validated content of the API map files
// (specs/api/*.yaml): which Go symbols select which kernel features.
type APIMap = apimap.Map

// LoadAPIMap reads every *.yaml file at the top of fsys and checks each
// feature name it mentions against db.
func LoadAPIMap(fsys fs.FS, db *kernelspec.DB) (*APIMap, error) {
	return apimap.Load(fsys, db)
}

// embeddedAPI is the embedded API map files, parsed once per process: the
// fast path's index and every analyzer's resolved map are built from it.
var embeddedAPI = sync.OnceValues(func() (*apimap.Files, error) {
	return apimap.Parse(specs.API())
})

// sharedAPIMap is the embedded API map resolved against the embedded
// specs, once per process: every analyzer (New) shares it, read-only.
var sharedAPIMap = sync.OnceValues(func() (*apimap.Map, error) {
	db, err := kernelspec.Embedded()
	if err != nil {
		return nil, err
	}
	files, err := embeddedAPI()
	if err != nil {
		return nil, err
	}
	return files.Resolve(db)
})

// libraryVersionFact records, on a package of a mapped library's module,
// the module version it was built from, so that code importing it can be
// told when the API map describes another version.
type libraryVersionFact struct {
	Module, Version string
}

func (*libraryVersionFact) AFact() {}

func (f *libraryVersionFact) String() string { return f.Module + "@" + f.Version }

// exportLibraryVersion marks a package of a mapped library's module with
// the module's version. It runs before the fast path: every package of the
// module carries it, whatever it imports.
func (s *state) exportLibraryVersion(pass *analysis.Pass) {
	if pass.Module == nil || pass.Module.Version == "" {
		return // the main module, a workspace or a replacement: no version to compare
	}
	if _, mapped := s.index.Modules[pass.Module.Path]; mapped {
		pass.ExportPackageFact(&libraryVersionFact{Module: pass.Module.Path, Version: pass.Module.Version})
	}
}

// versionNotedFact marks a package where, or below which, the version
// note for these modules was given: packages above it are not told again.
type versionNotedFact struct {
	Modules []string
}

func (*versionNotedFact) AFact() {}

func (f *versionNotedFact) String() string { return "noted " + strings.Join(f.Modules, ", ") }

// checkLibraryVersions notes an import of a mapped library built from
// another version than its API map describes: what the map says of its API
// (which calls need which features, what it fixes up in objects) may not
// hold for that version. The note is given once, at the first import, in
// the lowest packages that import the module: a package one of whose
// imports was told is not told again.
func (c *checker) checkLibraryVersions(modules map[string]string) {
	var noted []string
	for _, imp := range c.pass.Pkg.Imports() {
		var fact versionNotedFact
		if c.pass.ImportPackageFact(imp, &fact) {
			for _, m := range fact.Modules {
				if !slices.Contains(noted, m) {
					noted = append(noted, m)
				}
			}
		}
	}
	for _, f := range c.pass.Files {
		for _, spec := range f.Imports {
			pkg := importedPackage(c.pass, spec)
			if pkg == nil {
				continue
			}
			var fact libraryVersionFact
			if !c.pass.ImportPackageFact(pkg, &fact) || slices.Contains(noted, fact.Module) {
				continue
			}
			want := modules[fact.Module]
			if want == "" || fact.Version == want || c.pass.Module != nil && c.pass.Module.Path == fact.Module {
				continue
			}
			noted = append(noted, fact.Module)
			c.pass.Report(analysis.Diagnostic{Pos: spec.Pos(), End: spec.End(), Category: "api_version",
				Message: fmt.Sprintf("the API map describes %s %s, but this package is built with %s: what it says of the library's calls and object fixups may not hold", fact.Module, want, fact.Version)})
		}
	}
	if len(noted) > 0 {
		c.pass.ExportPackageFact(&versionNotedFact{Modules: noted})
	}
}

// importedPackage is the package an import spec names.
func importedPackage(pass *analysis.Pass, spec *ast.ImportSpec) *types.Package {
	var obj types.Object
	if spec.Name != nil {
		obj = pass.TypesInfo.Defs[spec.Name]
	} else {
		obj = pass.TypesInfo.Implicits[spec]
	}
	if pn, ok := obj.(*types.PkgName); ok {
		return pn.Imported()
	}
	return nil
}
