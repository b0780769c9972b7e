package apimap_test

import (
	"go/constant"
	"go/token"
	"go/types"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/go/packages"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/specs"
)

var ciliumPackages = []string{
	"github.com/cilium/ebpf",
	"github.com/cilium/ebpf/asm",
	"github.com/cilium/ebpf/btf",
	"github.com/cilium/ebpf/features",
	"github.com/cilium/ebpf/link",
	"github.com/cilium/ebpf/perf",
	"github.com/cilium/ebpf/ringbuf",
}

// loadMap loads the embedded API map and the kernel specs it names.
func loadMap(t *testing.T) (*apimap.Map, *kernelspec.DB) {
	t.Helper()
	db, err := kernelspec.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	api, err := apimap.Load(specs.API(), db)
	if err != nil {
		t.Fatal(err)
	}
	return api, db
}

func loadAPI(t *testing.T) (*apimap.Map, *kernelspec.DB, map[string]*types.Package) {
	t.Helper()
	api, db := loadMap(t)
	pkgs, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedTypes,
		Env:  append(os.Environ(), "GOOS=linux", "GOARCH=amd64"),
	}, ciliumPackages...)
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("cannot load cilium/ebpf")
	}
	byPath := map[string]*types.Package{}
	for _, p := range pkgs {
		byPath[p.PkgPath] = p.Types
	}
	return api, db, byPath
}

// allFuncs lists every function and method of the packages by FullName.
func allFuncs(pkgs map[string]*types.Package) map[string]*types.Func {
	out := map[string]*types.Func{}
	for _, pkg := range pkgs {
		scope := pkg.Scope()
		for _, name := range scope.Names() {
			switch obj := scope.Lookup(name).(type) {
			case *types.Func:
				out[obj.FullName()] = obj
			case *types.TypeName:
				if named, ok := obj.Type().(*types.Named); ok {
					for i := range named.NumMethods() {
						m := named.Method(i)
						out[m.FullName()] = m
					}
				}
			}
		}
	}
	return out
}

// TestAPIMapSymbolsExist checks that every function, probe and field the
// cilium/ebpf map names exists in the version this project supports.
func TestAPIMapSymbolsExist(t *testing.T) {
	api, _, pkgs := loadAPI(t)
	funcs := allFuncs(pkgs)
	typeNames, fields, fns, probes := api.Symbols()
	for _, name := range typeNames {
		dot := strings.LastIndexByte(name, '.')
		if !token.IsExported(name[dot+1:]) {
			continue // export data lacks it; TestCiliumOwnPackages fails if the entry stops working
		}
		if pkg := pkgs[name[:dot]]; pkg != nil && pkg.Scope().Lookup(name[dot+1:]) == nil {
			t.Errorf("API map names %s, which cilium/ebpf does not have", name)
		}
	}
	for _, name := range append(fns, probes...) {
		if !strings.Contains(name, "github.com/cilium/ebpf") {
			continue
		}
		if funcs[name] == nil {
			t.Errorf("API map names %s, which cilium/ebpf does not have", name)
		}
	}
	for _, name := range fields {
		dot := strings.LastIndexByte(name, '.')
		typeDot := strings.LastIndexByte(name[:dot], '.')
		pkg := pkgs[name[:typeDot]]
		if pkg == nil {
			t.Errorf("API map field %s: package not loaded", name)
			continue
		}
		tn, _ := pkg.Scope().Lookup(name[typeDot+1 : dot]).(*types.TypeName)
		if tn == nil {
			t.Errorf("API map field %s: no such type", name)
			continue
		}
		st, _ := tn.Type().Underlying().(*types.Struct)
		found := false
		for i := range st.NumFields() {
			found = found || st.Field(i).Name() == name[dot+1:]
		}
		if !found {
			t.Errorf("API map field %s: no such field", name)
		}
	}
}

// TestAPIMapCoversLinkConstructors enumerates package link: every function
// or method that attaches a program or returns a link must be mapped.
func TestAPIMapCoversLinkConstructors(t *testing.T) {
	api, _, pkgs := loadAPI(t)
	_, _, fns, _ := api.Symbols()
	mapped := map[string]bool{}
	for _, f := range fns {
		mapped[f] = true
	}
	linkPkg := pkgs["github.com/cilium/ebpf/link"]
	linkIface := linkPkg.Scope().Lookup("Link").Type().Underlying().(*types.Interface)
	n := 0
	for name, fn := range allFuncs(map[string]*types.Package{"link": linkPkg}) {
		if !fn.Exported() {
			continue
		}
		res := fn.Signature().Results()
		returnsLink := res.Len() > 0 && types.Implements(res.At(0).Type(), linkIface)
		attaches := strings.HasPrefix(fn.Name(), "Attach") || strings.HasPrefix(fn.Name(), "RawAttach") || strings.HasPrefix(fn.Name(), "RawDetach") || strings.HasPrefix(fn.Name(), "Detach")
		if fn.Signature().Recv() == nil && attaches || returnsLink {
			n++
			if !mapped[name] {
				t.Errorf("link constructor %s is not in specs/api/cilium-ebpf.yaml", name)
			}
		}
	}
	if n < 25 {
		t.Errorf("found only %d link constructors: the enumeration is broken", n)
	}
	t.Logf("link constructors checked: %d", n)
}

