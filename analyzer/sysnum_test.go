package analyzer

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
)

// TestBPFSyscallNumbers checks the API map's bpf_syscall_numbers against
// the system call numbers x/sys generates from each architecture's kernel
// headers (unix/zsysnum_linux_<arch>.go): every architecture x/sys knows
// must be in the table, with SYS_BPF's value, and nothing else may be. The
// standard library's syscall, where it has SYS_BPF, must agree too. A
// kernel that renumbered, an x/sys that gained an architecture, or a typo
// in the YAML fails here rather than silently missing raw bpf(2) calls.
func TestBPFSyscallNumbers(t *testing.T) {
	t.Parallel()
	m := embeddedAPIMap(t)
	dirs := packageDirs(t, "golang.org/x/sys/unix", "syscall")

	xsys := sysBPFByArch(t, dirs["golang.org/x/sys/unix"])
	if len(xsys) < 10 {
		t.Fatalf("found SYS_BPF for only %d architectures in x/sys (%v): the files were not found", len(xsys), xsys)
	}
	for arch, n := range xsys {
		if got, ok := m.BPFNumbers[arch]; !ok {
			t.Errorf("bpf_syscall_numbers lacks %s: x/sys says SYS_BPF is %d there", arch, n)
		} else if got != n {
			t.Errorf("bpf_syscall_numbers: %s is %d, but x/sys says SYS_BPF is %d", arch, got, n)
		}
	}
	for _, arch := range apimap.SortedKeys(m.BPFNumbers) {
		if _, ok := xsys[arch]; !ok {
			t.Errorf("bpf_syscall_numbers: x/sys knows no architecture %q", arch)
		}
	}

	std := sysBPFByArch(t, dirs["syscall"])
	if _, ok := std["amd64"]; ok {
		t.Errorf("the standard library's syscall has SYS_BPF on amd64 now: the comments that say it has not are stale")
	}
	for arch, n := range std {
		if m.BPFNumbers[arch] != n {
			t.Errorf("bpf_syscall_numbers: %s is %d, but the standard library's syscall says SYS_BPF is %d", arch, m.BPFNumbers[arch], n)
		}
	}
}

// packageDirs returns the source directory of each package, for linux.
func packageDirs(t *testing.T, paths ...string) map[string]string {
	t.Helper()
	loaded, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedFiles,
		Env:  append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "GOFLAGS="),
	}, paths...)
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]string{}
	for _, p := range loaded {
		if len(p.GoFiles) == 0 {
			t.Fatalf("%s: no Go files", p.PkgPath)
		}
		dirs[p.PkgPath] = filepath.Dir(p.GoFiles[0])
	}
	return dirs
}

// sysBPFByArch reads SYS_BPF from each zsysnum_linux_<arch>.go in dir,
// type-checking the file alone (it holds constants only) so that a value
// written as an expression is evaluated as the compiler would.
func sysBPFByArch(t *testing.T, dir string) map[string]uint64 {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "zsysnum_linux_*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no zsysnum_linux_*.go in %s (%v)", dir, err)
	}
	out := map[string]uint64{}
	for _, name := range files {
		arch := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(name), "zsysnum_linux_"), ".go")
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		pkg, err := new(types.Config).Check(f.Name.Name, fset, []*ast.File{f}, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		k, ok := pkg.Scope().Lookup("SYS_BPF").(*types.Const)
		if !ok {
			continue // the standard library's syscall on amd64, 386, arm, ppc64
		}
		n, ok := constant.Uint64Val(k.Val())
		if !ok {
			t.Fatalf("%s: SYS_BPF = %s is not a system call number", name, k.Val())
		}
		out[arch] = n
	}
	return out
}
