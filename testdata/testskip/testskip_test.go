// Package testskip has only tests; they check their kernel through files // want package:"exports bpf\\(2\\) wrappers or requirements"
// and skip where it lacks what they use.
package testskip

import (
	"os"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
)

func TestFentry(t *testing.T) {
	kallsyms, _ := os.ReadFile("/proc/kallsyms")
	if !strings.Contains(string(kallsyms), "bpf_fentry_test1") {
		t.Skip("no bpf_fentry_test1 in kallsyms")
	}
	_ = &ebpf.ProgramSpec{Type: ebpf.Tracing, AttachType: ebpf.AttachTraceFEntry}
	t.Run("sub", func(t *testing.T) {
		link.AttachTracing(link.TracingOptions{})
	})
}

func TestRing(t *testing.T) {
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skipf("no BTF: %v", err)
	}
	ringbuf.NewReader(nil)
}

// Twins: a use before the skip, and a test that never skips, are checked
// (and, as exported functions, pass their requirement on as facts).

func TestUseFirst(t *testing.T) { // want TestUseFirst:"requires BPF_MAP_TYPE_RINGBUF"
	ringbuf.NewReader(nil) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	if os.Getenv("CI") == "" {
		t.SkipNow()
	}
}

func TestNoSkip(t *testing.T) { // want TestNoSkip:"requires BPF_MAP_TYPE_RINGBUF"
	if os.Getenv("CI") == "" {
		t.Log("not in CI")
	}
	ringbuf.NewReader(nil) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}
