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

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// Suggested fixes for a too-new use: guard the statement with the probe
// that tests the feature, or declare the requirement on the enclosing
// function. A fix must not change what the code means where the feature
// exists: it declares no name that any code could see (the probe's error,
// when it needs one, gets a name free at that point), moves no
// declaration out of its scope, and where the statement hands on an error
// the probe's failure takes that error's place. Shapes it cannot rewrite
// so get no guard fix (README, "Fixes"). Neither fix is applied by a
// linter run; editors and -fix offer them.

func (c *checker) fixes(node ast.Node, f *kernelspec.Feature) []analysis.SuggestedFix {
	path := c.pathTo(node)
	if len(path) == 0 {
		return nil
	}
	var out []analysis.SuggestedFix
	if fix, ok := c.guardFix(path, f); ok {
		out = append(out, fix)
	}
	if fix, ok := c.requiresFix(path, f); ok {
		out = append(out, fix)
	}
	return out
}

// requiresFix declares the requirement on the enclosing function
// declaration (a closure cannot carry a directive): it raises the newest
// version the function already requires, so that one directive says it,
// or adds a directive when there is none.
func (c *checker) requiresFix(path []ast.Node, f *kernelspec.Feature) (analysis.SuggestedFix, bool) {
	var fd *ast.FuncDecl
	for _, n := range path {
		if _, ok := n.(*ast.FuncLit); ok {
			return analysis.SuggestedFix{}, false
		}
		if d, ok := n.(*ast.FuncDecl); ok {
			fd = d
			break
		}
	}
	if fd == nil {
		return analysis.SuggestedFix{}, false
	}
	since := f.Since()
	if cm, word, v, ok := newestRequires(fd); ok {
		if !v.Less(since) {
			// The function requires a newer release, which does not
			// prove this feature (a kernel may be built without it):
			// only the feature's name says it.
			return c.addRequires(fd, f.Name), true
		}
		start := cm.Pos() + token.Pos(word)
		return analysis.SuggestedFix{
			Message:   fmt.Sprintf("Raise //bpfcompat:requires of %s to %s", fd.Name.Name, since),
			TextEdits: []analysis.TextEdit{{Pos: start, End: start + token.Pos(len(v.String())), NewText: []byte(since.String())}},
		}, true
	}
	return c.addRequires(fd, since.String()), true
}

func (c *checker) addRequires(fd *ast.FuncDecl, what string) analysis.SuggestedFix {
	return analysis.SuggestedFix{
		Message: fmt.Sprintf("Add //bpfcompat:requires %s to %s", what, fd.Name.Name),
		TextEdits: []analysis.TextEdit{{
			Pos:     fd.Pos(),
			End:     fd.Pos(),
			NewText: []byte("//bpfcompat:requires " + what + "\n"),
		}},
	}
}

// newestRequires finds the newest version among fd's requires
// directives, with the comment and the byte offset of the version in it.
// Only a version written as the release ("5.8") is raised in place.
func newestRequires(fd *ast.FuncDecl) (cm *ast.Comment, offset int, v kernelspec.Version, ok bool) {
	if fd.Doc == nil {
		return nil, 0, v, false
	}
	for _, c := range fd.Doc.List {
		verb, arg, isDir := parseDirective(c.Text)
		if !isDir || verb != "requires" {
			continue
		}
		from := len(directivePrefix + verb)
		for _, w := range strings.Fields(arg) {
			at := strings.Index(c.Text[from:], w) + from
			from = at + len(w)
			wv, err := kernelspec.ParseVersion(w)
			if err != nil || wv.String() != w || ok && !v.Less(wv) {
				continue
			}
			cm, offset, v, ok = c, at, wv, true
		}
	}
	return cm, offset, v, ok
}

