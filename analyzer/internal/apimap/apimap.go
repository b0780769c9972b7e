// Package apimap reads the API maps (specs/api/*.yaml): which Go symbols of
// a library select which kernel features, and what Go itself means to the
// flow analysis (functions that never return, errors that mean
// "unsupported"). The YAML is parsed once into Files; Index needs nothing
// more, Resolve checks every feature name against the kernel specs.
package apimap

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// An API map says which Go symbols of a library select which kernel
// features. It is data (specs/api/*.yaml) so that supporting another
// library, or a new release of one, is a YAML change.

type file struct {
	Module    string        `yaml:"module"`
	Version   string        `yaml:"version"`
	Types     []apiType     `yaml:"types"`
	Constants []apiConsts   `yaml:"constants"`
	Fields    []apiField    `yaml:"fields"`
	Functions []apiFunction `yaml:"functions"`
	// Values lists types whose values exist only where features do (a
	// link.Iter is made only by AttachIter): their methods assume them,
	// as a class annotated @RequiresApi covers its methods in Android Lint.
	Values []apiValue `yaml:"values"`
	// Carriers lists types whose values are made by constructors the map
	// checks (link.Anchor: Head, BeforeProgram, ReplaceProgram): what code
	// derives from one, through its methods, was chosen where it was made.
	Carriers []apiCarrier `yaml:"carriers"`
	// Implies lists constants that name no feature but whose value exists
	// only where features do (a pinned object the kernel calls a link):
	// a path taken when a value equals one assumes them.
	Implies  []apiImplied `yaml:"implies"`
	Probes   []apiProbe   `yaml:"probes"`
	Syscalls []Syscall    `yaml:"syscalls"`
	// BPFNumbers is bpf(2)'s number on each architecture, by GOARCH.
	BPFNumbers map[string]uint64 `yaml:"bpf_syscall_numbers"`
	Exits      []string          `yaml:"exits"`
	// ErrorMakers lists functions that make a new error (fmt.Errorf):
	// returning one from a failure branch gives up, it does not fall back.
	ErrorMakers []apiErrorMaker `yaml:"error_makers"`
	// Memoizers lists functions that wrap a function in one returning
	// what it returned the first time (sync.OnceValue): a variable made by
	// one is a check when the function it wraps is.
	Memoizers []string `yaml:"memoizers"`
	// Unsupported lists the errors that mean "this kernel lacks it":
	// testing for one and going on another way is a fallback.
	Unsupported []string `yaml:"unsupported_errors"`
	// VersionCodes lists functions returning the running kernel's
	// KERNEL_VERSION code: comparing it with a constant is a version check.
	VersionCodes []string `yaml:"version_codes"`
	// FeatureTests lists constructors of feature-test functions: a variable
	// made by one (var haveBPFLink = internal.NewFeatureTest("bpf_link",
	// fn, "5.7")) is a check whose nil result proves the version in
	// argument VersionArg.
	FeatureTests []apiFeatureTest `yaml:"feature_tests"`
	// LoadFixups lists what the library changes in an object before the
	// kernel sees it, when the kernel lacks a feature: a helper rewritten
	// to an older one, BTF it leaves out. The object check honours them.
	LoadFixups []apiFixup `yaml:"load_fixups"`
	// CollectionLoads lists the functions that load a CollectionSpec into
	// the kernel, and which argument is the spec (-1: the receiver): an
	// object's spec passed to one is loaded there, and the guards and
	// fallbacks around that call count for the object.
	CollectionLoads []apiCollectionLoad `yaml:"collection_loads"`
	// CollectionSpecs names the library's types for an object's
	// contents, as the rules over specs read them (specs.go).
	CollectionSpecs []apiCollectionSpec `yaml:"collection_specs"`
	// UnmappedFields says why fields of the library's option structs
	// select no feature, so that the completeness test can tell a field
	// considered from one never looked at.
	UnmappedFields []apiUnmapped `yaml:"unmapped_fields"`
	// FeatureErrors lists errors a function returns only where the kernel
	// has features (errors.go).
	FeatureErrors []apiFeatureError `yaml:"feature_errors"`
	// AbsentErrors lists errors, besides the unsupported ones, that a
	// function returns where the kernel lacks what it needs (absent.go).
	AbsentErrors []apiAbsentError `yaml:"absent_errors"`
	// ReportedValues lists values the kernel reports of its objects only
	// where it has features (reported.go).
	ReportedValues []apiReportedValue `yaml:"reported_values"`
	// UnameFunctions, FileReaders and ReleaseFiles say where the running
	// kernel's version is read (versionsources.go).
	UnameFunctions []apiUname       `yaml:"uname_functions"`
	FileReaders    []string         `yaml:"file_readers"`
	ReleaseFiles   []apiReleaseFile `yaml:"release_files"`
	// TextFunctions say what standard functions do to text, as the
	// version evaluator follows the release through them.
	TextFunctions []apiTextFunction `yaml:"text_functions"`
}

