package analyzer

import (
	"maps"
	"strings"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
)

// FactSources says which packages can be the origin of a bpfcompat fact,
// from the API map alone, for drivers that load everything else from
// export data instead of type-checking it (cmd/bpfcompat-vet). A package
// can export a fact only if run finds it relevant: it imports a mapped
// library or a package that exports facts itself, or it names one of the
// low-level packages' feature constants or raw system calls.
type FactSources struct {
	// Libraries are the packages whose importers are relevant
	// (github.com/cilium/ebpf/...).
	Libraries map[string]bool
	// Modules are the modules of the mapped libraries: each of their
	// packages carries the module's version as a fact, whatever it imports.
	Modules map[string]bool
	// LowLevel maps each low-level package (x/sys/unix, syscall) to the
	// names of its raw system call functions; an importer is relevant
	// only where it uses one of them or a constant named BPF_*.
	LowLevel map[string]map[string]bool
	// VersionFiles hold the running kernel's release: a package that
	// names one may be a kernel-version helper, a check whatever it
	// imports.
	VersionFiles []string
}

// LoadFactSources reads the embedded API map's index.
func LoadFactSources() (*FactSources, error) {
	files, err := embeddedAPI()
	if err != nil {
		return nil, err
	}
	return factSources(files), nil
}

// factSources is what the index of files says of the packages that can
// be the origin of a fact.
func factSources(files *apimap.Files) *FactSources {
	idx := files.Index()
	src := &FactSources{Libraries: maps.Clone(idx.Libraries), Modules: map[string]bool{}, LowLevel: map[string]map[string]bool{}}
	for m := range idx.Modules {
		src.Modules[m] = true
	}
	for pkg := range idx.LowLevel {
		src.LowLevel[pkg] = map[string]bool{}
	}
	for fn := range idx.Syscalls {
		if pkg, ok := apimap.SymbolPackage(fn); ok {
			src.LowLevel[pkg][strings.TrimPrefix(fn, pkg+".")] = true
		}
	}
	src.VersionFiles = apimap.SortedKeys(idx.VersionSources.ReleaseFiles)
	return src
}
