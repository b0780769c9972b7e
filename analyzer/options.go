package analyzer

import (
	"fmt"
	"go/types"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"
	"gopkg.in/yaml.v3"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// Settings beyond the target, each from its flag when given, else from
// .bpfcompat.yaml (the golangci-lint plugin sets the flags):
//
//	disable: [obsolete_guard]        categories not to report
//	checks:                          functions the module does not own that are checks,
//	  example.com/x/kernels.MinKernelVersion: arg0                  in the terms of
//	  example.com/x/probe.HaveRing: BPF_MAP_TYPE_RINGBUF            //bpfcompat:checks
//
// Each is read independently of the target: -kernel=6.1 with a
// .bpfcompat.yaml that lists checks keeps the checks.

// Categories lists every diagnostic category the analyzer reports: the
// feature kinds, and the categories of what is not a missing feature.
func Categories() []string {
	out := []string{ObsoleteGuardCategory, "object", "requires"}
	for _, k := range kernelspec.Kinds {
		out = append(out, k.String())
	}
	sort.Strings(out)
	return out
}

func checkCategory(name string) error {
	if !slices.Contains(Categories(), name) {
		return fmt.Errorf("unknown category %q; known: %s", name, strings.Join(Categories(), ", "))
	}
	return nil
}

// checkSpec validates a check's terms as //bpfcompat:checks takes them,
// before any function is known: "arg0", "5.11", "BPF_MAP_TYPE_RINGBUF",
// each optionally followed by "false" or "true".
func checkSpec(db *kernelspec.DB, spec string) error {
	fields := strings.Fields(spec)
	if len(fields) == 0 || len(fields) > 2 {
		return fmt.Errorf("%q: want a version, a feature name or argN, then optionally false", spec)
	}
	if len(fields) == 2 && fields[1] != "false" && fields[1] != "true" {
		return fmt.Errorf("%q: the second word says which result proves it, true or false", spec)
	}
	what := fields[0]
	if strings.HasPrefix(what, "arg") || db.Find(what) != nil {
		return nil
	}
	v, err := kernelspec.ParseVersion(what)
	if err != nil {
		return fmt.Errorf("%q is neither a kernel version, a feature the specs know, nor argN", what)
	}
	return db.CheckRelease(v)
}

// configCheck is a check declared in the configuration, with where it was
// declared, for errors.
type configCheck struct{ spec, where string }

// options are the settings of one package's directory.
type options struct {
	disabled map[string]bool
	checks   map[string]configCheck // by types.Func.FullName
}

// disableFlag is -disable: categories not to report.
type disableFlag struct {
	names []string
	set   bool
}

func (f *disableFlag) String() string { return strings.Join(f.names, ",") }

func (f *disableFlag) Set(s string) error {
	names := splitList(s)
	for _, n := range names {
		if err := checkCategory(n); err != nil {
			return err
		}
	}
	f.names, f.set = names, true
	return nil
}

// checksFlag is -checks: name=terms pairs, comma-separated.
type checksFlag struct {
	checks map[string]configCheck
	set    bool
}

func (f *checksFlag) String() string {
	var out []string
	for name, c := range f.checks {
		out = append(out, name+"="+c.spec)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func (f *checksFlag) Set(s string) error {
	db, err := kernelspec.Embedded()
	if err != nil {
		return err
	}
	checks := map[string]configCheck{}
	for _, pair := range splitList(s) {
		name, spec, ok := strings.Cut(pair, "=")
		name, spec = strings.TrimSpace(name), strings.TrimSpace(spec)
		if !ok || name == "" {
			return fmt.Errorf("-checks: %q: want function=terms, e.g. example.com/x/kernels.MinKernelVersion=arg0", pair)
		}
		if err := checkSpec(db, spec); err != nil {
			return fmt.Errorf("-checks: %s: %w", name, err)
		}
		checks[name] = configCheck{spec, "-checks flag"}
	}
	f.checks, f.set = checks, true
	return nil
}

// optionResolver finds and caches each configuration file's options.
type optionResolver struct {
	disable *disableFlag
	checks  *checksFlag
	files   *configFiles

	mu     sync.Mutex
	byFile map[string]optionResult
}

type optionResult struct {
	opts *options
	err  error
}

// resolve returns the options for a package in dir.
func (r *optionResolver) resolve(db *kernelspec.DB, dir string) (*options, error) {
	file := &options{}
	if !r.disable.set || !r.checks.set {
		path, err := findConfig(dir)
		if err != nil {
			return nil, err
		}
		if path != "" {
			if file, err = r.cached(db, path); err != nil {
				return nil, err
			}
		}
	}
	opts := *file
	if r.disable.set {
		opts.disabled = map[string]bool{}
		for _, n := range r.disable.names {
			opts.disabled[n] = true
		}
	}
	if r.checks.set {
		opts.checks = r.checks.checks
	}
	return &opts, nil
}

func (r *optionResolver) cached(db *kernelspec.DB, path string) (*options, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if res, ok := r.byFile[path]; ok {
		return res.opts, res.err
	}
	cfg, err := r.files.get(path)
	if err != nil {
		return &options{}, nil // the target resolver reports it
	}
	opts, err := optionsFrom(db, path, cfg)
	if r.byFile == nil {
		r.byFile = map[string]optionResult{}
	}
	r.byFile[path] = optionResult{opts, err}
	return opts, err
}

// optionsFrom reads the disable and checks keys of a parsed
// configuration file; the target resolver validates the rest.
func optionsFrom(db *kernelspec.DB, path string, cfg *fileConfig) (*options, error) {
	opts := &options{}
	at := func(n *yaml.Node, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", path, n.Line, fmt.Sprintf(format, args...))
	}
	if v := cfg.Disable; v != nil {
		var names []*yaml.Node
		switch v.Kind {
		case yaml.ScalarNode:
			names = []*yaml.Node{v}
		case yaml.SequenceNode:
			names = v.Content
		default:
			return nil, at(v, "disable: want a category or a list of them")
		}
		opts.disabled = map[string]bool{}
		for _, n := range names {
			if n.Kind != yaml.ScalarNode {
				return nil, at(n, "disable: want a category name")
			}
			if err := checkCategory(n.Value); err != nil {
				return nil, at(n, "disable: %v", err)
			}
			opts.disabled[n.Value] = true
		}
	}
	if v := cfg.Checks; v != nil {
		if v.Kind != yaml.MappingNode {
			return nil, at(v, `checks: want a mapping of functions to terms, e.g. "example.com/x/kernels.MinKernelVersion": arg0`)
		}
		opts.checks = map[string]configCheck{}
		for j := 0; j+1 < len(v.Content); j += 2 {
			name, spec := v.Content[j], v.Content[j+1]
			if spec.Kind != yaml.ScalarNode {
				return nil, at(spec, "checks: %s: want terms such as arg0, 5.11 or BPF_MAP_TYPE_RINGBUF", name.Value)
			}
			if err := checkSpec(db, spec.Value); err != nil {
				return nil, at(spec, "checks: %s: %v", name.Value, err)
			}
			opts.checks[name.Value] = configCheck{spec.Value, fmt.Sprintf("%s:%d", path, spec.Line)}
		}
	}
	return opts, nil
}

// filter keeps the diagnostics of disabled categories from the driver.
// Suppressing at the end keeps every //bpfcompat:ignore that names such
// a use counted as used.
func (o *options) filter(pass *analysis.Pass) {
	if len(o.disabled) == 0 {
		return
	}
	report := pass.Report
	pass.Report = func(d analysis.Diagnostic) {
		if !o.disabled[d.Category] {
			report(d)
		}
	}
}

// configuredCheck is fn's check as the configuration declares it, or nil.
// Terms that do not fit fn (no such argument, not a bool or error result)
// are an error of the configuration, returned by the pass.
func (c *checker) configuredCheck(fn *types.Func) *checkFact {
	if c.options == nil {
		return nil
	}
	cc, ok := c.options.checks[c.key(fn)]
	if !ok {
		return nil
	}
	fact, err := c.parseCheckFor(fn, cc.spec)
	if err != nil {
		if c.configErr == nil {
			c.configErr = fmt.Errorf("%s: checks: %s: %v", cc.where, c.key(fn), err)
		}
		return nil
	}
	return fact
}
