package main

import (
	"bytes"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// carriers decides which packages may carry a bpfcompat fact, before any
// type-checking, from import lists and a token scan of a few files.
//
// A package is a seed — it may originate a fact — when, outside the
// standard library, it
//
//   - is a package of one of the API map's library modules (github.com/cilium/ebpf/..., internal packages included: each carries the module's version as a fact);
//   - has a //bpfcompat: comment (a checks or requires directive exports
//     a fact with no BPF import at all);
//   - names a file that holds the kernel's release
//     (/proc/sys/kernel/osrelease): a kernel-version helper is a check
//     with no BPF import and no directive either;
//   - imports a low-level package (golang.org/x/sys/unix, syscall,
//     cilium/ebpf's internal/unix) and names, through that import, a
//     constant spelled BPF_* or SYS_BPF, a kernel-version source (Uname),
//     or a raw system call whose trap number is anything but another
//     system call's SYS_* constant, bare or in integer conversions (the
//     analyzer proves bpf(2) by the constant's value, so only
//     unix.SYS_READ and the like rule a call out; a literal 321 does not).
//
// A package may carry a fact when it is a seed or imports one, directly or
// not: facts flow from callee to caller (wrappers of wrappers, callers of
// checks and of functions with requirements), never otherwise. The set is
// therefore closed under importers, so a package outside it imports only
// packages outside it, and export data suffices for all of them.
//
// The standard library is never a seed: it has no BPF API, its syscall
// users pass other system calls' numbers, and its kernel-version helper
// (internal/syscall/unix.KernelVersion) is internal. Leaving it out keeps
// os, net and everything above them in export data.
type carriers struct {
	src *analyzer.FactSources
}

// versionSources are the low-level functions kernel-version checks read
// (issue 15: version helpers that import no BPF library carry check facts).
var versionSources = []string{"Uname"}

func newCarriers() (*carriers, error) {
	src, err := analyzer.LoadFactSources()
	if err != nil {
		return nil, err
	}
	return &carriers{src: src}, nil
}

// set returns the packages to load from source: the roots and every
// package that may carry a fact.
func (c *carriers) set(roots []*packages.Package) map[*packages.Package]bool {
	may := map[*packages.Package]bool{}
	visited := map[*packages.Package]bool{}
	var visit func(*packages.Package) bool
	visit = func(pkg *packages.Package) bool {
		if visited[pkg] {
			return may[pkg]
		}
		visited[pkg] = true
		carrier := false
		for _, imp := range pkg.Imports {
			carrier = visit(imp) || carrier // visit every import: the whole graph is classified
		}
		if carrier || c.seed(pkg) {
			may[pkg] = true
		}
		return may[pkg]
	}
	for _, r := range roots {
		visit(r)
		may[r] = true
	}
	return may
}

func isStd(pkg *packages.Package) bool {
	if pkg.Module != nil {
		return false
	}
	first, _, _ := strings.Cut(pkg.PkgPath, "/")
	return !strings.Contains(first, ".")
}

func (c *carriers) seed(pkg *packages.Package) bool {
	if isStd(pkg) {
		return false
	}
	if c.src.Libraries[pkg.PkgPath] || pkg.Module != nil && c.src.Modules[pkg.Module.Path] {
		return true
	}
	lowLevel := map[string]lowLevelImport{} // by import path
	for path, imp := range pkg.Imports {
		if sys, ok := c.src.LowLevel[imp.PkgPath]; ok {
			lowLevel[path] = lowLevelImport{name: imp.Name, syscalls: sys}
		}
	}
	for _, name := range pkg.CompiledGoFiles {
		if c.seedFile(name, lowLevel) {
			return true
		}
	}
	return false
}

// lowLevelImport is an imported low-level package: its name and its raw
// system calls.
type lowLevelImport struct {
	name     string
	syscalls map[string]bool
}

// seedFile reports whether a file makes its package a seed: a
// //bpfcompat: comment, a kernel release file's name, or a use of a
// low-level package as described in carriers' doc. Unreadable files
// count, to be safe.
func (c *carriers) seedFile(name string, lowLevel map[string]lowLevelImport) bool {
	data, err := os.ReadFile(name)
	if err != nil {
		return true
	}
	if bytes.Contains(data, []byte("//bpfcompat:")) {
		return true
	}
	// The bytes, not the string literal: a superset, as cheap as the
	// directive's test, since the file is read anyway.
	for _, file := range c.src.VersionFiles {
		if bytes.Contains(data, []byte(file)) {
			return true
		}
	}
	return len(lowLevel) > 0 && usesLowLevel(name, data, lowLevel)
}

// usesLowLevel scans one file's tokens for the selectors named in
// carriers' doc, through the file's own imports of the low-level packages.
func usesLowLevel(name string, data []byte, lowLevel map[string]lowLevelImport) bool {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, data, parser.ImportsOnly)
	if err != nil {
		return true
	}
	local := map[string]map[string]bool{} // local name → raw syscalls
	for _, spec := range f.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		imp, ok := lowLevel[path]
		if !ok {
			continue
		}
		n := imp.name
		if spec.Name != nil {
			n = spec.Name.Name
		}
		switch n {
		case ".":
			return true // unqualified names: no cheap way to tell
		case "_":
			continue
		}
		local[n] = imp.syscalls
	}
	if len(local) == 0 {
		return false
	}
	var s scanner.Scanner
	file := fset.AddFile(name, -1, len(data))
	s.Init(file, data, nil, 0)
	// X . Sel, with X a local name of a low-level package.
	next := func() tok {
		_, t, lit := s.Scan()
		return tok{t, lit}
	}
	var x, dot tok
	for t := next(); t.t != token.EOF; x, dot, t = dot, t, next() {
		if t.t != token.IDENT || dot.t != token.PERIOD || x.t != token.IDENT {
			continue
		}
		sys, ok := local[x.lit]
		if !ok {
			continue
		}
		switch sel := t.lit; {
		case strings.HasPrefix(sel, "BPF_") || sel == "SYS_BPF" || isVersionSource(sel):
			return true
		case sys[sel]:
			// unix.Syscall(unix.SYS_READ, ...) or (uintptr(unix.SYS_READ), ...:
			// the shapes that rule a raw system call out.
			if !otherSyscall(next, local) {
				return true
			}
		}
	}
	return false
}

