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

// The tests build the real vetBinary and run it the ways users do: on its
// own, as go vet's and go fix's tool, with -json, -fix and -sarif.

var vetBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bpfcompat-vet")
	if err != nil {
		panic(err)
	}
	vetBinary = filepath.Join(dir, "bpfcompat-vet")
	if out, err := exec.Command("go", "build", "-o", vetBinary, ".").CombinedOutput(); err != nil {
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
func runCmd(t *testing.T, dir string, name string, args ...string) (string, int) {
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
	out, code := runCmd(t, repo(t), vetBinary, "-kernel=5.4", "./examples/...")
	if code != 3 {
		t.Errorf("exit %d, want 3 (findings)", code)
	}
	wantFindings(t, out, agentFindings)

	out, code = runCmd(t, repo(t), vetBinary, "-kernel=6.6", "./examples/...")
	if code != 0 || out != "" {
		t.Errorf("on 6.6: exit %d, output %q; want 0 and nothing", code, out)
	}
}

// TestBadKernel: a bad target is one line and exit 1 in every mode.
func TestBadKernel(t *testing.T) {
	modes := [][]string{
		{vetBinary},
		{vetBinary, "-json"},
		{vetBinary, "-sarif=" + filepath.Join(t.TempDir(), "out.sarif")},
		{vetBinary, "-fix"},
	}
	goVet := append(modes, []string{"go", "vet", "-vettool=" + vetBinary})
	// go vet runs the tool on every dependency, anew for each flag value
	// (flags key its cache): two values, one per way a target fails.
	for _, tc := range []struct {
		kernel, want string
		modes        [][]string
	}{
		{"abc", `"abc" is neither a kernel version`, goVet},
		{"5.x", `invalid kernel version "5.x"`, modes},
		{"99.0", "kernel 99.0 is newer than the newest release in the specs", modes},
		{"3.10", "Linux 3.10 predates bpf(2), which came in 3.18", modes},
		{"./nope.yaml", "nope.yaml: no such file", goVet},
		{"./testdata/go.mod", "testdata/go.mod", modes},
	} {
		for _, mode := range tc.modes {
			args := append(append([]string{}, mode[1:]...), "-kernel="+tc.kernel, "./examples/agent")
			out, code := runCmd(t, repo(t), mode[0], args...)
			var lines []string
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				if !strings.HasPrefix(l, "# ") { // go vet's package header
					lines = append(lines, l)
				}
			}
			if code != 1 || len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
				t.Errorf("%v -kernel=%s: exit %d, output:\n%s\nwant exit 1 and one line containing %q", mode, tc.kernel, code, out, tc.want)
			}
		}
	}
}

// TestGoVet runs the tool the way go vet does, which is also how VS Code's
// Go extension runs it on save with "go.vetFlags": ["-vettool=..."].
func TestGoVet(t *testing.T) {
	out, code := runCmd(t, repo(t), "go", "vet", "-vettool="+vetBinary, "-kernel=5.4", "./examples/agent")
	if code == 0 {
		t.Errorf("go vet exited 0 with findings")
	}
	// go vet prints paths relative to the working directory.
	wantFindings(t, out, []string{
		"examples/agent/main.go:36:15: BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4",
		"examples/agent/main.go:92:18: BPF_LINK_TYPE_TCX requires Linux 6.6",
	})
	// A clean result under go vet: TestGoVetFollowsConfig (each flag value
	// makes go vet run the tool on every dependency again).
}

func TestJSON(t *testing.T) {
	out, _ := runCmd(t, repo(t), vetBinary, "-json", "./examples/...")
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
	out, _ := runCmd(t, dir, vetBinary, "-fix", "./...")
	got := string(mustRead(t, filepath.Join(dir, "fixmod.go")))
	if !strings.Contains(got, guarded) || !strings.Contains(got, `"github.com/cilium/ebpf/features"`) {
		t.Errorf("-fix did not guard the use:\n%s\n%s", out, got)
	}
	if out, code := runCmd(t, dir, "go", "build", "./..."); code != 0 {
		t.Errorf("the fixed module does not build: %s", out)
	}
}

