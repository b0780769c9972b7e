package suggest

import "testing"

func TestNearest(t *testing.T) {
	keys := []string{"kernel", "spec-files"}
	for word, want := range map[string]string{
		"kernels":    "kernel",
		"Kernel":     "kernel",
		"spec_files": "spec-files",
		"specfiles":  "spec-files",
		"target":     "",
		"":           "",
		"k":          "",
	} {
		got, ok := Nearest(word, keys)
		if got != want || ok != (want != "") {
			t.Errorf("Nearest(%q) = %q, %v; want %q", word, got, ok, want)
		}
	}
	if got := DidYouMean("require", []string{"checks", "ignore", "kernel", "requires"}); got != `; did you mean "requires"?` {
		t.Errorf("DidYouMean(require) = %q", got)
	}
	if got := DidYouMean("x", nil); got != "" {
		t.Errorf("DidYouMean with no candidates = %q", got)
	}
}
