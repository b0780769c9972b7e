package analyzer

import (
	"io/fs"
	"sync"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/specs"
)

// APIMap is the merged, validated content of the API map files
// (specs/api/*.yaml): which Go symbols select which kernel features.
type APIMap = apimap.Map

// LoadAPIMap reads every *.yaml file at the top of fsys and checks each
// feature name it mentions against db.
func LoadAPIMap(fsys fs.FS, db *kernelspec.DB) (*APIMap, error) {
	return apimap.Load(fsys, db)
}

// embeddedAPI is the embedded API map files, parsed once per process: the
// fast path's index and every analyzer's resolved map are built from it.
var embeddedAPI = sync.OnceValues(func() (*apimap.Files, error) {
	return apimap.Parse(specs.API())
})