// otherSyscall reads a call's first argument from next, having read the
// function's name, and reports whether it is another system call's
// number: X.SYS_Y with Y not BPF and X a low-level package, possibly in
// integer conversions.
func otherSyscall(next func() tok, local map[string]map[string]bool) bool {
	if next().t != token.LPAREN {
		return false
	}
	depth, selectors := 0, 0
	var prev2, prev tok
	for t := next(); ; prev2, prev, t = prev, t, next() {
		switch t.t {
		case token.LPAREN:
			depth++
		case token.RPAREN:
			if depth--; depth < 0 {
				return selectors == 1
			}
		case token.COMMA:
			if depth == 0 {
				return selectors == 1
			}
		case token.PERIOD:
		case token.IDENT:
			if prev.t == token.PERIOD && prev2.t == token.IDENT && local[prev2.lit] != nil {
				if !strings.HasPrefix(t.lit, "SYS_") || t.lit == "SYS_BPF" {
					return false
				}
				selectors++
				continue
			}
			if !conversions[t.lit] && !(local[t.lit] != nil) {
				return false
			}
		default:
			return false
		}
	}
}

// conversions are the integer types a system call number is converted to.
var conversions = map[string]bool{"uintptr": true, "int": true, "int32": true, "int64": true, "uint": true, "uint32": true, "uint64": true}

// tok is a scanned token.
type tok struct {
	t   token.Token
	lit string
}

func isVersionSource(name string) bool {
	for _, v := range versionSources {
		if name == v {
			return true
		}
	}
	return false
}
