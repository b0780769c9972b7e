package analyzer_test

import "testing"

// TestVersionHelpers: kernel-version helpers in a package that imports no
// BPF library are checks without a directive — fixed, parametric, and
// those whose false result proves — read from uname(2) or procfs and
// compared as numbers, codes or structs; helpers that compare anything
// else are not.
func TestVersionHelpers(t *testing.T) {
	runShared(t)
}
