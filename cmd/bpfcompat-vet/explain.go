package main

import (
	"fmt"
	"go/constant"
	"go/types"
	"io"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/analyzer"
	"github.com/bpfcompat/bpfcompat/internal/suggest"
	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/specs"
)

const explainUsage = "usage: bpfcompat-vet explain NAME..., where a NAME is a kernel feature (BPF_MAP_TYPE_RINGBUF, bpf_ringbuf_output, BPF_PROG_LOAD.attach_btf_obj_fd, map_extra) or a Go symbol as code spells it (link.AttachTCX, ebpf.RingBuf, ebpf.Map.BatchLookup, features.HaveMapType)"

// explain prints what bpfcompat knows of each feature or Go symbol named:
// the release that added it, the commit, the API that selects it, the
// probes that guard it. A name it does not know gets the nearest names
// it does.
func explain(stdout, stderr io.Writer, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, explainUsage)
		return 1
	}
	db, api, err := loadData()
	if err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet:", err)
		return 1
	}
	x := &explainer{db: db, api: api}
	code := 0
	for i, name := range args {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		if !x.explain(stdout, name) {
			msg := fmt.Sprintf("bpfcompat-vet: %q is neither a kernel feature in the specs nor a Go symbol in the API map", name)
			if near, ok := x.nearest(name); ok {
				msg += "; did you mean " + near + "?"
			}
			fmt.Fprintln(stderr, msg)
			code = 1
		}
	}
	return code
}

type explainer struct {
	db  *kernelspec.DB
	api *analyzer.APIMap

	scopes map[string]*types.Scope // loaded packages, nil where they do not load
}

// scope returns the package's types as the working directory's module
// has them (from export data), or nil if it cannot load them.
func (x *explainer) scope(path string) *types.Scope {
	if s, ok := x.scopes[path]; ok {
		return s
	}
	var s *types.Scope
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes}, path)
	if err == nil && len(pkgs) == 1 && len(pkgs[0].Errors) == 0 && pkgs[0].Types != nil {
		s = pkgs[0].Types.Scope()
	}
	if x.scopes == nil {
		x.scopes = map[string]*types.Scope{}
	}
	x.scopes[path] = s
	return s
}

func (x *explainer) explain(w io.Writer, name string) bool {
	if f := x.db.Find(name); f != nil {
		x.describe(w, f)
		return true
	}
	// An attr field by its own name: map_extra, attach_btf_obj_fd.
	if fields := x.fieldsNamed(name); len(fields) > 0 {
		for i, f := range fields {
			if i > 0 {
				fmt.Fprintln(w)
			}
			x.describe(w, f)
		}
		return true
	}
	for _, sym := range symbolSpellings(name) {
		if full, feats, ok := x.api.FindSymbol(sym); ok {
			fmt.Fprintf(w, "%s selects:\n", full)
			for _, f := range feats {
				fmt.Fprintln(w)
				x.describe(w, f)
			}
			return true
		}
	}
	if x.explainProbe(w, name) {
		return true
	}
	return x.explainConstant(w, name)
}

// symbolSpellings are the API map spellings of a name as Go code writes
// it: ebpf.Map.BatchLookup is the method (*ebpf.Map).BatchLookup.
func symbolSpellings(name string) []string {
	out := []string{name}
	if parts := strings.Split(name, "."); len(parts) == 3 && !strings.HasPrefix(name, "(") {
		out = append(out, "(*"+parts[0]+"."+parts[1]+")."+parts[2], "("+parts[0]+"."+parts[1]+")."+parts[2])
	}
	return out
}

// shortName is a symbol as code spells it: its package's last element.
func shortName(full string) string {
	i := strings.LastIndexByte(full, '/')
	if i < 0 {
		return full
	}
	if strings.HasPrefix(full, "(*") {
		return "(*" + full[i+1:]
	}
	if strings.HasPrefix(full, "(") {
		return "(" + full[i+1:]
	}
	return full[i+1:]
}

func (x *explainer) fieldsNamed(name string) []*kernelspec.Feature {
	var out []*kernelspec.Feature
	for _, f := range x.db.Features(kernelspec.AttrField) {
		if strings.HasSuffix(f.Name, "."+name) {
			out = append(out, f)
		}
	}
	return out
}

func (x *explainer) explainProbe(w io.Writer, name string) bool {
	_, _, _, probes := x.api.Symbols()
	for _, p := range probes {
		if p != name && shortName(p) != name {
			continue
		}
		r := x.api.Probes[p]
		feats, argTypes := r.Features, r.ArgTypes
		fmt.Fprintf(w, "%s is a probe: a nil error (or true) proves", p)
		switch {
		case len(feats) > 0:
			fmt.Fprintln(w, ":")
			for _, f := range feats {
				fmt.Fprintln(w)
				x.describe(w, f)
			}
		case len(argTypes) > 0:
			fmt.Fprintf(w, " the %s it is given\n", strings.Join(argTypes, " and the "))
		default:
			fmt.Fprintln(w, " what it probes")
		}
		return true
	}
	return false
}

