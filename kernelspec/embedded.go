package kernelspec

import (
	"sync"

	"github.com/bpfcompat/bpfcompat/specs"
)

// Embedded returns the database of the mainline specs built into the
// binary. It is loaded once; the DB is immutable, so sharing it is safe.
var Embedded = sync.OnceValues(func() (*DB, error) {
	return Load(specs.Mainline())
})
