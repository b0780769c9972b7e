package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strings"
)

// A function that takes a *ebpf.CollectionSpec and loads it into the
// kernel — `func Load(spec *ebpf.CollectionSpec) error { _, err :=
// ebpf.NewCollection(spec); ... }` — is where a spec its caller obtained
// can fail for want of a feature. In its own package specLoads sees
// through it; for importers, specLoaderFact says which of its parameters
// it loads, so that a caller's guards before the call and fallbacks after
// it count for the spec it passes, as for a load of the library's.

// specLoaderFact marks a function that loads into the kernel the specs
// its parameters Params (indexes) hold.
type specLoaderFact struct {
	Params []int
}

func (*specLoaderFact) AFact() {}

func (f *specLoaderFact) String() string {
	args := make([]string, len(f.Params))
	for i, p := range f.Params {
		args[i] = fmt.Sprint(p + 1)
	}
	return "loads its spec argument " + strings.Join(args, ", ")
}

// exportSpecLoaders makes this package's exported functions that load a
// spec parameter into the kernel known to importers.
func (c *checker) exportSpecLoaders() {
	for _, f := range c.pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok || !fn.Exported() {
				continue
			}
			params := fn.Signature().Params()
			fact := &specLoaderFact{}
			for i := range params.Len() {
				if c.isCollectionSpec(params.At(i).Type()) && len(c.specLoads(fd.Body, params.At(i), true)) > 0 {
					fact.Params = append(fact.Params, i)
				}
			}
			if len(fact.Params) > 0 {
				c.pass.ExportObjectFact(fn, fact)
			}
		}
	}
}

// loadsSpecArgument reports whether call, of fn of another package,
// loads the spec v holds into the kernel.
func (c *checker) loadsSpecArgument(call *ast.CallExpr, fn *types.Func, v types.Object) bool {
	var fact specLoaderFact
	if fn.Pkg() == nil || fn.Pkg() == c.pass.Pkg || !c.pass.ImportObjectFact(fn.Origin(), &fact) {
		return false
	}
	return slices.ContainsFunc(fact.Params, func(i int) bool { return i < len(call.Args) && c.isVar(call.Args[i], v) })
}
