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
//	          kernel: ["5.4", "rhel-8.10"]
//	          spec-files: [fleet/rhel-8.10.yaml]
//	          disable: [obsolete_guard]
//	          checks: {"example.com/x/kernels.MinKernelVersion": "arg0"}
package golangci

import (
	"fmt"
	"sort"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

func init() { register.Plugin("bpfcompat", New) }

// Settings are the plugin's settings in .golangci.yml. Left empty, the
// module's .bpfcompat.yaml (or the default target) applies.
type Settings struct {
	// Kernel lists the targets: versions, kernel spec files, or names of
	// kernels in SpecFiles.
	Kernel []string `json:"kernel"`
	// SpecFiles are kernel spec files whose names Kernel may use.
	SpecFiles []string `json:"spec-files"`
	// Disable lists diagnostic categories not to report (obsolete_guard).
	Disable []string `json:"disable"`
	// Checks declares functions the module does not own as checks, in
	// the terms of //bpfcompat:checks: {"example.com/x/kernels.MinKernelVersion": "arg0"}.
	Checks map[string]string `json:"checks"`
}

type plugin struct{ analyzer *analysis.Analyzer }

// New decodes the settings strictly (an unknown key is an error) and
// configures an analyzer of its own.
func New(settings any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](settings)
	if err != nil {
		return nil, fmt.Errorf("bpfcompat settings: %w", err)
	}
	a := analyzer.New()
	if len(s.SpecFiles) > 0 {
		if err := a.Flags.Set("spec-files", strings.Join(s.SpecFiles, ",")); err != nil {
			return nil, fmt.Errorf("bpfcompat settings: spec-files: %w", err)
		}
	}
	if len(s.Kernel) > 0 {
		if err := a.Flags.Set("kernel", strings.Join(s.Kernel, ",")); err != nil {
			return nil, fmt.Errorf("bpfcompat settings: kernel: %w", err)
		}
	}
	if len(s.Disable) > 0 {
		if err := a.Flags.Set("disable", strings.Join(s.Disable, ",")); err != nil {
			return nil, fmt.Errorf("bpfcompat settings: disable: %w", err)
		}
	}
	if len(s.Checks) > 0 {
		var pairs []string
		for name, terms := range s.Checks {
			pairs = append(pairs, name+"="+terms)
		}
		sort.Strings(pairs)
		if err := a.Flags.Set("checks", strings.Join(pairs, ",")); err != nil {
			return nil, fmt.Errorf("bpfcompat settings: %w", err)
		}
	}
	return &plugin{analyzer: a}, nil
}

func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	return []*analysis.Analyzer{p.analyzer}, nil
}

func (p *plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
