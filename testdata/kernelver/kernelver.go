// Package kernelver stands for a library the module does not own: its
// functions test the running kernel in ways no inference can follow, and
// carry no directive. The module's .bpfcompat.yaml declares them checks.
package kernelver

import (
	"os"
	"strings"
)

// MinKernelVersion reports whether the running kernel is at least v.
func MinKernelVersion(v string) bool {
	rel, err := os.ReadFile("/proc/sys/kernel/osrelease")
	return err == nil && strings.Compare(string(rel), v) >= 0
}

// HaveRing returns nil where ring buffers work, by the library's own means.
func HaveRing() error {
	_, err := os.Stat("/sys/kernel/btf/vmlinux")
	return err
}

// Older reports whether the running kernel is older than v.
func Older(v string) bool { return !MinKernelVersion(v) }

// Unlisted is not declared a check.
func Unlisted() bool { return true }
