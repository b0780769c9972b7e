package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeedFile: the classes of code that make a package a seed of facts
// under the fast loading rule, each with the twin that does not.
func TestSeedFile(t *testing.T) {
	src, err := newCarriers()
	if err != nil {
		t.Fatal(err)
	}
	lowLevel := map[string]lowLevelImport{
		"golang.org/x/sys/unix": {name: "unix", syscalls: src.src.LowLevel["golang.org/x/sys/unix"]},
		"syscall":               {name: "syscall", syscalls: src.src.LowLevel["syscall"]},
	}
	const head = "package p\n\nimport (\n\t\"syscall\"\n\t\"unsafe\"\n\t\"golang.org/x/sys/unix\"\n)\n\nvar _ = unsafe.Pointer(nil)\n"
	for _, tc := range []struct {
		name, body string
		seed       bool
	}{
		{"another syscall", "func f() { unix.Syscall(unix.SYS_READ, 0, 0, 0) }", false},
		{"another syscall, converted", "func f() { syscall.Syscall6(\n\tuintptr(syscall.SYS_PPOLL),\n\t0, 0, 0, 0, 0) }", false},
		{"no syscall at all", "func f() { _ = unix.Getpid() }", false},
		{"bpf(2)", "func f() { unix.Syscall(unix.SYS_BPF, 0, 0, 0) }", true},
		{"bpf(2), converted", "func f() { syscall.Syscall(uintptr(syscall.SYS_BPF), 0, 0, 0) }", true},
		{"a number from elsewhere", "func f(trap uintptr) { unix.Syscall(trap, 0, 0, 0) }", true},
		{"a literal number", "func f() { unix.Syscall(321, 0, 0, 0) }", true},
		{"a BPF constant", "var _ = unix.BPF_MAP_TYPE_RINGBUF", true},
		{"a kernel-version source", "func f() { var u unix.Utsname; unix.Uname(&u) }", true},
		{"the kernel's release file", "func f() { _ = \"/proc/sys/kernel/osrelease\" }", true},
		{"another file", "func f() { _ = \"/proc/sys/kernel/hostname\" }", false},
		{"a directive", "//bpfcompat:checks 5.8\nfunc f() bool { return true }", true},
		{"a BPF name of its own", "const BPF_X = 1\nvar _ = unix.Getpid", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "p.go")
			if err := os.WriteFile(file, []byte(head+tc.body+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := src.seedFile(file, lowLevel); got != tc.seed {
				t.Errorf("seed = %v, want %v for:\n%s", got, tc.seed, tc.body)
			}
		})
	}
	dot := filepath.Join(t.TempDir(), "dot.go")
	os.WriteFile(dot, []byte("package p\n\nimport . \"golang.org/x/sys/unix\"\n\nvar _ = Getpid\n"), 0o644)
	if !src.seedFile(dot, lowLevel) {
		t.Error("a dot import of x/sys/unix is not a seed")
	}
}

// TestFastLoadReadsVersionHelpers: a kernel-version helper that imports
// nothing but os and reads /proc/sys/kernel/osrelease is a check; fast
// loading must read it from source when only its importer is analyzed, or
// the guard it makes would be lost.
func TestFastLoadReadsVersionHelpers(t *testing.T) {
	dir := t.TempDir()
	const helper = `package kver

import (
	"os"
	"strconv"
	"strings"
)

func AtLeast58() bool {
	data, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return false
	}
	parts := strings.Split(strings.TrimSpace(string(data)), ".")
	if len(parts) < 2 {
		return false
	}
	major, _ := strconv.Atoi(parts[0])
	minor, _ := strconv.Atoi(parts[1])
	return major > 5 || major == 5 && minor >= 8
}
`
	const use = `package use

import (
	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"

	"vermod/kver"
)

func Read(m *ebpf.Map) {
	if kver.AtLeast58() {
		ringbuf.NewReader(m)
	}
	ringbuf.NewReader(m)
}
`
	gomod := bytes.Replace(mustRead(t, filepath.Join(repo(t), "testdata", "go.mod")), []byte("module bpfcompat.test"), []byte("module vermod"), 1)
	for name, data := range map[string][]byte{
		"go.mod":       gomod,
		"go.sum":       mustRead(t, filepath.Join(repo(t), "testdata", "go.sum")),
		"kver/kver.go": []byte(helper),
		"use/use.go":   []byte(use),
	} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, code := runCmd(t, dir, vetBinary, "-load=fast", "./use")
	if code != 3 || strings.Count(out, "BPF_MAP_TYPE_RINGBUF requires Linux 5.8") != 1 || !strings.Contains(out, "use.go:14:") {
		t.Errorf("want only the unguarded use at use.go:14 reported (exit 3), got exit %d:\n%s", code, out)
	}
}
