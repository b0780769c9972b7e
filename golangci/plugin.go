// Package golangci is bpfcompat's golangci-lint v2 module plugin.
//
// Build a custom golangci-lint with it (.custom-gcl.yml):
//
//	version: v2.15.0
//	plugins:
//	  - module: github.com/bpfcompat/bpfcompat
//	    import: github.com/bpfcompat/bpfcompat/golangci
//	    version: v0.1.0        # or path: ../bpfcompat
//
// and enable it (.golangci.yml):
//
//	linters:
//	  enable: [bpfcompat]
//	  settings:
//	    custom:
//	      bpfcompat:
//	        type: module
//	        settings:
//	          kernel: ["5.4", "rhel-8.10"]     # or one: kernel: "5.10"
//	          spec-files: [fleet/rhel-8.10.yaml]
//	          disable: [obsolete_guard]
//	          checks: {"example.com/x/kernels.MinKernelVersion": "arg0"}
//
// Relative paths in the settings are relative to golangci-lint's
// configuration file, which the plugin finds as golangci-lint does
// (configDir), or to the root of the module golangci-lint runs in where
// there is none; never to the directory it runs in.
package golangci

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/bpfcompat/bpfcompat/analyzer"
	"github.com/bpfcompat/bpfcompat/internal/suggest"
)

func init() { register.Plugin("bpfcompat", New) }

// The settings the plugin knows, in .golangci.yml.
var settingNames = []string{"kernel", "spec-files", "disable", "checks"}

type plugin struct {
	analyzer *analysis.Analyzer
	settings analyzer.DriverSettings
}

// New reads the settings strictly: an unknown setting, or a value that is
// neither a string nor a list of strings, is an error naming the setting.
// Left empty, the module's .bpfcompat.yaml (or the default target) applies.
func New(raw any) (register.LinterPlugin, error) {
	s, err := decodeSettings(raw)
	if err != nil {
		return nil, fmt.Errorf("bpfcompat settings: %w", err)
	}
	if wd, err := os.Getwd(); err == nil {
		s.BaseDir = configDir(os.Args[1:], wd)
	}
	a := analyzer.New()
	if err := analyzer.Configure(a, s); err != nil {
		return nil, fmt.Errorf("bpfcompat settings: %w", err)
	}
	if err := setOptions(a, raw); err != nil {
		return nil, fmt.Errorf("bpfcompat settings: %w", err)
	}
	return &plugin{analyzer: a, settings: s}, nil
}

func decodeSettings(raw any) (analyzer.DriverSettings, error) {
	s := analyzer.DriverSettings{Origin: "bpfcompat settings"}
	if raw == nil {
		return s, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return s, fmt.Errorf("want settings such as kernel: \"5.10\", found %s", describe(raw))
	}
	for _, key := range slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}) {
		var dst *[]string
		switch key {
		case "kernel":
			dst = &s.Kernel
		case "spec-files":
			dst = &s.SpecFiles
		case "disable", "checks":
			continue // options, below
		default:
			return s, fmt.Errorf("unknown setting %q%s (the settings are %s)", key, suggest.DidYouMean(key, settingNames), strings.Join(settingNames, ", "))
		}
		list, err := stringList(key, m[key])
		if err != nil {
			return s, err
		}
		*dst = list
	}
	return s, nil
}

// stringList reads one string (which may be a comma-separated list) or a
// list of strings. A number is refused: YAML reads kernel: 5.10 as 5.1.
func stringList(key string, v any) ([]string, error) {
	switch v := v.(type) {
	case string:
		var out []string
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out, nil
	case []any:
		var out []string
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%s[%d]: want a string, found %s", key, i, describe(e))
			}
			out = append(out, s)
		}
		return out, nil
	case []string:
		return v, nil
	}
	return nil, fmt.Errorf("%s: want a string or a list of strings, found %s", key, describe(v))
}

// describe names a settings value's kind in YAML's terms, and tells how
// to write a version that YAML read as a number.
func describe(v any) string {
	switch v := v.(type) {
	case float64, float32, int, int64, uint64:
		return fmt.Sprintf("the number %v (quote a version: \"5.10\", since YAML reads 5.10 as 5.1)", v)
	case bool:
		return fmt.Sprintf("%v", v)
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case nil:
		return "nothing"
	}
	return "a value that is neither a string nor a list"
}

// setOptions passes disable (categories) and checks (function: terms)
// to the analyzer's flags of the same names.
func setOptions(a *analysis.Analyzer, raw any) error {
	m, _ := raw.(map[string]any)
	if v, ok := m["disable"]; ok {
		list, err := stringList("disable", v)
		if err != nil {
			return err
		}
		if err := a.Flags.Set("disable", strings.Join(list, ",")); err != nil {
			return fmt.Errorf("disable: %w", err)
		}
	}
	if v, ok := m["checks"]; ok {
		checks, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf(`checks: want a mapping of functions to terms, e.g. {"example.com/x/kernels.MinKernelVersion": "arg0"}, found %s`, describe(v))
		}
		var pairs []string
		for _, name := range slices.Sorted(maps.Keys(checks)) {
			terms, ok := checks[name].(string)
			if !ok {
				return fmt.Errorf("checks: %s: want terms such as arg0, found %s", name, describe(checks[name]))
			}
			pairs = append(pairs, name+"="+terms)
		}
		if err := a.Flags.Set("checks", strings.Join(pairs, ",")); err != nil {
			return err
		}
	}
	return nil
}

func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	as := []*analysis.Analyzer{p.analyzer}
	if key := inputsAnalyzer(p.settings); key != nil {
		as = append(as, key)
	}
	return as, nil
}

func (p *plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
