package golangci

import (
	"os"
	"path/filepath"
	"testing"
)

// TestConfigDir finds golangci-lint's configuration file as golangci-lint
// does: named on the command line, or above the working directory.
func TestConfigDir(t *testing.T) {
	root := t.TempDir()
	t.Setenv("HOME", t.TempDir()) // no file there
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := configDir([]string{"run"}, deep); got != "" {
		t.Errorf("no file anywhere: %q, want none", got)
	}
	if err := os.WriteFile(filepath.Join(root, "a", ".golangci.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "./..."}, filepath.Join(root, "a")},
		{[]string{"run", "-c", "../../conf/lint.yml"}, filepath.Join(root, "conf")},
		{[]string{"run", "--config=/etc/lint/golangci.yml"}, "/etc/lint"},
		{[]string{"run", "-c=x.yml"}, deep},
		{[]string{"run", "--config", "/x/y.yml", "./..."}, "/x"},
		{[]string{"run", "--no-config"}, ""},
		{[]string{"run", "--", "-c", "x.yml"}, filepath.Join(root, "a")},
	} {
		if got := configDir(tc.args, deep); got != tc.want {
			t.Errorf("configDir(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}