// TestAPIMapCoversConstants checks that every exported constant of each
// mapped type, in every cilium/ebpf package, names a feature by value once
// the platform bits are masked, or is a constant of another platform.
func TestAPIMapCoversConstants(t *testing.T) {
	_, db, pkgs := loadAPI(t)
	kinds := map[string]kernelspec.Kind{
		"github.com/cilium/ebpf.MapType":               kernelspec.MapType,
		"github.com/cilium/ebpf.ProgramType":           kernelspec.ProgramType,
		"github.com/cilium/ebpf.AttachType":            kernelspec.AttachType,
		"github.com/cilium/ebpf/asm.BuiltinFunc":       kernelspec.Helper,
		"github.com/cilium/ebpf/internal/sys.LinkType": kernelspec.LinkType,
	}
	n := 0
	for _, pkg := range pkgs {
		for _, name := range pkg.Scope().Names() {
			c, ok := pkg.Scope().Lookup(name).(*types.Const)
			if !ok || !c.Exported() {
				continue
			}
			named, ok := types.Unalias(c.Type()).(*types.Named)
			if !ok || named.Obj().Pkg() == nil {
				continue
			}
			kind, ok := kinds[named.Obj().Pkg().Path()+"."+named.Obj().Name()]
			if !ok {
				continue
			}
			v, _ := constant.Uint64Val(c.Val())
			if v&0xf0000000 != 0 {
				continue
			}
			n++
			if len(db.ByValue(kind, v)) == 0 {
				t.Errorf("%s.%s = %d: no %s has that value", pkg.Name(), name, v, kind)
			}
		}
	}
	if n < 300 {
		t.Errorf("checked only %d constants: the enumeration is broken", n)
	}
	t.Logf("cilium/ebpf constants checked: %d", n)
}

