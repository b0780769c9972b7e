package golangci

import (
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
)

func TestSettings(t *testing.T) {
	newPlugin, err := register.GetPlugin("bpfcompat")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(map[string]any{"kernel": []any{"5.10", "6.1"}})
	if err != nil {
		t.Fatal(err)
	}
	as, err := p.BuildAnalyzers()
	if err != nil || len(as) != 1 || as[0].Flags.Lookup("kernel").Value.String() != "5.10,6.1" {
		t.Errorf("analyzers %v, %v", as, err)
	}
	p, err = newPlugin(map[string]any{
		"disable": []any{"obsolete_guard"},
		"checks":  map[string]any{"example.com/x/probe.HaveRing": "BPF_MAP_TYPE_RINGBUF", "example.com/x/kernels.MinKernelVersion": "arg0"},
	})
	if err != nil {
		t.Fatal(err)
	}
	as, _ = p.BuildAnalyzers()
	if got := as[0].Flags.Lookup("disable").Value.String(); got != "obsolete_guard" {
		t.Errorf("disable = %q", got)
	}
	if got, want := as[0].Flags.Lookup("checks").Value.String(), "example.com/x/kernels.MinKernelVersion=arg0,example.com/x/probe.HaveRing=BPF_MAP_TYPE_RINGBUF"; got != want {
		t.Errorf("checks = %q, want %q", got, want)
	}
	if p.GetLoadMode() != register.LoadModeTypesInfo {
		t.Errorf("load mode %s", p.GetLoadMode())
	}
	for _, tc := range []struct {
		settings any
		want     string
	}{
		{map[string]any{"kernels": []any{"5.10"}}, `unknown field "kernels"`},
		{map[string]any{"kernel": []any{"5.x"}}, `invalid kernel version "5.x"`},
		{map[string]any{"kernel": "5.10"}, "cannot unmarshal string"},
		{map[string]any{"spec-files": []any{"nope.yaml"}}, "nope.yaml"},
		{map[string]any{"disable": []any{"obsolete"}}, `disable: unknown category "obsolete"`},
		{map[string]any{"checks": map[string]any{"example.com/x.F": "BPF_NOPE"}}, `example.com/x.F: "BPF_NOPE" is neither`},
	} {
		if _, err := newPlugin(tc.settings); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("settings %v: error %v, want %q", tc.settings, err, tc.want)
		}
	}
}
