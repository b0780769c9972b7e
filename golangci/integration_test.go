package golangci

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// golangciVersion is the golangci-lint release the plugin is built into.
const golangciVersion = "v2.15.0"

// TestCustomGolangciLint builds a real custom golangci-lint with the plugin
// from this checkout and runs it on the analyzer's test packages, as users
// and VS Code's golangci-lint-v2 lint tool do. `golangci-lint custom`
// clones golangci-lint with git; the clone is redirected to a local
// repository made from the module cache's copy of the release, so the test
// needs only the Go module proxy.
//
// Building golangci-lint takes minutes, so the test runs only when
// BPFCOMPAT_GOLANGCI=1, as scripts/test.sh (and so CI) sets it. Its
// golangci-lint runs use a cache and a lock directory of their own, so
// that another golangci-lint on the machine neither fails it ("parallel
// golangci-lint is running") nor feeds it stale results.
func TestCustomGolangciLint(t *testing.T) {
	if os.Getenv("BPFCOMPAT_GOLANGCI") == "" {
		t.Skip("building golangci-lint takes minutes: set BPFCOMPAT_GOLANGCI=1 to run this test (scripts/test.sh does)")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is needed by golangci-lint custom:", err)
	}
	tmp := t.TempDir()
	srcDir := downloadGolangci(t, tmp)
	isolate(t, tmp)

	// A git repository of the release, tagged as golangci-lint custom expects.
	repo := filepath.Join(tmp, "golangci-lint")
	must(t, tmp, "cp", "-r", srcDir, repo)
	must(t, repo, "chmod", "-R", "u+w", ".")
	must(t, repo, "git", "init", "-q")
	must(t, repo, "git", "add", "-A")
	must(t, repo, "git", "-c", "user.name=bpfcompat", "-c", "user.email=bpfcompat@localhost", "commit", "-q", "-m", golangciVersion)
	must(t, repo, "git", "tag", golangciVersion)

	bin := filepath.Join(tmp, "golangci-lint-bin")
	must(t, repo, "go", "build", "-o", bin, "./cmd/golangci-lint")

	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(tmp, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(work, ".custom-gcl.yml"), `version: `+golangciVersion+`
name: custom-gcl
destination: `+work+`
plugins:
  - module: github.com/bpfcompat/bpfcompat
    import: github.com/bpfcompat/bpfcompat/golangci
    path: `+root+`
`)
	custom := exec.Command(bin, "custom")
	custom.Dir = work
	custom.Env = append(os.Environ(),
		"GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=url.file://"+repo+".insteadOf",
		"GIT_CONFIG_VALUE_0=https://github.com/golangci/golangci-lint.git",
		"GOFLAGS=", "GOWORK=off")
	if out, err := custom.CombinedOutput(); err != nil {
		t.Fatalf("golangci-lint custom: %v\n%s", err, out)
	}
	gcl := filepath.Join(work, "custom-gcl")

	config := filepath.Join(work, "golangci.yml")
	write(t, config, `version: "2"
linters:
  default: none
  enable: [bpfcompat]
  settings:
    custom:
      bpfcompat:
        type: module
        description: Linux BPF features newer than the target kernel
        settings:
          kernel: ["5.4"]
`)
	pkgDir := filepath.Join(root, "testdata", "unixconst")
	want := []string{
		"unixconst.go:16:15: BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4 (bpfcompat)",
		"unixconst.go:25:17: BPF_F_MMAPABLE requires Linux 5.5, but the target is 5.4 (bpfcompat)",
		"unixconst.go:50:9: BPF_MAP_TYPE_BLOOM_FILTER requires Linux 5.16, but the target is 5.4 (bpfcompat)",
		"unixconst.go:52:16: BPF_MAP_TYPE_TASK_STORAGE requires Linux 5.11, but the target is 5.4 (bpfcompat)",
	}

	t.Run("run with SARIF", func(t *testing.T) {
		sarif := filepath.Join(tmp, "out.sarif")
		out, _ := runIn(pkgDir, gcl, "run", "--config="+config, "--output.text.path=stdout", "--output.sarif.path="+sarif, ".")
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("golangci-lint output lacks %q:\n%s", w, out)
			}
		}
		var log struct {
			Runs []struct {
				Results []struct {
					RuleID string `json:"ruleId"`
				} `json:"results"`
			} `json:"runs"`
		}
		data, err := os.ReadFile(sarif)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Results) != len(want) {
			t.Errorf("SARIF from --output.sarif.path: %v\n%s", err, data)
		}
	})

	// VS Code's Go extension with "go.lintTool": "golangci-lint-v2" and
	// "go.alternateTools" pointing at the custom binary runs it in the
	// package's directory with these flags and parses file:line:col.
	t.Run("VS Code golangci-lint-v2", func(t *testing.T) {
		out, code := runIn(pkgDir, gcl, "run", "--config="+config,
			"--output.text.path=stdout", "--output.text.print-issued-lines=false", "--output.text.colors=false",
			"--show-stats=false", "--issues-exit-code=0", ".")
		if code != 0 {
			t.Errorf("exit %d with --issues-exit-code=0", code)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q:\n%s", w, out)
			}
		}
	})

	t.Run("bad settings", func(t *testing.T) {
		bad := filepath.Join(work, "bad.yml")
		write(t, bad, strings.Replace(mustReadString(t, config), `kernel: ["5.4"]`, `kernels: ["5.4"]`, 1))
		out, code := runIn(pkgDir, gcl, "run", "--config="+bad, ".")
		if code == 0 || !strings.Contains(out, `bpfcompat settings: unknown setting "kernels"; did you mean "kernel"?`) {
			t.Errorf("an unknown setting: exit %d\n%s", code, out)
		}
	})

	// Relative spec-files are relative to golangci-lint's configuration
	// file (here outside the module), not to the directory golangci-lint
	// runs in (VS Code: the package's); and one target may be a string.
	t.Run("spec-files from a package directory", func(t *testing.T) {
		write(t, filepath.Join(work, "fleet", "rhel-8.10.yaml"), mustReadString(t, filepath.Join(root, "testdata", "flagtarget", "rhel-8.10.yaml")))
		cfg := filepath.Join(work, "fleet.yml")
		write(t, cfg, strings.Replace(mustReadString(t, config), `kernel: ["5.4"]`, `kernel: "rhel-8.10"
          spec-files: [fleet/rhel-8.10.yaml]`, 1))
		out, _ := runIn(pkgDir, gcl, "run", "--config="+cfg, "--output.text.path=stdout", ".")
		for _, w := range []string{
			"unixconst.go:25:17: BPF_F_MMAPABLE requires Linux 5.5, but the target is rhel-8.10 (bpfcompat)",
		} {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q:\n%s", w, out)
			}
		}
		if strings.Contains(out, "BPF_MAP_TYPE_RINGBUF") {
			t.Errorf("rhel-8.10 has ring buffers (flagtarget/rhel-8.10.yaml), yet:\n%s", out)
		}
	})

	// golangci-lint caches findings by Go files; editing .bpfcompat.yaml
	// or a kernel spec file must change them all the same, and a bad
	// target must fail every run, not the first only.
	t.Run("results follow the configuration", func(t *testing.T) {
		mod := filepath.Join(tmp, "mod")
		for _, f := range []string{"go.mod", "go.sum", "unixconst/unixconst.go"} {
			write(t, filepath.Join(mod, f), mustReadString(t, filepath.Join(root, "testdata", f)))
		}
		rhel := mustReadString(t, filepath.Join(root, "testdata", "flagtarget", "rhel-8.10.yaml"))
		write(t, filepath.Join(mod, "fleet", "rhel.yaml"), rhel)
		write(t, filepath.Join(mod, ".bpfcompat.yaml"), "kernel: rhel-8.10\nspec-files: [fleet/rhel.yaml]\n")
		plain := filepath.Join(work, "plain.yml")
		write(t, plain, strings.Replace(mustReadString(t, config), `kernel: ["5.4"]`, `{}`, 1))
		lint := func() (string, int) {
			return runIn(filepath.Join(mod, "unixconst"), gcl, "run", "--config="+plain, "--output.text.path=stdout", ".")
		}
		const ring = "BPF_MAP_TYPE_RINGBUF requires Linux 5.8"
		if out, _ := lint(); strings.Contains(out, ring) || !strings.Contains(out, "BPF_F_MMAPABLE") {
			t.Fatalf("rhel-8.10 with ring buffers:\n%s", out)
		}
		write(t, filepath.Join(mod, "fleet", "rhel.yaml"), strings.Replace(rhel, "BPF_MAP_TYPE_RINGBUF", "BPF_MAP_TYPE_BLOOM_FILTER", 1))
		if out, _ := lint(); !strings.Contains(out, ring) {
			t.Errorf("the spec file no longer backports ring buffers, yet:\n%s", out)
		}
		write(t, filepath.Join(mod, ".bpfcompat.yaml"), "kernel: \"6.1\"\n")
		if out, code := lint(); code != 0 || strings.Contains(out, "bpfcompat") {
			t.Errorf("kernel 6.1 has every feature the package uses, yet exit %d:\n%s", code, out)
		}
		write(t, filepath.Join(mod, ".bpfcompat.yaml"), "kernel: abc\n")
		for run := 1; run <= 2; run++ {
			if out, code := lint(); code == 0 || !strings.Contains(out, `.bpfcompat.yaml:1: kernel: \"abc\" is neither`) {
				t.Errorf("run %d with a bad target: exit %d\n%s", run, code, out)
			}
		}
	})
}

// isolate gives the golangci-lint runs of the test a cache and a lock
// file of their own: golangci-lint locks os.TempDir()/golangci-lint.lock.
func isolate(t *testing.T, tmp string) {
	for name, dir := range map[string]string{"GOLANGCI_LINT_CACHE": "gcl-cache", "TMPDIR": "gcl-tmp"} {
		path := filepath.Join(tmp, dir)
		if err := os.MkdirAll(path, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv(name, path)
	}
}

// downloadGolangci fetches the golangci-lint module into the module cache.
func downloadGolangci(t *testing.T, tmp string) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", "github.com/golangci/golangci-lint/v2@"+golangciVersion)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	out, err := cmd.Output()
	var mod struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &mod); err != nil || jerr != nil || mod.Dir == "" {
		t.Skipf("cannot download golangci-lint %s (%v %s): the test needs the Go module proxy", golangciVersion, err, mod.Error)
	}
	return mod.Dir
}

func must(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func runIn(dir, name string, args ...string) (string, int) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return string(out), exit.ExitCode()
	}
	return string(out), 0
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustReadString(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
