package kernelspec_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/probe"
)

// kfuncData is a small DB whose dates the synthetic samples below get
// right or wrong one way or the other.
var kfuncData = fstest.MapFS{
	"6.0.yaml": {Data: []byte(`release: "6.0"
added:
  kfuncs:
    - {name: bpf_old, source: test}
    - {name: bpf_gone, source: test}
    - {name: bpf_opt, source: test}
  requirements:
    - {kind: kfunc, names: [bpf_opt], config: [CONFIG_OPT], source: test}
`)},
	"6.1.yaml": {Data: []byte(`release: "6.1"
removed:
  kfuncs:
    - {name: bpf_gone, source: test}
`)},
	"6.2.yaml": {Data: []byte(`release: "6.2"
added:
  kfuncs:
    - {name: bpf_new, source: test}
`)},
}

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// TestCheckKfuncs holds synthetic 6.1 kernels against kfuncData: each
// disagreement, in either direction, must be reported, and only those.
func TestCheckKfuncs(t *testing.T) {
	db, err := kernelspec.Load(kfuncData)
	if err != nil {
		t.Fatal(err)
	}
	v61 := kernelspec.MustParseVersion("6.1")
	for _, tc := range []struct {
		name          string
		tagged, funcs []string
		listed        []string // in .BTF_ids
		config        probe.Config
		want          []string // substrings of the errors, in order
		explained     int
		unknown       int
	}{
		{name: "agrees", tagged: []string{"bpf_old", "bpf_opt"}, config: probe.Config{"CONFIG_OPT": "y"}},
		{name: "dated too late", tagged: []string{"bpf_old", "bpf_opt", "bpf_new"}, config: probe.Config{"CONFIG_OPT": "y"},
			want: []string{"has kfunc bpf_new; the data dates it 6.2 (6.2.yaml:"}},
		{name: "not in the data", tagged: []string{"bpf_old", "bpf_opt", "bpf_nope"}, config: probe.Config{"CONFIG_OPT": "y"},
			want: []string{"has kfunc bpf_nope; the data does not"}},
		{name: "present after its removal", tagged: []string{"bpf_old", "bpf_opt", "bpf_gone"}, config: probe.Config{"CONFIG_OPT": "y"},
			want: []string{"has kfunc bpf_gone; the data removes it by 6.1 (6.1.yaml:"}},
		{name: "dated too early", tagged: []string{"bpf_opt"}, config: probe.Config{"CONFIG_OPT": "y"},
			want: []string{"lacks kfunc bpf_old, which the data gives 6.1 from 6.0 (6.0.yaml:"}},
		{name: "a function but no kfunc", tagged: []string{"bpf_opt"}, funcs: []string{"bpf_old"}, config: probe.Config{"CONFIG_OPT": "y"},
			want: []string{"lacks bpf_kfunc tag bpf_old"}},
		{name: "required option unset", tagged: []string{"bpf_old"}, config: probe.Config{"CONFIG_OTHER": "y"}, explained: 1},
		{name: "required option a module", tagged: []string{"bpf_old"}, config: probe.Config{"CONFIG_OPT": "m"}, explained: 1},
		{name: "required option set, kfunc absent", tagged: []string{"bpf_old"}, config: probe.Config{"CONFIG_OPT": "y"},
			want: []string{"lacks kfunc bpf_opt"}},
		{name: "no config to judge by", tagged: []string{"bpf_old"}, unknown: 1},
		{name: "untagged BTF: functions", funcs: []string{"bpf_old", "bpf_new"}, config: probe.Config{"CONFIG_OPT": "y"},
			want: []string{"lacks kfunc bpf_opt"}},
		{name: "untagged BTF: .BTF_ids lists a later kfunc", funcs: []string{"bpf_old", "bpf_opt", "bpf_new", "bpf_other"}, listed: []string{"bpf_old", "bpf_new", "bpf_other"},
			config: probe.Config{"CONFIG_OPT": "y"}, want: []string{"has kfunc bpf_new; the data dates it 6.2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := kfuncSample{what: "k", release: v61, tagged: set(tc.tagged...), funcs: set(append(tc.funcs, tc.tagged...)...), listed: set(tc.listed...), config: tc.config}
			r := checkKfuncs(db, s)
			if len(r.errors) != len(tc.want) {
				t.Fatalf("errors %q, want %d matching %q", r.errors, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(r.errors[i], w) {
					t.Errorf("error %q, want it to contain %q", r.errors[i], w)
				}
			}
			if len(r.explained) != tc.explained || len(r.unknown) != tc.unknown {
				t.Errorf("explained %q, unknown %q; want %d and %d", r.explained, r.unknown, tc.explained, tc.unknown)
			}
		})
	}
}

// TestVmlinuzBTFErrors checks that an image the reader cannot take is an
// error naming the file and what is wrong with it.
func TestVmlinuzBTFErrors(t *testing.T) {
	dir := t.TempDir()
	image := func(magic string, payload []byte) []byte {
		b := make([]byte, 5*512)
		b[0x1f1] = 4
		copy(b[0x202:], "HdrS")
		binary.LittleEndian.PutUint16(b[0x206:], 0x20f)
		binary.LittleEndian.PutUint32(b[0x248:], 0)
		binary.LittleEndian.PutUint32(b[0x24c:], uint32(len(magic)+len(payload)+4))
		b = append(b, magic...)
		b = append(b, payload...)
		return binary.LittleEndian.AppendUint32(b, 1234)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"not a bzImage", []byte("just text"), "not an x86 bzImage"},
		{"unknown compression", image("LZ4?", []byte("data")), "payload compressed in a format not known here"},
		{"corrupt xz", image("\xfd7zXZ\x00", []byte("not really xz")), "xz -dc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := vmlinuzBTF(path)
			if err == nil || !strings.Contains(err.Error(), path+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("vmlinuzBTF = %v, want an error naming %s and saying %q", err, path, tc.want)
			}
		})
	}
	if _, err := readKernelConfig(filepath.Join(dir, "not-a-bzImage")); err == nil || !strings.Contains(err.Error(), "not a kernel configuration") {
		t.Errorf("readKernelConfig of a text file = %v, want an error saying it is not a config", err)
	}
}
