package analyzer

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// An API map says which Go symbols of a library select which kernel
// features. It is data (specs/api/*.yaml) so that supporting another
// library, or a new release of one, is a YAML change.

type apiFile struct {
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
	Syscalls []apiSyscall `yaml:"syscalls"`
	Exits    []string     `yaml:"exits"`
	// ErrorMakers lists functions that make a new error (fmt.Errorf):
	// returning one from a failure branch gives up, it does not fall back.
	ErrorMakers []string `yaml:"error_makers"`
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
}

type apiFeatureTest struct {
	Func       string `yaml:"func"`        // constructor: NewFeatureTest(name, fn, version)
	VersionArg int    `yaml:"version_arg"` // for Func
	Type       string `yaml:"type"`        // or a struct whose function fields are probe bodies
	Note       string `yaml:"note"`
}

// apiSyscall describes a raw system call entry point: its first argument
// (TrapArg) selects bpf(2) when it equals the constant Number of the
// callee's own package, so the check follows the architecture analyzed.
type apiSyscall struct {
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
	Field      string         `yaml:"field"`
	Flags      string         `yaml:"flags"`
	Features   []string       `yaml:"features"`
	HelperCall *apiHelperCall `yaml:"helper_call"`
	Note       string         `yaml:"note"`
}

// apiHelperCall describes an instruction literal whose constant is a helper
// id when its opcode is a call: asm.Instruction{OpCode: ...Call..., Constant: 130}.
type apiHelperCall struct {
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

// typeRule: constants of a named type stand for features of one kind.
type typeRule struct {
	kind    kernelspec.Kind
	mask    uint64 // platform tag bits; a constant with any of them set is not a Linux value
	methods []string
	field   string // flags: only those that go in this attr field
}

// fieldRule: a struct field whose non-zero value selects features.
type fieldRule struct {
	flagsOf    string                // attr field whose flags the value's bits are
	features   []*kernelspec.Feature // selected by any non-zero value
	helperCall *apiHelperCall        // the value is a helper id in a call instruction
}

// probeRule: a call that tests for features.
type probeRule struct {
	args     []int
	argTypes []string // "pkgpath.Name" of each of args, a key of APIMap.types
	features []*kernelspec.Feature
}

// APIMap is the merged, validated content of the API map files.
type APIMap struct {
	types        map[string]*typeRule  // "pkgpath.Name"
	constPkgs    map[string]bool       // packages whose constants are named as features
	fields       map[string]*fieldRule // "pkgpath.Type.Field"
	funcs        map[string][]*kernelspec.Feature
	values       map[string][]*kernelspec.Feature // "pkgpath.Name": methods assume these
	carriers     map[string]bool                  // "pkgpath.Name": derived values were checked when made
	implies      map[string][]*kernelspec.Feature // "pkgpath.Name" of a constant: equal values assume these
	probes       map[string]*probeRule
	syscalls     map[string]*apiSyscall
	exits        map[string]bool // functions that never return: early exits
	errorMakers  map[string]bool // functions that make a new error
	unsupported  map[string]bool // errors that mean the kernel lacks a feature
	versionCodes map[string]bool // functions returning LINUX_VERSION_CODE
	featureTests map[string]int  // feature-test constructors: version argument
	probeTypes   map[string]bool // structs whose function-valued fields are probes
	// packages lists the library packages the map mentions (the fast
	// path's own index is apiIndex, read without the specs).
	packages map[string]bool
}

// LoadAPIMap reads every *.yaml file at the top of fsys and checks each
// feature name it mentions against db.
func LoadAPIMap(fsys fs.FS, db *kernelspec.DB) (*APIMap, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	m := &APIMap{
		types:        map[string]*typeRule{},
		constPkgs:    map[string]bool{},
		fields:       map[string]*fieldRule{},
		funcs:        map[string][]*kernelspec.Feature{},
		values:       map[string][]*kernelspec.Feature{},
		carriers:     map[string]bool{},
		implies:      map[string][]*kernelspec.Feature{},
		probes:       map[string]*probeRule{},
		syscalls:     map[string]*apiSyscall{},
		exits:        map[string]bool{},
		errorMakers:  map[string]bool{},
		unsupported:  map[string]bool{},
		versionCodes: map[string]bool{},
		featureTests: map[string]int{},
		probeTypes:   map[string]bool{},
		packages:     map[string]bool{},
	}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if err := m.add(name, data, db); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *APIMap) add(file string, data []byte, db *kernelspec.DB) error {
	var f apiFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	// Entries are checked one by one; the yaml node lines would be nicer,
	// but every message names the entry, which is unique in the file.
	errf := func(format string, args ...any) error {
		return fmt.Errorf("%s: "+format, append([]any{file}, args...)...)
	}
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
		if err := m.claim(t.Type, m.types[t.Type] != nil, file); err != nil {
			return err
		}
		if t.Field != "" && (kind != kernelspec.Flag || db.Lookup(kernelspec.AttrField, t.Field) == nil) {
			return errf("type %s: field %q: only flag types name the attr field they go in, and it must exist", t.Type, t.Field)
		}
		m.types[t.Type] = &typeRule{kind: kind, mask: t.PlatformMask, methods: t.Methods, field: t.Field}
	}
	for _, c := range f.Constants {
		if c.Package == "" {
			return errf("constants entry without package")
		}
		m.constPkgs[c.Package] = true
	}
	for _, fl := range f.Fields {
		if err := m.claim(fl.Field, m.fields[fl.Field] != nil, file); err != nil {
			return err
		}
		r := &fieldRule{flagsOf: fl.Flags, helperCall: fl.HelperCall}
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
		r.features = feats
		m.fields[fl.Field] = r
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
		if err := needs(m.funcs, "func", fn.Func, fn.Features); err != nil {
			return err
		}
	}
	for _, v := range f.Values {
		if err := needs(m.values, "value", v.Type, v.Features); err != nil {
			return err
		}
	}
	for _, im := range f.Implies {
		if err := needs(m.implies, "constant", im.Constant, im.Features); err != nil {
			return err
		}
	}
	for _, ct := range f.Carriers {
		if err := m.claim(ct.Type, m.carriers[ct.Type], file); err != nil {
			return err
		}
		m.carriers[ct.Type] = true
	}
	for _, p := range f.Probes {
		if err := m.claim(p.Func, m.probes[p.Func] != nil, file); err != nil {
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
			if m.types[t] == nil {
				return errf("probe %s: arg type %s is not in types", p.Func, t)
			}
		}
		m.probes[p.Func] = &probeRule{args: p.Args, argTypes: p.ArgTypes, features: feats}
	}
	for _, fn := range f.Exits {
		if _, ok := symbolPackage(fn); !ok {
			return errf("exits: %q is not a qualified Go function", fn)
		}
		m.exits[fn] = true
	}
	for _, fn := range f.ErrorMakers {
		if _, ok := symbolPackage(fn); !ok {
			return errf("error_makers: %q is not a qualified Go function", fn)
		}
		m.errorMakers[fn] = true
	}
	for _, e := range f.Unsupported {
		if _, ok := symbolPackage(e); !ok {
			return errf("unsupported_errors: %q is not a qualified Go variable", e)
		}
		m.unsupported[e] = true
	}
	for _, ft := range f.FeatureTests {
		if ft.Type != "" {
			if _, ok := symbolPackage(ft.Type); !ok {
				return errf("feature_tests: %q is not a qualified Go type", ft.Type)
			}
			m.probeTypes[ft.Type] = true
			continue
		}
		if _, ok := symbolPackage(ft.Func); !ok || ft.VersionArg < 0 {
			return errf("feature_tests: %q is not a qualified Go function with a version argument", ft.Func)
		}
		m.featureTests[ft.Func] = ft.VersionArg
	}
	for _, fn := range f.VersionCodes {
		if err := m.claim(fn, m.versionCodes[fn], file); err != nil {
			return err
		}
		m.versionCodes[fn] = true
	}
	for i := range f.Syscalls {
		sc := &f.Syscalls[i]
		if m.syscalls[sc.Func] != nil {
			return errf("syscall %s is mapped twice", sc.Func)
		}
		if _, ok := symbolPackage(sc.Func); !ok {
			return errf("syscall %q is not a qualified Go function", sc.Func)
		}
		if sc.Number == "" || sc.TrapArg == sc.CmdArg || sc.CmdArg == sc.AttrArg {
			return errf("syscall %s: want number and three distinct argument indices", sc.Func)
		}
		m.syscalls[sc.Func] = sc
	}
	return nil
}

