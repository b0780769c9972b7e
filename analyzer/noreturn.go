package analyzer

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/flow"
)

// A call that never returns ends its path: `if err != nil { die(err) }`
// is an early exit like a return, whichever package die is in. The
// functions that never return are inferred as the ctrlflow pass does
// (which cannot be required: it does not run on packages with type
// errors), from the API map's exits (os.Exit, log.Fatal, ...) and panic,
// and exported as facts, so that a project's own die() in another
// package counts too.

// noReturnFact marks a function none of whose paths returns.
type noReturnFact struct{}

func (*noReturnFact) AFact() {}

func (*noReturnFact) String() string { return "noReturn" }

// exitsFact marks a package with functions that never return: a package
// that calls them may have its own.
type exitsFact struct{}

func (*exitsFact) AFact() {}

func (*exitsFact) String() string { return "has functions that never return" }

// exits answers, for the functions a package calls, whether they never
// return: the API map's exits and the facts of the packages it imports.
type exits struct {
	pass  *analysis.Pass
	known map[string]bool // the API map's exits, by funcKey
	memo  map[*types.Func]bool
}

func newExits(pass *analysis.Pass, known map[string]bool) *exits {
	return &exits{pass: pass, known: known, memo: map[*types.Func]bool{}}
}

// imported reports whether fn, of another package, never returns.
func (e *exits) imported(fn *types.Func) bool {
	fn = fn.Origin()
	never, ok := e.memo[fn]
	if !ok {
		never = e.known[funcKey(fn)] || fn.Pkg() != nil && fn.Pkg() != e.pass.Pkg && e.pass.ImportObjectFact(fn, new(noReturnFact))
		e.memo[fn] = never
	}
	return never
}

// infer finds the package's functions that never return and exports
// those other packages can call.
func (e *exits) infer(decls map[*types.Func]*ast.FuncDecl) map[*types.Func]bool {
	found := flow.NoReturn(e.pass.TypesInfo, decls, e.imported)
	if e.pass.Pkg.Name() == "main" || standard(e.pass) {
		// Nothing imports a main package; the standard library's exits
		// are the API map's, and drivers read it from export data.
		return found
	}
	exported := false
	for fn := range found {
		// Only an exported name is called from another package.
		if fn.Exported() {
			e.pass.ExportObjectFact(fn, new(noReturnFact))
			exported = true
		}
	}
	if exported {
		e.pass.ExportPackageFact(new(exitsFact))
	}
	return found
}

// exportNoReturns is the fast path's share of the inference: a package
// that selects no BPF feature still exports the functions of it that
// never return, when it calls an exit of the API map or of an imported
// package. (One whose functions only panic is not looked at: most
// packages are not, and the walk would cost every one of them.)
func (s *state) exportNoReturns(pass *analysis.Pass) {
	if standard(pass) {
		return
	}
	calls := false
	for _, imp := range pass.Pkg.Imports() {
		if s.index.ExitPkgs[imp.Path()] || pass.ImportPackageFact(imp, new(exitsFact)) {
			calls = true
			break
		}
	}
	if !calls {
		return
	}
	decls := map[*types.Func]*ast.FuncDecl{}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					decls[fn] = fd
				}
			}
		}
	}
	newExits(pass, s.index.Exits).infer(decls)
}

// standard reports whether the package is the standard library's: no
// module path (drivers give it none, an empty one, or "std"), and no dot
// in its path's first element.
func standard(pass *analysis.Pass) bool {
	first, _, _ := strings.Cut(pass.Pkg.Path(), "/")
	return (pass.Module == nil || pass.Module.Path == "" || pass.Module.Path == "std") && !strings.Contains(first, ".")
}
