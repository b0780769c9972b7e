package kernelspec

import (
	"sync"

	"github.com/bpfcompat/bpfcompat/specs"
)

var embedded = sync.OnceValues(func() (*DB, error) {
	return Load(specs.Mainline())
})

// Embedded returns the database of the mainline specs built into the
// binary. It is loaded on first use and shared: the DB and its features
// are read-only.
func Embedded() (*DB, error) { return embedded() }
