package kernelspec_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cilium/ebpf/btf"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// kfuncsOf lists the functions a kernel's BTF marks as kfuncs with the
// bpf_kfunc decl tag (pahole 1.26 and later emit it).
func kfuncsOf(spec *btf.Spec) []string {
	var out []string
	for typ := range spec.All() {
		if fn, ok := typ.(*btf.Func); ok && slices.Contains(fn.Tags, "bpf_kfunc") {
			out = append(out, fn.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// checkKfuncs checks that every kfunc a release's BTF tags is in the data
// and live in that release. The reverse does not hold: a kernel built
// without an option lacks the kfuncs behind it.
func checkKfuncs(t *testing.T, db *kernelspec.DB, release kernelspec.Version, spec *btf.Spec, what string) {
	t.Helper()
	tagged := kfuncsOf(spec)
	if len(tagged) == 0 {
		t.Skipf("%s tags no kfuncs (BTF from pahole before 1.26)", what)
	}
	for _, name := range tagged {
		f := db.Lookup(kernelspec.Kfunc, name)
		switch {
		case f == nil:
			t.Errorf("%s has kfunc %s; the data does not", what, name)
		case !f.InRelease(release):
			t.Errorf("%s has kfunc %s; the data dates it %s (%s)", what, name, f.Since(), f.Introduced().Position())
		}
	}
	t.Logf("%s: %d kfuncs checked", what, len(tagged))
}

// TestKfuncsRunningKernel checks the kfuncs against the BTF of the kernel
// the test runs on.
func TestKfuncsRunningKernel(t *testing.T) {
	spec, v, release := runningKernel(t)
	checkKfuncs(t, mustDB(t), v.Release(), spec, "the running kernel's BTF ("+release+")")
}

// TestKfuncsReleaseBTF checks the kfuncs against the raw BTF of other
// releases: files named <release>.btf in $BPFCOMPAT_BTF_DIR (the .BTF
// section of a distribution's vmlinux: objcopy -O binary --only-section=.BTF).
func TestKfuncsReleaseBTF(t *testing.T) {
	dir := os.Getenv("BPFCOMPAT_BTF_DIR")
	if dir == "" {
		t.Skip("BPFCOMPAT_BTF_DIR is not set: no BTF of other releases to compare with")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.btf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no *.btf files in %s (%v)", dir, err)
	}
	db := mustDB(t)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".btf")
		t.Run(name, func(t *testing.T) {
			v, err := kernelspec.ParseVersion(name)
			if err != nil {
				t.Fatalf("%s: name the file after its release: %v", file, err)
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			spec, err := btf.LoadSpecFromReader(f)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			checkKfuncs(t, db, v.Release(), spec, file)
		})
	}
}