type apiErrorMaker struct {
	Func string `yaml:"func"`
	// NeverNil: the error made is never nil, whatever the arguments
	// (errors.New, but not errors.Join, which is nil when all it joins are).
	NeverNil bool   `yaml:"never_nil"`
	Note     string `yaml:"note"`
}

type apiCollectionLoad struct {
	Func    string `yaml:"func"`
	SpecArg int    `yaml:"spec_arg"`
	Note    string `yaml:"note"`
}

type apiUnmapped struct {
	Reason string   `yaml:"reason"`
	Fields []string `yaml:"fields"`
}

type apiFixup struct {
	Features   []string `yaml:"features"`
	ReplacedBy string   `yaml:"replaced_by"` // "" with Dropped
	Dropped    bool     `yaml:"dropped"`
	Func       string   `yaml:"func"` // the library function that does it
	Uses       []string `yaml:"uses"` // what Func's body refers to in doing it
	Note       string   `yaml:"note"`
}

// Fixup is what the library does for a kernel that lacks a feature of an
// object: sends Replacement instead, or (nil) leaves it out.
type Fixup struct {
	Replacement *kernelspec.Feature
	Func        string   // the library function that does it
	Uses        []string // what its body refers to, which the tests check
}

type apiFeatureTest struct {
	Func       string `yaml:"func"`        // constructor: NewFeatureTest(name, fn, version)
	VersionArg int    `yaml:"version_arg"` // for Func
	Type       string `yaml:"type"`        // or a struct whose function fields are probe bodies
	Note       string `yaml:"note"`
}

// Syscall describes a raw system call entry point: its trap argument
// (TrapArg) selects bpf(2) when its constant value is bpf(2)'s number on
// the architecture analyzed, wherever that constant comes from. Number
// names the callee package's own constant for it (unix.SYS_BPF), which
// the analyzer prefers where the package, as type-checked for this build,
// has one; elsewhere (the standard library's syscall on amd64 froze its
// numbers before bpf(2)) Map.BPFNumbers says.
type Syscall struct {
	Func    string `yaml:"func"`
	Number  string `yaml:"number"`
	TrapArg int    `yaml:"trap_arg"`
	CmdArg  int    `yaml:"cmd_arg"`
	AttrArg int    `yaml:"attr_arg"`
	Note    string `yaml:"note"`
}

type apiType struct {
	Type         string   `yaml:"type"`
	Kind         string   `yaml:"kind"`
	PlatformMask uint64   `yaml:"platform_mask"`
	Methods      []string `yaml:"methods"`
	Field        string   `yaml:"field"` // for flags: the attr field they go in
	Note         string   `yaml:"note"`
}

type apiConsts struct {
	Package string `yaml:"package"`
	Note    string `yaml:"note"`
}

type apiField struct {
	Field      string      `yaml:"field"`
	Flags      string      `yaml:"flags"`
	Features   []string    `yaml:"features"`
	HelperCall *HelperCall `yaml:"helper_call"`
	Note       string      `yaml:"note"`
}

// HelperCall describes an instruction literal whose constant is a helper
// id when its opcode is a call: asm.Instruction{OpCode: ...Call..., Constant: 130}.
type HelperCall struct {
	OpcodeField string `yaml:"opcode_field"` // the field holding the opcode
	CallOp      string `yaml:"call_op"`      // the constant whose mention makes it a call
	SrcField    string `yaml:"src_field"`    // a non-zero source means a bpf2bpf or kfunc call
}

type apiFunction struct {
	Func     string   `yaml:"func"`
	Features []string `yaml:"features"`
	Note     string   `yaml:"note"`
}

