package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

// A fact-using analyzer makes go/analysis drivers type-check every
// dependency from source, the standard library included, so that it can
// run on each and pass facts up: for bpfcompat, three times the time and
// memory of a driver that loads dependencies from export data. But a
// bpfcompat fact can only come from a package that can reach a BPF
// library, a bpf(2) system call, a kernel-version source or a
// //bpfcompat: directive, and packages that import none of those
// (directly or not) are typed from the compiler's export data instead.
//
// loadFast loads the packages matching patterns: the roots, and every
// package that may carry a fact (see carriers), from source; the rest
// from export data. The returned roots' import graphs are pruned to the
// packages loaded from source, so that the checker runs the analyzer on
// exactly those; the others could export nothing.
func loadFast(cfg *packages.Config, patterns ...string) ([]*packages.Package, error) {
	cfg.Mode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
		packages.NeedImports | packages.NeedDeps | packages.NeedExportFile |
		packages.NeedTypesSizes | packages.NeedModule
	roots, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, err
	}
	src, err := newCarriers()
	if err != nil {
		return nil, err
	}
	source := src.set(roots)
	if os.Getenv("BPFCOMPAT_DEBUG_LOAD") != "" {
		var ids []string
		for pkg := range source {
			ids = append(ids, pkg.ID)
		}
		slices.Sort(ids)
		fmt.Fprintf(os.Stderr, "bpfcompat-vet: %d packages from source:\n\t%s\n", len(ids), strings.Join(ids, "\n\t"))
	}
	l := &typer{
		fset:     token.NewFileSet(),
		source:   source,
		exported: map[string]*types.Package{},
		done:     map[*packages.Package]chan struct{}{},
	}
	cfg.Fset = l.fset
	if err := l.check(roots); err != nil {
		return nil, err
	}
	// Only now, with every package typed, prune the graph the checker walks.
	for pkg := range source {
		for path, imp := range pkg.Imports {
			if !source[imp] {
				delete(pkg.Imports, path)
			}
		}
	}
	return roots, nil
}

// loadFull loads every package from source, as the x/tools drivers do:
// the reference loadFast must agree with (and -load=full).
func loadFull(cfg *packages.Config, patterns ...string) ([]*packages.Package, error) {
	cfg.Mode = packages.LoadAllSyntax | packages.NeedModule
	return packages.Load(cfg, patterns...)
}

// typer type-checks the source packages in dependency order, in parallel,
// importing the others from export data.
type typer struct {
	fset   *token.FileSet
	source map[*packages.Package]bool

	mu       sync.Mutex // guards exported and the export data reader
	exported map[string]*types.Package

	doneMu sync.Mutex
	done   map[*packages.Package]chan struct{}
}

func (l *typer) check(roots []*packages.Package) error {
	var g errgroup.Group
	g.SetLimit(-1)
	cpu := make(chan struct{}, runtime.GOMAXPROCS(0))
	var visit func(*packages.Package) chan struct{}
	visit = func(pkg *packages.Package) chan struct{} {
		l.doneMu.Lock()
		ch, ok := l.done[pkg]
		if !ok {
			ch = make(chan struct{})
			l.done[pkg] = ch
		}
		l.doneMu.Unlock()
		if ok {
			return ch
		}
		var deps []chan struct{}
		for _, imp := range pkg.Imports {
			if l.source[imp] {
				deps = append(deps, visit(imp))
			}
		}
		g.Go(func() error {
			defer close(ch)
			for _, d := range deps {
				<-d
			}
			cpu <- struct{}{}
			defer func() { <-cpu }()
			return l.typeCheck(pkg)
		})
		return ch
	}
	for _, r := range roots {
		visit(r)
	}
	return g.Wait()
}

