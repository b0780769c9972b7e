// Package analyzer defines bpfcompat, a go/analysis pass that finds where Go
// code selects a Linux BPF feature — a bpf(2) command, a map, program,
// attach or link type, a helper, a bpf_attr field, a flag — and reports each
// one that the target kernel lacks.
package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

const doc = `report Linux BPF features newer than the target kernel

bpfcompat finds where Go code selects a kernel BPF feature — raw bpf(2)
calls through golang.org/x/sys/unix and the bpf_attr fields they set, and
the cilium/ebpf API (map and program types, attach types, helpers, link
constructors, ring buffers, batch operations) — and reports each feature
that the target kernel does not have:

	BPF_MAP_TYPE_RINGBUF requires Linux 5.8, but the target is 5.4

The target is the -kernel flag, else the kernel key of .bpfcompat.yaml at
the module root, else 5.4. A file whose first comment says
//bpfcompat:kernel 5.10 only runs on 5.10 and newer.`

// Analyzer reports BPF features newer than the target kernel. Drivers that
// need more than one configuration use New.
var Analyzer = New()

// New returns a bpfcompat analyzer with its own flags and caches, so that
// several can run in one process with different targets.
func New() *analysis.Analyzer {
	s := newState()
	a := &analysis.Analyzer{
		Name:             "bpfcompat",
		Doc:              doc,
		URL:              "https://github.com/bpfcompat/bpfcompat",
		Run:              s.run,
		RunDespiteErrors: true,
		FactTypes:        []analysis.Fact{new(wrapperFact), new(packageFact), new(checkFact), new(requiresFact), new(paramFact), new(probeParamFact), new(objectLoaderFact), new(specLoaderFact), new(libraryVersionFact), new(versionNotedFact), new(noReturnFact), new(exitsFact), new(triedParamsFact), new(kernelVersionFact), new(attrArgsFact), new(configWritesFact)},
	}
	a.Flags.Var(&s.specFiles, "spec-files", "comma-separated kernel spec files (distribution kernels) whose names -kernel may use")
	a.Flags.Var(&s.disable, "disable", "comma-separated diagnostic categories not to report (obsolete_guard, map_type, ...), or disable in "+ConfigFile)
	a.Flags.Var(&s.checks, "checks", "comma-separated function=terms: functions the module does not own that are checks, in the terms of //bpfcompat:checks (example.com/x/kernels.MinKernelVersion=arg0), or checks in "+ConfigFile)
	a.Flags.Var(&s.kernel, "kernel", "target kernel: a version (5.10), a kernel spec file, or a comma-separated list (default "+DefaultKernel+", or kernel in "+ConfigFile+")")
	return a
}

// newState wires a state's resolvers to its own flags.
func newState() *state {
	s := &state{}
	s.resolver.flag = &s.kernel
	s.resolver.specFiles = &s.specFiles
	s.options.disable, s.options.checks = &s.disable, &s.checks
	s.resolver.files, s.options.files = &s.configs, &s.configs
	return s
}

// state is what one Analyzer keeps across the packages it analyzes: its
// flags and the data loaded for them, read-only once built.
type state struct {
	kernel    kernelFlag
	specFiles specFilesFlag
	resolver  targetResolver
	disable   disableFlag
	checks    checksFlag
	options   optionResolver
	configs   configFiles // each .bpfcompat.yaml, parsed once for both

	loadOnce sync.Once
	db       *kernelspec.DB
	api      *apimap.Map
	loadErr  error

	indexOnce sync.Once
	index     *apimap.Index
	indexErr  error
}

func (s *state) load() error {
	s.loadOnce.Do(func() {
		s.db, s.loadErr = kernelspec.Embedded()
		if s.loadErr != nil {
			s.loadErr = fmt.Errorf("loading kernel specs: %w", s.loadErr)
			return
		}
		s.resolver.db = s.db
		var err error
		s.api, err = sharedAPIMap()
		if s.loadErr = err; s.loadErr != nil {
			s.loadErr = fmt.Errorf("loading API map: %w", s.loadErr)
		}
	})
	return s.loadErr
}

