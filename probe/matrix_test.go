package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/probe/vm"
)

// TestKernelMatrix boots the kernels scripts/kernel-matrix.sh fetched
// (listed in $BPFCOMPAT_KERNELS/manifest) under qemu, probes each, and
// holds the probe against specs/ for its release: what the data dates at
// or before the release is there unless the kernel's configuration leaves
// it out; what is dated later is not, unless its stable series backported
// it by the kernel's stable version (specs/stable). It then runs the programs of
// testdata/kernels in each kernel: the analyzer's verdict at that kernel's
// spec must be the kernel's own.
func TestKernelMatrix(t *testing.T) {
	dir := os.Getenv("BPFCOMPAT_KERNELS")
	if dir == "" {
		t.Skip("BPFCOMPAT_KERNELS is not set: scripts/kernel-matrix.sh fetches the kernels and runs this test")
	}
	kernels, err := ReadManifest(filepath.Join(dir, "manifest"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := kernelspec.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	build(t, root, filepath.Join(bin, "bpfcompat-vet"), "./cmd/bpfcompat-vet")
	init, err := os.ReadFile(filepath.Join(bin, "bpfcompat-vet"))
	if err != nil {
		t.Fatal(err)
	}
	progDir := filepath.Join(root, "testdata", "kernels")
	entries, err := os.ReadDir(progDir)
	if err != nil {
		t.Fatal(err)
	}
	var progs []string
	for _, e := range entries {
		if e.IsDir() {
			progs = append(progs, e.Name())
			build(t, filepath.Join(root, "testdata"), filepath.Join(bin, e.Name()), "./kernels/"+e.Name())
		}
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-22s %-20s %-40s %s\n", "program", "kernel", "analyzer", "kernel")
	for _, k := range kernels {
		t.Run(k.Target, func(t *testing.T) {
			cfg, err := os.ReadFile(k.Config)
			if err != nil {
				t.Fatal(err)
			}
			files := []vm.File{{Path: "config", Data: cfg, Mode: 0o644}}
			jobs := []vm.Job{{Name: "probe", Args: []string{"/init", "probe", "-name", k.Target, "-config", "/config", "-base", k.Version}, Timeout: 15 * time.Minute}}
			for _, p := range progs {
				data, err := os.ReadFile(filepath.Join(bin, p))
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, vm.File{Path: "bin/" + p, Data: data})
				jobs = append(jobs, vm.Job{Name: p, Args: []string{"/bin/" + p}, Timeout: time.Minute})
			}
			r, err := vm.Run(context.Background(), vm.Options{Kernel: k.Vmlinuz, Init: init, Files: files, Jobs: jobs})
			if err != nil {
				t.Fatal(err)
			}
			o, _ := r.Output("probe")
			t.Logf("%s %s: booted in %v (%s), probed in %v", k.Package, k.Version, r.Boot.Round(100*time.Millisecond), r.Accel, o.Duration.Round(100*time.Millisecond))
			if o.Exit != 0 {
				t.Fatalf("probe failed (exit %d): %s", o.Exit, o.Stderr)
			}
			spec := fmt.Appendf(nil, "# %s: Debian's kernel package %s, version %s, probed under qemu\n"+
				"# with its configuration (%s of the package) by scripts/kernel-matrix.sh specs.\n",
				k.Target, k.Package, k.Version, strings.TrimPrefix(k.Config, filepath.Join(dir, k.Target)))
			spec = append(spec, o.Data...)
			file := filepath.Join(t.TempDir(), k.Target+".yaml")
			if os.Getenv("BPFCOMPAT_WRITE_TARGETS") != "" {
				file = filepath.Join(root, "specs", "targets", k.Target+".yaml")
			}
			if err := os.WriteFile(file, spec, 0o644); err != nil {
				t.Fatal(err)
			}
			kernel, err := db.LoadKernel(file)
			if err != nil {
				t.Fatalf("the probe's spec does not load: %v", err)
			}
			checkAgainstData(t, k, o.Data)
			checkAgainstConfig(t, db, k, kernel)
			verdicts := analyze(t, filepath.Join(bin, "bpfcompat-vet"), filepath.Join(root, "testdata"), file)
			for _, p := range progs {
				out, _ := r.Output(p)
				analyzer, ok := verdicts["bpfcompat.test/kernels/"+p]
				if !ok {
					analyzer = "clean"
				}
				kernel := "loads and attaches"
				if out.Exit != 0 {
					kernel = "fails: " + strings.TrimSpace(string(out.Data)+string(out.Stderr))
				}
				fmt.Fprintf(&table, "%-22s %-20s %-40s %s\n", p, k.Target, analyzer, kernel)
				if (analyzer == "clean") != (out.Exit == 0) {
					t.Errorf("%s: the analyzer says %q, the kernel %q", p, analyzer, kernel)
				}
			}
		})
	}
	t.Logf("verdicts:\n%s", table.String())
}

func build(t *testing.T, dir, out, pkg string) {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}

// checkAgainstData reads the probe's spec: what it removes from the
// release must be configured out; it adds nothing, since its base is the
// kernel's stable version, which brings the backports specs/stable knows.
func checkAgainstData(t *testing.T, k FetchedKernel, spec []byte) {
	var s struct {
		Base  string `yaml:"base"`
		Added map[string][]struct {
			Name, Source string
			Commands     []string
		} `yaml:"added"`
		Removed map[string][]struct {
			Name, Source string
			Commands     []string
		} `yaml:"removed"`
	}
	if err := yaml.Unmarshal(spec, &s); err != nil {
		t.Fatal(err)
	}
	for section, entries := range s.Removed {
		for _, e := range entries {
			if !strings.Contains(e.Source, "configured out") && !strings.Contains(e.Source, "is not set") {
				t.Errorf("%s %s: dated at or before %s in specs/, missing from %s %s, and not configured out: %s", section, e.Name, s.Base, k.Package, k.Version, e.Source)
			}
		}
	}
	for section, entries := range s.Added {
		for _, e := range entries {
			t.Errorf("%s %s %v: dated after %s in specs/ and not a backport specs/stable records by %s, but %s %s has it: %s", section, e.Name, e.Commands, s.Base, s.Base, k.Package, k.Version, e.Source)
		}
	}
}

// checkAgainstConfig holds the probe against the kernel's configuration:
// a feature whose build options are all set, and whose release has it, is
// there (an option is a module, =m, only where the feature may be one).
func checkAgainstConfig(t *testing.T, db *kernelspec.DB, k FetchedKernel, kernel *kernelspec.Kernel) {
	cfg, err := ReadConfig(k.Config)
	if err != nil {
		t.Fatal(err)
	}
	gated := map[*kernelspec.Feature][]string{}
	for _, req := range Requirements(db, kernel.Base) {
		for _, f := range req.Features {
			gated[f] = append(gated[f], req.Config...)
		}
	}
	for f, options := range gated {
		set := true
		for _, o := range options {
			_, ok := cfg[o]
			set = set && ok
		}
		if set && f.InRelease(kernel.Base) && !kernel.Has(f) {
			t.Errorf("%s: %s %s sets %v, but the probe found it missing", f.Name, k.Package, k.Version, options)
		}
		if !set && kernel.Has(f) {
			t.Errorf("%s: %s %s does not set all of %v, but the probe found it", f.Name, k.Package, k.Version, options)
		}
	}
}

// analyze runs the analyzer on the programs of testdata/kernels at the
// kernel spec, and returns its first finding in each package it reports.
func analyze(t *testing.T, vet, dir, spec string) map[string]string {
	cmd := exec.Command(vet, "-json", "-kernel="+spec, "./kernels/...")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		t.Fatalf("%s -kernel=%s: %v", vet, spec, err)
	}
	var res map[string]map[string][]struct {
		Message string `json:"message"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	verdicts := map[string]string{}
	for pkg, byAnalyzer := range res {
		var msgs []string
		for _, diags := range byAnalyzer {
			for _, d := range diags {
				msgs = append(msgs, d.Message)
			}
		}
		if len(msgs) > 0 {
			slices.Sort(msgs)
			verdicts[pkg] = "reports: " + msgs[0]
		}
	}
	return verdicts
}