type apiValue struct {
	Type     string   `yaml:"type"`
	Features []string `yaml:"features"`
	Note     string   `yaml:"note"`
}

type apiImplied struct {
	Constant string   `yaml:"constant"`
	Features []string `yaml:"features"`
	Note     string   `yaml:"note"`
}

type apiCarrier struct {
	Type string `yaml:"type"`
	Note string `yaml:"note"`
}

type apiProbe struct {
	Func     string   `yaml:"func"`
	Args     []int    `yaml:"args"`
	ArgTypes []string `yaml:"arg_types"` // the mapped type of each of args, for explain and fixes
	Features []string `yaml:"features"`
	Note     string   `yaml:"note"`
}

// TypeRule: constants of a named type stand for features of one kind.
type TypeRule struct {
	Kind    kernelspec.Kind
	Mask    uint64 // platform tag bits; a constant with any of them set is not a Linux value
	Methods []string
	Field   string // flags: only those that go in this attr field
}

// FieldRule: a struct field whose non-zero value selects features.
type FieldRule struct {
	FlagsOf    string                // attr field whose flags the value's bits are
	Features   []*kernelspec.Feature // selected by any non-zero value
	HelperCall *HelperCall           // the value is a helper id in a call instruction
}

// ProbeRule: a call that tests for features.
type ProbeRule struct {
	Args     []int
	ArgTypes []string // "pkgpath.Name" of each of args, a key of Map.Types
	Features []*kernelspec.Feature
}

// Map is the merged, validated content of the API map files.
type Map struct {
	Types        map[string]*TypeRule  // "pkgpath.Name"
	ConstPkgs    map[string]bool       // packages whose constants are named as features
	Fields       map[string]*FieldRule // "pkgpath.Type.Field"
	Funcs        map[string][]*kernelspec.Feature
	Values       map[string][]*kernelspec.Feature // "pkgpath.Name": methods assume these
	Carriers     map[string]bool                  // "pkgpath.Name": derived values were checked when made
	Implies      map[string][]*kernelspec.Feature // "pkgpath.Name" of a constant: equal values assume these
	Probes       map[string]*ProbeRule
	Syscalls     map[string]*Syscall
	BPFNumbers   map[string]uint64 // GOARCH: bpf(2)'s number there
	Exits        map[string]bool   // functions that never return: early exits
	ErrorMakers  map[string]bool   // functions that make a new error
	NonNilErrors map[string]bool   // error makers whose error is never nil: a return of one never yields nil
	Memoizers    map[string]bool   // functions returning their argument, memoized
	Unsupported  map[string]bool   // errors that mean the kernel lacks a feature
	VersionCodes map[string]bool   // functions returning LINUX_VERSION_CODE
	FeatureTests map[string]int    // feature-test constructors: version argument
	ProbeTypes   map[string]bool   // structs whose function-valued fields are probes
	Fixups       map[*kernelspec.Feature]*Fixup
	// CollectionLoads: by function, the argument that is the spec loaded
	// (-1: the receiver).
	CollectionLoads map[string]int
	// CollectionSpecs: by type ("pkgpath.Name"), what a collection spec
	// holds; Instructions: by type, what an instruction of its programs
	// tells; SpecReaders: the functions making a spec of an object file,
	// and from what.
	CollectionSpecs map[string]*CollectionSpec
	Instructions    map[string]*Instruction
	SpecReaders     map[string]SpecSource
	StructTags      map[string]bool   // keys of the struct tags naming what a field is assigned from an object
	Unmapped        map[string]string // "pkgpath.Type.Field": why it selects nothing
	// FeatureErrors: by function, then by error ("pkgpath.Name"), the
	// features a kernel that returned that error has.
	FeatureErrors map[string]map[string][]*kernelspec.Feature
	// AbsentErrors: by function, the errors ("pkgpath.Name") it returns
	// where the kernel lacks its features, besides Unsupported.
	AbsentErrors map[string]map[string]bool
	// ReportedValues: by function, then by the string value its result
	// has, the features a kernel reporting that value has.
	ReportedValues map[string]map[string][]*kernelspec.Feature
	// VersionSources says where the running kernel's version is read.
	VersionSources *VersionSources
	// packages lists the library packages the map mentions (the fast
	// path's own index is Index, built without the specs).
	Packages map[string]bool

	module string // of the file being added
}