// guardFix guards the statement holding the use with the probe for f.
// A statement that declares nothing is wrapped:
//
//	if features.HaveMapType(ebpf.RingBuf) == nil { stmt }
//
// and when it assigns an error, the probe's error takes its place, so the
// code after it sees the failure as it would have seen the call's:
//
//	if probeErr := features.HaveX(); probeErr == nil { l, err = use() } else { err = probeErr }
//
// A declaration (:=), whose names must stay in scope, and a return are
// preceded instead by an early return, where the function returns an
// error whose companions have a zero value one can write:
//
//	if err := features.HaveX(); err != nil { return nil, err }
func (c *checker) guardFix(path []ast.Node, f *kernelspec.Feature) (analysis.SuggestedFix, bool) {
	stmt, sig := enclosingStmt(c.pass.TypesInfo, path)
	if stmt == nil {
		return analysis.SuggestedFix{}, false
	}
	pos := stmt.Pos()
	scope := c.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return analysis.SuggestedFix{}, false
	}
	call, ok := c.probeCallText(f, scope, pos)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	tf := c.pass.Fset.File(pos)
	src, err := c.pass.ReadFile(tf.Name())
	if err != nil {
		return analysis.SuggestedFix{}, false
	}
	start, end := tf.Offset(pos), tf.Offset(stmt.End())
	// A comment ending the statement's line goes inside with it.
	if eol := bytes.IndexByte(src[end:], '\n'); eol >= 0 && bytes.HasPrefix(bytes.TrimSpace(src[end:end+eol]), []byte("//")) {
		end += eol
	}
	indent := lineIndent(src, start)
	// The statement's text goes in as it is: re-indenting its lines would
	// change a raw string that spans them. gofmt indents it.
	body := string(bytes.TrimRight(src[start:end], " \t"))
	fresh := freshName(scope, pos, "err", "probeErr")

	var text string
	switch s := stmt.(type) {
	case *ast.ExprStmt, *ast.IncDecStmt, *ast.SendStmt:
		text = fmt.Sprintf("if %s == nil {\n%s\t%s\n%s}", call.text, indent, body, indent)
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE {
			exit, ok := c.earlyReturn(sig, call.text, fresh, indent, scope, pos)
			if !ok {
				return analysis.SuggestedFix{}, false
			}
			text = exit + body
			break
		}
		errVar := errorOperand(c.pass.TypesInfo, s.Lhs)
		if errVar == "" {
			text = fmt.Sprintf("if %s == nil {\n%s\t%s\n%s}", call.text, indent, body, indent)
			break
		}
		text = fmt.Sprintf("if %[1]s := %[2]s; %[1]s == nil {\n%[3]s\t%[4]s\n%[3]s} else {\n%[3]s\t%[5]s = %[1]s\n%[3]s}",
			fresh, call.text, indent, body, errVar)
	case *ast.ReturnStmt:
		exit, ok := c.earlyReturn(sig, call.text, fresh, indent, scope, pos)
		if !ok {
			return analysis.SuggestedFix{}, false
		}
		text = exit + body
	default:
		return analysis.SuggestedFix{}, false
	}
	edits := []analysis.TextEdit{{Pos: pos, End: tf.Pos(end), NewText: []byte(text)}}
	edits = append(edits, call.imports...)
	return analysis.SuggestedFix{
		Message:   fmt.Sprintf("Guard with %s", call.short),
		TextEdits: edits,
	}, true
}

// enclosingStmt returns the statement of a block (or case) that holds the
// first node of path, and the signature of the function it is in.
func enclosingStmt(info *types.Info, path []ast.Node) (ast.Stmt, *types.Signature) {
	var stmt ast.Stmt
	for i, n := range path {
		if stmt == nil {
			s, ok := n.(ast.Stmt)
			if !ok || i+1 >= len(path) {
				continue
			}
			switch p := path[i+1].(type) {
			case *ast.BlockStmt, *ast.CaseClause:
			case *ast.CommClause:
				if p.Comm == s {
					continue
				}
			default:
				continue
			}
			stmt = s
		}
		switch fn := n.(type) {
		case *ast.FuncLit:
			sig, _ := info.TypeOf(fn).(*types.Signature)
			return stmt, sig
		case *ast.FuncDecl:
			obj, _ := info.Defs[fn.Name].(*types.Func)
			if obj == nil {
				return nil, nil
			}
			return stmt, obj.Signature()
		}
	}
	return nil, nil
}

// earlyReturn spells `if name := probe; name != nil { return zero..., name }`
// for a function whose last result is an error.
func (c *checker) earlyReturn(sig *types.Signature, probe, name, indent string, scope *types.Scope, pos token.Pos) (string, bool) {
	if sig == nil || sig.Results().Len() == 0 {
		return "", false
	}
	res := sig.Results()
	if !isError(res.At(res.Len() - 1).Type()) {
		return "", false
	}
	var values []string
	for i := 0; i < res.Len()-1; i++ {
		z, ok := c.zeroValue(res.At(i).Type(), scope, pos)
		if !ok {
			return "", false
		}
		values = append(values, z)
	}
	values = append(values, name)
	return fmt.Sprintf("if %[1]s := %[2]s; %[1]s != nil {\n%[3]s\treturn %[4]s\n%[3]s}\n%[3]s",
		name, probe, indent, strings.Join(values, ", ")), true
}

// zeroValue spells the zero value of t at pos, or fails where it would
// need a name this file cannot write there.
func (c *checker) zeroValue(t types.Type, scope *types.Scope, pos token.Pos) (string, bool) {
	t = types.Unalias(t)
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return "false", true
		case u.Info()&types.IsString != 0:
			return `""`, true
		case u.Info()&types.IsNumeric != 0:
			return "0", true
		case u.Kind() == types.UnsafePointer:
			return "nil", true
		}
		return "", false
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		if _, isParam := t.(*types.TypeParam); isParam {
			return "", false
		}
		return "nil", true
	case *types.Struct, *types.Array:
		named, ok := t.(*types.Named)
		if !ok || named.TypeArgs().Len() > 0 {
			return "", false
		}
		name, ok := c.typeName(named.Obj(), scope, pos)
		return name + "{}", ok
	}
	return "", false
}

