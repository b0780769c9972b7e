// Package specs holds bpfcompat's data: one YAML file per mainline Linux
// release saying what it added to (and removed from) the BPF uAPI, and, in
// api/, the mapping from Go library APIs to those features. See README.md.
package specs

import (
	"embed"
	"io/fs"
)

//go:embed *.yaml
var files embed.FS

// Mainline returns the per-release spec files.
func Mainline() fs.FS { return files }
