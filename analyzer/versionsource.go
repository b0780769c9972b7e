package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
)

// Where the running kernel's version comes from: uname(2), the files that
// hold the release (the API map's uname_functions, file_readers and
// release_files), and its version_codes (features.LinuxVersionCode). A package that reads none of them has no
// version helper, and is decided without reading its functions.

// releasePart is what a release file holds, as a part of the version.
func releasePart(src *apimap.VersionSources, path string) versionPart {
	switch src.ReleaseFiles[path] {
	case apimap.Release:
		return partRelease
	case apimap.Banner:
		return partBanner
	}
	return partNone
}

// isUnameRelease recognises u.Release, u being the Utsname a uname(2)
// call of the function fills.
func (c *checker) isUnameRelease(e *ast.SelectorExpr) bool {
	named, ok := types.Unalias(deref(c.pass.TypesInfo.TypeOf(e.X))).(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return false
	}
	field, ok := c.api.VersionSources.UnameRelease[named.Obj().Pkg().Path()+"."+named.Obj().Name()]
	if !ok || e.Sel.Name != field {
		return false
	}
	fd := c.funcDeclAt(e.Pos())
	return fd != nil && c.callsUname(fd.Body)
}

func (c *checker) callsUname(body *ast.BlockStmt) bool {
	return c.anyCall(body, func(_ *ast.CallExpr, fn *types.Func) bool { return c.api.VersionSources.Uname[c.key(fn)] != "" })
}

// readsVersion reports whether a function of the package reads the
// kernel's version, itself or through the package's functions it calls.
func (c *checker) readsVersion(fn *types.Func) bool {
	vs := c.versions()
	if !vs.reads {
		return false
	}
	if vs.readers == nil {
		vs.readers = map[*types.Func]bool{}
	}
	if r, seen := vs.readers[fn]; seen {
		return r
	}
	vs.readers[fn] = false // a cycle reads nothing by itself
	fd := c.funcDecl(fn)
	r := fd != nil && fd.Body != nil && c.callsVersionSource(fd.Body)
	vs.readers[fn] = r
	return r
}

// callsVersionSource reports whether body calls a source of the kernel's
// version, or a function of the package that reads one.
func (c *checker) callsVersionSource(body ast.Node) bool {
	return c.anyCall(body, func(call *ast.CallExpr, fn *types.Func) bool {
		return c.isVersionSource(call, fn) || fn.Origin().Pkg() == c.pass.Pkg && c.readsVersion(fn.Origin())
	})
}

// anyCall reports whether body calls a function that is.
func (c *checker) anyCall(body ast.Node, is func(*ast.CallExpr, *types.Func) bool) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && !found {
			fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
			found = ok && is(call, fn)
		}
		return !found
	})
	return found
}

// isVersionSource recognises a call that reads the running kernel's
// version: uname(2), a read of a file that holds it, or a function the
// API map lists (features.LinuxVersionCode).
func (c *checker) isVersionSource(call *ast.CallExpr, fn *types.Func) bool {
	if !c.versions().reads || fn.Pkg() == nil {
		return false // decided for the package at once: asked of every call
	}
	src := c.api.VersionSources
	if src.Uname[c.key(fn)] != "" || c.api.VersionCodes[c.key(fn)] || c.importedVersionResults(fn) != nil {
		return true
	}
	if src.FileReaders[c.key(fn)] && len(call.Args) >= 1 {
		if tv := c.pass.TypesInfo.Types[call.Args[0]]; tv.Value != nil && tv.Value.Kind() == constant.String {
			return releasePart(src, constant.StringVal(tv.Value)) != partNone
		}
	}
	return false
}

// readsKernelVersion reports whether a package may read the running
// kernel's version: it calls a uname function of src or a function of
// versionCodes (the API map's, by package), or it uses a file reader of
// src and names a file that holds the release. Cheap: its imports first,
// then the type checker's uses of those, and the string literals only of
// packages that read files.
func readsKernelVersion(pkg *types.Package, info *types.Info, files []*ast.File, src *apimap.VersionSources, versionCodes map[string]map[string]bool) bool {
	sources := map[*types.Package]bool{}
	for _, imp := range pkg.Imports() {
		if path := imp.Path(); src.Packages[path] || versionCodes[path] != nil {
			sources[imp] = true
		}
	}
	if len(sources) == 0 {
		return false
	}
	readsFiles := false
	for _, obj := range info.Uses {
		fn, ok := obj.(*types.Func)
		if !ok || !sources[fn.Pkg()] {
			continue
		}
		switch {
		case src.Uname[fn.FullName()] != "", versionCodes[fn.Pkg().Path()][fn.Name()]:
			return true
		case src.FileReaders[fn.FullName()]:
			readsFiles = true
		}
	}
	if !readsFiles {
		return false
	}
	found := false
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, err := strconv.Unquote(lit.Value)
				found = found || err == nil && releasePart(src, s) != partNone
			}
			return !found
		})
	}
	return found
}

// mayBeVersionHelper is relevant's last question, for a package nothing
// else makes relevant: outside the standard library (whose kernel-version
// helper is internal), does it read the kernel's version?
func mayBeVersionHelper(pass *analysis.Pass, src *apimap.VersionSources) bool {
	first, _, _ := strings.Cut(pass.Pkg.Path(), "/")
	if pass.Module == nil && !strings.Contains(first, ".") {
		return false
	}
	return readsKernelVersion(pass.Pkg, pass.TypesInfo, pass.Files, src, nil)
}