// typeName spells a named type at pos through this file's imports.
func (c *checker) typeName(obj *types.TypeName, scope *types.Scope, pos token.Pos) (string, bool) {
	if obj.Pkg() == c.pass.Pkg {
		_, found := scope.LookupParent(obj.Name(), pos)
		return obj.Name(), found == obj
	}
	if !obj.Exported() || obj.Pkg() == nil {
		return "", false
	}
	for _, imp := range c.fileOf(pos).Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p != obj.Pkg().Path() {
			continue
		}
		local := obj.Pkg().Name()
		if imp.Name != nil {
			local = imp.Name.Name
		}
		if usable(scope, pos, local, obj.Pkg().Path(), false) {
			return local + "." + obj.Name(), true
		}
	}
	return "", false
}

// errorOperand returns the source of the last operand on the left of an
// assignment that receives an error: a variable or a field path, which
// may be assigned again without effects.
func errorOperand(info *types.Info, lhs []ast.Expr) string {
	for i := len(lhs) - 1; i >= 0; i-- {
		if !isError(info.TypeOf(lhs[i])) {
			continue
		}
		if id, ok := lhs[i].(*ast.Ident); ok && id.Name == "_" {
			return ""
		}
		if s, ok := plainPath(lhs[i]); ok {
			return s
		}
		return ""
	}
	return ""
}

// plainPath spells x or x.f.g.
func plainPath(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name, true
	case *ast.SelectorExpr:
		x, ok := plainPath(e.X)
		return x + "." + e.Sel.Name, ok
	case *ast.ParenExpr:
		return plainPath(e.X)
	}
	return "", false
}

func isError(t types.Type) bool {
	return t != nil && types.Identical(t, types.Universe.Lookup("error").Type())
}

// freshName returns the first name no code at pos can see, so that
// declaring it there shadows nothing.
func freshName(scope *types.Scope, pos token.Pos, names ...string) string {
	for i := 0; ; i++ {
		for _, n := range names {
			if i > 0 {
				n += strconv.Itoa(i + 1)
			}
			if _, obj := scope.LookupParent(n, pos); obj == nil {
				return n
			}
		}
	}
}

// usable reports whether local names the package path at pos, or, when
// adding is set, is free for an import of it to be added.
func usable(scope *types.Scope, pos token.Pos, local, path string, adding bool) bool {
	_, obj := scope.LookupParent(local, pos)
	if obj == nil {
		return adding
	}
	pn, ok := obj.(*types.PkgName)
	return ok && pn.Imported().Path() == path
}

// lineIndent returns the blanks that start the line holding offset.
func lineIndent(src []byte, offset int) string {
	start := bytes.LastIndexByte(src[:offset], '\n') + 1
	end := start
	for end < offset && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	return string(src[start:end])
}

type probeText struct {
	text, short string
	imports     []analysis.TextEdit
}

// probeCallText spells the probe for f in this file: features.HaveMapType(ebpf.RingBuf)
// for a probe whose one argument names f, features.HaveBoundedLoops() for
// one that proves f by itself. The API map says which probes there are.
func (c *checker) probeCallText(f *kernelspec.Feature, scope *types.Scope, pos token.Pos) (probeText, bool) {
	for _, key := range apimap.SortedKeys(c.api.Probes) {
		r := c.api.Probes[key]
		var arg string
		switch {
		case len(r.Args) == 1 && c.api.ProbeArg(r, f) == 0:
			name, ok := c.constantOf(r.ArgTypes[0], f.Value, scope, pos)
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
		pkgName, imports, ok := c.importName(pkgPath, short, scope, pos)
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
func (c *checker) constantOf(typeKey string, value uint64, scope *types.Scope, pos token.Pos) (string, bool) {
	pkgPath, ok := apimap.SymbolPackage(typeKey)
	if !ok {
		return "", false
	}
	typeName := strings.TrimPrefix(typeKey, pkgPath+".")
	for _, imp := range c.fileOf(pos).Imports {
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
		if !usable(scope, pos, local, pkgPath, false) {
			return "", false
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

// importName returns how this file names package path at pos, adding an
// import to a parenthesized import block when it has none. A name that
// something else holds at pos fails.
func (c *checker) importName(path, name string, scope *types.Scope, pos token.Pos) (string, []analysis.TextEdit, bool) {
	for _, imp := range c.fileOf(pos).Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == path {
			if imp.Name != nil {
				name = imp.Name.Name
			}
			return name, nil, usable(scope, pos, name, path, false)
		}
	}
	if !usable(scope, pos, name, path, true) {
		return "", nil, false
	}
	for _, d := range c.fileOf(pos).Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT || !gd.Lparen.IsValid() || len(gd.Specs) == 0 {
			continue
		}
		last := gd.Specs[len(gd.Specs)-1]
		return name, []analysis.TextEdit{{Pos: last.End(), End: last.End(), NewText: []byte("\n\t" + strconv.Quote(path))}}, true
	}
	return "", nil, false
}
