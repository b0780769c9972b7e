package analyzer

import (
	"go/ast"
	"go/types"
	"path/filepath"
	"slices"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// An object loaded by an exported function that hands the load's failure
// on to its callers, its last result an error and no fallback of its own,
// is theirs to decide: what the object needs becomes the function's
// requirement, a fact, checked at each call with the caller's guards and
// fallbacks, and it is not reported where it is loaded. cilium's
// loader.LoadSockTerm returns the load's error; two calls up, in another
// package, NewSocketDestroyer falls back to netlink on ErrNotSupported.
// Reported once, where it is decided (issue 15 item 3): a function that
// gives up or keeps the failure to itself is where it is reported.

// objectDecidedByCallers makes the features an object loaded at node
// needs, missing on a target, the requirement of the exported function
// around node, and reports whether its callers now decide them all.
func (c *checker) objectDecidedByCallers(node ast.Node, missing []*kernelspec.Feature, obj *loadedObject, proven proof) bool {
	if c.inferred == nil || c.api.Packages[c.pass.Pkg.Path()] {
		return false
	}
	fn := c.exportedFuncAround(node)
	if fn == nil || c.returnsObject(node) {
		return false
	}
	results := fn.Signature().Results()
	errorType := types.Universe.Lookup("error").Type()
	if results.Len() == 0 || !types.Identical(results.At(results.Len()-1).Type(), errorType) {
		return false // no error to hand on: the callers cannot tell it failed
	}
	c.noteUnguarded(use{node: node, features: missing, via: filepath.Base(obj.path)}, proven)
	req := c.inferred[fn]
	return req != nil && !slices.ContainsFunc(missing, func(f *kernelspec.Feature) bool {
		return !slices.Contains(req.Features, f.Name)
	})
}

// returnsObject reports whether the function around the load at node
// returns what it loaded, a spec its callers load: its success then says
// nothing of the kernel, and the callers' loads are out of sight, so the
// object is reported where it is read. (opentelemetry-ebpf-profiler's
// support.LoadCollectionSpec returns the embedded spec for the tracer to
// rewrite and load.)
func (c *checker) returnsObject(node ast.Node) bool {
	path := c.pathTo(node)
	var held *types.Var
walk:
	for i := 1; i < len(path); i++ {
		switch n := path[i].(type) {
		case *ast.ParenExpr, *ast.SelectorExpr:
			continue
		case *ast.CallExpr:
			if n.Fun == path[i-1] {
				continue // node names the loader
			}
		case *ast.ReturnStmt:
			return true
		case *ast.AssignStmt:
			if len(n.Lhs) > 0 {
				if id, ok := ast.Unparen(n.Lhs[0]).(*ast.Ident); ok {
					held, _ = c.pass.TypesInfo.ObjectOf(id).(*types.Var)
				}
				if held != nil && types.Implements(held.Type(), errorInterface()) {
					held = nil // the load's error, not what it loaded
				}
			}
		}
		break walk
	}
	if held == nil {
		return false
	}
	fd := c.funcDeclAt(node.Pos())
	if fd == nil || fd.Body == nil {
		return false
	}
	returned := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if ret, ok := n.(*ast.ReturnStmt); ok {
			for _, r := range ret.Results {
				returned = returned || c.mentions(r, held)
			}
		}
		return !returned
	})
	return returned
}

// exportedFuncAround is the declared function whose body holds node
// directly, not inside a function literal, if it is exported.
func (c *checker) exportedFuncAround(node ast.Node) *types.Func {
	for _, n := range c.pathTo(node) {
		switch n := n.(type) {
		case *ast.FuncLit:
			return nil
		case *ast.FuncDecl:
			fn, ok := c.pass.TypesInfo.Defs[n.Name].(*types.Func)
			if !ok || !fn.Exported() {
				return nil
			}
			return fn
		}
	}
	return nil
}

func errorInterface() *types.Interface {
	return types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
}
