package main

import (
	"bytes"
	"strings"
	"testing"
)

// Without qemu, probe -vm says how to install it.
func TestProbeVMWithoutQemu(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var stdout, stderr bytes.Buffer
	if code := probeCmd(&stdout, &stderr, []string{"-vm", "vmlinuz"}); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "qemu-system-x86_64 not found: install it (Debian, Ubuntu: apt-get install qemu-system-x86") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

func TestProbeBadConfig(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := probeCmd(&stdout, &stderr, []string{"-config", "probe_test.go"}); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "probe_test.go:1: not a kernel configuration line") {
		t.Errorf("stderr: %s", stderr.String())
	}
}
