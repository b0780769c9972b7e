package analyzer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// DriverSettings are targets given by a driver that reads its own
// configuration file rather than flags: golangci-lint's .golangci.yml.
type DriverSettings struct {
	// Kernel lists the targets: versions, kernel spec files, or names of
	// kernels in SpecFiles. Empty: .bpfcompat.yaml or the default applies.
	Kernel []string
	// SpecFiles are kernel spec files whose names Kernel may use.
	SpecFiles []string
	// Origin names the settings in errors ("golangci-lint settings").
	Origin string
	// BaseDir is the directory relative paths in Kernel and SpecFiles are
	// relative to: the directory of the driver's configuration file. Empty,
	// they are relative to the root of the module the driver runs in.
	BaseDir string
}

// Configure sets the targets of a (made by New) from a driver's
// settings. A relative path in them is relative to s.BaseDir, the
// driver's configuration file's directory, or where that is unknown to
// the root of the module the driver runs in (the go.mod above the working
// directory); never to the working directory itself: such drivers run
// wherever the user or the editor stands (VS Code runs golangci-lint in
// the package's directory). Versions and names are checked now; paths
// when the first package is analyzed.
func Configure(a *analysis.Analyzer, s DriverSettings) error {
	kf, ok1 := a.Flags.Lookup("kernel").Value.(*kernelFlag)
	sf, ok2 := a.Flags.Lookup("spec-files").Value.(*specFilesFlag)
	if !ok1 || !ok2 {
		return errors.New("not a bpfcompat analyzer made by New")
	}
	if len(s.Kernel) == 0 {
		if len(s.SpecFiles) > 0 {
			return errors.New("spec-files is set but kernel is not: name the kernels of the spec files to check in kernel")
		}
		return nil
	}
	db, err := kernelspec.Embedded()
	if err != nil {
		return err
	}
	s.Kernel = slices.Clone(s.Kernel)
	for i, t := range s.Kernel {
		t = strings.TrimSpace(t)
		s.Kernel[i] = t
		if t == "" {
			return errors.New("kernel: an empty target: want a kernel version such as 5.10, a kernel spec file, or a kernel's name from spec-files")
		}
		if isKernelName(t) || isSpecPath(t) {
			continue
		}
		if _, err := db.ParseKernel(t); err != nil {
			return fmt.Errorf("kernel: %w", err)
		}
	}
	kf.targets, kf.set = s.Kernel, true
	kf.origin, kf.moduleRelative, kf.baseDir = s.Origin, true, s.BaseDir
	sf.files = s.SpecFiles
	return nil
}

// ConfigInputs lists the files, besides the Go code, that the findings
// in the module at root depend on under these settings: every
// .bpfcompat.yaml in the module, and the kernel spec files they and the
// settings name. A driver that caches findings by the Go files alone
// (golangci-lint) keys its cache on these too.
func ConfigInputs(root string, s DriverSettings) ([]string, error) {
	var files []string
	add := func(base string, paths []string) {
		for _, p := range paths {
			if !isSpecPath(p) {
				continue // a version or a kernel's name
			}
			if !filepath.IsAbs(p) {
				p = filepath.Join(base, p)
			}
			files = append(files, p)
		}
	}
	base := root
	if s.BaseDir != "" {
		base = s.BaseDir
	}
	add(base, s.SpecFiles)
	add(base, s.Kernel)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "vendor") {
				return filepath.SkipDir // not packages the go command lists
			}
			return nil
		}
		if d.Name() != ConfigFile {
			return nil
		}
		files = append(files, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		cfg, err := parseConfig(path, data)
		if err != nil {
			return nil // reported when a package of its directory is analyzed
		}
		for _, l := range [][]setting{cfg.Kernel, cfg.SpecFiles} {
			for _, st := range l {
				add(filepath.Dir(path), []string{st.value})
			}
		}
		return nil
	})
	return files, err
}
