package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
)

// A value handed to a function of this package is used where the function
// uses its parameter: hasTCXLinks(dev, ebpf.AttachTCXIngress) queries with
// the attach type and takes EINVAL, what a kernel without tcx answers, as
// "none". The constant at the call is then covered as it would be written
// inline in the query: the callee falls back where the use fails. A
// parameter is tried, and falls back, when every place the body reads it
// either only mentions it (compares it, names it in an error message) or
// uses it where the flow engine finds a fallback, directly or by passing
// it on to another function of this package whose parameter is tried.

// triedByCallee reports whether the use at the head of path is an argument
// of a call to a function of this package that tries the parameter and
// falls back.
func (c *checker) triedByCallee(path []ast.Node) bool {
	call, index := argumentOf(c.pass.TypesInfo, path)
	if call == nil {
		return false
	}
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() == nil {
		return false
	}
	if fn.Pkg() != c.pass.Pkg {
		var fact triedParamsFact
		return c.pass.ImportObjectFact(fn.Origin(), &fact) && slices.Contains(fact.Params, index)
	}
	return c.paramTried(fn.Origin(), index)
}

// triedParamsFact lists the parameters, of a type whose constants select
// features, that an exported function tries and falls back on where they
// fail: a constant passed there from another package is covered.
type triedParamsFact struct {
	Params []int
}

func (*triedParamsFact) AFact() {}

func (f *triedParamsFact) String() string {
	return fmt.Sprintf("falls back where argument %v fails", strings.Trim(fmt.Sprint(f.Params), "[]"))
}

// exportTriedParams exports, for this package's exported functions, the
// parameters of a mapped type they try and fall back on; it reports
// whether there were any.
func (c *checker) exportTriedParams() bool {
	if c.api.Packages[c.pass.Pkg.Path()] {
		return false // a mapped library: the API map says what its calls need
	}
	exported := false
	c.funcDecl(nil) // builds c.decls
	for fn := range c.decls {
		if !fn.Exported() {
			continue
		}
		var fact triedParamsFact
		params := fn.Signature().Params()
		for i := range params.Len() {
			if c.typeRule(params.At(i).Type()) != nil && c.paramTried(fn, i) {
				fact.Params = append(fact.Params, i)
			}
		}
		if len(fact.Params) > 0 {
			c.pass.ExportObjectFact(fn, &fact)
			exported = true
		}
	}
	return exported
}

// argumentOf finds the call that the expression at the head of path is an
// argument of, through parentheses and conversions, and its index there.
func argumentOf(info *types.Info, path []ast.Node) (*ast.CallExpr, int) {
	if len(path) == 0 {
		return nil, 0
	}
	child := path[0]
	for _, n := range path[1:] {
		switch n := n.(type) {
		case *ast.ParenExpr:
			child = n
			continue
		case *ast.CallExpr:
			if tv, ok := info.Types[n.Fun]; ok && tv.IsType() {
				child = n // a conversion: where its result goes decides
				continue
			}
			for i, arg := range n.Args {
				if arg == child {
					if n.Ellipsis.IsValid() {
						return nil, 0 // f(xs...): the parameter is a slice
					}
					return n, i
				}
			}
		}
		return nil, 0
	}
	return nil, 0
}

// paramTried reports whether fn reads its parameter index only where a
// failure of that use falls back, or only to mention it.
func (c *checker) paramTried(fn *types.Func, index int) bool {
	key := resultKey{fn, index}
	if tried, done := c.triedParams[key]; done {
		return tried
	}
	c.triedParams[key] = false // a recursive call proves nothing more
	tried := c.readsOnlyTried(fn, index)
	c.triedParams[key] = tried
	return tried
}

func (c *checker) readsOnlyTried(fn *types.Func, index int) bool {
	sig := fn.Signature()
	if index >= sig.Params().Len() || sig.Variadic() && index == sig.Params().Len()-1 {
		return false
	}
	v := sig.Params().At(index)
	fd := c.funcDecl(fn)
	if fd == nil || fd.Body == nil {
		return false
	}
	rule := c.typeRule(v.Type())
	read := false
	tried := true
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if !tried {
			return false
		}
		id, ok := n.(*ast.Ident)
		if !ok || c.pass.TypesInfo.Uses[id] != v {
			return true
		}
		read = true
		path := c.pathTo(id)
		switch {
		case c.onlyMentions(path, rule):
		case inFuncLit(path):
			tried = false // runs out of the body's flow
		case c.fallsBackHere(id), c.triedByCallee(path):
		default:
			tried = false
		}
		return true
	})
	return read && tried
}

// onlyMentions reports whether the read at the head of path selects
// nothing: compared, switched on, or an argument of a function that makes
// an error message of it (the API map's error_makers).
func (c *checker) onlyMentions(path []ast.Node, rule *apimap.TypeRule) bool {
	for i, n := range path[1:] {
		if call, ok := n.(*ast.CallExpr); ok && call.Fun != path[i] {
			if fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func); ok && c.api.ErrorMakers[c.key(fn)] {
				return true
			}
		}
		if _, ok := n.(ast.Stmt); ok {
			break
		}
	}
	stack := make([]ast.Node, 0, len(path)-1)
	for i := len(path) - 1; i > 0; i-- {
		stack = append(stack, path[i])
	}
	e, ok := path[0].(ast.Expr)
	return ok && !c.selects(e, stack, rule)
}

// inFuncLit reports whether path passes through a function literal before
// its declaration.
func inFuncLit(path []ast.Node) bool {
	for _, n := range path {
		switch n.(type) {
		case *ast.FuncLit:
			return true
		case *ast.FuncDecl:
			return false
		}
	}
	return false
}
