package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/probe"
)

// probeCmd writes a kernel spec for the running kernel.
func probeCmd(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "-", "write the kernel spec to this file (- for standard output)")
	name := fs.String("name", "", "the kernel's name in diagnostics (default: host-<uname release>)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: bpfcompat-vet probe [-o file.yaml] [-name rhel-8.10]")
		return 1
	}
	db, err := kernelspec.Embedded()
	if err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet:", err)
		return 1
	}
	r, err := probe.Run(db)
	if err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet probe:", err)
		return 1
	}
	if *name == "" {
		*name = "host-" + strings.NewReplacer(" ", "-", ",", "-").Replace(r.Release)
	}
	var buf bytes.Buffer
	if err := r.WriteSpec(&buf, db, *name); err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet probe:", err)
		return 1
	}
	if *out == "-" {
		stdout.Write(buf.Bytes())
		return 0
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet probe:", err)
		return 1
	}
	fmt.Fprintf(stderr, "wrote %s: %s, base %s\n", *out, *name, r.Base)
	return 0
}
