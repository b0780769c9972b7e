// Command bpfcompat-vet reports Linux BPF features that a Go program
// selects but its target kernel lacks.
//
//	bpfcompat-vet [-kernel=5.10] [-json] [-fix] packages      check packages
//	bpfcompat-vet -sarif=FILE [-kernel=...] packages            also write SARIF 2.1.0
//	go vet -vettool=$(command -v bpfcompat-vet) [-kernel=...] packages
//	go fix -fixtool=$(command -v bpfcompat-vet) packages
//	bpfcompat-vet explain <feature or Go symbol>                where a feature comes from
//	bpfcompat-vet specs [-json]                                 the releases and what each added
//	bpfcompat-vet probe [-o host.yaml]                          a kernel spec of the running kernel
//	bpfcompat-vet probe -vm=vmlinuz [-config=FILE] [-o k.yaml]  a kernel spec of a kernel image, booted under qemu
//
// Exit status: 0 clean, 3 findings, 1 errors (as the x/tools drivers).
package main

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/bpfcompat/bpfcompat/analyzer"
	"github.com/bpfcompat/bpfcompat/probe/vm"
)

func main() {
	if vm.IsGuest() {
		vm.Guest() // init of the VM that `probe -vm` boots
	}
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "explain":
			os.Exit(explain(os.Stdout, os.Stderr, os.Args[2:]))
		case "specs":
			os.Exit(specsCmd(os.Stdout, os.Stderr, os.Args[2:]))
		case "probe":
			os.Exit(probeCmd(os.Stdout, os.Stderr, os.Args[2:]))
		}
	}
	for i, arg := range os.Args[1:] {
		if path, ok := sarifFlag(arg); ok {
			args := append(os.Args[1:i+1:i+1], os.Args[i+2:]...)
			os.Exit(runSARIF(os.Stdout, os.Stderr, path, args))
		}
	}
	singlechecker.Main(analyzer.Analyzer)
}

// sarifFlag recognises -sarif=FILE (or --sarif=FILE).
func sarifFlag(arg string) (string, bool) {
	arg = strings.TrimPrefix(arg, "-")
	rest, ok := strings.CutPrefix(arg, "-sarif=")
	if !ok {
		rest, ok = strings.CutPrefix(arg, "sarif=")
	}
	if ok && rest == "" {
		fmt.Fprintln(os.Stderr, "bpfcompat-vet: -sarif needs a file name (- for standard output)")
		os.Exit(1)
	}
	return rest, ok
}
