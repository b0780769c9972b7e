package golangci

import (
	"os"
	"path/filepath"
	"strings"
)

// configFileNames are the names golangci-lint looks for, in its order.
var configFileNames = []string{".golangci.yml", ".golangci.yaml", ".golangci.toml", ".golangci.json"}

// configDir is the directory of the configuration file golangci-lint runs
// with, found the way golangci-lint finds it: the file given with -c or
// --config, none with --no-config, else the first of configFileNames in
// the working directory or a directory above it, then in the home
// directory. golangci-lint passes plugins their settings but not the
// file's path, and a plugin runs in its process, so the arguments are
// os.Args. It returns "" when there is no file: paths are then relative
// to the module root.
func configDir(args []string, wd string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		var path string
		switch {
		case a == "--no-config":
			return ""
		case a == "-c" || a == "--config":
			if i+1 < len(args) {
				path = args[i+1]
			}
		case strings.HasPrefix(a, "-c="):
			path = strings.TrimPrefix(a, "-c=")
		case strings.HasPrefix(a, "--config="):
			path = strings.TrimPrefix(a, "--config=")
		}
		if path != "" {
			if !filepath.IsAbs(path) {
				path = filepath.Join(wd, path)
			}
			return filepath.Dir(path)
		}
	}
	for d := wd; ; d = filepath.Dir(d) {
		if hasConfigFile(d) {
			return d
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	if home, err := os.UserHomeDir(); err == nil && hasConfigFile(home) {
		return home
	}
	return ""
}

func hasConfigFile(dir string) bool {
	for _, name := range configFileNames {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && !fi.IsDir() {
			return true
		}
	}
	return false
}