// typeCheck parses and type-checks one source package, as go/packages
// does in LoadAllSyntax mode: the same files, parser mode, type-checker
// configuration and error handling, so that passes see the same syntax,
// types and errors.
func (l *typer) typeCheck(pkg *packages.Package) error {
	pkg.Fset = l.fset
	pkg.Types = types.NewPackage(pkg.PkgPath, pkg.Name)
	pkg.TypesInfo = &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Instances:    map[*ast.Ident]types.Instance{},
		Scopes:       map[ast.Node]*types.Scope{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		FileVersions: map[*ast.File]string{},
	}
	if len(pkg.Errors) > 0 && len(pkg.CompiledGoFiles) == 0 {
		pkg.IllTyped = true
		return nil // go list could not even name the files
	}
	addErr := func(err error) {
		switch err := err.(type) {
		case types.Error:
			pkg.TypeErrors = append(pkg.TypeErrors, err)
			pkg.Errors = append(pkg.Errors, packages.Error{Pos: err.Fset.Position(err.Pos).String(), Msg: err.Msg, Kind: packages.TypeError})
		case scanner.ErrorList:
			for _, e := range err {
				pkg.Errors = append(pkg.Errors, packages.Error{Pos: e.Pos.String(), Msg: e.Msg, Kind: packages.ParseError})
			}
		default:
			pkg.Errors = append(pkg.Errors, packages.Error{Pos: "-", Msg: err.Error(), Kind: packages.UnknownError})
		}
	}
	for _, name := range pkg.CompiledGoFiles {
		src, err := os.ReadFile(name)
		if err != nil {
			addErr(err)
			continue
		}
		f, err := parser.ParseFile(l.fset, name, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			addErr(err)
		}
		if f != nil {
			pkg.Syntax = append(pkg.Syntax, f)
		}
	}
	tc := &types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			imp := pkg.Imports[path]
			if imp == nil {
				return nil, fmt.Errorf("no metadata for %s", path)
			}
			if l.source[imp] {
				return imp.Types, nil
			}
			return l.fromExportData(imp)
		}),
		Error: addErr,
		Sizes: pkg.TypesSizes,
	}
	if pkg.Module != nil && pkg.Module.GoVersion != "" {
		tc.GoVersion = "go" + pkg.Module.GoVersion
	}
	typErr := types.NewChecker(tc, l.fset, pkg.Types, pkg.TypesInfo).Files(pkg.Syntax)
	if typErr != nil && len(pkg.Errors) == 0 {
		addErr(typErr)
	}
	pkg.IllTyped = len(pkg.Errors) > 0
	for _, imp := range pkg.Imports {
		pkg.IllTyped = pkg.IllTyped || imp.IllTyped
	}
	return nil
}

// fromExportData returns the types of a package that cannot carry a fact,
// read from the export data go list had the compiler write. Its own
// imports come first, into the same map, so that every package has one
// *types.Package however it is reached. No such package imports a source
// package (carriers are closed under importers), so the map holds
// export-data packages only.
func (l *typer) fromExportData(pkg *packages.Package) (*types.Package, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.readExport(pkg)
}

func (l *typer) readExport(pkg *packages.Package) (*types.Package, error) {
	if pkg.PkgPath == "unsafe" {
		return types.Unsafe, nil
	}
	if tp := l.exported[pkg.PkgPath]; tp != nil && tp.Complete() {
		return tp, nil
	}
	for _, imp := range pkg.Imports {
		if _, err := l.readExport(imp); err != nil {
			return nil, err
		}
	}
	if pkg.ExportFile == "" {
		msg := "no export data"
		if len(pkg.Errors) > 0 {
			msg = pkg.Errors[0].Msg
		}
		return nil, fmt.Errorf("%s: %s", pkg.PkgPath, msg)
	}
	f, err := os.Open(pkg.ExportFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := gcexportdata.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("reading export data for %s: %v", pkg.PkgPath, err)
	}
	tp, err := gcexportdata.Read(r, l.fset, l.exported, pkg.PkgPath)
	if err != nil {
		return nil, fmt.Errorf("reading export data for %s: %v", pkg.PkgPath, err)
	}
	pkg.Types, pkg.Fset = tp, l.fset
	return tp, nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
