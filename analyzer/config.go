package analyzer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/bpfcompat/bpfcompat/internal/suggest"
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

// fileConfig is the content of .bpfcompat.yaml: each setting with where
// it was written, for errors.
type fileConfig struct {
	// Kernel is the target: one version or kernel spec file, or a list;
	// a name refers to a kernel described in SpecFiles.
	Kernel []setting
	// SpecFiles are kernel spec files (distribution kernels), relative to
	// the config file, whose names Kernel may use.
	SpecFiles []setting
	// Disable and Checks are the options' keys, as written: options.go
	// reads them (optionsFrom).
	Disable, Checks *yaml.Node
}

// configFiles parses each .bpfcompat.yaml once for both the target and
// the option resolvers.
type configFiles struct {
	mu     sync.Mutex
	byPath map[string]parsedConfig
}

type parsedConfig struct {
	cfg *fileConfig
	err error
}

func (c *configFiles) get(path string) (*fileConfig, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.byPath[path]; ok {
		return p.cfg, p.err
	}
	var cfg *fileConfig
	data, err := os.ReadFile(path)
	if err == nil {
		cfg, err = parseConfig(path, data)
	}
	if c.byPath == nil {
		c.byPath = map[string]parsedConfig{}
	}
	c.byPath[path] = parsedConfig{cfg, err}
	return cfg, err
}

// setting is one value of a list setting and where it was given:
// "file:line", or the flag or setting's name.
type setting struct {
	value, where string
}

func settings(values []string, where string) []setting {
	out := make([]setting, len(values))
	for i, v := range values {
		out[i] = setting{v, where}
	}
	return out
}

// configKeys are the keys .bpfcompat.yaml knows.
var configKeys = []string{"kernel", "spec-files", "disable", "checks"}

// parseConfig reads .bpfcompat.yaml. Errors say file:line: reason, in
// the file's terms (keys and values), never the decoder's Go types.
func parseConfig(path string, data []byte) (*fileConfig, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(path, err)
	}
	cfg := &fileConfig{}
	if len(doc.Content) == 0 {
		return cfg, nil // empty: the caller says what is missing
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want keys such as kernel: %s, found %s", path, root.Line, DefaultKernel, nodeKind(root))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if first, dup := seen[k.Value]; dup {
			return nil, fmt.Errorf("%s:%d: %s is given twice (first at line %d)", path, k.Line, k.Value, first)
		}
		seen[k.Value] = k.Line
		var dst *[]setting
		switch k.Value {
		case "kernel":
			dst = &cfg.Kernel
		case "spec-files":
			dst = &cfg.SpecFiles
		case "disable":
			cfg.Disable = v
			continue
		case "checks":
			cfg.Checks = v
			continue
		default:
			return nil, fmt.Errorf("%s:%d: unknown key %q%s (the keys are %s)", path, k.Line, k.Value, suggest.DidYouMean(k.Value, configKeys), strings.Join(configKeys, ", "))
		}
		list, err := listSetting(path, k.Value, v)
		if err != nil {
			return nil, err
		}
		*dst = list
	}
	return cfg, nil
}

