package main

import (
	"fmt"
	"go/build"
	"os"
	"os/exec"
	"strings"
)

// adoptGoTarget makes build.Default's GOOS and GOARCH the go command's, in
// a standalone run. The analyzer reads the target architecture from
// build.Default (bpf(2)'s number where a package has no SYS_BPF of its own),
// as go vet's tools do; go vet sets GOARCH in their environment, and
// build.Default follows $GOARCH, but a standalone run gets only its
// caller's environment, which lacks a GOARCH set by `go env -w`. go list,
// which loads the packages, reads that too: without this the files would
// be chosen for one architecture and the system call numbered for another.
func adoptGoTarget() error {
	if os.Getenv("GOOS") != "" && os.Getenv("GOARCH") != "" {
		return nil // build.Default already has them
	}
	out, err := exec.Command("go", "env", "GOOS", "GOARCH").Output()
	if err != nil {
		return fmt.Errorf("go env GOOS GOARCH: %v", err)
	}
	fields := strings.Fields(string(out))
	if len(fields) != 2 {
		return fmt.Errorf("go env GOOS GOARCH printed %q", out)
	}
	build.Default.GOOS, build.Default.GOARCH = fields[0], fields[1]
	return nil
}