// TestFixExitCode: -fix exits 0 once every finding is fixed, and 3 when
// findings it could not fix remain (a package-level value has no place
// for a guard).
func TestFixExitCode(t *testing.T) {
	dir := fixModule(t)
	if out, code := runCmd(t, dir, vetBinary, "-fix", "./..."); code != 0 {
		t.Errorf("-fix with every finding fixable: exit %d, want 0\n%s", code, out)
	}
	dir = fixModule(t)
	unfixable := "package fixmod\n\nimport \"github.com/cilium/ebpf\"\n\nvar spec = ebpf.MapSpec{Type: ebpf.RingBuf}\n"
	if err := os.WriteFile(filepath.Join(dir, "unfixable.go"), []byte(unfixable), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := runCmd(t, dir, vetBinary, "-fix", "./...")
	if code != 3 || !strings.Contains(out, "unfixable.go:5:") {
		t.Errorf("-fix with an unfixable finding: exit %d, want 3 and the finding\n%s", code, out)
	}
	if got := string(mustRead(t, filepath.Join(dir, "fixmod.go"))); !strings.Contains(got, guarded) {
		t.Errorf("-fix did not fix what it could beside an unfixable finding:\n%s", got)
	}
}

func TestGoFix(t *testing.T) {
	dir := fixModule(t)
	out, code := runCmd(t, dir, "go", "fix", "-fixtool="+vetBinary, "./...")
	got := string(mustRead(t, filepath.Join(dir, "fixmod.go")))
	if !strings.Contains(got, guarded) {
		t.Errorf("go fix -fixtool did not guard the use (exit %d):\n%s\n%s", code, out, got)
	}
}

func TestExplain(t *testing.T) {
	out, code := runCmd(t, repo(t), vetBinary, "explain", "BPF_MAP_TYPE_RINGBUF")
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
	out, _ = runCmd(t, repo(t), vetBinary, "explain", "link.AttachTCX")
	wantFindings(t, out, []string{"github.com/cilium/ebpf/link.AttachTCX selects:", "BPF_LINK_TYPE_TCX (link_type)"})
	if out, code := runCmd(t, repo(t), vetBinary, "explain", "nonsense"); code != 1 || !strings.Contains(out, `"nonsense" is neither`) {
		t.Errorf("explain nonsense: exit %d, %s", code, out)
	}
}

func TestSpecs(t *testing.T) {
	out, code := runCmd(t, repo(t), vetBinary, "specs", "-json")
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
	out, code := runCmd(t, repo(t), vetBinary, "-sarif="+path, "./examples/...")
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
	out, code := runCmd(t, repo(t), vetBinary, "probe", "-o", path, "-name", "host")
	if code != 0 {
		if strings.Contains(out, "bpf(2) refused") || strings.Contains(out, "no BTF") {
			t.Skipf("cannot probe this kernel: %s", out)
		}
		t.Fatalf("probe: exit %d\n%s", code, out)
	}
	// The spec it wrote is a target.
	out, code = runCmd(t, repo(t), vetBinary, "-kernel=5.4,"+path, "./examples/...")
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
	// The vetBinary must be reachable by nobody.
	dir, err := os.MkdirTemp("", "probe-nobody")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bpfcompat-vet")
	if err := os.WriteFile(bin, mustRead(t, vetBinary), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	out, code := runCmd(t, dir, setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--", bin, "probe")
	if code != 1 || !strings.Contains(out, "bpf(2) refused") || !strings.Contains(out, "needs root or CAP_BPF") {
		t.Errorf("probe as nobody: exit %d\n%s", code, out)
	}
}

// TestExitCodes: findings that remain exit 3 in every output mode.
func TestExitCodes(t *testing.T) {
	for _, args := range [][]string{
		{"-kernel=5.4", "./examples/..."},
		{"-json", "-kernel=5.4", "./examples/..."},
		{"-c=1", "-kernel=5.4", "./examples/..."},
		{"-sarif=-", "-kernel=5.4", "./examples/..."},
	} {
		if out, code := runCmd(t, repo(t), vetBinary, args...); code != 3 {
			t.Errorf("%v: exit %d, want 3\n%s", args, code, out)
		}
	}
}

// TestOneLinePerFinding: one file:line:col: line per finding, the commit
// behind -v, context once, and no repeat for a package's test variant
// (examples/agent has a test file).
func TestOneLinePerFinding(t *testing.T) {
	for _, mode := range [][]string{{vetBinary}, {vetBinary, "-c=0"}, {"go", "vet", "-vettool=" + vetBinary}} {
		args := append(append([]string{}, mode[1:]...), "-kernel=5.4", "./examples/agent")
		out, _ := runCmd(t, repo(t), mode[0], args...)
		positioned := 0
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "examples/agent/main.go:") {
				positioned++
			}
		}
		if positioned != len(agentFindings) {
			t.Errorf("%v: %d positioned lines, want %d:\n%s", mode, positioned, len(agentFindings), out)
		}
	}
	out, _ := runCmd(t, repo(t), vetBinary, "-v", "-c=0", "-kernel=5.4", "./examples/agent")
	if !strings.Contains(out, "\tBPF_MAP_TYPE_RINGBUF was added in Linux 5.8: commit 457f44363a88") || strings.Count(out, "36\t\t\tType:       ebpf.RingBuf,") != 1 {
		t.Errorf("-v -c=0: want the commit once, indented, and the line once:\n%s", out)
	}
}

// TestSARIFOnly: -sarif=- writes SARIF and nothing else to stdout, and a
// package with type errors still gets its log, the errors in it.
func TestSARIFOnly(t *testing.T) {
	cmd := exec.Command(vetBinary, "-sarif=-", "-kernel=5.4", "./examples/...")
	cmd.Dir = repo(t)
	out, _ := cmd.Output()
	var log map[string]any
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatalf("stdout is not only SARIF: %v\n%s", err, out)
	}

	dir := filepath.Join(repo(t), "testdata", "broken")
	path := filepath.Join(t.TempDir(), "broken.sarif")
	_, code := runCmd(t, dir, vetBinary, "-sarif", path, "./...")
	var broken struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful        bool `json:"executionSuccessful"`
				ToolExecutionNotifications []struct {
					Message struct{ Text string } `json:"message"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(mustRead(t, path), &broken); err != nil {
		t.Fatal(err)
	}
	inv := broken.Runs[0].Invocations[0]
	if code != 1 || inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) == 0 {
		t.Errorf("type errors: exit %d, invocation %+v; want exit 1 and the errors as notifications", code, inv)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"-V"}, {"-V=full"}} {
		out, code := runCmd(t, repo(t), vetBinary, args...)
		if code != 0 || !strings.HasPrefix(out, "bpfcompat-vet version ") || strings.Contains(out, "devel") || !strings.Contains(out, "7.") {
			t.Errorf("%v: exit %d, %q", args, code, out)
		}
	}
}

func TestHelp(t *testing.T) {
	out, code := runCmd(t, repo(t), vetBinary, "help")
	for _, want := range []string{"Usage: bpfcompat-vet", "explain", "specs", "probe", "-sarif", "-kernel", "go tool bpfcompat-vet"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("help lacks %q (exit %d):\n%s", want, code, out)
		}
	}
}

// TestGoVetFollowsConfig edits .bpfcompat.yaml, then a spec file named by
// -kernel, between two go vet runs: go vet caches the tool's output keyed
// on -V=full, which hashes both, so the second run must see the edit.
// (The shared build cache: a fresh one would compile std and cilium/ebpf.)
func TestGoVetFollowsConfig(t *testing.T) {
	dir := fixModule(t)
	vet := func(args ...string) (string, int) {
		t.Helper()
		return runCmd(t, dir, "go", append([]string{"vet", "-vettool=" + vetBinary}, append(args, "./...")...)...)
	}
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Clean, findings, clean: whichever result go vet cached last is the
	// stale one the next run must not reuse. (Each edit changes -V=full,
	// so go vet runs the tool on every dependency again.)
	check := func(what string, findings bool, args ...string) {
		t.Helper()
		out, code := vet(args...)
		if got := strings.Contains(out, "BPF_MAP_TYPE_RINGBUF requires Linux 5.8"); got != findings || (code == 0) == findings {
			t.Errorf("%s: exit %d, want findings %v\n%s", what, code, findings, out)
		}
	}
	for _, v := range []string{"5.8", "5.4", "5.8"} {
		write(".bpfcompat.yaml", "kernel: "+v+"\n")
		check(".bpfcompat.yaml says "+v, v == "5.4")
	}

	// A spec file on the command line, relative to the module root.
	os.Mkdir(filepath.Join(dir, "fleet"), 0o755)
	for _, v := range []string{"5.8", "5.4", "5.8"} {
		write("fleet/host.yaml", "name: host\nbase: \""+v+"\"\n")
		check("a spec file based on "+v, v == "5.4", "-kernel=./fleet/host.yaml")
	}

	// A nested .bpfcompat.yaml governs the packages below it: the root's
	// says 5.8 (clean), the subdirectory's sets the target of its package.
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	write("sub/sub.go", strings.Replace(string(mustRead(t, "testdata/fixmod/fixmod.go.txt")), "package fixmod", "package sub", 1))
	for _, v := range []string{"5.8", "5.4", "5.8"} {
		write("sub/.bpfcompat.yaml", "kernel: "+v+"\n")
		check("sub/.bpfcompat.yaml says "+v, v == "5.4")
	}
}

// TestGoTool runs the go tool route: go get -tool with a replace to this
// checkout, then go tool bpfcompat-vet.
func TestGoTool(t *testing.T) {
	dir := fixModule(t)
	if out, code := runCmd(t, dir, "go", "mod", "edit", "-require=github.com/bpfcompat/bpfcompat@v0.0.0-00010101000000-000000000000", "-replace=github.com/bpfcompat/bpfcompat="+repo(t)); code != 0 {
		t.Fatalf("go mod edit: exit %d\n%s", code, out)
	}
	// Offline: the module proxy does not know this checkout's module, and
	// go get asks it whether cmd/bpfcompat-vet is a module of its own.
	get := exec.Command("go", "get", "-tool", "github.com/bpfcompat/bpfcompat/cmd/bpfcompat-vet")
	get.Dir = dir
	get.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOPROXY=off")
	if out, err := get.CombinedOutput(); err != nil {
		t.Fatalf("go get -tool: %v\n%s", err, out)
	}
	out, code := runCmd(t, dir, "go", "tool", "bpfcompat-vet", "-kernel=5.4", "./...")
	if code != 3 || !strings.Contains(out, "fixmod.go:10:10: BPF_MAP_TYPE_RINGBUF requires Linux 5.8") {
		t.Errorf("go tool bpfcompat-vet: exit %d\n%s", code, out)
	}
}

// TestREADMEExamples: each "$ go run ./cmd/bpfcompat-vet ARGS" block in the
// README shows what the tool prints for ARGS, exactly.
func TestREADMEExamples(t *testing.T) {
	readme := string(mustRead(t, filepath.Join(repo(t), "README.md")))
	const prompt = "$ go run ./cmd/bpfcompat-vet "
	n := 0
	for _, block := range strings.Split(readme, "```")[1:] {
		head, body, ok := strings.Cut(strings.TrimPrefix(block, "\n"), "\n")
		if !ok || !strings.HasPrefix(head, prompt) {
			continue
		}
		n++
		out, _ := runCmd(t, repo(t), vetBinary, strings.Fields(strings.TrimPrefix(head, prompt))...)
		if out != body {
			t.Errorf("README shows for %q:\n%s\nthe tool prints:\n%s", head, body, out)
		}
	}
	if n == 0 {
		t.Error("no examples found in the README")
	}
}