// Files is the API map files, parsed: what Index and Resolve read.
type Files struct {
	names []string
	files []*file
}

// Parse reads every *.yaml file at the top of fsys, rejecting unknown keys.
func Parse(fsys fs.FS) (*Files, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	files := &Files{names: names}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		f, err := parseFile(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		files.files = append(files.files, f)
	}
	return files, nil
}

// Load parses the files of fsys and resolves them against db.
func Load(fsys fs.FS, db *kernelspec.DB) (*Map, error) {
	files, err := Parse(fsys)
	if err != nil {
		return nil, err
	}
	return files.Resolve(db)
}

// Resolve checks each feature name the files mention against db and
// merges them into one Map.
func (files *Files) Resolve(db *kernelspec.DB) (*Map, error) {
	m := &Map{
		Types:        map[string]*TypeRule{},
		ConstPkgs:    map[string]bool{},
		Fields:       map[string]*FieldRule{},
		Funcs:        map[string][]*kernelspec.Feature{},
		Values:       map[string][]*kernelspec.Feature{},
		Carriers:     map[string]bool{},
		Implies:      map[string][]*kernelspec.Feature{},
		Probes:       map[string]*ProbeRule{},
		Syscalls:     map[string]*Syscall{},
		BPFNumbers:   map[string]uint64{},
		Exits:        map[string]bool{},
		ErrorMakers:  map[string]bool{},
		NonNilErrors: map[string]bool{},
		Memoizers:    map[string]bool{},
		Unsupported:  map[string]bool{},
		VersionCodes: map[string]bool{},
		FeatureTests: map[string]int{},
		ProbeTypes:   map[string]bool{},
		Fixups:       map[*kernelspec.Feature]*Fixup{},
		Unmapped:     map[string]string{},

		CollectionLoads: map[string]int{},
		CollectionSpecs: map[string]*CollectionSpec{},
		Instructions:    map[string]*Instruction{},
		SpecReaders:     map[string]SpecSource{},
		StructTags:      map[string]bool{},
		Packages:        map[string]bool{},

		FeatureErrors: map[string]map[string][]*kernelspec.Feature{},
		AbsentErrors:  map[string]map[string]bool{},

		ReportedValues: map[string]map[string][]*kernelspec.Feature{},
		VersionSources: newVersionSources(),
	}
	syscallsIn := ""
	for i, f := range files.files {
		if err := m.add(files.names[i], f, db); err != nil {
			return nil, err
		}
		if len(f.Syscalls) > 0 && syscallsIn == "" {
			syscallsIn = files.names[i]
		}
	}
	if syscallsIn != "" && len(m.BPFNumbers) == 0 {
		return nil, fmt.Errorf("%s: syscalls, but no file gives bpf_syscall_numbers: no raw call could be recognised as bpf(2)", syscallsIn)
	}
	return m, nil
}

