package kernelspec_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cilium/ebpf/btf"

	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/probe"
)

// kfuncSample is what one kernel's vmlinux BTF says about kfuncs.
type kfuncSample struct {
	what    string // where the BTF came from, for messages
	release kernelspec.Version
	// tagged lists the functions the BTF marks as kfuncs with the
	// bpf_kfunc decl tag (pahole 1.26 and later emit it); empty in BTF
	// from an older pahole.
	tagged map[string]bool
	// funcs holds every function the BTF has.
	funcs map[string]bool
	// listed holds the functions whose type ids the vmlinux's .BTF_ids
	// section lists, where the kernel keeps its kfunc sets (and other
	// sets of BTF ids): without tags, the kfuncs among them are those
	// the data knows as kfuncs.
	listed map[string]bool
	// config is the kernel's build configuration, nil when unknown.
	config probe.Config
}

func sampleBTF(spec *btf.Spec, ids map[btf.TypeID]bool, what string, release kernelspec.Version, config probe.Config) kfuncSample {
	s := kfuncSample{what: what, release: release.Release(), tagged: map[string]bool{}, funcs: map[string]bool{}, listed: map[string]bool{}, config: config}
	for typ := range spec.All() {
		if fn, ok := typ.(*btf.Func); ok {
			s.funcs[fn.Name] = true
			if id, err := spec.TypeID(fn); err == nil && ids[id] {
				s.listed[fn.Name] = true
			}
			if slices.Contains(fn.Tags, "bpf_kfunc") {
				s.tagged[fn.Name] = true
			}
		}
	}
	return s
}

// kfuncReport is the outcome of holding one sample against the data.
type kfuncReport struct {
	errors []string
	// forward counts the BTF's kfuncs checked against the data (tagged,
	// or without tags, listed in .BTF_ids and known to the data);
	// expected, those the data gives the release.
	forward, expected int
	// explained lists kfuncs of the release the BTF lacks because the
	// kernel was built without an option they require (or built it as a
	// module, whose kfuncs are in the module's BTF, not vmlinux's).
	explained []string
	// unknown lists kfuncs the BTF lacks whose requirements the sample
	// cannot judge, having no config.
	unknown []string
}

// checkKfuncs holds a sample both ways against the data. Every kfunc the
// BTF tags must be in the data and live in the release (neither later nor
// already removed); without tags, every function .BTF_ids lists that the
// data knows as a kfunc must be live. Every kfunc the data gives the release must be in the
// BTF (tagged, or where pahole emitted no tags, a function), unless the
// data says the kernel may lack it: a requirement naming a config option
// the kernel leaves unset, or sets to m, which puts the kfunc in a
// module's BTF instead of vmlinux's.
func checkKfuncs(db *kernelspec.DB, s kfuncSample) kfuncReport {
	var r kfuncReport
	forward, complete := s.tagged, true
	if len(s.tagged) == 0 {
		forward, complete = s.listed, false
	}
	for _, name := range slices.Sorted(mapKeys(forward)) {
		f := db.Lookup(kernelspec.Kfunc, name)
		if f == nil && !complete {
			continue // one of the other sets' functions
		}
		r.forward++
		switch {
		case f == nil:
			r.errors = append(r.errors, fmt.Sprintf("%s has kfunc %s; the data does not", s.what, name))
		case s.release.Less(f.Since()):
			r.errors = append(r.errors, fmt.Sprintf("%s has kfunc %s; the data dates it %s (%s)", s.what, name, f.Since(), f.Introduced().Position()))
		case !f.InRelease(s.release):
			r.errors = append(r.errors, fmt.Sprintf("%s has kfunc %s; the data removes it by %s (%s)", s.what, name, s.release, removal(f, s.release).Position()))
		}
	}
	have := s.tagged
	if len(s.tagged) == 0 {
		have = s.funcs
	}
	for _, f := range db.Features(kernelspec.Kfunc) {
		if !f.InRelease(s.release) {
			continue
		}
		r.expected++
		if have[f.Name] {
			continue
		}
		switch why, known := configuredOut(f, s); {
		case why != "":
			r.explained = append(r.explained, f.Name+" ("+why+")")
		case !known:
			r.unknown = append(r.unknown, f.Name)
		default:
			what := "kfunc"
			if s.funcs[f.Name] {
				what = "bpf_kfunc tag" // a function, but not (yet) a kfunc
			}
			r.errors = append(r.errors, fmt.Sprintf("%s lacks %s %s, which the data gives %s from %s (%s)",
				s.what, what, f.Name, s.release, f.Since(), f.Introduced().Position()))
		}
	}
	return r
}

// configuredOut says which required option, if any, the sample's kernel
// leaves unset or builds as a module; known is false when the feature has
// config requirements but the sample no config to judge them by.
func configuredOut(f *kernelspec.Feature, s kfuncSample) (why string, known bool) {
	known = true
	for _, req := range f.RequiresIn(s.release) {
		for _, opt := range req.Config {
			if s.config == nil {
				known = false
				continue
			}
			switch s.config[opt] {
			case "":
				return opt + " unset", true
			case "m":
				return opt + "=m: in the module's BTF", true
			}
		}
	}
	return "", known
}