// explainConstant resolves pkg.Name against the package's types, loaded
// from the working directory's module (where the code that spells it
// lives), and explains the features its value stands for.
func (x *explainer) explainConstant(w io.Writer, name string) bool {
	qual, ident, ok := strings.Cut(name, ".")
	if !ok || strings.Contains(ident, ".") {
		return false
	}
	for _, path := range x.packagesNamed(qual) {
		scope := x.scope(path)
		if scope == nil {
			continue
		}
		c, ok := scope.Lookup(ident).(*types.Const)
		if !ok {
			continue
		}
		v, exact := constant.Uint64Val(constant.ToInt(c.Val()))
		named, isNamed := c.Type().(*types.Named)
		if !exact || !isNamed || named.Obj().Pkg() == nil {
			continue
		}
		rule := x.api.Types[named.Obj().Pkg().Path()+"."+named.Obj().Name()]
		if rule == nil {
			continue
		}
		var feats []*kernelspec.Feature
		for _, f := range x.db.ByValue(rule.Kind, v) {
			if rule.Names(f) {
				feats = append(feats, f)
			}
		}
		if len(feats) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s.%s (%s, value %d) selects:\n", path, ident, named.Obj().Name(), v)
		for _, f := range feats {
			fmt.Fprintln(w)
			x.describe(w, f)
		}
		return true
	}
	return false
}

// packagesNamed are the mapped packages whose name (last element) is qual.
func (x *explainer) packagesNamed(qual string) []string {
	names, fields, funcs, probes := x.api.Symbols()
	seen := map[string]bool{}
	var out []string
	for _, list := range [][]string{names, fields, funcs, probes} {
		for _, sym := range list {
			sym = strings.TrimLeft(sym, "(*")
			slash := strings.LastIndexByte(sym, '/')
			dot := strings.IndexByte(sym[slash+1:], '.')
			if dot < 0 {
				continue
			}
			path := sym[:slash+1+dot]
			if !seen[path] && (path == qual || path[strings.LastIndexByte(path, '/')+1:] == qual) {
				seen[path] = true
				out = append(out, path)
			}
		}
	}
	slices.Sort(out)
	return out
}

// nearest is the known name closest to a misspelt one, if one is close.
func (x *explainer) nearest(name string) (string, bool) {
	var cands []string
	for _, k := range kernelspec.Kinds {
		for _, f := range x.db.Features(k) {
			cands = append(cands, f.Name)
			if _, field, ok := strings.Cut(f.Name, "."); ok && k == kernelspec.AttrField {
				cands = append(cands, field)
			}
		}
	}
	_, fields, funcs, probes := x.api.Symbols()
	for _, list := range [][]string{fields, funcs, probes} {
		for _, s := range list {
			cands = append(cands, shortName(s))
		}
	}
	slices.Sort(cands)
	return suggest.Nearest(name, slices.Compact(cands))
}

func (x *explainer) describe(w io.Writer, f *kernelspec.Feature) {
	fmt.Fprintf(w, "%s (%s)\n", f.Name, f.Kind)
	if f.Kind.HasValue() {
		fmt.Fprintf(w, "  value:       %d (%#x)\n", f.Value, f.Value)
	}
	if f.Kind == kernelspec.AttrField {
		fmt.Fprintf(w, "  layout:      offset %d, size %d\n", f.Offset, f.Size)
	}
	if f.Description != "" {
		fmt.Fprintf(w, "  what:        %s\n", f.Description)
	}
	for i, s := range f.Spans {
		verb := "added in"
		if i > 0 {
			verb = "back in"
		}
		fmt.Fprintf(w, "  %-12s Linux %s: %s (%s)\n", verb+":", s.Added, s.AddedBy, s.AddedBy.Position())
		if s.AddedBy.Note != "" {
			fmt.Fprintf(w, "  note:        %s\n", s.AddedBy.Note)
		}
		if !s.Removed.IsZero() {
			fmt.Fprintf(w, "  removed in:  Linux %s: %s\n", s.Removed, s.RemovedBy)
		}
	}
	if f.AliasOf != "" {
		fmt.Fprintf(w, "  alias of:    %s\n", f.AliasOf)
	}
	for _, s := range x.api.Selectors(f) {
		if !x.exists(s) {
			continue
		}
		fmt.Fprintf(w, "  selected by: %s\n", s)
	}
	for _, g := range x.api.Guards(f) {
		fmt.Fprintf(w, "  guarded by:  %s\n", g)
	}
}

// exists drops the API map's guesses at a constant named after the
// feature (golang.org/x/sys/unix.BPF_F_TOKEN_FD) that the x/sys version
// in use does not define: explain checks them against the package as the
// working directory's module has it, and leaves them out where it cannot.
func (x *explainer) exists(sym string) bool {
	if strings.Contains(sym, " ") || strings.HasPrefix(sym, "(") {
		return true // "a constant of T with value V", a method: the map's own
	}
	dot := strings.LastIndexByte(sym, '.')
	path, name := sym[:dot], sym[dot+1:]
	names, fields, funcs, _ := x.api.Symbols()
	if slices.Contains(funcs, sym) || slices.Contains(fields, sym) || slices.Contains(names, sym) {
		return true
	}
	if name == "" || !unicode.IsUpper(rune(name[0])) {
		return false // bpf_loop: no exported constant
	}
	scope := x.scope(path)
	return scope != nil && scope.Lookup(name) != nil
}

func loadData() (*kernelspec.DB, *analyzer.APIMap, error) {
	db, err := kernelspec.Embedded()
	if err != nil {
		return nil, nil, err
	}
	api, err := analyzer.LoadAPIMap(specs.API(), db)
	return db, api, err
}