// claim records the package of a symbol and rejects a second entry for it.
func (m *APIMap) claim(symbol string, dup bool, file string) error {
	if dup {
		return fmt.Errorf("%s: %s is mapped twice", file, symbol)
	}
	pkg, ok := symbolPackage(symbol)
	if !ok {
		return fmt.Errorf("%s: %q is not a qualified Go symbol (want path/to/pkg.Name or (*path/to/pkg.Type).Method)", file, symbol)
	}
	m.packages[pkg] = true
	return nil
}

// symbolPackage extracts the package path of a symbol written as
// types.Func.FullName or types.TypeString do.
func symbolPackage(s string) (string, bool) {
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
func (m *APIMap) Symbols() (names, fields, funcs, probes []string) {
	for _, keys := range [][]string{sortedKeys(m.types), sortedKeys(m.values), sortedKeys(m.carriers), sortedKeys(m.implies)} {
		names = append(names, keys...)
	}
	slices.Sort(names)
	return names, sortedKeys(m.fields), sortedKeys(m.funcs), sortedKeys(m.probes)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Selectors lists the Go symbols the map knows that select f: functions,
// fields, and typed constant types ("constants of ebpf.MapType").
func (m *APIMap) Selectors(f *kernelspec.Feature) []string {
	var out []string
	for _, name := range sortedKeys(m.funcs) {
		if slices.Contains(m.funcs[name], f) {
			out = append(out, name)
		}
	}
	for _, name := range sortedKeys(m.fields) {
		r := m.fields[name]
		if slices.Contains(r.features, f) || r.flagsOf != "" && f.Kind == kernelspec.Flag && slices.Contains(f.Fields, r.flagsOf) {
			out = append(out, name)
		}
	}
	for _, name := range sortedKeys(m.types) {
		if m.types[name].names(f) {
			out = append(out, fmt.Sprintf("a constant of %s with value %d", name, f.Value))
		}
	}
	for _, pkg := range sortedKeys(m.constPkgs) {
		if f.Kind.HasValue() && f.Kind != kernelspec.Command {
			out = append(out, pkg+"."+f.Name)
		}
	}
	return out
}

// Guards lists the probes whose success proves f: those that name it, and
// those whose arguments are of f's kind.
func (m *APIMap) Guards(f *kernelspec.Feature) []string {
	var out []string
	for _, name := range sortedKeys(m.probes) {
		r := m.probes[name]
		if slices.Contains(r.features, f) {
			out = append(out, name+"()")
		}
	}
	for _, name := range sortedKeys(m.probes) {
		r := m.probes[name]
		if m.probeArg(r, f) < 0 {
			continue
		}
		var args []string
		for _, t := range r.argTypes {
			rule := m.types[t]
			arg := strings.ReplaceAll(rule.kind.String(), "_", " ")
			if rule.names(f) {
				arg = "the " + arg
			}
			args = append(args, "<"+arg+">")
		}
		out = append(out, name+"("+strings.Join(args, ", ")+")")
	}
	return out
}

// probeArg returns which of a probe's arguments takes a constant of f's
// kind, so that calling it with f proves f; -1 if none.
func (m *APIMap) probeArg(r *probeRule, f *kernelspec.Feature) int {
	return slices.IndexFunc(r.argTypes, func(t string) bool { return m.types[t].names(f) })
}

// names reports whether constants of the type can stand for f: its kind,
// and for flags the attr field they go in.
func (r *typeRule) names(f *kernelspec.Feature) bool {
	return r.kind == f.Kind && (r.field == "" || slices.Contains(f.Fields, r.field))
}

// FindSymbol returns the mapped function or field whose name is sym or
// ends with "/"+sym or "."+sym (link.AttachTCX, (*ebpf.Map).BatchLookup).
func (m *APIMap) FindSymbol(sym string) (name string, feats []*kernelspec.Feature, ok bool) {
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
	for _, name := range sortedKeys(m.funcs) {
		if match(name) {
			return name, m.funcs[name], true
		}
	}
	for _, name := range sortedKeys(m.fields) {
		if match(name) {
			return name, m.fields[name].features, true
		}
	}
	return "", nil, false
}

// apiIndex is what the fast path needs to know of the API maps: which
// packages matter. It is read without the kernel specs, so that a process
// that analyzes only packages of no interest (go vet starts one per
// package) never loads them.
type apiIndex struct {
	libraries map[string]bool // importing one makes a package relevant
	lowLevel  map[string]bool // x/sys/unix, syscall: only if used for BPF
	constPkgs map[string]bool
	syscalls  map[string]bool
}

func loadAPIIndex(fsys fs.FS) (*apiIndex, error) {
	idx := &apiIndex{libraries: map[string]bool{}, lowLevel: map[string]bool{}, constPkgs: map[string]bool{}, syscalls: map[string]bool{}}
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var f apiFile
		if err := yaml.Unmarshal(data, &f); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		lib := func(sym string) {
			if pkg, ok := symbolPackage(sym); ok {
				idx.libraries[pkg] = true
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
			idx.lowLevel[c.Package] = true
			idx.constPkgs[c.Package] = true
		}
		for _, sc := range f.Syscalls {
			if pkg, ok := symbolPackage(sc.Func); ok {
				idx.lowLevel[pkg] = true
				idx.syscalls[sc.Func] = true
			}
		}
	}
	return idx, nil
}
