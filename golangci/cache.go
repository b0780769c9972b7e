package golangci

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/tools/go/analysis"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

// golangci-lint caches each package's findings under a key made of the
// package's Go files (and its dependencies'), the names of the analyzers
// run, the linters' settings, the build tags, go.mod and the binary's
// version (internal/cache, pkg/goanalysis/runners_cache.go and
// pkg/commands/run.go in v2.15.0). The kernel spec files and
// .bpfcompat.yaml are in none of these, so editing them changed nothing
// until the cache was cleaned; and a plugin cannot add a file to the key.
//
// It can add an analyzer, whose name is part of the key: inputsAnalyzer
// does nothing but carry a digest of those files in its name. Its name
// differs from the linter's, but it reports nothing, so no finding is
// ever prefixed with it.

// inputsAnalyzer returns an analyzer named for the digest of the
// configuration files that the findings in the working directory's
// module depend on, or nil when there is no module.
func inputsAnalyzer(s analyzer.DriverSettings) *analysis.Analyzer {
	wd, err := os.Getwd()
	if err != nil {
		return nil
	}
	root, ok := moduleRoot(wd)
	if !ok {
		return nil
	}
	digest, err := inputsDigest(root, s)
	if err != nil {
		return nil // the analyzer reports the unreadable file
	}
	return &analysis.Analyzer{
		Name: "bpfcompat_inputs_" + digest,
		Doc:  "carries the digest of bpfcompat's configuration files into golangci-lint's cache key; reports nothing",
		Run:  func(*analysis.Pass) (any, error) { return nil, nil },
	}
}

// inputsDigest hashes each input file's path within the module and its
// content (or its absence).
func inputsDigest(root string, s analyzer.DriverSettings) (string, error) {
	files, err := analyzer.ConfigInputs(root, s)
	if err != nil {
		return "", err
	}
	slices.Sort(files)
	h := sha256.New()
	for _, f := range slices.Compact(files) {
		rel, err := filepath.Rel(root, f)
		if err != nil {
			rel = f
		}
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(h, "%s missing\n", rel)
			continue
		}
		fmt.Fprintf(h, "%s %d\n", rel, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// moduleRoot is the directory of the go.mod above dir: where golangci-lint
// finds go.mod for its own cache salt too.
func moduleRoot(dir string) (string, bool) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}