// removal is the provenance of the span end that takes f out before v.
func removal(f *kernelspec.Feature, v kernelspec.Version) kernelspec.Provenance {
	var p kernelspec.Provenance
	for _, sp := range f.Spans {
		if !sp.Removed.IsZero() && !v.Less(sp.Removed) {
			p = sp.RemovedBy
		}
	}
	return p
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// report turns a kfuncReport into test output.
func (r kfuncReport) report(t *testing.T, s kfuncSample) {
	t.Helper()
	for _, e := range r.errors {
		t.Error(e)
	}
	forward := "bpf_kfunc-tagged functions"
	if len(s.tagged) == 0 {
		t.Logf("%s: no bpf_kfunc tags (pahole before 1.26): the data's kfuncs were looked for as functions", s.what)
		forward = "functions .BTF_ids lists that the data knows as kfuncs"
	}
	t.Logf("%s: %d %s held against the data; of the %d kfuncs the data gives %s, %d are configured out, %d unjudged (no config), the rest in the BTF",
		s.what, r.forward, forward, r.expected, s.release, len(r.explained), len(r.unknown))
	if len(r.explained) > 0 {
		t.Logf("%s: configured out: %s", s.what, strings.Join(r.explained, ", "))
	}
	if len(r.unknown) > 0 {
		t.Logf("%s: absent, with config requirements and no config to judge them: %s", s.what, strings.Join(r.unknown, ", "))
	}
}

// TestKfuncsRunningKernel checks the kfuncs against the BTF and config of
// the kernel the test runs on.
func TestKfuncsRunningKernel(t *testing.T) {
	spec, v, release := runningKernel(t)
	var config probe.Config
	for _, path := range []string{"/proc/config.gz", "/boot/config-" + release} {
		if c, err := readKernelConfig(path); err == nil {
			config = c
			break
		} else if !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	s := sampleBTF(spec, nil, "the running kernel's BTF ("+release+")", v, config)
	checkKfuncs(mustDB(t), s).report(t, s)
}

// btfSource is one kernel's BTF to check the data against.
type btfSource struct {
	name, release string
	load          func() (*btf.Spec, map[btf.TypeID]bool, error) // its BTF and .BTF_ids
	config        string                                         // its config file, or ""
}

// TestKfuncsReleaseBTF checks the kfuncs against the BTF of other
// releases: the kernels scripts/kernel-matrix.sh fetched (listed in
// $BPFCOMPAT_KERNELS/manifest and btf-manifest: their vmlinuz and config),
// and raw .BTF sections named <release>.btf in $BPFCOMPAT_BTF_DIR (objcopy
// -O binary --only-section=.BTF vmlinux), each with <release>.config if
// there is one.
func TestKfuncsReleaseBTF(t *testing.T) {
	var sources []btfSource
	if dir := os.Getenv("BPFCOMPAT_KERNELS"); dir != "" {
		for _, m := range []string{"manifest", "btf-manifest"} {
			sources = append(sources, manifestSources(t, filepath.Join(dir, m))...)
		}
		if len(sources) == 0 {
			t.Fatalf("%s lists no kernels: run scripts/kernel-matrix.sh fetch", filepath.Join(dir, "manifest"))
		}
	}
	if dir := os.Getenv("BPFCOMPAT_BTF_DIR"); dir != "" {
		files, err := filepath.Glob(filepath.Join(dir, "*.btf"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no *.btf files in %s (%v)", dir, err)
		}
		for _, file := range files {
			release := strings.TrimSuffix(filepath.Base(file), ".btf")
			config := strings.TrimSuffix(file, ".btf") + ".config"
			if _, err := os.Stat(config); err != nil {
				config = ""
			}
			sources = append(sources, btfSource{file, release, func() (*btf.Spec, map[btf.TypeID]bool, error) { return loadRawBTF(file) }, config})
		}
	}
	if len(sources) == 0 {
		t.Skip("neither BPFCOMPAT_KERNELS nor BPFCOMPAT_BTF_DIR is set: no BTF of other releases to compare with (scripts/kernel-matrix.sh sets the first)")
	}
	db := mustDB(t)
	for _, src := range sources {
		t.Run(src.release, func(t *testing.T) {
			v, err := kernelspec.ParseVersion(src.release)
			if err != nil {
				t.Fatalf("%s: %v", src.name, err)
			}
			if db.Newest().Less(v.Release()) {
				t.Skipf("%s: release %s is newer than specs/ (%s): nothing to hold it against", src.name, v.Release(), db.Newest())
			}
			if err := db.CheckRelease(v); err != nil {
				t.Fatalf("%s: %v", src.name, err)
			}
			spec, ids, err := src.load()
			if err != nil {
				t.Fatal(err)
			}
			var config probe.Config
			if src.config != "" {
				if config, err = readKernelConfig(src.config); err != nil {
					t.Fatal(err)
				}
			}
			s := sampleBTF(spec, ids, src.name, v, config)
			checkKfuncs(db, s).report(t, s)
		})
	}
}

// manifestSources lists the kernels of a manifest scripts/kernel-matrix.sh
// wrote; a manifest that is not there lists none.
func manifestSources(t *testing.T, path string) []btfSource {
	t.Helper()
	kernels, err := probe.ReadManifest(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []btfSource
	for _, k := range kernels {
		out = append(out, btfSource{
			name:    fmt.Sprintf("%s (%s %s)", k.Vmlinuz, k.Package, k.Version),
			release: k.Version,
			load:    func() (*btf.Spec, map[btf.TypeID]bool, error) { return vmlinuzBTF(k.Vmlinuz) },
			config:  k.Config,
		})
	}
	return out
}

// loadRawBTF reads a raw .BTF section; it has no .BTF_ids to go with it.
func loadRawBTF(path string) (*btf.Spec, map[btf.TypeID]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	spec, err := btf.LoadSpecFromReader(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	return spec, nil, nil
}
