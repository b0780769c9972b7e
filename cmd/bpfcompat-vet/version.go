package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/bpfcompat/bpfcompat/analyzer"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// toolVersion is the module version the binary was built at (go install
// ...@v1.2.3, go get -tool), else the VCS revision of the checkout it was
// built from, else (-buildvcs=false, a copied tree) "build-" and a hash of
// the binary, which at least tells two builds apart.
func toolVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return unstamped()
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "-dirty"
			}
		}
	}
	if rev == "" {
		return unstamped()
	}
	return rev[:min(len(rev), 12)] + modified
}

func unstamped() string {
	if h, err := executableHash(); err == nil {
		return "build-" + h
	}
	return "unknown"
}

// dataVersion is the newest kernel release in the embedded specs.
func dataVersion() string {
	db, err := kernelspec.Embedded()
	if err != nil {
		return "unknown"
	}
	rs := db.Releases()
	if len(rs) == 0 {
		return "none"
	}
	return rs[len(rs)-1].Version.String()
}

func versionCmd(stdout, stderr io.Writer, args []string) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: bpfcompat-vet version")
		return 1
	}
	fmt.Fprintf(stdout, "bpfcompat-vet version %s, data up to Linux %s\n", toolVersion(), dataVersion())
	return 0
}

// versionFull answers go vet's -V=full, whose whole line (unless it says
// "devel") keys go vet's cache of this tool's results. The line names the
// binary by the hash of its content, so a rebuilt tool never reuses stale
// results, and hashes the configuration the results depend on but go vet
// does not see: every .bpfcompat.yaml of the module (the root's and
// nested ones), the spec files they name, and the spec files named by -kernel and -spec-files on the go
// vet command line. Editing any of them makes go vet run the tool again.
func versionFull(stdout, stderr io.Writer) int {
	exe, err := executableHash()
	if err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet:", err)
		return 1
	}
	fmt.Fprintf(stdout, "bpfcompat-vet version %s data=%s exe=%s config=%s\n", toolVersion(), dataVersion(), exe, configHash())
	return 0
}

// executableHash is a hash of the running binary, read once.
var executableHash = sync.OnceValues(func() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8]), nil
})

// configHash hashes the inputs named in versionFull's doc that exist.
// go vet runs -V=full in its own working directory, so the module root is
// found from there, and the spec files named on its command line resolve
// from there or from that root, as vetMain resolves them.
func configHash() string {
	h := sha256.New()
	add := func(path string) {
		data, err := os.ReadFile(path)
		if err != nil {
			return
		}
		fmt.Fprintf(h, "%s %d\n", path, len(data))
		h.Write(data)
	}
	wd, _ := os.Getwd()
	root := moduleRoot(wd)
	for _, cfg := range configFilesUnder(root) {
		add(cfg)
		for _, p := range configSpecPaths(cfg) {
			add(p)
		}
	}
	for _, p := range parentSpecPaths() {
		add(resolveSpecPath(p, wd, root))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// configFilesUnder lists the module's configuration files: the root's and
// those of its subdirectories, each of which applies to the packages below
// it (analyzer.ConfigFile). Directories that go vet ./... never analyzes
// are skipped: nested modules, testdata, vendor, and names starting with
// "." or "_".
func configFilesUnder(root string) []string {
	if root == "" {
		return nil
	}
	var out []string
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: it holds no package go vet can analyze either
		}
		if d.IsDir() {
			if path == root {
				return nil
			}
			name := d.Name()
			if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Name() == analyzer.ConfigFile {
			out = append(out, path)
		}
		return nil
	})
	return out
}

// moduleRoot is the nearest directory at or above dir with a go.mod, or "".
func moduleRoot(dir string) string {
	for d := dir; d != ""; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
	return ""
}

// configSpecPaths lists the spec files a .bpfcompat.yaml names (in
// kernel: and spec-files:), resolved against its directory. A cheap line
// scan is enough for a hash: a path it misses only means an edit of that
// file needs go clean -cache (the loader proper reports bad YAML).
func configSpecPaths(cfg string) []string {
	data, err := os.ReadFile(cfg)
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune(" \t,[]\"'", r) }) {
			if isSpecPath(f) {
				out = append(out, resolveSpecPath(f, filepath.Dir(cfg), ""))
			}
		}
	}
	return out
}

// parentSpecPaths reads the -kernel and -spec-files values of the command
// that started this process (go vet, which runs -V=full before any
// package), from /proc; elsewhere there are none to read.
func parentSpecPaths() []string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", os.Getppid()))
	if err != nil {
		return nil
	}
	return specPathsInArgs(strings.Split(strings.TrimRight(string(data), "\x00"), "\x00"))
}
