package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// What a function writes of its arguments into a bpf(2) attr, the command
// and the field each goes to: a call passing a constant there selects it
// (rawprobes.go reads it at a probe's call), and one passing a value its
// test rejects writes nothing.

// attrArg is a parameter of a function that the function writes into a
// bpf(2) attr, or passes to a function that does.
type attrArg struct {
	param int
	path  string              // field path within the argument, "" for the argument itself
	cmd   *kernelspec.Feature // the command of the bpf(2) call
	field *kernelspec.Feature // the attr field it is written into
	when  paramTest           // the function's own test of the argument before writing it
}

// attrArgsOf returns what fn writes of its arguments into bpf(2) attrs,
// finding it for the whole package on the first question: callees first,
// so that a function passing its parameter to a wrapper that writes it
// has it too.
func (c *checker) attrArgsOf(fn *types.Func) []attrArg {
	if fn.Origin().Pkg() != c.pass.Pkg {
		return c.calleeAttrArgs(fn)
	}
	if c.attrArgs == nil {
		c.attrArgs = map[*types.Func][]attrArg{}
		c.calleesFirst(func(fn *types.Func) bool {
			fd := c.funcDecl(fn)
			if fd == nil || fd.Body == nil {
				return false
			}
			found := c.attrArgsIn(fn, fd)
			if len(found) == len(c.attrArgs[fn]) {
				return false // they only grow
			}
			c.attrArgs[fn] = found
			return true
		}, nil)
	}
	return c.attrArgs[fn.Origin()]
}

// attrArgsIn finds the parameters fn's body writes into the attr of a
// bpf(2) call, and those it passes where a callee does.
func (c *checker) attrArgsIn(fn *types.Func, fd *ast.FuncDecl) []attrArg {
	var out []attrArg
	add := func(a attrArg) {
		if !slices.ContainsFunc(out, func(b attrArg) bool { return a.param == b.param && a.path == b.path && a.field == b.field }) {
			out = append(out, a)
		}
	}
	info := c.pass.TypesInfo
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		callee, ok := typeutil.Callee(info, call).(*types.Func)
		if !ok {
			return true
		}
		if site, ok := c.bpfCallSite(call, callee); ok {
			cmd, _ := c.siteCommand(site)
			if cmd == nil {
				return true
			}
			for _, set := range c.attrFieldsSet(site) {
				field, _ := c.attrField(cmd, set)
				if field == nil || set.value == nil {
					continue
				}
				if param, path, ok := c.paramRooted(fn, set.value, 0); ok {
					when, _ := c.paramTestAround(set.value, fn, param)
					add(attrArg{param: param, path: path, cmd: cmd, field: field, when: when})
				}
			}
			return true
		}
		if callee.Origin().Pkg() != c.pass.Pkg || callee.Origin() == fn {
			return true
		}
		for _, a := range c.calleeAttrArgs(callee) {
			if a.param >= len(call.Args) {
				continue
			}
			param, path, ok := c.paramRooted(fn, call.Args[a.param], 0)
			if !ok {
				continue
			}
			when := a.when
			if path == "" {
				if own, tested := c.paramTestAround(call, fn, param); tested {
					when = own
				}
			}
			if path != "" && a.path != "" {
				path += "."
			}
			add(attrArg{param: param, path: path + a.path, cmd: a.cmd, field: a.field, when: when})
		}
		return true
	})
	return out
}

// attrCallOf returns the bpf(2) call that a constant inside stack
// (innermost last) is passed to in an attr: a field value of the literal
// the attr variable is given, or assigned to a field of it. Its guards
// and its fallback cover the constant, as they do the field.
func (c *checker) attrCallOf(stack []ast.Node) ast.Node {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.ParenExpr, *ast.BinaryExpr, *ast.KeyValueExpr, *ast.CompositeLit, *ast.UnaryExpr:
			continue
		case *ast.CallExpr:
			if tv, ok := c.pass.TypesInfo.Types[n.Fun]; ok && tv.IsType() {
				continue // a conversion
			}
		case *ast.AssignStmt:
			for _, lhs := range n.Lhs {
				if root := rootIdent(lhs); root != nil {
					if v, ok := c.pass.TypesInfo.ObjectOf(root).(*types.Var); ok {
						return c.onlyAttrCall(v)
					}
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == 1 {
				if v, ok := c.pass.TypesInfo.Defs[n.Names[0]].(*types.Var); ok {
					return c.onlyAttrCall(v)
				}
			}
		}
		return nil
	}
	return nil
}

