package analyzer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// DefaultKernel is the target when neither a flag nor .bpfcompat.yaml sets
// one: 5.4, the oldest kernel in cilium/ebpf's own CI matrix and the oldest
// still-maintained long-term release when that matrix was set.
const DefaultKernel = "5.4"

// ConfigFile is the per-module configuration file, found by walking up from
// a package's directory to its module root. It serves the drivers that cannot
// pass flags: golangci-lint, editors, Bazel nogo.
const ConfigFile = ".bpfcompat.yaml"

// fileConfig is the content of .bpfcompat.yaml.
type fileConfig struct {
	// Kernel is the target: one version or kernel spec file, or a list;
	// a name refers to a kernel described in SpecFiles.
	Kernel stringList `yaml:"kernel"`
	// SpecFiles are kernel spec files (distribution kernels), relative to
	// the config file, whose names Kernel may use.
	SpecFiles stringList `yaml:"spec-files"`
	// Disable and Checks are read by options.go.
	Disable yaml.Node `yaml:"disable"`
	Checks  yaml.Node `yaml:"checks"`
}

// stringList accepts a scalar or a sequence of scalars, and, on the command
// line, a comma-separated list.
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*l = splitList(n.Value)
		return nil
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: want a version or a spec file path", c.Line)
			}
			out = append(out, c.Value)
		}
		*l = out
		return nil
	}
	return fmt.Errorf("line %d: want a version, a spec file path, or a list of them", n.Line)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// kernelFlag is the -kernel flag; it remembers whether it was set so that
// an explicit flag wins over .bpfcompat.yaml, which wins over the default.
type kernelFlag struct {
	targets stringList
	set     bool
}

func (f *kernelFlag) String() string {
	if !f.set {
		return DefaultKernel
	}
	return strings.Join(f.targets, ",")
}

func (f *kernelFlag) Set(s string) error {
	targets := splitList(s)
	if len(targets) == 0 {
		return errors.New("empty target: want a kernel version such as 5.10, a kernel spec file, or a comma-separated list")
	}
	db, err := kernelspec.Embedded()
	if err != nil {
		return err
	}
	for _, t := range targets {
		// Resolve now, so that a bad target is a flag error rather than a
		// failure of whichever package the driver happens to analyze first.
		// A name (rhel-8.10) refers to -spec-files, resolved later.
		if isKernelName(t) {
			continue
		}
		if _, err := db.ParseKernel(t); err != nil {
			return err
		}
	}
	f.targets, f.set = targets, true
	return nil
}

// isKernelName reports whether a target names a kernel spec: it starts
// with a letter and is neither a version nor a path.
func isKernelName(s string) bool {
	if s == "" || isSpecPath(s) || !unicode.IsLetter(rune(s[0])) || s[0] == 'v' && len(s) > 1 && unicode.IsDigit(rune(s[1])) {
		return false
	}
	return true
}

// specFilesFlag is -spec-files: kernel spec files whose names -kernel may use.
type specFilesFlag struct{ files stringList }

func (f *specFilesFlag) String() string { return strings.Join(f.files, ",") }

func (f *specFilesFlag) Set(s string) error {
	db, err := kernelspec.Embedded()
	if err != nil {
		return err
	}
	files := splitList(s)
	for _, file := range files {
		if _, err := db.LoadKernel(file); err != nil {
			return err
		}
	}
	f.files = files
	return nil
}

func isSpecPath(s string) bool {
	return strings.HasSuffix(s, ".yaml") || strings.HasSuffix(s, ".yml") || strings.ContainsRune(s, filepath.Separator)
}

// targetSet is the resolved list of kernels a package must run on.
type targetSet struct {
	kernels []*kernelspec.Kernel
	origin  string // where the list came from, for error messages
}

// targetResolver finds and caches each directory's targets: packages of
// one module share a .bpfcompat.yaml, and drivers analyze many packages
// with one Analyzer.
type targetResolver struct {
	flag      *kernelFlag
	specFiles *specFilesFlag
	db        *kernelspec.DB

	mu    sync.Mutex
	byDir map[string]targetResult
}

type targetResult struct {
	set *targetSet
	err error
}

// resolve returns the targets for a package in dir.
func (r *targetResolver) resolve(dir string) (*targetSet, error) {
	if r.flag.set {
		return r.cached("-kernel flag", func() (*targetSet, error) {
			return r.parse(r.flag.targets, r.specFiles.files, "-kernel flag", "")
		})
	}
	cfg, err := findConfig(dir)
	if err != nil {
		return nil, err
	}
	if cfg == "" {
		return r.cached("default", func() (*targetSet, error) {
			return r.parse([]string{DefaultKernel}, nil, "default target", "")
		})
	}
	return r.cached(cfg, func() (*targetSet, error) { return r.load(cfg) })
}

func (r *targetResolver) cached(key string, f func() (*targetSet, error)) (*targetSet, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if res, ok := r.byDir[key]; ok {
		return res.set, res.err
	}
	set, err := f()
	if r.byDir == nil {
		r.byDir = map[string]targetResult{}
	}
	r.byDir[key] = targetResult{set, err}
	return set, err
}

func (r *targetResolver) load(path string) (*targetSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cfg fileConfig
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(cfg.Kernel) == 0 {
		return nil, fmt.Errorf("%s: no kernel: say which kernel(s) the module targets, e.g. kernel: %s", path, DefaultKernel)
	}
	return r.parse(cfg.Kernel, cfg.SpecFiles, path, filepath.Dir(path))
}

// parse resolves each target; spec file paths are relative to base.
func (r *targetResolver) parse(targets, specFiles []string, origin, base string) (*targetSet, error) {
	set := &targetSet{origin: origin}
	rel := func(p string) string {
		if base != "" && !filepath.IsAbs(p) {
			return filepath.Join(base, p)
		}
		return p
	}
	named := map[string]*kernelspec.Kernel{}
	for _, file := range specFiles {
		k, err := r.db.LoadKernel(rel(file))
		if err != nil {
			return nil, fmt.Errorf("%s: spec-files: %w", origin, err)
		}
		named[k.Name] = k
	}
	for _, t := range targets {
		if k, ok := named[t]; ok {
			set.kernels = append(set.kernels, k)
			continue
		}
		if isKernelName(t) {
			return nil, fmt.Errorf("%s: target %q is neither a kernel version, a spec file, nor the name of a kernel in the spec files", origin, t)
		}
		if isSpecPath(t) {
			t = rel(t)
		}
		k, err := r.db.ParseKernel(t)
		if err != nil {
			return nil, fmt.Errorf("%s: target %q: %w", origin, t, err)
		}
		set.kernels = append(set.kernels, k)
	}
	return set, nil
}

// findConfig walks up from dir to the module root (the directory with
// go.mod) looking for ConfigFile; it returns "" when there is none.
func findConfig(dir string) (string, error) {
	for d := dir; ; {
		p := filepath.Join(d, ConfigFile)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return "", nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", nil
		}
		d = parent
	}
}