// TestLoadAPIMapErrors: a bad API map file is an error naming the file and
// the entry, never a silently smaller map.
func TestLoadAPIMapErrors(t *testing.T) {
	db, err := kernelspec.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	const lib = "module: example.com/lib\nversion: v1.0.0\n"
	const mapType = lib + "types:\n  - {type: example.com/lib.MapType, kind: map_type}\n"
	for name, tc := range map[string]struct{ yaml, want string }{
		"unknown key":         {"probez: []\n", "field probez not found"},
		"unknown feature":     {lib + "functions:\n  - {func: example.com/lib.New, features: [BPF_MAP_TYPE_NOPE]}\n", `unknown feature "BPF_MAP_TYPE_NOPE"`},
		"value needs none":    {lib + "values:\n  - {type: example.com/lib.Link}\n", "value example.com/lib.Link needs no feature"},
		"value twice":         {lib + "values:\n  - {type: example.com/lib.Link, features: [bpf_links]}\n  - {type: example.com/lib.Link, features: [bpf_links]}\n", "example.com/lib.Link is mapped twice"},
		"implies nothing":     {lib + "implies:\n  - {constant: example.com/lib.KindLink}\n", "constant example.com/lib.KindLink needs no feature"},
		"carrier twice":       {lib + "carriers:\n  - {type: example.com/lib.Anchor}\n  - {type: example.com/lib.Anchor}\n", "example.com/lib.Anchor is mapped twice"},
		"probe proves none":   {lib + "probes:\n  - {func: example.com/lib.Have}\n", "probe example.com/lib.Have proves nothing"},
		"arg types missing":   {mapType + "probes:\n  - {func: example.com/lib.Have, args: [0]}\n", "probe example.com/lib.Have: 1 args but 0 arg_types"},
		"no module":           {"functions:\n  - {func: example.com/lib.New, features: [bpf_links]}\n", "needs the module and version"},
		"other module":        {lib + "functions:\n  - {func: example.com/other.New, features: [bpf_links]}\n", "example.com/other.New is not in module example.com/lib"},
		"semantics in lib":    {lib + "exits:\n  - os.Exit\n", "keep them in a file without module"},
		"spec no programs":    {lib + "collection_specs:\n  - {type: example.com/lib.Spec, instruction: example.com/lib.Ins, callback_load: IsCallback}\n", "bad.yaml: line 4: collection_specs example.com/lib.Spec: want the spec type, its programs field"},
		"spec no type":        {lib + "collection_specs:\n  - {programs: Programs, instruction: example.com/lib.Ins, callback_load: IsCallback}\n", "line 4: collection_specs entry: want the spec type"},
		"spec bad key":        {lib + "collection_specs:\n  - {type: example.com/lib.Spec, program: Programs}\n", "line 4: field program not found"},
		"spec other module":   {lib + "collection_specs:\n  - {type: example.com/lib.Spec, programs: Programs, instruction: example.com/other.Ins, callback_load: IsCallback}\n", "line 4: collection_specs example.com/lib.Spec: example.com/other.Ins is not in module example.com/lib"},
		"spec twice":          {lib + "collection_specs:\n  - {type: example.com/lib.Spec, programs: P, instruction: example.com/lib.Ins, callback_load: C}\n  - {type: example.com/lib.Spec, programs: P, instruction: example.com/lib.Ins2, callback_load: C}\n", "line 5: collection_specs example.com/lib.Spec: the spec or instruction type is listed twice"},
		"spec reader twice":   {lib + "collection_specs:\n  - {type: example.com/lib.Spec, programs: P, instruction: example.com/lib.Ins, callback_load: C, from_file: example.com/lib.Load, from_reader: example.com/lib.Load}\n", "example.com/lib.Load is mapped twice"},
		"spec without module": {"collection_specs:\n  - {type: example.com/lib.Spec, programs: P, instruction: example.com/lib.Ins, callback_load: C}\n", "needs the module and version"},
		"spec bad tag":        {lib + "collection_specs:\n  - {type: example.com/lib.Spec, programs: P, instruction: example.com/lib.Ins, callback_load: C, struct_tag: \"a b\"}\n", `line 4: collection_specs example.com/lib.Spec: struct_tag "a b"`},
		"maker unqualified":   {"error_makers:\n  - {func: Errorf, never_nil: true}\n", `error_makers: "Errorf" is not a qualified Go function`},
		"maker twice":         {"error_makers:\n  - {func: errors.New}\n  - {func: errors.New, never_nil: true}\n", "error_makers: errors.New is listed twice"},
		"maker bad key":       {"error_makers:\n  - {func: errors.New, nevernil: true}\n", "line 2: field nevernil not found"},
		"maker not a bool":    {"error_makers:\n  - {func: errors.New, never_nil: always}\n", "line 2"},
		"fixup not older":     {lib + "load_fixups:\n  - {features: [bpf_probe_read], replaced_by: bpf_probe_read_kernel, func: example.com/lib.fix, uses: [example.com/lib.x]}\n", "bpf_probe_read_kernel is no older than bpf_probe_read"},
		"fixup both ways":     {lib + "load_fixups:\n  - {features: [btf_func], replaced_by: btf, dropped: true, func: example.com/lib.fix, uses: [example.com/lib.x]}\n", "either replaced_by or dropped"},
		"numbers in lib":      {lib + "bpf_syscall_numbers: {amd64: 321}\n", "keep them in a file without module"},
		"syscall number 0":    {"bpf_syscall_numbers: {amd64: 0}\n", "bpf_syscall_numbers: amd64: want bpf(2)'s number, not 0"},
		"syscall unnumbered":  {"syscalls:\n  - {func: example.com/lib.Syscall, number: SYS_BPF, trap_arg: 0, cmd_arg: 1, attr_arg: 2}\n", "no file gives bpf_syscall_numbers"},
		"error implies none":  {lib + "feature_errors:\n  - {func: example.com/lib.Attach, errors: [example.com/lib.EEXIST]}\n", "feature_errors example.com/lib.Attach: give the errors and the features"},
		"error unqualified":   {"feature_errors:\n  - {func: example.com/lib.Attach, errors: [EEXIST], features: [bpf_links]}\n", `"EEXIST" is not a qualified Go variable`},
		"error func twice":    {"feature_errors:\n  - {func: example.com/lib.Attach, errors: [example.com/lib.E], features: [bpf_links]}\n  - {func: example.com/lib.Attach, errors: [example.com/lib.E], features: [bpf_links]}\n", "example.com/lib.Attach is mapped twice"},
		"absent no func":      {"absent_errors:\n  - {func: example.com/lib.Load, errors: [example.com/lib.ENOENT], note: n}\n", "absent_errors example.com/lib.Load: not a function of the map's functions"},
		"absent no note":      {lib + "functions:\n  - {func: example.com/lib.Load, features: [bpf_links]}\nabsent_errors:\n  - {func: example.com/lib.Load, errors: [example.com/lib.ENOENT]}\n", "give the errors and a note"},
		"absent unqualified":  {lib + "functions:\n  - {func: example.com/lib.Load, features: [bpf_links]}\nabsent_errors:\n  - {func: example.com/lib.Load, errors: [ENOENT], note: n}\n", `"ENOENT" is not a qualified Go variable`},
		"reported in lib":     {lib + "reported_values:\n  - {func: (example.com/lib.Link).Type, value: netkit, features: [BPF_LINK_TYPE_NETKIT], note: n}\n", "keep them in a file without module"},
		"reported no note":    {"reported_values:\n  - {func: (example.com/lib.Link).Type, value: netkit, features: [BPF_LINK_TYPE_NETKIT]}\n", "give the value, the features"},
		"reported twice":      {"reported_values:\n  - {func: (example.com/lib.Link).Type, value: netkit, features: [BPF_LINK_TYPE_NETKIT], note: n}\n  - {func: (example.com/lib.Link).Type, value: netkit, features: [BPF_LINK_TYPE_NETKIT], note: n}\n", "is mapped twice"},
		"uname unqualified":   {"uname_functions:\n  - {func: Uname, type: example.com/lib.Utsname, field: Release}\n", `uname_functions "Uname": want a qualified Go function`},
		"uname no field":      {"uname_functions:\n  - {func: example.com/lib.Uname, type: example.com/lib.Utsname}\n", "the field of that type that holds the release"},
		"uname bad key":       {"uname_functions:\n  - {func: example.com/lib.Uname, type: example.com/lib.Utsname, fields: Release}\n", "line 2: field fields not found"},
		"uname in lib":        {lib + "uname_functions:\n  - {func: example.com/lib.Uname, type: example.com/lib.Utsname, field: Release}\n", "keep them in a file without module"},
		"uname twice":         {"uname_functions:\n  - {func: example.com/lib.Uname, type: example.com/lib.U, field: R}\n  - {func: example.com/lib.Uname, type: example.com/lib.U, field: R}\n", "example.com/lib.Uname is listed twice"},
		"reader unqualified":  {"file_readers: [ReadFile]\n", `file_readers: "ReadFile" is not a qualified Go function`},
		"release holds what":  {"release_files:\n  - {path: /proc/version, holds: kernel}\n", `want an absolute path and what it holds, release or banner (not "kernel")`},
		"release relative":    {"release_files:\n  - {path: proc/version, holds: banner}\n", `release_files "proc/version": want an absolute path`},
		"release bad key":     {"release_files:\n  - {path: /proc/version, hold: banner}\n", "line 2: field hold not found"},
		"text op unknown":     {"text_functions:\n  - {func: strings.ToUpper, does: upper}\n", `text_functions "strings.ToUpper": want a qualified Go function and what it does`},
		"text unqualified":    {"text_functions:\n  - {func: Atoi, does: parse_int}\n", `text_functions "Atoi"`},
		"text in lib":         {lib + "text_functions:\n  - {func: example.com/lib.Trim, does: trim}\n", "keep them in a file without module"},
		"arg type unmapped":   {mapType + "probes:\n  - {func: example.com/lib.Have, args: [0], arg_types: [example.com/lib.Other]}\n", "arg type example.com/lib.Other is not in types"},
	} {
		_, err := apimap.Load(fstest.MapFS{"bad.yaml": {Data: []byte(tc.yaml)}}, db)
		if err == nil || !strings.HasPrefix(err.Error(), "bad.yaml: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error naming bad.yaml and containing %q", name, err, tc.want)
		}
	}
}

