package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/singlechecker"
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/bpfcompat/bpfcompat/analyzer"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// vetMain runs the tool as go vet's or go fix's, once per package: the
// last argument is the package's .cfg file, the others the flags the user
// gave go vet. Before handing over to x/tools' unitchecker it
//
//   - resolves relative spec file paths in -kernel and -spec-files that
//     do not exist from the package's directory (where go vet runs the
//     tool) against the module root, so -kernel=./fleet/x.yaml works from
//     the root as it does standalone;
//   - checks -kernel and -spec-files once, so a bad target is one line
//     and exit 1, not the usage text;
//   - answers dependency runs (VetxOnly: facts only) of packages that
//     cannot carry a fact with empty facts, without type-checking them.
func vetMain(args []string, stderr io.Writer) int {
	cfgFile := args[len(args)-1]
	flags := resolveSpecArgs(args[:len(args)-1])
	data, err := os.ReadFile(cfgFile)
	if err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet:", err)
		return 1
	}
	var cfg unitchecker.Config
	if err := json.Unmarshal(data, &cfg); err != nil {
		fmt.Fprintf(stderr, "bpfcompat-vet: %s: %v\n", cfgFile, err)
		return 1
	}
	var flagErr error
	if cfg.VetxOnly && cfg.VetxOutput != "" {
		// Most dependencies need neither the flags nor the specs: keep
		// their runs to a parse and a declarations-only type check.
		deps, ok := noFactsPossible(&cfg)
		if !ok {
			flagErr = checkTargetFlags(flags)
		}
		// With a bad flag, a dependency passes its types on and stays
		// quiet: go vet prints a line for every failed run, and the
		// packages the user named report the error.
		if (ok || flagErr != nil) && writeTypesOnlyVetx(&cfg, deps) {
			return 0
		}
	} else {
		flagErr = checkTargetFlags(flags)
	}
	if flagErr != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet:", oneLine(flagErr))
		return 1
	}
	os.Args = append(append([]string{os.Args[0]}, flags...), cfgFile)
	singlechecker.Main(oneLinePerFinding(analyzer.Analyzer)) // exits
	return 0
}

// oneLinePerFinding drops the related information from diagnostics:
// unitchecker prints it as a second file:line:col: line at the same
// position, which doubles every count and every editor entry. The commit
// it names is the diagnostic's URL, and explain prints it.
func oneLinePerFinding(a *analysis.Analyzer) *analysis.Analyzer {
	b := *a
	b.Run = func(pass *analysis.Pass) (any, error) {
		report := pass.Report
		pass.Report = func(d analysis.Diagnostic) {
			d.Related = nil
			report(d)
		}
		return a.Run(pass)
	}
	return &b
}

// vetFlags answers go vet's -flags: the flags it may pass on.
func vetFlags(stdout io.Writer) int {
	os.Args = []string{os.Args[0], "-flags"}
	singlechecker.Main(analyzer.Analyzer) // prints and exits
	return 0
}

// checkTargetFlags sets -kernel and -spec-files on a fresh analyzer, which
// validates versions and files as the real run will, then checks what
// Set cannot (checkKernelNames).
func checkTargetFlags(args []string) error {
	_, targets := targetFlags(args)
	if len(targets) == 0 {
		return nil // the default or .bpfcompat.yaml: the analyzer reports those
	}
	a := analyzer.New()
	var kernels, specFiles []string
	for _, t := range targets {
		if err := a.Flags.Lookup(t.name).Value.Set(t.value); err != nil {
			return fmt.Errorf("invalid value %q for flag -%s: %v", t.value, t.name, err)
		}
		switch t.name {
		case "kernel":
			kernels = strings.Split(t.value, ",")
		case "spec-files":
			specFiles = strings.Split(t.value, ",")
		}
	}
	return checkKernelNames(kernels, specFiles)
}

