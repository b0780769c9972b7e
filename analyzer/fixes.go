package analyzer

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// Suggested fixes for a too-new use: declare the requirement on the
// enclosing function, or, where a probe of the API map tests the feature,
// wrap the statement in a guard. Neither is applied blindly by a linter run;
// editors and -fix offer them.

func (c *checker) fixes(node ast.Node, f *kernelspec.Feature) []analysis.SuggestedFix {
	path, _ := astutil.PathEnclosingInterval(c.file, node.Pos(), node.End())
	var out []analysis.SuggestedFix
	if fix, ok := c.guardFix(path, f); ok {
		out = append(out, fix)
	}
	for _, n := range path {
		if _, ok := n.(*ast.FuncLit); ok {
			break
		}
		if fd, ok := n.(*ast.FuncDecl); ok {
			out = append(out, analysis.SuggestedFix{
				Message: fmt.Sprintf("Add //bpfcompat:requires %s to %s", f.Since(), fd.Name.Name),
				TextEdits: []analysis.TextEdit{{
					Pos:     fd.Pos(),
					End:     fd.Pos(),
					NewText: []byte("//bpfcompat:requires " + f.Since().String() + "\n"),
				}},
			})
			break
		}
	}
	return out
}

// guardFix wraps the statement holding the use in
// `if err := features.HaveX(...); err == nil { ... }`. Only statements
// that declare nothing are wrapped, so that the fix never changes scopes.
func (c *checker) guardFix(path []ast.Node, f *kernelspec.Feature) (analysis.SuggestedFix, bool) {
	call, ok := c.probeCallText(f)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	var stmt ast.Stmt
	for i, n := range path {
		s, ok := n.(ast.Stmt)
		if !ok || i+1 >= len(path) {
			continue
		}
		if _, inBlock := path[i+1].(*ast.BlockStmt); !inBlock {
			if _, inCase := path[i+1].(*ast.CaseClause); !inCase {
				continue
			}
		}
		stmt = s
		break
	}
	switch s := stmt.(type) {
	case *ast.ExprStmt, *ast.IncDecStmt, *ast.SendStmt:
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE {
			return analysis.SuggestedFix{}, false
		}
	default:
		return analysis.SuggestedFix{}, false
	}
	src, err := c.pass.ReadFile(c.pass.Fset.File(stmt.Pos()).Name())
	if err != nil {
		return analysis.SuggestedFix{}, false
	}
	tf := c.pass.Fset.File(stmt.Pos())
	start, end := tf.Offset(stmt.Pos()), tf.Offset(stmt.End())
	// A comment ending the statement's line goes inside with it.
	if eol := bytes.IndexByte(src[end:], '\n'); eol >= 0 && bytes.HasPrefix(bytes.TrimSpace(src[end:end+eol]), []byte("//")) {
		end += eol
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "if err := %s; err == nil {\n%s\n}", call.text, bytes.TrimRight(src[start:end], " \t"))
	edits := []analysis.TextEdit{{Pos: stmt.Pos(), End: tf.Pos(end), NewText: b.Bytes()}}
	edits = append(edits, call.imports...)
	return analysis.SuggestedFix{
		Message:   fmt.Sprintf("Guard with %s", call.short),
		TextEdits: edits,
	}, true
}

type probeText struct {
	text, short string
	imports     []analysis.TextEdit
}

// probeCallText spells the probe for f in this file: features.HaveMapType(ebpf.RingBuf)
// for a probe whose one argument names f, features.HaveBoundedLoops() for
// one that proves f by itself. The API map says which probes there are.
func (c *checker) probeCallText(f *kernelspec.Feature) (probeText, bool) {
	for _, key := range apimap.SortedKeys(c.api.Probes) {
		r := c.api.Probes[key]
		var arg string
		switch {
		case len(r.Args) == 1 && c.api.ProbeArg(r, f) == 0:
			name, ok := c.constantOf(r.ArgTypes[0], f.Value)
			if !ok {
				continue
			}
			arg = name
		case len(r.Args) == 0 && len(r.Features) == 1 && r.Features[0] == f:
		default:
			continue
		}
		pkgPath, ok := apimap.SymbolPackage(key)
		if !ok || isInternal(pkgPath) {
			continue // a fix cannot import it
		}
		fn := strings.TrimPrefix(key, pkgPath+".")
		short := path.Base(pkgPath)
		pkgName, imports, ok := c.importName(pkgPath, short)
		if !ok {
			return probeText{}, false
		}
		return probeText{text: pkgName + "." + fn + "(" + arg + ")", short: short + "." + fn, imports: imports}, true
	}
	return probeText{}, false
}

func isInternal(pkgPath string) bool {
	return strings.HasSuffix(pkgPath, "/internal") || strings.Contains(pkgPath, "/internal/")
}

// constantOf names an exported constant of a mapped type ("pkgpath.Name")
// with a value, through this file's import of the type's package.
func (c *checker) constantOf(typeKey string, value uint64) (string, bool) {
	pkgPath, ok := apimap.SymbolPackage(typeKey)
	if !ok {
		return "", false
	}
	typeName := strings.TrimPrefix(typeKey, pkgPath+".")
	for _, imp := range c.file.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p != pkgPath {
			continue
		}
		var pkg *types.Package
		for _, p := range c.pass.Pkg.Imports() {
			if p.Path() == pkgPath {
				pkg = p
			}
		}
		if pkg == nil {
			return "", false
		}
		local := pkg.Name()
		if imp.Name != nil {
			local = imp.Name.Name
		}
		for _, name := range pkg.Scope().Names() {
			k, ok := pkg.Scope().Lookup(name).(*types.Const)
			if !ok || !k.Exported() {
				continue
			}
			if n, ok := k.Type().(*types.Named); ok && n.Obj().Name() == typeName {
				if v, ok := constant.Uint64Val(k.Val()); ok && v == value {
					return local + "." + name, true
				}
			}
		}
	}
	return "", false
}

// importName returns how this file names package path, adding an import
// to a parenthesized import block when it has none.
func (c *checker) importName(path, name string) (string, []analysis.TextEdit, bool) {
	for _, imp := range c.file.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == path {
			if imp.Name != nil {
				return imp.Name.Name, nil, true
			}
			return name, nil, true
		}
	}
	for _, d := range c.file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT || !gd.Lparen.IsValid() || len(gd.Specs) == 0 {
			continue
		}
		last := gd.Specs[len(gd.Specs)-1]
		return name, []analysis.TextEdit{{Pos: last.End(), End: last.End(), NewText: []byte("\n\t" + strconv.Quote(path))}}, true
	}
	return "", nil, false
}