// TestAPIMapCoversOptionFields enumerates every exported field of
// cilium/ebpf's option and spec structs (types named *Options, MapSpec,
// ProgramSpec): each either selects features (fields) or says why not
// (unmapped_fields), and every field listed exists. A field added by a new
// release fails here until someone decides, as link.UprobeOptions.RefCtrOffset
// (4.20) once went unnoticed.
func TestAPIMapCoversOptionFields(t *testing.T) {
	api, _, pkgs := loadAPI(t)
	seen := map[string]bool{}
	for _, pkg := range pkgs {
		scope := pkg.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || !tn.Exported() || !(strings.HasSuffix(name, "Options") || name == "MapSpec" || name == "ProgramSpec") {
				continue
			}
			st, ok := tn.Type().Underlying().(*types.Struct)
			if !ok {
				continue
			}
			for i := range st.NumFields() {
				f := st.Field(i)
				if !f.Exported() {
					continue
				}
				key := pkg.Path() + "." + name + "." + f.Name()
				seen[key] = true
				if api.Fields[key] == nil && api.Unmapped[key] == "" {
					t.Errorf("%s: neither in fields nor in unmapped_fields", key)
				}
			}
		}
	}
	if len(seen) < 100 {
		t.Errorf("enumerated only %d fields: the enumeration is broken", len(seen))
	}
	for key := range api.Unmapped {
		if !seen[key] {
			t.Errorf("unmapped_fields lists %s, which is no field of an option struct", key)
		}
	}
}
