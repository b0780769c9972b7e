package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// options are the standalone command's flags; one parser serves every
// output mode, so -sarif, -json, -c and -fix combine and spell alike
// (-sarif FILE, -sarif=FILE).
type options struct {
	analyzer *analysis.Analyzer
	json     bool
	context  int
	fix      bool
	sarif    string
	tests    bool
	verbose  bool
	load     string
	patterns []string
}

// versionFlag is -V: print the version and exit (-V=full is the identity
// go vet asks for; main handles it before parsing).
type versionFlag struct{ set bool }

func (v *versionFlag) IsBoolFlag() bool { return true }
func (v *versionFlag) String() string   { return "" }
func (v *versionFlag) Set(s string) error {
	v.set = true
	return nil
}

func newFlagSet(out io.Writer) (*flag.FlagSet, *options) {
	o := &options{analyzer: analyzer.New()}
	fs := flag.NewFlagSet("bpfcompat-vet", flag.ContinueOnError)
	fs.SetOutput(out)
	o.analyzer.Flags.VisitAll(func(f *flag.Flag) { fs.Var(f.Value, f.Name, f.Usage) })
	fs.BoolVar(&o.json, "json", false, "print findings as JSON (the go/analysis drivers' format)")
	fs.IntVar(&o.context, "c", -1, "print `N` lines of source context around each finding")
	fs.BoolVar(&o.fix, "fix", false, "apply the suggested fixes; findings without one remain")
	fs.StringVar(&o.sarif, "sarif", "", "also write the findings as SARIF 2.1.0 to `FILE` (- for standard output only)")
	fs.BoolVar(&o.tests, "test", true, "analyze tests too")
	fs.BoolVar(&o.verbose, "v", false, "after each finding, say which kernel commit introduced the feature")
	fs.StringVar(&o.load, "load", "fast", "how to load dependencies: `fast` (from source only those that can carry a bpfcompat fact) or full (all from source)")
	fs.Var(new(versionFlag), "V", "print the version and exit")
	return fs, o
}

// parseFlags parses the standalone command line. A bad flag is one line on
// stderr and exit 1, never the usage text: in CI the usage buries the
// reason.
func parseFlags(args []string, stdout, stderr io.Writer) (*options, int) {
	fs, o := newFlagSet(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return nil, 0
		}
		fmt.Fprintln(stderr, "bpfcompat-vet:", oneLine(err))
		return nil, 1
	}
	if err := checkKernelNames(strings.Split(fs.Lookup("kernel").Value.String(), ","), strings.Split(fs.Lookup("spec-files").Value.String(), ",")); err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet:", oneLine(err))
		return nil, 1
	}
	if v := fs.Lookup("V").Value.(*versionFlag); v.set {
		return nil, versionCmd(stdout, stderr, nil)
	}
	o.patterns = fs.Args()
	switch {
	case len(o.patterns) == 0:
		fmt.Fprintln(stderr, "bpfcompat-vet: no packages given; try bpfcompat-vet ./... (bpfcompat-vet help for more)")
		return nil, 1
	case o.load != "fast" && o.load != "full":
		fmt.Fprintf(stderr, "bpfcompat-vet: -load=%s: want fast or full\n", o.load)
		return nil, 1
	case o.fix && o.sarif != "":
		fmt.Fprintln(stderr, "bpfcompat-vet: -fix and -sarif do not combine: fix first, then report")
		return nil, 1
	case o.json && o.sarif == "-":
		fmt.Fprintln(stderr, "bpfcompat-vet: -json and -sarif=- both want standard output")
		return nil, 1
	}
	return o, 0
}

func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}