// onlyAttrCall is the bpf(2) call v is passed to as the attr, if there is
// one only.
func (c *checker) onlyAttrCall(v *types.Var) ast.Node {
	if sites := c.attrSitesOf(v); len(sites) == 1 {
		return sites[0].call
	}
	return nil
}

// attrSitesOf lists the bpf(2) calls v is passed to as the attr, indexing
// the package's calls on the first question: the summaries ask it (what a
// field the kernel wrote assumes) before the report does.
func (c *checker) attrSitesOf(v *types.Var) []attrSite {
	if c.attrVars == nil {
		c.attrVars = map[*types.Var][]attrSite{}
		info := c.pass.TypesInfo
		for _, f := range c.pass.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				fn, ok := typeutil.Callee(info, call).(*types.Func)
				if !ok {
					return true
				}
				site, ok := c.bpfCallSite(call, fn)
				if !ok {
					return true
				}
				cmd, _ := c.siteCommand(site)
				if cmd == nil {
					return true
				}
				if id, ok := attrOperand(info, site.attr).(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok {
						c.attrVars[v] = append(c.attrVars[v], attrSite{cmd, call})
					}
				}
				return true
			})
		}
	}
	return c.attrVars[v]
}

// attrArgsFact is attrArgsOf for importers: a probe in another package
// that calls the function tries what it passes there.
type attrArgsFact struct {
	Args []attrArgEntry
}

type attrArgEntry struct {
	Param int
	Path  string
	Cmd   string // the command
	Field string // the attr field the argument is written into
	When  paramTest
}

func (*attrArgsFact) AFact() {}

func (f *attrArgsFact) String() string {
	parts := make([]string, len(f.Args))
	for i, a := range f.Args {
		arg := fmt.Sprintf("argument %d", a.Param)
		if a.Path != "" {
			arg += " field " + a.Path
		}
		if a.When.set() {
			arg += " " + a.When.String()
		}
		parts[i] = arg + " into " + a.Field
	}
	return "writes " + strings.Join(parts, ", ")
}

// calleeAttrArgs is what a callee writes of its arguments into attrs as
// known so far: this package's as the summary stands, another's from its
// fact.
func (c *checker) calleeAttrArgs(fn *types.Func) []attrArg {
	fn = fn.Origin()
	if fn.Pkg() == c.pass.Pkg {
		return c.attrArgs[fn]
	}
	if c.importedAttrArgs == nil {
		c.importedAttrArgs = map[*types.Func]*attrArgsFact{}
	}
	fact := importedFact(c.pass, c.importedAttrArgs, fn)
	if fact == nil {
		return nil
	}
	var out []attrArg
	for _, a := range fact.Args {
		cmd, field := c.db.Find(a.Cmd), c.db.Find(a.Field)
		if cmd != nil && field != nil {
			out = append(out, attrArg{param: a.Param, path: a.Path, cmd: cmd, field: field, when: a.When})
		}
	}
	return out
}

// exportAttrArgs exports what the package's exported functions write of
// their arguments into attrs, and reports whether it did.
func (c *checker) exportAttrArgs() bool {
	if c.isLibrary() {
		return false
	}
	exported := false
	c.funcDecl(nil) // builds c.decls
	for fn := range c.decls {
		if !c.mayRequire(fn) {
			continue // importers cannot call it
		}
		args := c.attrArgsOf(fn)
		if len(args) == 0 {
			continue
		}
		fact := &attrArgsFact{}
		for _, a := range args {
			fact.Args = append(fact.Args, attrArgEntry{Param: a.param, Path: a.path, Cmd: a.cmd.Name, Field: a.field.Name, When: a.when})
		}
		c.pass.ExportObjectFact(fn, fact)
		exported = true
	}
	return exported
}
