package main

import (
	"fmt"
	"io"

	"github.com/bpfcompat/bpfcompat/analyzer"
	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/specs"
)

// explain prints what bpfcompat knows of a feature or a Go symbol: the
// release that added it, the commit, the API that selects it, the probes
// that guard it.
func explain(stdout, stderr io.Writer, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: bpfcompat-vet explain <feature or Go symbol>, e.g. BPF_MAP_TYPE_RINGBUF, bpf_ringbuf_output, BPF_PROG_LOAD.attach_btf_obj_fd, link.AttachTCX")
		return 1
	}
	db, api, err := loadData()
	if err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet:", err)
		return 1
	}
	name := args[0]
	if f := db.Find(name); f != nil {
		describe(stdout, api, f)
		return 0
	}
	if sym, feats, ok := api.FindSymbol(name); ok {
		fmt.Fprintf(stdout, "%s selects:\n", sym)
		for _, f := range feats {
			fmt.Fprintln(stdout)
			describe(stdout, api, f)
		}
		return 0
	}
	fmt.Fprintf(stderr, "bpfcompat-vet: %q is neither a kernel feature in the specs nor a Go symbol in the API map\n", name)
	return 1
}

func describe(w io.Writer, api *analyzer.APIMap, f *kernelspec.Feature) {
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
	for _, s := range api.Selectors(f) {
		fmt.Fprintf(w, "  selected by: %s\n", s)
	}
	for _, g := range api.Guards(f) {
		fmt.Fprintf(w, "  guarded by:  %s\n", g)
	}
}

func loadData() (*kernelspec.DB, *analyzer.APIMap, error) {
	db, err := kernelspec.Embedded()
	if err != nil {
		return nil, nil, err
	}
	api, err := analyzer.LoadAPIMap(specs.API(), db)
	return db, api, err
}
