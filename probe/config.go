package probe

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

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

// Requirement is a set of build options and the features that need them
// all, as specs/ records them (requirements), each with its entry's
// provenance.
type Requirement struct {
	Config   []string
	Features []*kernelspec.Feature
	Sources  []string // per feature
}

// set reports whether c sets every option.
func (req *Requirement) set(c Config) bool {
	for _, o := range req.Config {
		if _, ok := c[o]; !ok {
			return false
		}
	}
	return true
}

// Requirements groups the features that need build options in release v
// by the options they need.
func Requirements(db *kernelspec.DB, v kernelspec.Version) []Requirement {
	byOptions := map[string]*Requirement{}
	var keys []string
	for _, k := range kernelspec.Kinds {
		for _, f := range db.Features(k) {
			for _, r := range f.RequiresIn(v) {
				if len(r.Config) == 0 {
					continue // a runtime setting: no build tells
				}
				key := strings.Join(r.Config, " and ")
				req := byOptions[key]
				if req == nil {
					req = &Requirement{Config: r.Config}
					byOptions[key] = req
					keys = append(keys, key)
				}
				req.Features = append(req.Features, f)
				req.Sources = append(req.Sources, fmt.Sprintf("%s: %s", r.Position(), r.Provenance))
			}
		}
	}
	slices.Sort(keys)
	out := make([]Requirement, len(keys))
	for i, k := range keys {
		out[i] = *byOptions[k]
	}
	return out
}

// applyRequirements decides, by the build options features need, what
// the kernel's BTF lists but only its build can tell. Features that need
// the same option stand or fall together: where a probe found one
// configured out, the others it could not use are out too (the lirc_mode2
// attach type with its program type). With a configuration c, a feature
// whose option c does not set is out unless a probe used it, and every
// missing feature is annotated with the option it needs.
func (r *Result) applyRequirements(db *kernelspec.DB, c Config) {
	for _, req := range Requirements(db, r.Base) {
		options := strings.Join(req.Config, " and ")
		var out *Fact
		for _, f := range req.Features {
			if fact := r.fact(f); fact != nil && fact.ConfiguredOut {
				out = fact
				break
			}
		}
		set := req.set(c)
		for i, f := range req.Features {
			fact := r.fact(f)
			if fact == nil {
				// No probe decided it (sched_ext, kfuncs): the
				// configuration does, where there is one.
				if c != nil && !set && f.InRelease(r.Base) {
					r.add(f, false, fmt.Sprintf("%s is not set: configured out (%s)", options, req.Sources[i]))
					r.Facts[len(r.Facts)-1].ConfiguredOut = true
				}
				continue
			}
			switch {
			case c != nil && !set && fact.Present && !fact.Confirmed:
				fact.Present, fact.ConfiguredOut = false, true
				fact.How += fmt.Sprintf("; but %s is not set: configured out (%s)", options, req.Sources[i])
			case c != nil && !set && !fact.Present:
				fact.ConfiguredOut = true
				fact.How += fmt.Sprintf("; %s is not set (%s)", options, req.Sources[i])
			case out != nil && fact.Present && !fact.Confirmed:
				fact.Present, fact.ConfiguredOut = false, true
				fact.How += fmt.Sprintf("; but it needs %s, which %s shows is not built in: configured out", options, out.Feature.Name)
			}
		}
	}
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