func (m *Map) add(file string, f *file, db *kernelspec.DB) error {
	// Entries are checked one by one; the yaml node lines would be nicer,
	// but every message names the entry, which is unique in the file.
	errf := func(format string, args ...any) error {
		return fmt.Errorf("%s: "+format, append([]any{file}, args...)...)
	}
	// A library's API is described for one module and version; what Go
	// itself means (functions that never return, errors made, system
	// calls) belongs to no library and is kept apart from it.
	library := len(f.Types)+len(f.Fields)+len(f.Functions)+len(f.Values)+len(f.Carriers)+len(f.Implies)+
		len(f.Probes)+len(f.FeatureTests)+len(f.VersionCodes)+len(f.LoadFixups)+len(f.CollectionLoads)+len(f.CollectionSpecs)+len(f.UnmappedFields) > 0
	semantics := len(f.Exits)+len(f.ErrorMakers)+len(f.Memoizers)+len(f.Syscalls)+len(f.BPFNumbers)+len(f.ReportedValues)+
		len(f.UnameFunctions)+len(f.FileReaders)+len(f.ReleaseFiles)+len(f.TextFunctions) > 0
	switch {
	case library && (f.Module == "" || f.Version == ""):
		return errf("a library's API needs the module and version it describes")
	case semantics && f.Module != "":
		return errf("exits, error_makers, memoizers, syscalls, bpf_syscall_numbers, reported_values, uname_functions, file_readers, release_files and text_functions are Go's and Linux's semantics, not %s's: keep them in a file without module", f.Module)
	}
	if err := m.VersionSources.add(f); err != nil {
		return errf("%v", err)
	}
	m.module = f.Module
	lookup := func(where string, names []string) ([]*kernelspec.Feature, error) {
		var out []*kernelspec.Feature
		for _, n := range names {
			feat := db.Find(n)
			if feat == nil {
				return nil, errf("%s: unknown feature %q", where, n)
			}
			out = append(out, feat)
		}
		return out, nil
	}
	for _, t := range f.Types {
		kind, ok := kernelspec.ParseKind(t.Kind)
		if !ok || !kind.HasValue() {
			return errf("type %s: kind %q is not a kind with values", t.Type, t.Kind)
		}
		if err := m.claim(t.Type, m.Types[t.Type] != nil, file); err != nil {
			return err
		}
		if t.Field != "" && (kind != kernelspec.Flag || db.Lookup(kernelspec.AttrField, t.Field) == nil) {
			return errf("type %s: field %q: only flag types name the attr field they go in, and it must exist", t.Type, t.Field)
		}
		m.Types[t.Type] = &TypeRule{Kind: kind, Mask: t.PlatformMask, Methods: t.Methods, Field: t.Field}
	}
	for _, c := range f.Constants {
		if c.Package == "" {
			return errf("constants entry without package")
		}
		m.ConstPkgs[c.Package] = true
	}
	for _, fl := range f.Fields {
		if err := m.claim(fl.Field, m.Fields[fl.Field] != nil, file); err != nil {
			return err
		}
		r := &FieldRule{FlagsOf: fl.Flags, HelperCall: fl.HelperCall}
		if fl.Flags != "" && db.Lookup(kernelspec.AttrField, fl.Flags) == nil {
			return errf("field %s: flags of unknown attr field %q", fl.Field, fl.Flags)
		}
		feats, err := lookup("field "+fl.Field, fl.Features)
		if err != nil {
			return err
		}
		if fl.Flags == "" && len(feats) == 0 && fl.HelperCall == nil {
			return errf("field %s selects nothing: give flags or features", fl.Field)
		}
		r.Features = feats
		m.Fields[fl.Field] = r
	}
	// A function, or a type's values, needs features.
	needs := func(into map[string][]*kernelspec.Feature, what, symbol string, names []string) error {
		if err := m.claim(symbol, into[symbol] != nil, file); err != nil {
			return err
		}
		feats, err := lookup(what+" "+symbol, names)
		if err != nil {
			return err
		}
		if len(feats) == 0 {
			return errf("%s %s needs no feature", what, symbol)
		}
		into[symbol] = feats
		return nil
	}
	for _, fn := range f.Functions {
		if err := needs(m.Funcs, "func", fn.Func, fn.Features); err != nil {
			return err
		}
	}
	for _, v := range f.Values {
		if err := needs(m.Values, "value", v.Type, v.Features); err != nil {
			return err
		}
	}
	if err := m.addFeatureErrors(file, f.FeatureErrors, lookup); err != nil {
		return err
	}
	if err := m.addAbsentErrors(file, f.AbsentErrors); err != nil {
		return err
	}
	if err := m.addReportedValues(file, f.ReportedValues, lookup); err != nil {
		return err
	}
	for _, im := range f.Implies {
		if err := needs(m.Implies, "constant", im.Constant, im.Features); err != nil {
			return err
		}
	}
	for _, ct := range f.Carriers {
		if err := m.claim(ct.Type, m.Carriers[ct.Type], file); err != nil {
			return err
		}
		m.Carriers[ct.Type] = true
	}
	for _, p := range f.Probes {
		if err := m.claim(p.Func, m.Probes[p.Func] != nil, file); err != nil {
			return err
		}
		feats, err := lookup("probe "+p.Func, p.Features)
		if err != nil {
			return err
		}
		if len(feats) == 0 && len(p.Args) == 0 {
			return errf("probe %s proves nothing: give args or features", p.Func)
		}
		if len(p.ArgTypes) != len(p.Args) {
			return errf("probe %s: %d args but %d arg_types", p.Func, len(p.Args), len(p.ArgTypes))
		}
		for _, t := range p.ArgTypes {
			if m.Types[t] == nil {
				return errf("probe %s: arg type %s is not in types", p.Func, t)
			}
		}
		m.Probes[p.Func] = &ProbeRule{Args: p.Args, ArgTypes: p.ArgTypes, Features: feats}
	}
	for _, fn := range f.Exits {
		if _, ok := SymbolPackage(fn); !ok {
			return errf("exits: %q is not a qualified Go function", fn)
		}
		m.Exits[fn] = true
	}
	for _, em := range f.ErrorMakers {
		if _, ok := SymbolPackage(em.Func); !ok {
			return errf("error_makers: %q is not a qualified Go function", em.Func)
		}
		if m.ErrorMakers[em.Func] {
			return errf("error_makers: %s is listed twice", em.Func)
		}
		m.ErrorMakers[em.Func] = true
		if em.NeverNil {
			m.NonNilErrors[em.Func] = true
		}
	}
	for _, fn := range f.Memoizers {
		if _, ok := SymbolPackage(fn); !ok {
			return errf("memoizers: %q is not a qualified Go function", fn)
		}
		m.Memoizers[fn] = true
	}
	for _, e := range f.Unsupported {
		if _, ok := SymbolPackage(e); !ok {
			return errf("unsupported_errors: %q is not a qualified Go variable", e)
		}
		m.Unsupported[e] = true
	}
	for _, ft := range f.FeatureTests {
		if ft.Type != "" {
			if _, ok := SymbolPackage(ft.Type); !ok {
				return errf("feature_tests: %q is not a qualified Go type", ft.Type)
			}
			m.ProbeTypes[ft.Type] = true
			continue
		}
		if _, ok := SymbolPackage(ft.Func); !ok || ft.VersionArg < 0 {
			return errf("feature_tests: %q is not a qualified Go function with a version argument", ft.Func)
		}
		m.FeatureTests[ft.Func] = ft.VersionArg
	}
	for _, cl := range f.CollectionLoads {
		if _, ok := SymbolPackage(cl.Func); !ok || cl.SpecArg < -1 {
			return errf("collection_loads: %q is not a qualified Go function with the spec's argument (-1: the receiver)", cl.Func)
		}
		m.CollectionLoads[cl.Func] = cl.SpecArg
	}
	if err := m.addCollectionSpecs(file, f.CollectionSpecs); err != nil {
		return err
	}
	for _, fn := range f.VersionCodes {
		if err := m.claim(fn, m.VersionCodes[fn], file); err != nil {
			return err
		}
		m.VersionCodes[fn] = true
	}
	for _, fx := range f.LoadFixups {
		feats, err := lookup("load_fixups", fx.Features)
		if err != nil {
			return err
		}
		if _, ok := SymbolPackage(fx.Func); !ok || len(feats) == 0 || (fx.ReplacedBy == "") != fx.Dropped || len(fx.Uses) == 0 {
			return errf("load_fixups %v: want features, a qualified func, what it uses, and either replaced_by or dropped", fx.Features)
		}
		fixup := &Fixup{Func: fx.Func, Uses: fx.Uses}
		if fx.ReplacedBy != "" {
			rep, err := lookup("load_fixups", []string{fx.ReplacedBy})
			if err != nil {
				return err
			}
			fixup.Replacement = rep[0]
		}
		for _, feat := range feats {
			if m.Fixups[feat] != nil {
				return errf("load_fixups: %s is fixed up twice", feat.Name)
			}
			if fixup.Replacement != nil && !fixup.Replacement.Since().Less(feat.Since()) {
				return errf("load_fixups: %s is no older than %s", fixup.Replacement.Name, feat.Name)
			}
			m.Fixups[feat] = fixup
		}
	}
	for _, u := range f.UnmappedFields {
		if u.Reason == "" {
			return errf("unmapped_fields %v: say why they select nothing", u.Fields)
		}
		for _, fl := range u.Fields {
			if _, ok := SymbolPackage(fl); !ok || m.Fields[fl] != nil || m.Unmapped[fl] != "" {
				return errf("unmapped_fields: %s is not a qualified field, or is listed twice or also in fields", fl)
			}
			m.Unmapped[fl] = u.Reason
		}
	}
	for i := range f.Syscalls {
		sc := &f.Syscalls[i]
		if m.Syscalls[sc.Func] != nil {
			return errf("syscall %s is mapped twice", sc.Func)
		}
		if _, ok := SymbolPackage(sc.Func); !ok {
			return errf("syscall %q is not a qualified Go function", sc.Func)
		}
		if sc.Number == "" || sc.TrapArg == sc.CmdArg || sc.CmdArg == sc.AttrArg {
			return errf("syscall %s: want number and three distinct argument indices", sc.Func)
		}
		m.Syscalls[sc.Func] = sc
	}
	for _, arch := range SortedKeys(f.BPFNumbers) {
		n := f.BPFNumbers[arch]
		if _, dup := m.BPFNumbers[arch]; dup {
			return errf("bpf_syscall_numbers: %s is given twice", arch)
		}
		if n == 0 {
			return errf("bpf_syscall_numbers: %s: want bpf(2)'s number, not 0", arch)
		}
		m.BPFNumbers[arch] = n
	}
	return nil
}