// checkKernelNames checks what a -kernel flag's Set cannot: a target that
// is a name (rhel-8.10) must be the name of a kernel in -spec-files (the
// analyzer would find out only when it first analyzes a package), and a
// version must not predate bpf(2) itself, which the oldest release in
// the specs (3.18) introduced.
func checkKernelNames(kernels, specFiles []string) error {
	db, err := kernelspec.Embedded()
	if err != nil {
		return err
	}
	oldest := db.Releases()[0].Version
	known := map[string]bool{}
	for _, f := range specFiles {
		if k, err := db.LoadKernel(strings.TrimSpace(f)); err == nil {
			known[k.Name] = true
		}
	}
	for _, k := range kernels {
		k = strings.TrimSpace(k)
		switch {
		case k == "" || isSpecPath(k):
		case unicode.IsLetter(rune(k[0])) && !(k[0] == 'v' && len(k) > 1 && unicode.IsDigit(rune(k[1]))):
			if !known[k] {
				return fmt.Errorf("invalid value %q for flag -kernel: %q is neither a kernel version (5.10), a spec file (.yaml), nor the name of a kernel in -spec-files", strings.Join(kernels, ","), k)
			}
		default:
			if v, err := kernelspec.ParseVersion(k); err == nil && v.Less(oldest) {
				return fmt.Errorf("invalid value %q for flag -kernel: Linux %s predates bpf(2), which came in %s", strings.Join(kernels, ","), k, oldest)
			}
		}
	}
	return nil
}

// targetFlag is a -kernel or -spec-files flag on a command line.
type targetFlag struct{ name, value string }

// targetFlags splits a command line into the target flags (-kernel=X,
// -kernel X, --spec-files=Y) and the rest.
func targetFlags(args []string) (rest []string, targets []targetFlag) {
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") || name != "kernel" && name != "spec-files" {
			rest = append(rest, args[i])
			continue
		}
		if !hasValue && i+1 < len(args) {
			i++
			value = args[i]
		}
		targets = append(targets, targetFlag{name, value})
	}
	return rest, targets
}

// resolveSpecArgs rewrites relative spec paths in -kernel and -spec-files
// as resolveSpecPath does, into -name=value form.
func resolveSpecArgs(args []string) []string {
	wd, _ := os.Getwd()
	root := moduleRoot(wd)
	out, targets := targetFlags(args)
	for _, t := range targets {
		parts := strings.Split(t.value, ",")
		for j, p := range parts {
			if p = strings.TrimSpace(p); isSpecPath(p) {
				parts[j] = resolveSpecPath(p, wd, root)
			}
		}
		out = append(out, "-"+t.name+"="+strings.Join(parts, ","))
	}
	return out
}

// specPathsInArgs lists the spec file paths among -kernel and -spec-files
// values in a command line.
func specPathsInArgs(args []string) []string {
	var out []string
	_, targets := targetFlags(args)
	for _, t := range targets {
		for _, p := range strings.Split(t.value, ",") {
			if p = strings.TrimSpace(p); isSpecPath(p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// resolveSpecPath returns p if it is absolute or exists from dir, else its
// place under root if it exists there, else p (and the loader says it is
// missing).
func resolveSpecPath(p, dir, root string) string {
	if filepath.IsAbs(p) {
		return p
	}
	if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
		return filepath.Join(dir, p)
	}
	if root != "" {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			return filepath.Join(root, p)
		}
	}
	return p
}

// isSpecPath is the analyzer's rule for a target that is a file.
func isSpecPath(s string) bool {
	return strings.HasSuffix(s, ".yaml") || strings.HasSuffix(s, ".yml") || strings.ContainsRune(s, filepath.Separator)
}

// noFactsPossible reports whether a package under go vet can export no
// fact: it is not a seed (see carriers) and its imports' facts are all
// empty. Facts reach a package only through its direct imports' vetx
// files (unitchecker re-exports what a package's importers may need), so
// such a package has none to build on. It returns the imports' vetx
// entries, for their types.
func noFactsPossible(cfg *unitchecker.Config) (map[string]*vetxEntry, bool) {
	deps := map[string]*vetxEntry{}
	facts := false
	for path, file := range cfg.PackageVetx {
		e, err := readVetx(file)
		if err != nil {
			return nil, false
		}
		deps[path] = e
		facts = facts || len(e.facts) > 0
	}
	if facts {
		return deps, false
	}
	if cfg.Module == nil && cfg.ModulePath == "" && !strings.Contains(strings.SplitN(cfg.ImportPath, "/", 2)[0], ".") {
		return deps, true // the standard library: no need to read the API map
	}
	c, err := newCarriers()
	if err != nil {
		return deps, false
	}
	if c.src.Libraries[cfg.ImportPath] {
		return deps, false
	}
	lowLevel := map[string]lowLevelImport{}
	for path, pkgPath := range cfg.ImportMap {
		if sys, ok := c.src.LowLevel[pkgPath]; ok {
			lowLevel[path] = lowLevelImport{name: pkgPath[strings.LastIndex(pkgPath, "/")+1:], syscalls: sys}
		}
	}
	for _, name := range cfg.GoFiles {
		if c.seedFile(name, lowLevel) {
			return deps, false
		}
	}
	return deps, true
}
