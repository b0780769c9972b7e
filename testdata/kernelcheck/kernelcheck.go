// Package kernelcheck checks the running kernel without importing any BPF
// library or system call: only its directives say what it proves. Such a
// package must still be read, or its checks would guard nothing.
package kernelcheck

import "os"

// AtLeast58 stands for a project's own version helper.
//
//bpfcompat:checks 5.8
func AtLeast58() bool { // want AtLeast58:"checks Linux 5.8 when true or nil"
	_, err := os.Stat("/sys/kernel/btf/vmlinux")
	return err == nil
}

// Misspelt has a directive that is no directive, which must be said even
// here.
//
//bpfcompat:chekcs 5.8 // want `unknown directive //bpfcompat:chekcs; did you mean "checks"\?`
func Misspelt() bool { return true }