// claim records the package of a symbol and rejects a second entry for it.
func (m *Map) claim(symbol string, dup bool, file string) error {
	if dup {
		return fmt.Errorf("%s: %s is mapped twice", file, symbol)
	}
	pkg, ok := SymbolPackage(symbol)
	if !ok {
		return fmt.Errorf("%s: %q is not a qualified Go symbol (want path/to/pkg.Name or (*path/to/pkg.Type).Method)", file, symbol)
	}
	if m.module != "" && pkg != m.module && !strings.HasPrefix(pkg, m.module+"/") {
		return fmt.Errorf("%s: %s is not in module %s", file, symbol, m.module)
	}
	m.Packages[pkg] = true
	return nil
}

// SymbolPackage extracts the package path of a symbol written as
// types.Func.FullName or types.TypeString do.
func SymbolPackage(s string) (string, bool) {
	s = strings.TrimPrefix(s, "(")
	s = strings.TrimPrefix(s, "*")
	slash := strings.LastIndexByte(s, '/')
	dot := strings.IndexByte(s[slash+1:], '.')
	if dot <= 0 {
		return "", false
	}
	return s[:slash+1+dot], true
}

// Symbols lists every mapped symbol, sorted; the coverage tests use it.
// names holds the package-level names: types of constants, of values and
// of carriers, and constants that imply features.
func (m *Map) Symbols() (names, fields, funcs, probes []string) {
	for _, keys := range [][]string{SortedKeys(m.Types), SortedKeys(m.Values), SortedKeys(m.Carriers), SortedKeys(m.Implies)} {
		names = append(names, keys...)
	}
	slices.Sort(names)
	return names, SortedKeys(m.Fields), SortedKeys(m.Funcs), SortedKeys(m.Probes)
}

func SortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Selectors lists the Go symbols the map knows that select f: functions,
// fields, and typed constant types ("constants of ebpf.MapType").
func (m *Map) Selectors(f *kernelspec.Feature) []string {
	var out []string
	for _, name := range SortedKeys(m.Funcs) {
		if slices.Contains(m.Funcs[name], f) {
			out = append(out, name)
		}
	}
	for _, name := range SortedKeys(m.Fields) {
		r := m.Fields[name]
		if slices.Contains(r.Features, f) || r.FlagsOf != "" && f.Kind == kernelspec.Flag && slices.Contains(f.Fields, r.FlagsOf) {
			out = append(out, name)
		}
	}
	for _, name := range SortedKeys(m.Types) {
		if m.Types[name].Names(f) {
			out = append(out, fmt.Sprintf("a constant of %s with value %d", name, f.Value))
		}
	}
	for _, pkg := range SortedKeys(m.ConstPkgs) {
		if f.Kind.HasValue() && f.Kind != kernelspec.Command {
			out = append(out, pkg+"."+f.Name)
		}
	}
	return out
}

// Guards lists the probes whose success proves f: those that name it, and
// those whose arguments are of f's kind.
func (m *Map) Guards(f *kernelspec.Feature) []string {
	var out []string
	for _, name := range SortedKeys(m.Probes) {
		r := m.Probes[name]
		if slices.Contains(r.Features, f) {
			out = append(out, name+"()")
		}
	}
	for _, name := range SortedKeys(m.Probes) {
		r := m.Probes[name]
		if m.ProbeArg(r, f) < 0 {
			continue
		}
		var args []string
		for _, t := range r.ArgTypes {
			rule := m.Types[t]
			arg := strings.ReplaceAll(rule.Kind.String(), "_", " ")
			if rule.Names(f) {
				arg = "the " + arg
			}
			args = append(args, "<"+arg+">")
		}
		out = append(out, name+"("+strings.Join(args, ", ")+")")
	}
	return out
}

