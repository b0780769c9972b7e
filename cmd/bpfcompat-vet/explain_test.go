package main

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// TestExplainNamesExist: every x/sys/unix constant explain names as a
// selector exists in the x/sys/unix the testdata module requires.
func TestExplainNamesExist(t *testing.T) {
	db, api, err := loadData()
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.Abs("../../testdata")
	pkgs, err := packages.Load(&packages.Config{Dir: dir, Mode: packages.NeedName | packages.NeedTypes}, "golang.org/x/sys/unix")
	if err != nil || len(pkgs) != 1 || pkgs[0].Types == nil {
		t.Fatalf("loading x/sys/unix: %v", err)
	}
	scope := pkgs[0].Types.Scope()
	x := &explainer{db: db, api: api}
	re := regexp.MustCompile(`selected by: golang\.org/x/sys/unix\.(\S+)`)
	var buf bytes.Buffer
	checked := 0
	for _, k := range kernelspec.Kinds {
		for _, f := range db.Features(k) {
			buf.Reset()
			x.describe(&buf, f)
			for _, m := range re.FindAllStringSubmatch(buf.String(), -1) {
				checked++
				if scope.Lookup(m[1]) == nil {
					t.Errorf("explain %s names golang.org/x/sys/unix.%s, which does not exist", f.Name, m[1])
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d x/sys/unix names checked", checked)
	}
}

func TestExplainSpellings(t *testing.T) {
	dir, _ := filepath.Abs("../../testdata")
	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"ebpf.RingBuf", "features.HaveMapType", "ebpf.Map.BatchLookup", "map_extra"}, 0, []string{
			"github.com/cilium/ebpf.RingBuf (MapType, value 27) selects:",
			"github.com/cilium/ebpf/features.HaveMapType is a probe",
			"(*github.com/cilium/ebpf.Map).BatchLookup selects:",
			"BPF_MAP_CREATE.map_extra (attr_field)",
		}},
		{[]string{"BPF_MAP_TYPE_RINGBUFF"}, 1, []string{"did you mean BPF_MAP_TYPE_RINGBUF?"}},
		{[]string{"link.AttachTCXX"}, 1, []string{"did you mean link.AttachTCX?"}},
	} {
		out, code := runCmd(t, dir, vetBinary, append([]string{"explain"}, tc.args...)...)
		if code != tc.code {
			t.Errorf("explain %v: exit %d, want %d\n%s", tc.args, code, tc.code, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("explain %v lacks %q:\n%s", tc.args, w, out)
			}
		}
	}
	if out, _ := runCmd(t, dir, vetBinary, "explain", "bpf_loop"); strings.Contains(out, "unix.bpf_loop") {
		t.Errorf("explain bpf_loop names a constant x/sys/unix does not have:\n%s", out)
	}
}
