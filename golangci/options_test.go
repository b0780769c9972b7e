package golangci

import (
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
)

// TestOptionSettings: disable and checks reach the analyzer's flags.
func TestOptionSettings(t *testing.T) {
	newPlugin, err := register.GetPlugin("bpfcompat")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(map[string]any{
		"disable": []any{"obsolete_guard"},
		"checks":  map[string]any{"example.com/x/probe.HaveRing": "BPF_MAP_TYPE_RINGBUF", "example.com/x/kernels.MinKernelVersion": "arg0"},
	})
	if err != nil {
		t.Fatal(err)
	}
	as, _ := p.BuildAnalyzers()
	if got := as[0].Flags.Lookup("disable").Value.String(); got != "obsolete_guard" {
		t.Errorf("disable = %q", got)
	}
	if got, want := as[0].Flags.Lookup("checks").Value.String(), "example.com/x/kernels.MinKernelVersion=arg0,example.com/x/probe.HaveRing=BPF_MAP_TYPE_RINGBUF"; got != want {
		t.Errorf("checks = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		settings any
		want     string
	}{
		{map[string]any{"disable": []any{"obsolete"}}, `disable: unknown category "obsolete"`},
		{map[string]any{"checks": map[string]any{"example.com/x.F": "BPF_NOPE"}}, `example.com/x.F: "BPF_NOPE" is neither`},
		{map[string]any{"checks": []any{"example.com/x.F"}}, "checks: want a mapping"},
	} {
		if _, err := newPlugin(tc.settings); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("settings %v: error %v, want %q", tc.settings, err, tc.want)
		}
	}
}