// ProbeArg returns which of a probe's arguments takes a constant of f's
// kind, so that calling it with f proves f; -1 if none.
func (m *Map) ProbeArg(r *ProbeRule, f *kernelspec.Feature) int {
	return slices.IndexFunc(r.ArgTypes, func(t string) bool { return m.Types[t].Names(f) })
}

// Names reports whether constants of the type can stand for f: its kind,
// and for flags the attr field they go in.
func (r *TypeRule) Names(f *kernelspec.Feature) bool {
	return r.Kind == f.Kind && (r.Field == "" || slices.Contains(f.Fields, r.Field))
}

// FindSymbol returns the mapped function or field whose name is sym or
// ends with "/"+sym or "."+sym (link.AttachTCX, (*ebpf.Map).BatchLookup).
func (m *Map) FindSymbol(sym string) (name string, feats []*kernelspec.Feature, ok bool) {
	match := func(full string) bool {
		short := full
		if i := strings.LastIndexByte(full, '/'); i >= 0 {
			short = full[i+1:]
			if strings.HasPrefix(full, "(*") {
				short = "(*" + short
			}
		}
		return full == sym || short == sym
	}
	for _, name := range SortedKeys(m.Funcs) {
		if match(name) {
			return name, m.Funcs[name], true
		}
	}
	for _, name := range SortedKeys(m.Fields) {
		if match(name) {
			return name, m.Fields[name].Features, true
		}
	}
	return "", nil, false
}

// Index is what the fast path needs to know of the API maps: which
// packages matter. It is built without the kernel specs, so that a process
// that analyzes only packages of no interest (go vet starts one per
// package) never loads them.
type Index struct {
	// Modules gives the version of each library module a map describes.
	Modules   map[string]string
	Libraries map[string]bool // importing one makes a package relevant
	LowLevel  map[string]bool // x/sys/unix, syscall: only if used for BPF
	ConstPkgs map[string]bool
	Syscalls  map[string]bool
	// Exits are the functions that never return, and ExitPkgs their
	// packages: a package that calls one may have its own.
	Exits    map[string]bool
	ExitPkgs map[string]bool
	// VersionSources says where the running kernel's version is read: a
	// package that reads it may be a kernel-version helper, whatever else
	// it imports. Resolve validates them; the index keeps the valid ones.
	VersionSources *VersionSources
}

// Index lists the packages the files mention.
func (files *Files) Index() *Index {
	idx := &Index{Modules: map[string]string{}, Libraries: map[string]bool{}, LowLevel: map[string]bool{}, ConstPkgs: map[string]bool{}, Syscalls: map[string]bool{}, Exits: map[string]bool{}, ExitPkgs: map[string]bool{}, VersionSources: newVersionSources()}
	for _, f := range files.files {
		_ = idx.VersionSources.add(f) // an invalid entry is Resolve's error; the index has those before it
		if f.Module != "" {
			idx.Modules[f.Module] = f.Version
		}
		lib := func(sym string) {
			if pkg, ok := SymbolPackage(sym); ok {
				idx.Libraries[pkg] = true
			}
		}
		for _, t := range f.Types {
			lib(t.Type)
		}
		for _, x := range f.Fields {
			lib(x.Field)
		}
		for _, x := range f.Functions {
			lib(x.Func)
		}
		for _, x := range f.Probes {
			lib(x.Func)
		}
		for _, x := range f.VersionCodes {
			lib(x)
		}
		for _, c := range f.Constants {
			idx.LowLevel[c.Package] = true
			idx.ConstPkgs[c.Package] = true
		}
		for _, sc := range f.Syscalls {
			if pkg, ok := SymbolPackage(sc.Func); ok {
				idx.LowLevel[pkg] = true
				idx.Syscalls[sc.Func] = true
			}
		}
		for _, fn := range f.Exits {
			if pkg, ok := SymbolPackage(fn); ok {
				idx.Exits[fn] = true
				idx.ExitPkgs[pkg] = true
			}
		}
	}
	return idx
}