// listSetting reads a scalar (which may be a comma-separated list) or a
// sequence of scalars.
func listSetting(path, key string, n *yaml.Node) ([]setting, error) {
	where := func(line int) string { return fmt.Sprintf("%s:%d", path, line) }
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, fmt.Errorf("%s: %s is empty: want a version, a spec file path, or a list of them", where(n.Line), key)
		}
		return settings(splitList(n.Value), where(n.Line)), nil
	case yaml.SequenceNode:
		var out []setting
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("%s: %s: want a version or a spec file path, found %s", where(c.Line), key, nodeKind(c))
			}
			out = append(out, setting{c.Value, where(c.Line)})
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: %s: want a version, a spec file path, or a list of them, found %s", where(n.Line), key, nodeKind(n))
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("%q", n.Value)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns the YAML parser's "yaml: line 3: reason" into
// "file:3: reason".
func yamlError(path string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s:%s: %s", path, m[1], m[2])
	}
	return fmt.Errorf("%s: %s", path, strings.TrimPrefix(msg, "yaml: "))
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
	targets []string
	set     bool
	// From a driver's settings rather than the command line (golangci-lint):
	// what errors call them, and whether relative paths in them are
	// relative to each package's module root rather than the working
	// directory, which such drivers do not fix.
	origin         string
	moduleRelative bool
	baseDir        string // where relative paths are relative to, if known
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
type specFilesFlag struct{ files []string }

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
	files     *configFiles

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
		origin, base := "-kernel flag", ""
		if r.flag.origin != "" {
			origin = r.flag.origin
		}
		if r.flag.moduleRelative && r.flag.baseDir != "" {
			base = r.flag.baseDir
		} else if r.flag.moduleRelative {
			// The module the driver runs in: a dependency's package,
			// analyzed for its facts, lives elsewhere (the module cache)
			// but is checked against the same targets.
			wd, err := os.Getwd()
			if err != nil {
				return nil, err
			}
			if base, err = moduleRoot(wd); err != nil {
				return nil, err
			}
		}
		return r.cached(origin+"\x00"+base, func() (*targetSet, error) {
			specWhere := "-spec-files flag"
			if r.flag.origin != "" {
				specWhere = r.flag.origin
			}
			return r.parse(settings(r.flag.targets, origin), settings(r.specFiles.files, specWhere), origin, base)
		})
	}
	cfg, err := findConfig(dir)
	if err != nil {
		return nil, err
	}
	if cfg == "" {
		return r.cached("default", func() (*targetSet, error) {
			return r.parse(settings([]string{DefaultKernel}, "default target"), nil, "default target", "")
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
	cfg, err := r.files.get(path)
	if err != nil {
		return nil, err
	}
	if len(cfg.Kernel) == 0 {
		return nil, fmt.Errorf("%s: no kernel: say which kernel(s) the module targets, e.g. kernel: %s", path, DefaultKernel)
	}
	return r.parse(cfg.Kernel, cfg.SpecFiles, path, filepath.Dir(path))
}

// parse resolves each target; spec file paths are relative to base.
func (r *targetResolver) parse(targets, specFiles []setting, origin, base string) (*targetSet, error) {
	set := &targetSet{origin: origin}
	rel := func(p string) string {
		if base != "" && !filepath.IsAbs(p) {
			return filepath.Join(base, p)
		}
		return p
	}
	named := map[string]*kernelspec.Kernel{}
	for _, file := range specFiles {
		k, err := r.db.LoadKernel(rel(file.value))
		if err != nil {
			return nil, fmt.Errorf("%s: spec-files: %w", file.where, err)
		}
		named[k.Name] = k
	}
	for _, t := range targets {
		if k, ok := named[t.value]; ok {
			set.kernels = append(set.kernels, k)
			continue
		}
		if isKernelName(t.value) {
			if k, err := r.db.Target(t.value); err == nil {
				set.kernels = append(set.kernels, k)
				continue
			}
			names := kernelspec.Targets()
			for n := range named {
				names = append(names, n)
			}
			return nil, fmt.Errorf("%s: kernel: %q is neither a kernel version, a spec file, the name of a kernel in spec-files, nor a built-in target (%s)%s", t.where, t.value, strings.Join(kernelspec.Targets(), ", "), suggest.DidYouMean(t.value, names))
		}
		path := t.value
		if isSpecPath(path) {
			path = rel(path)
		}
		k, err := r.db.ParseKernel(path)
		if err != nil {
			return nil, fmt.Errorf("%s: kernel: %w", t.where, err)
		}
		set.kernels = append(set.kernels, k)
	}
	return set, nil
}

// moduleRoot is the directory of the go.mod above dir, or dir when there
// is none.
func moduleRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return abs, nil
		}
		d = parent
	}
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
