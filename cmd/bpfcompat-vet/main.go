// Command bpfcompat-vet reports Linux BPF features that a Go program
// selects but its target kernel lacks.
//
//	bpfcompat-vet [-kernel=5.10] [-json] [-c=N] [-fix] [-sarif FILE] packages
//	go tool bpfcompat-vet [flags] packages            (go get -tool)
//	go vet -vettool=$(command -v bpfcompat-vet) [-kernel=...] packages
//	go fix -fixtool=$(command -v bpfcompat-vet) packages
//	bpfcompat-vet explain <feature or Go symbol>...     where a feature comes from
//	bpfcompat-vet specs [-json]                         the releases and what each added
//	bpfcompat-vet probe [-o host.yaml]                  a kernel spec of the running kernel
//	bpfcompat-vet probe -vm=vmlinuz [-o k.yaml]         a kernel spec of a kernel image, booted under qemu
//	bpfcompat-vet version                               the tool's and the data's version
//
// Exit status: 0 clean, 3 findings remain, 1 errors (bad flags, bad
// configuration, packages that do not load), in every mode.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/bpfcompat/bpfcompat/probe/vm"
)

func main() {
	if vm.IsGuest() {
		vm.Guest() // init of the VM that `probe -vm` boots
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "explain":
			return explain(stdout, stderr, args[1:])
		case "specs":
			return specsCmd(stdout, stderr, args[1:])
		case "probe":
			return probeCmd(stdout, stderr, args[1:])
		case "version":
			return versionCmd(stdout, stderr, args[1:])
		case "help":
			usage(stdout)
			return 0
		}
	}
	// go vet and go fix run the tool once per package with a .cfg file,
	// after asking for its identity (-V=full) and flags (-flags).
	if len(args) > 0 && strings.HasSuffix(args[len(args)-1], ".cfg") {
		return vetMain(args, stderr)
	}
	for _, arg := range args {
		switch arg {
		case "-V=full", "--V=full":
			return versionFull(stdout, stderr)
		case "-flags", "--flags":
			return vetFlags(stdout)
		}
	}
	opts, code := parseFlags(args, stdout, stderr)
	if opts == nil {
		return code
	}
	return standalone(opts, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: bpfcompat-vet [flags] packages
       bpfcompat-vet explain NAME...     what a feature is, where it came from, the API that selects it
       bpfcompat-vet specs [-json]       the kernel releases in the data and what each added
       bpfcompat-vet probe [-o FILE]     write a kernel spec of the running kernel (root or CAP_BPF),
                                         or with -vm=vmlinuz of a kernel image booted under qemu
       bpfcompat-vet version             the tool's version and the data's newest release

Reports Linux BPF features (bpf(2) commands, map, program, attach and link
types, helpers, bpf_attr fields, flags) that Go code selects but the target
kernel lacks, unless the code checks for them first.

Also runs as:
       go tool bpfcompat-vet [flags] packages         (after go get -tool)
       go vet -vettool=$(command -v bpfcompat-vet) [-kernel=...] packages
       go fix -fixtool=$(command -v bpfcompat-vet) packages

Flags:
`)
	fs, _ := newFlagSet(io.Discard)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprint(w, `
Exit status: 0 no findings, 3 findings remain, 1 errors.
`)
}
