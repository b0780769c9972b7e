package kernelspec

import (
	"strings"
	"testing"
)

func TestProgramHelpers(t *testing.T) {
	db, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	k, err := db.ParseKernelSpec("k.yaml", []byte(`name: k
base: "6.1"
program_helpers:
  BPF_PROG_TYPE_XDP: [bpf_map_lookup_elem, bpf_redirect_map]
`))
	if err != nil {
		t.Fatal(err)
	}
	xdp, kprobe := db.Lookup(ProgramType, "BPF_PROG_TYPE_XDP"), db.Lookup(ProgramType, "BPF_PROG_TYPE_KPROBE")
	lookup, override := db.Lookup(Helper, "bpf_map_lookup_elem"), db.Lookup(Helper, "bpf_override_return")
	for _, c := range []struct {
		pt, h           *Feature
		callable, known bool
	}{
		{xdp, lookup, true, true},
		{xdp, override, false, true},
		{kprobe, override, false, false}, // the spec does not say
	} {
		if callable, known := k.ProgramHelper(c.pt, c.h); callable != c.callable || known != c.known {
			t.Errorf("%s from %s: callable %v known %v, want %v %v", c.h.Name, c.pt.Name, callable, known, c.callable, c.known)
		}
	}
	for _, c := range []struct{ spec, err string }{
		{"program_helpers:\n  BPF_PROG_TYPE_XDP: [bpf_ringbuf_output]\n", "k.yaml:4: program_helpers: BPF_PROG_TYPE_XDP: the kernel has no helper bpf_ringbuf_output"},
		{"program_helpers:\n  BPF_PROG_TYPE_NOPE: []\n", "k.yaml:4: program_helpers: the kernel has no program type BPF_PROG_TYPE_NOPE"},
		{"program_helpers: [x]\n", "k.yaml:3: program_helpers: want a mapping"},
	} {
		_, err := db.ParseKernelSpec("k.yaml", []byte("name: k\nbase: \"5.4\"\n"+c.spec))
		if err == nil || !strings.HasPrefix(err.Error(), c.err) {
			t.Errorf("%q: error %v, want %s", c.spec, err, c.err)
		}
	}
}
