// Package specs holds bpfcompat's data: one YAML file per mainline Linux
// release saying what it added to (and removed from) the BPF uAPI, and, in
// api/, the mapping from Go library APIs to those features. See README.md.
package specs

import (
	"embed"
	"io/fs"
)

//go:embed *.yaml stable/*.yaml
var files embed.FS

// Mainline returns the per-release spec files, and in stable/ what stable
// series backported.
func Mainline() fs.FS { return files }

//go:embed api/*.yaml
var api embed.FS

// API returns the Go library API maps: which symbols select which features.
func API() fs.FS {
	sub, err := fs.Sub(api, "api")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}
