package main

import (
	"os"
	"path/filepath"
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
		{"a directive", "//bpfcompat:checks 5.8\nfunc f() bool { return true }", true},
		{"a BPF name of its own", "const BPF_X = 1\nvar _ = unix.Getpid", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "p.go")
			if err := os.WriteFile(file, []byte(head+tc.body+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := seedFile(file, lowLevel); got != tc.seed {
				t.Errorf("seed = %v, want %v for:\n%s", got, tc.seed, tc.body)
			}
		})
	}
	dot := filepath.Join(t.TempDir(), "dot.go")
	os.WriteFile(dot, []byte("package p\n\nimport . \"golang.org/x/sys/unix\"\n\nvar _ = Getpid\n"), 0o644)
	if !seedFile(dot, lowLevel) {
		t.Error("a dot import of x/sys/unix is not a seed")
	}
}
