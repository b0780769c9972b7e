package probe

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// Config is a kernel's build configuration (/boot/config-*): option name
// to value ("y", "m", a string or number); options not set are absent.
type Config map[string]string

// ReadConfig reads a kernel configuration file.
func ReadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(path, data)
}

// ParseConfig parses the kconfig format: CONFIG_X=value lines, and
// "# CONFIG_X is not set" and other comments.
func ParseConfig(path string, data []byte) (Config, error) {
	c := Config{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(name, "CONFIG_") {
			return nil, fmt.Errorf("%s:%d: not a kernel configuration line: %q", path, n, line)
		}
		if value != "n" {
			c[name] = value
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(c) == 0 {
		return nil, fmt.Errorf("%s: no CONFIG_ options: not a kernel configuration file", path)
	}
	return c, nil
}

// Requirement is a build option and the features that need it.
type Requirement struct {
	Config   string
	Features []*kernelspec.Feature
	Source   string
}

//go:embed configs.yaml
var configsYAML []byte

// Requirements returns the build options features need, from configs.yaml,
// checked against db: every feature named must exist.
func Requirements(db *kernelspec.DB) ([]Requirement, error) {
	var raw []struct {
		Config   string              `yaml:"config"`
		Features map[string][]string `yaml:"features"`
		Source   string              `yaml:"source"`
	}
	if err := yaml.Unmarshal(configsYAML, &raw); err != nil {
		return nil, fmt.Errorf("probe/configs.yaml: %w", err)
	}
	var out []Requirement
	for _, e := range raw {
		if !strings.HasPrefix(e.Config, "CONFIG_") || e.Source == "" {
			return nil, fmt.Errorf("probe/configs.yaml: %s: want a CONFIG_ option and its source", e.Config)
		}
		req := Requirement{Config: e.Config, Source: e.Source}
		for section, names := range e.Features {
			kind, ok := kernelspec.SectionKind(section)
			if !ok {
				return nil, fmt.Errorf("probe/configs.yaml: %s: unknown section %q", e.Config, section)
			}
			for _, name := range names {
				f := db.Lookup(kind, name)
				if f == nil {
					return nil, fmt.Errorf("probe/configs.yaml: %s: unknown %s %s", e.Config, kind, name)
				}
				req.Features = append(req.Features, f)
			}
		}
		out = append(out, req)
	}
	return out, nil
}

// applyRequirements decides, by the build options features need, what
// the kernel's BTF lists but only its build can tell. Features that need
// the same option stand or fall together: where a probe found one
// configured out, the others it could not use are out too (the lirc_mode2
// attach type with its program type). With a configuration c, a feature
// whose option c does not set is out unless a probe used it, and every
// missing feature is annotated with the option it needs.
func (r *Result) applyRequirements(db *kernelspec.DB, c Config) error {
	reqs, err := Requirements(db)
	if err != nil {
		return err
	}
	for _, req := range reqs {
		var facts []*Fact
		var out *Fact
		for _, f := range req.Features {
			if fact := r.fact(f); fact != nil {
				facts = append(facts, fact)
				if fact.ConfiguredOut && out == nil {
					out = fact
				}
			}
		}
		_, set := c[req.Config]
		for _, fact := range facts {
			switch {
			case c != nil && !set && fact.Present && !fact.Confirmed:
				fact.Present, fact.ConfiguredOut = false, true
				fact.How += fmt.Sprintf("; but %s is not set: configured out (%s)", req.Config, req.Source)
			case c != nil && !set && !fact.Present:
				fact.ConfiguredOut = true
				fact.How += fmt.Sprintf("; %s is not set (%s)", req.Config, req.Source)
			case out != nil && fact.Present && !fact.Confirmed:
				fact.Present, fact.ConfiguredOut = false, true
				fact.How += fmt.Sprintf("; but %s needs %s, which %s shows is not built in: configured out", fact.Feature.Name, req.Config, out.Feature.Name)
			}
		}
	}
	return nil
}

// hostConfig reads the running kernel's configuration from
// /proc/config.gz, where the kernel offers it (CONFIG_IKCONFIG_PROC).
func hostConfig() Config {
	f, err := os.Open("/proc/config.gz")
	if err != nil {
		return nil
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil
	}
	c, _ := ParseConfig("/proc/config.gz", data)
	return c
}
