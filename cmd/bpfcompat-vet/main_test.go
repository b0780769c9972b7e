package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The tests build the real binary and run it the ways users do: on its
// own, as go vet's and go fix's tool, with -json, -fix and -sarif.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bpfcompat-vet")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "bpfcompat-vet")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repo is the module root, where the examples are.
func repo(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// run runs a command in dir and returns its output and exit code.
func run(t *testing.T, dir string, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	t.Fatalf("%s %v: %v", name, args, err)
	return "", 0
}

// The findings on the example agent, as file:line:col, in every route.
var agentFindings = []string{
	"examples/agent/main.go:36:15: BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4",
	"examples/agent/main.go:92:18: BPF_LINK_TYPE_TCX requires Linux 6.6, but the target is 5.4 (via link.AttachTCX)",
	"examples/agent/main.go:95:14: BPF_TCX_INGRESS requires Linux 6.6, but the target is 5.4",
	"examples/agent/main.go:102:21: BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4 (via ringbuf.NewReader)",
	"examples/agent/main.go:144:3: bpf_ringbuf_output requires Linux 5.8, but the target is 5.4",
}

func wantFindings(t *testing.T, out string, want []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestStandalone(t *testing.T) {
	out, code := run(t, repo(t), binary, "-kernel=5.4", "./examples/...")
	if code != 3 {
		t.Errorf("exit %d, want 3 (findings)", code)
	}
	wantFindings(t, out, agentFindings)

	out, code = run(t, repo(t), binary, "-kernel=6.6", "./examples/...")
	if code != 0 || out != "" {
		t.Errorf("on 6.6: exit %d, output %q; want 0 and nothing", code, out)
	}
}

func TestBadFlags(t *testing.T) {
	for _, tc := range []struct{ flag, want string }{
		{"-kernel=5.x", `invalid value "5.x" for flag -kernel: invalid kernel version "5.x"`},
		{"-kernel=9.1", "kernel 9.1 is newer than the newest release in the specs"},
		{"-kernel=./nope.yaml", "nope.yaml: no such file"},
	} {
		out, code := run(t, repo(t), binary, tc.flag, "./examples/...")
		if code == 0 || code == 3 || !strings.Contains(out, tc.want) {
			t.Errorf("%s: exit %d, output %q; want an error containing %q", tc.flag, code, out, tc.want)
		}
	}
}

// TestGoVet runs the tool the way go vet does, which is also how VS Code's
// Go extension runs it on save with "go.vetFlags": ["-vettool=..."].
func TestGoVet(t *testing.T) {
	out, code := run(t, repo(t), "go", "vet", "-vettool="+binary, "-kernel=5.4", "./examples/agent")
	if code == 0 {
		t.Errorf("go vet exited 0 with findings")
	}
	// go vet prints paths relative to the working directory.
	wantFindings(t, out, []string{
		"examples/agent/main.go:36:15: BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4",
		"examples/agent/main.go:92:18: BPF_LINK_TYPE_TCX requires Linux 6.6",
	})
	out, code = run(t, repo(t), "go", "vet", "-vettool="+binary, "-kernel=6.6", "./examples/agent")
	if code != 0 {
		t.Errorf("go vet on 6.6: exit %d\n%s", code, out)
	}
}

func TestJSON(t *testing.T) {
	out, _ := run(t, repo(t), binary, "-json", "./examples/...")
	// {"pkg": {"bpfcompat": [{"posn": ..., "message": ...}]}}
	var tree map[string]map[string][]struct {
		Posn     string `json:"posn"`
		Message  string `json:"message"`
		Category string `json:"category"`
	}
	if err := json.Unmarshal([]byte(out), &tree); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	n := 0
	for _, byAnalyzer := range tree {
		for _, diags := range byAnalyzer["bpfcompat"] {
			n++
			if diags.Category == "" || !strings.Contains(diags.Posn, "main.go:") {
				t.Errorf("diagnostic without category or position: %+v", diags)
			}
		}
	}
	if n != len(agentFindings) {
		t.Errorf("%d diagnostics in JSON, want %d", n, len(agentFindings))
	}
}

// fixModule makes a temporary module with one file that has a finding.
func fixModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/fixmod/fixmod.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"fixmod.go": src,
		"go.mod":    mustRead(t, filepath.Join(repo(t), "testdata", "go.mod")),
		"go.sum":    mustRead(t, filepath.Join(repo(t), "testdata", "go.sum")),
	} {
		if name == "go.mod" {
			data = bytes.Replace(data, []byte("module bpfcompat.test"), []byte("module fixmod"), 1)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

const guarded = "if features.HaveMapType(ebpf.RingBuf) == nil {"

func TestFix(t *testing.T) {
	dir := fixModule(t)
	out, _ := run(t, dir, binary, "-fix", "./...")
	got := string(mustRead(t, filepath.Join(dir, "fixmod.go")))
	if !strings.Contains(got, guarded) || !strings.Contains(got, `"github.com/cilium/ebpf/features"`) {
		t.Errorf("-fix did not guard the use:\n%s\n%s", out, got)
	}
	if out, code := run(t, dir, "go", "build", "./..."); code != 0 {
		t.Errorf("the fixed module does not build: %s", out)
	}
}

func TestGoFix(t *testing.T) {
	dir := fixModule(t)
	out, code := run(t, dir, "go", "fix", "-fixtool="+binary, "./...")
	got := string(mustRead(t, filepath.Join(dir, "fixmod.go")))
	if !strings.Contains(got, guarded) {
		t.Errorf("go fix -fixtool did not guard the use (exit %d):\n%s\n%s", code, out, got)
	}
}

func TestExplain(t *testing.T) {
	out, code := run(t, repo(t), binary, "explain", "BPF_MAP_TYPE_RINGBUF")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	wantFindings(t, out, []string{
		"BPF_MAP_TYPE_RINGBUF (map_type)",
		"added in:    Linux 5.8: commit 457f44363a88",
		"selected by: github.com/cilium/ebpf/ringbuf.NewReader",
		"selected by: golang.org/x/sys/unix.BPF_MAP_TYPE_RINGBUF",
		"guarded by:  github.com/cilium/ebpf/features.HaveMapType",
	})
	out, _ = run(t, repo(t), binary, "explain", "link.AttachTCX")
	wantFindings(t, out, []string{"github.com/cilium/ebpf/link.AttachTCX selects:", "BPF_LINK_TYPE_TCX (link_type)"})
	if out, code := run(t, repo(t), binary, "explain", "nonsense"); code != 1 || !strings.Contains(out, `"nonsense" is neither`) {
		t.Errorf("explain nonsense: exit %d, %s", code, out)
	}
}

func TestSpecs(t *testing.T) {
	out, code := run(t, repo(t), binary, "specs", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	var releases []struct {
		Release string              `json:"release"`
		Added   map[string][]string `json:"added"`
	}
	if err := json.Unmarshal([]byte(out), &releases); err != nil {
		t.Fatal(err)
	}
	if releases[0].Release != "3.18" || len(releases) < 60 {
		t.Errorf("releases from %s, %d of them", releases[0].Release, len(releases))
	}
	for _, r := range releases {
		if r.Release == "5.8" && !strings.Contains(strings.Join(r.Added["map_type"], " "), "BPF_MAP_TYPE_RINGBUF") {
			t.Errorf("5.8 does not list the ring buffer: %v", r.Added)
		}
	}
}

// TestSARIF checks the SARIF log against the SARIF 2.1.0 JSON schema, which
// scripts/test.sh fetches from the npm registry (@microsoft/jest-sarif
// ships it) and names in BPFCOMPAT_SARIF_SCHEMA.
func TestSARIF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.sarif")
	out, code := run(t, repo(t), binary, "-sarif="+path, "./examples/...")
	if code != 3 {
		t.Errorf("exit %d, want 3:\n%s", code, out)
	}
	wantFindings(t, out, agentFindings)
	data := mustRead(t, path)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Region           struct{ StartLine, StartColumn int }
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	results := log.Runs[0].Results
	if len(results) != len(agentFindings) {
		t.Fatalf("%d results, want %d", len(results), len(agentFindings))
	}
	first := results[0]
	loc := first.Locations[0].PhysicalLocation
	if first.RuleID != "bpfcompat/map_type" || loc.ArtifactLocation.URI != "examples/agent/main.go" || loc.Region.StartLine != 36 || loc.Region.StartColumn != 15 || first.PartialFingerprints["bpfcompat/v1"] == "" {
		t.Errorf("first result: %+v", first)
	}

	schemaPath := os.Getenv("BPFCOMPAT_SARIF_SCHEMA")
	if schemaPath == "" {
		t.Skip("BPFCOMPAT_SARIF_SCHEMA is not set: run scripts/test.sh, which fetches the SARIF 2.1.0 schema")
	}
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
}

func TestProbeCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "host.yaml")
	out, code := run(t, repo(t), binary, "probe", "-o", path, "-name", "host")
	if code != 0 {
		if strings.Contains(out, "bpf(2) refused") || strings.Contains(out, "no BTF") {
			t.Skipf("cannot probe this kernel: %s", out)
		}
		t.Fatalf("probe: exit %d\n%s", code, out)
	}
	// The spec it wrote is a target.
	out, code = run(t, repo(t), binary, "-kernel=5.4,"+path, "./examples/...")
	if code != 3 || !strings.Contains(out, "BPF_MAP_TYPE_RINGBUF requires Linux 5.8; missing on 5.4") || strings.Contains(out, "missing on 5.4, host") {
		t.Errorf("with the probed kernel as a second target: exit %d\n%s", code, out)
	}
}

// TestProbeWithoutPrivileges runs the probe as nobody: it must say why it
// cannot work, not write a wrong spec.
func TestProbeWithoutPrivileges(t *testing.T) {
	setpriv, err := exec.LookPath("setpriv")
	if err != nil || os.Geteuid() != 0 {
		t.Skip("needs root and setpriv (util-linux) to drop privileges")
	}
	if data, _ := os.ReadFile("/proc/sys/kernel/unprivileged_bpf_disabled"); strings.TrimSpace(string(data)) == "0" {
		t.Skip("unprivileged BPF is enabled on this kernel: nobody may probe")
	}
	// The binary must be reachable by nobody.
	dir, err := os.MkdirTemp("", "probe-nobody")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bpfcompat-vet")
	if err := os.WriteFile(bin, mustRead(t, binary), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	out, code := run(t, dir, setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--", bin, "probe")
	if code != 1 || !strings.Contains(out, "bpf(2) refused") || !strings.Contains(out, "needs root or CAP_BPF") {
		t.Errorf("probe as nobody: exit %d\n%s", code, out)
	}
}