// TestGoEnvArch: a standalone run takes the target architecture from the go
// command's configuration, also when GOARCH is set only by `go env -w`, so
// a raw bpf(2) call by that architecture's number is one. The package
// calls the standard library's syscall, which has no SYS_BPF on 386, by
// 386's number for bpf(2), 357 (on amd64, no system call), with
// BPF_LINK_CREATE, which is 28.
func TestGoEnvArch(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/archt\n\ngo 1.26\n",
		"link.go": `package archt

import (
	"syscall"
	"unsafe"
)

type linkCreateAttr struct{ ProgFd, TargetFd, Type, Flags uint32 }

func LinkCreate(prog uint32) {
	attr := linkCreateAttr{ProgFd: prog}
	syscall.Syscall(357, 28, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
}
`,
		"goenv": "GOOS=linux\nGOARCH=386\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOARCH=") && !strings.HasPrefix(kv, "GOOS=") && !strings.HasPrefix(kv, "GOENV=") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command(vetBinary, "-kernel=5.4", "./...")
	cmd.Dir = dir
	cmd.Env = append(env, "GOFLAGS=", "GOWORK=off", "GOENV="+filepath.Join(dir, "goenv"))
	out, _ := cmd.CombinedOutput()
	want := "link.go:12:23: BPF_LINK_CREATE requires Linux 5.7, but the target is 5.4"
	if !strings.Contains(string(out), want) {
		t.Errorf("with GOARCH=386 from go env, the output lacks %q:\n%s", want, out)
	}
}
