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
)

// Where the running kernel's version comes from: uname(2), the files that
// hold the release, and the API map's version_codes
// (features.LinuxVersionCode). A package that reads none of them has no
// version helper, and is decided without reading its functions.

// releaseFiles are the files that hold the running kernel's release.
var releaseFiles = map[string]versionPart{
	"/proc/sys/kernel/osrelease": partRelease,
	"/proc/version":              partBanner,
}

// isUnameRelease recognises u.Release, u being the Utsname a uname(2)
// call of the function fills.
func (c *checker) isUnameRelease(e *ast.SelectorExpr) bool {
	if e.Sel.Name != "Release" {
		return false
	}
	named, ok := types.Unalias(deref(c.pass.TypesInfo.TypeOf(e.X))).(*types.Named)
	if !ok || named.Obj().Name() != "Utsname" || named.Obj().Pkg() == nil || !unamePackages[named.Obj().Pkg().Path()] {
		return false
	}
	fd := c.funcDeclAt(e.Pos())
	return fd != nil && c.callsUname(fd.Body)
}

// unamePackages are the packages whose Uname fills a Utsname with the
// running kernel's release.
var unamePackages = map[string]bool{
	"golang.org/x/sys/unix":                true,
	"syscall":                              true,
	"github.com/cilium/ebpf/internal/unix": true,
}

func isUname(fn *types.Func) bool {
	return fn.Name() == "Uname" && fn.Pkg() != nil && unamePackages[fn.Pkg().Path()]
}

func (c *checker) callsUname(body *ast.BlockStmt) bool {
	return c.anyCall(body, func(_ *ast.CallExpr, fn *types.Func) bool { return isUname(fn) })
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
	if isUname(fn) || c.api.VersionCodes[c.key(fn)] || c.importedVersionResults(fn) != nil {
		return true
	}
	if path := fn.Pkg().Path(); fn.Name() == "ReadFile" && (path == "os" || path == "io/ioutil") && len(call.Args) == 1 {
		if tv := c.pass.TypesInfo.Types[call.Args[0]]; tv.Value != nil && tv.Value.Kind() == constant.String {
			return releaseFiles[constant.StringVal(tv.Value)] != partNone
		}
	}
	return false
}

// readsKernelVersion reports whether a package may read the running
// kernel's version: it uses a Uname of the low-level packages or a
// function of versionCodes (the API map's, by package), or it reads a
// file and names one that holds the release. Cheap: its imports first,
// then the type checker's uses of those, and the string literals only of
// packages that read files.
func readsKernelVersion(pkg *types.Package, info *types.Info, files []*ast.File, versionCodes map[string]map[string]bool) bool {
	sources := map[*types.Package]bool{}
	for _, imp := range pkg.Imports() {
		switch path := imp.Path(); {
		case unamePackages[path], path == "os", path == "io/ioutil", versionCodes[path] != nil:
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
		path := fn.Pkg().Path()
		switch {
		case isUname(fn), versionCodes[path][fn.Name()]:
			return true
		case fn.Name() == "ReadFile" && (path == "os" || path == "io/ioutil"):
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
				found = found || err == nil && releaseFiles[s] != partNone
			}
			return !found
		})
	}
	return found
}

// mayBeVersionHelper is relevant's last question, for a package nothing
// else makes relevant: outside the standard library (whose kernel-version
// helper is internal), does it read the kernel's version?
func mayBeVersionHelper(pass *analysis.Pass) bool {
	first, _, _ := strings.Cut(pass.Pkg.Path(), "/")
	if pass.Module == nil && !strings.Contains(first, ".") {
		return false
	}
	return readsKernelVersion(pass.Pkg, pass.TypesInfo, pass.Files, nil)
}