func (s *state) run(pass *analysis.Pass) (any, error) {
	s.indexOnce.Do(func() {
		files, err := embeddedAPI()
		if err == nil {
			s.index = files.Index()
		}
		s.indexErr = err
	})
	if s.indexErr != nil {
		return nil, fmt.Errorf("loading API map: %w", s.indexErr)
	}
	s.exportLibraryVersion(pass)
	if !s.relevant(pass) {
		s.exportNoReturns(pass)
		s.exportConfigWritesUnanalyzed(pass)
		return nil, nil
	}
	if err := s.load(); err != nil {
		return nil, err
	}
	targets, err := s.resolver.resolve(packageDir(pass))
	if err != nil {
		return nil, err
	}
	opts, err := s.options.resolve(s.db, packageDir(pass))
	if err != nil {
		return nil, err
	}
	opts.filter(pass)
	c := newChecker(pass, s.db, s.api, targets)
	c.options = opts
	c.checkLibraryVersions(s.index.Modules)
	var walked []*ast.File
	for _, f := range pass.Files {
		if !ast.IsGenerated(f) {
			walked = append(walked, f)
		}
	}
	// Three phases: the index (declarations, calls, the files' floors),
	// the summaries (each in the order of the call graph, then what the
	// walk learns of requirements) exported as facts, then the report.
	c.readFloors(walked)
	c.noReturns()
	c.findWrappers()
	c.findObjectLoaders()
	c.findRequires()
	c.findChecks()
	c.exportVersionResults()
	c.findParamRequirements()
	c.openCallerContexts()
	c.findLoadSites()
	c.inferRequirements(walked)
	exported := c.exportRequires()
	c.exportConfigWrites()
	exported = c.exportParamRequirements() || exported
	exported = c.exportTriedParams() || exported
	exported = c.exportProbeParams() || exported
	exported = c.exportAttrArgs() || exported
	if exported || len(c.wrappers) > 0 || c.exportsLoaders {
		pass.ExportPackageFact(new(packageFact))
	}
	c.reporting = true
	for _, f := range walked {
		c.checkFile(f)
	}
	c.finish(walked)
	return nil, c.configErr
}

// relevant is the fast path: a package that imports none of the mapped
// libraries and no package exporting bpf(2) wrappers, and that uses no
// feature constant or system call of x/sys/unix or syscall (which most of
// the standard library imports for other reasons), selects nothing.
func (s *state) relevant(pass *analysis.Pass) bool {
	// A directive says what a package checks or requires with no BPF
	// import at all (a project's kernel-version helpers), and a misspelt
	// one must be told wherever it is.
	if hasDirective(pass.Files) {
		return true
	}
	lowLevel := false
	for _, imp := range pass.Pkg.Imports() {
		if s.index.Libraries[imp.Path()] || pass.ImportPackageFact(imp, new(packageFact)) {
			return true
		}
		lowLevel = lowLevel || s.index.LowLevel[imp.Path()]
	}
	if !lowLevel {
		return mayBeVersionHelper(pass, s.index.VersionSources) // a check without a directive either
	}
	for _, obj := range pass.TypesInfo.Uses {
		if obj.Pkg() == nil || !s.index.LowLevel[obj.Pkg().Path()] {
			continue
		}
		switch obj := obj.(type) {
		case *types.Const:
			// Feature constants are all spelled BPF_...: a cheap test that
			// keeps the specs unloaded for the rest of x/sys's users.
			if s.index.ConstPkgs[obj.Pkg().Path()] && strings.HasPrefix(obj.Name(), "BPF_") {
				return true
			}
		case *types.Func:
			if s.index.Syscalls[obj.FullName()] {
				return true
			}
		}
	}
	return mayBeVersionHelper(pass, s.index.VersionSources)
}

// hasDirective reports whether a file has a //bpfcompat: comment: a scan of
// the comments the parser already kept, cheap beside type checking.
func hasDirective(files []*ast.File) bool {
	for _, f := range files {
		for _, g := range f.Comments {
			for _, c := range g.List {
				if strings.HasPrefix(c.Text, directivePrefix) {
					return true
				}
			}
		}
	}
	return false
}

// packageDir is the directory of the package's first Go file: where the
// search for .bpfcompat.yaml starts.
func packageDir(pass *analysis.Pass) string {
	for _, f := range pass.Files {
		if name := pass.Fset.File(f.Pos()).Name(); name != "" {
			return filepath.Dir(name)
		}
	}
	return "."
}
