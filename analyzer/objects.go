package analyzer

import (
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/bpfcompat/bpfcompat/analyzer/internal/apimap"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// Most Go eBPF programs load objects compiled from C: embedded by bpf2go
// (//go:embed x_bpfel.o, read by a generated loadX function) or loaded
// from a path. What they need of the kernel — program and map types,
// helpers, loops, ISA — lives in the object, and the Go side is where the
// target is known, so the object is parsed (with cilium/ebpf's reader)
// and checked at the Go expression that loads it.

// objectFeature is one feature an object selects, and where.
type objectFeature struct {
	feature *kernelspec.Feature
	where   string // "program trace_open, instruction 12", "map events"
}

// loadedObject is a parsed object and what it selects.
type loadedObject struct {
	path     string
	err      error
	features []objectFeature
	maps     map[string]ebpf.MapType // by name, for operations that depend on it
	// handedOn marks what a function hands on to its callers: the
	// features its loads still need, not all the object's.
	handedOn bool
	// keepsParam, when not 0, is 1 + the index of the loader's []string
	// parameter naming the programs the spec it hands on keeps (see
	// programFilter): each call loads those its argument names.
	keepsParam int
}

// objectsOf finds, for the package, the functions that load an object
// (the loader call sites and, for loaders in generated files, the
// functions around them) and the objects they load.
func (c *checker) findObjectLoaders() {
	c.objectCalls = map[*ast.CallExpr]*loadedObject{}
	c.objectFuncs = map[*types.Func]*loadedObject{}
	embeds := c.embeddedFiles()
	generated := map[*ast.File]bool{}
	for _, f := range c.pass.Files {
		generated[f] = ast.IsGenerated(f)
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			c.noteCallee(call) // the first walk over every call: before any guard question
			fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
			if !ok {
				return true
			}
			path := ""
			switch c.api.SpecReaders[c.key(fn)] {
			case apimap.FromReader:
				path = c.readerFile(call, embeds)
			case apimap.FromFile:
				if len(call.Args) == 1 {
					if tv := c.pass.TypesInfo.Types[call.Args[0]]; tv.Value != nil && tv.Value.Kind() == constant.String {
						path = constant.StringVal(tv.Value)
						if !filepath.IsAbs(path) {
							path = filepath.Join(filepath.Dir(c.pass.Fset.File(call.Pos()).Name()), path)
						}
					}
				}
			}
			if path == "" {
				return true
			}
			obj := c.parseObject(path)
			c.objectCalls[call] = obj
			if generated[f] {
				if fd := enclosingFuncDecl(f, call); fd != nil {
					if fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
						c.objectFuncs[fn] = obj
					}
				}
			}
			return true
		})
	}
	// bpf2go's loadXObjects calls loadX: generated functions that call a
	// loader are loaders too.
	for changed := true; changed; {
		changed = false
		for _, f := range c.pass.Files {
			if !generated[f] {
				continue
			}
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
				if !ok || c.objectFuncs[fn] != nil {
					continue
				}
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					if call, ok := n.(*ast.CallExpr); ok {
						if callee, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func); ok && c.loaderOf(callee) != nil {
							c.objectFuncs[fn] = c.loaderOf(callee)
							changed = true
							return false
						}
					}
					return true
				})
			}
		}
	}
}

// checkObjectSites checks the objects loaded in f.
func (c *checker) checkObjectSites(f *ast.File) {
	for _, site := range c.objectSites {
		if f.Pos() <= site.node.Pos() && site.node.End() <= f.End() {
			for _, obj := range site.objects {
				c.checkObjectLoad(site.node, obj, site.via)
			}
		}
	}
}

// embeddedFiles maps variables with a //go:embed of one file to its path.
func (c *checker) embeddedFiles() map[types.Object]string {
	out := map[types.Object]string{}
	for _, f := range c.pass.Files {
		dir := filepath.Dir(c.pass.Fset.File(f.Pos()).Name())
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR || gd.Doc == nil {
				continue
			}
			var pattern string
			for _, cm := range gd.Doc.List {
				if rest, ok := strings.CutPrefix(cm.Text, "//go:embed "); ok {
					pattern = strings.TrimSpace(rest)
				}
			}
			if pattern == "" || strings.ContainsAny(pattern, " *?[") {
				continue
			}
			for _, spec := range gd.Specs {
				for _, name := range spec.(*ast.ValueSpec).Names {
					if obj := c.pass.TypesInfo.Defs[name]; obj != nil {
						out[obj] = filepath.Join(dir, pattern)
					}
				}
			}
		}
	}
	return out
}

// readerFile resolves LoadCollectionSpecFromReader(bytes.NewReader(x)) to
// the file embedded in x.
func (c *checker) readerFile(call *ast.CallExpr, embeds map[types.Object]string) string {
	if len(call.Args) != 1 {
		return ""
	}
	arg := ast.Unparen(call.Args[0])
	if id, ok := arg.(*ast.Ident); ok { // reader := bytes.NewReader(_BpfBytes)
		if v, ok := c.pass.TypesInfo.Uses[id].(*types.Var); ok {
			if def := c.singleValue(v); def != nil {
				arg = ast.Unparen(def)
			}
		}
	}
	inner, ok := arg.(*ast.CallExpr)
	if !ok || len(inner.Args) != 1 {
		return ""
	}
	id, ok := stripConversions(c.pass.TypesInfo, inner.Args[0]).(*ast.Ident)
	if !ok {
		return ""
	}
	return embeds[c.pass.TypesInfo.Uses[id]]
}

func enclosingFuncDecl(f *ast.File, n ast.Node) *ast.FuncDecl {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Pos() <= n.Pos() && n.End() <= fd.End() {
			return fd
		}
	}
	return nil
}

// parseObject reads an object once per package.
func (c *checker) parseObject(path string) *loadedObject {
	if obj, ok := c.objects[path]; ok {
		return obj
	}
	obj := &loadedObject{path: path}
	c.objects[path] = obj
	file, err := os.Open(path)
	if err != nil {
		obj.err = err
		return obj
	}
	defer file.Close()
	spec, err := ebpf.LoadCollectionSpecFromReader(file)
	if err != nil {
		obj.err = err
		return obj
	}
	obj.features = c.objectFeatures(spec)
	obj.maps = mapTypes(spec)
	return obj
}

// checkedAttachTypes are the program types whose expected_attach_type the
// kernel checks at load; for the others (XDP, sockets, kprobes) an attach
// type in the object is not sent where an old kernel would refuse it.
var checkedAttachTypes = []string{
	"BPF_PROG_TYPE_CGROUP_SOCK", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", "BPF_PROG_TYPE_CGROUP_SKB",
	"BPF_PROG_TYPE_CGROUP_SOCKOPT", "BPF_PROG_TYPE_TRACING", "BPF_PROG_TYPE_LSM", "BPF_PROG_TYPE_EXT",
	"BPF_PROG_TYPE_SK_LOOKUP", "BPF_PROG_TYPE_NETFILTER", "BPF_PROG_TYPE_STRUCT_OPS",
}

func (c *checker) objectFeatures(spec *ebpf.CollectionSpec) []objectFeature {
	var out []objectFeature
	add := func(f *kernelspec.Feature, where string) {
		if f == nil {
			return
		}
		if fx := c.api.Fixups[f]; fx != nil {
			if fx.Replacement == nil {
				return // left out where the kernel lacks it
			}
			where += ": " + f.Name + ", rewritten by cilium/ebpf"
			f = fx.Replacement
		}
		out = append(out, objectFeature{f, where})
	}
	byValue := func(k kernelspec.Kind, v uint64) *kernelspec.Feature {
		if feats := linuxFeatures(c.db.ByValue(k, v)); len(feats) > 0 {
			return feats[0]
		}
		return nil
	}
	capability := func(name string) *kernelspec.Feature { return c.db.Lookup(kernelspec.Capability, name) }
	for _, kf := range btfKinds(spec.Types) {
		add(capability(kf.capability), "BTF "+kf.name)
	}
	for _, name := range slices.Sorted(mapsKeys(spec.Maps)) {
		m := spec.Maps[name]
		where := "map " + name
		add(byValue(kernelspec.MapType, uint64(m.Type)), where)
		for _, f := range c.flagsIn("BPF_MAP_CREATE.map_flags", uint64(m.Flags)) {
			add(f, where)
		}
		if m.MapExtra != 0 {
			add(c.db.Lookup(kernelspec.AttrField, "BPF_MAP_CREATE.map_extra"), where)
		}
		if strings.HasPrefix(name, ".") {
			add(capability("global_data"), where)
		}
		for _, capName := range mapValueCapabilities(m) {
			add(capability(capName), where)
		}
	}
	for _, name := range slices.Sorted(mapsKeys(spec.Programs)) {
		p := spec.Programs[name]
		where := "program " + name
		pt := byValue(kernelspec.ProgramType, uint64(p.Type))
		add(pt, where)
		if pt != nil && slices.Contains(checkedAttachTypes, pt.Name) && p.AttachType != ebpf.AttachNone {
			add(byValue(kernelspec.AttachType, uint64(p.AttachType)), where)
		}
		for _, f := range c.flagsIn("BPF_PROG_LOAD.prog_flags", uint64(p.Flags)) {
			add(f, where) // BPF_F_SLEEPABLE from a ".s" section, and the like
		}
		if tailCallFromSubprogram(p.Instructions) {
			add(capability("tail_calls_in_subprograms"), where)
		}
		if len(p.Instructions) > 0 && btf.FuncMetadata(&p.Instructions[0]) != nil {
			add(capability("btf_func"), where)
		}
		if len(p.Instructions) > 4096 {
			add(capability("large_instructions"), fmt.Sprintf("%s (%d instructions)", where, len(p.Instructions)))
		}
		for i, ins := range p.Instructions {
			at := fmt.Sprintf("%s, instruction %d", where, i)
			op := ins.OpCode
			switch {
			case ins.IsBuiltinCall():
				helper := byValue(kernelspec.Helper, uint64(ins.Constant))
				add(helper, at)
				if helper != nil && pt != nil {
					// Callable from this program type only later than
					// the helper itself (when the data has the pair).
					add(c.pairFeature("helper_call", pt.Name, helper.Name), at)
				}
			case ins.IsKfuncCall():
				// A kfunc dated by the data says more than kfuncs (5.13).
				if kf := c.pairFeature("kfunc", "", ins.Reference()); kf != nil {
					add(kf, at)
				} else {
					add(capability("kfuncs"), at)
				}
			case ins.IsFunctionCall():
				add(capability("bpf_to_bpf_calls"), at)
			case ins.IsLoadOfFunctionPointer():
				add(capability("callbacks"), at) // a subprogram handed to bpf_loop and friends
			}
			switch cls := op.Class(); {
			case cls.IsJump():
				jop := op.JumpOp()
				switch {
				case jop == asm.JCOND && ins.Src == asm.PseudoMayGoto:
					add(capability("may_goto"), at)
				case cls == asm.Jump32Class && jop == asm.Ja:
					add(capability("isa_v4"), at) // gotol
				case cls == asm.Jump32Class:
					add(capability("jmp32"), at)
				case jop == asm.JLT || jop == asm.JLE || jop == asm.JSLT || jop == asm.JSLE:
					add(capability("isa_v2"), at)
				}
				if jop != asm.Call && jop != asm.Exit && ins.Offset < 0 {
					add(capability("bounded_loops"), at)
				}
			case cls.IsLoad() && op.Mode() == asm.MemSXMode:
				add(capability("isa_v4"), at) // sign-extending load
			case cls.IsALU():
				aop := op.ALUOp()
				switch {
				case aop == asm.Mov && cls == asm.ALU64Class && ins.Offset == addrSpaceCast:
					add(capability("arena"), at) // pointers between arena and kernel
				case (aop == asm.Div || aop == asm.Mod || aop == asm.Mov) && ins.Offset != 0 || aop == asm.Swap && cls == asm.ALU64Class:
					add(capability("isa_v4"), at) // sdiv, smod, movsx, bswap
				}
			case cls.IsStore() && op.Mode() == asm.AtomicMode:
				switch a := op.AtomicOp(); a {
				case asm.AddAtomic, asm.InvalidAtomic:
				case loadAcquire, storeRelease:
					// Not a read-modify-write: these came in 6.15, long
					// after the atomics of 5.12.
					add(capability("load_acquire_store_release"), at)
				default:
					add(capability("atomics"), at)
				}
			}
		}
	}
	return out
}

// objectCapabilities says, for every capability of the data, how objects
// are checked for it: "" where objectFeatures finds it (or a fixup makes it
// unneeded), else why it cannot be told from an object. A test holds it to
// the data, so a new capability is decided here.
var objectCapabilities = map[string]string{
	"isa_v2": "", "jmp32": "", "isa_v4": "", "bounded_loops": "", "may_goto": "",
	"bpf_to_bpf_calls": "", "tail_calls_in_subprograms": "", "callbacks": "",
	"atomics": "", "load_acquire_store_release": "", "arena": "", "global_data": "",
	"large_instructions": "", "kfuncs": "", "spin_lock": "", "kptrs": "",
	"linked_lists": "", "rbtrees": "", "sched_ext": "", "btf_float": "",
	"btf_func": "", "btf_line_info": "", "btf_func_linkage": "", "btf_decl_tag": "",
	"btf_type_tag": "", "btf_enum64": "",
	"allocated_objects":       "through its kfuncs (bpf_obj_new_impl, bpf_obj_drop_impl), each dated",
	"open_coded_iterators":    "through its kfuncs (bpf_iter_*_new/next/destroy), each dated",
	"exceptions":              "through its kfunc bpf_throw, dated",
	"dynptrs":                 "through the dynptr helpers and kfuncs, each dated",
	"kfuncs_module":           "the data does not say which kfuncs live in modules",
	"ksyms_btf_id":            "cilium/ebpf resolves __ksym variables from /proc/kallsyms into plain immediates (resolveKsymReferences), never BPF_PSEUDO_BTF_ID",
	"direct_packet_access":    "needs the verifier's pointer tracking to tell packet loads from others",
	"raw_tracepoint_writable": "its program type, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, is checked",
	"sleepable_programs":      "its flag, BPF_F_SLEEPABLE, is checked in the program's flags",
	"tail_calls":              "its helper, bpf_tail_call, is checked",
	"bpf_cookie":              "its helper, bpf_get_attach_cookie, is checked; attaching with a cookie is Go code",
	"mmapable_maps":           "its flag, BPF_F_MMAPABLE, is checked in map flags",
	"trampolines":             "the tracing program types and attach types that use them are checked",
	"kernel_btf":              "CO-RE relocations resolve in user space against the kernel's BTF or ProgramOptions.KernelTypes (BTFHub), so an object needs no kernel BTF for certain",
	"syscall_wrappers":        "a matter of which kernel symbol a kprobe names, chosen in Go",
	"btf_var_datasec":         "cilium/ebpf leaves Var and Datasec out of map BTF where the kernel lacks them (haveMapBTF in btf.MarshalMapKV); the global data that needs them is checked as global_data",
	"btf":                     "cilium/ebpf leaves BTF out where the kernel has none (map BTF, ext infos)",
	"bpf_links":               "attachments are made in Go, where link constructors are checked",
	"bpf_token":               "delegation is set up in Go and the system, not in the object",
	"uprobe_ref_ctr_offset":   "set in Go (link.UprobeOptions.RefCtrOffset), where it is checked",
}

// tailCallFromSubprogram reports whether a program both calls its own
// subprograms and tail-calls: the mix the kernel allows from 5.10.
func tailCallFromSubprogram(insns asm.Instructions) bool {
	bpf2bpf := slices.ContainsFunc(insns, func(ins asm.Instruction) bool { return ins.IsFunctionCall() })
	return bpf2bpf && slices.ContainsFunc(insns, func(ins asm.Instruction) bool {
		return ins.IsBuiltinCall() && asm.BuiltinFunc(ins.Constant) == asm.FnTailCall
	})
}

// Encodings cilium/ebpf's asm package has no exported name for.
var (
	loadAcquire  = asm.LoadAcquire(asm.R0, asm.R1, asm.Word, 0).OpCode.AtomicOp()
	storeRelease = asm.StoreRelease(asm.R1, asm.R0, asm.Word, 0).OpCode.AtomicOp()
)

// addrSpaceCast is the offset that makes a 64-bit move BPF_ADDR_SPACE_CAST
// (an arena pointer conversion) rather than movsx, whose offsets are the
// widths 8, 16 and 32.
const addrSpaceCast = 1

// pairFeature looks up a feature of a kind the data may not have yet
// (kfunc, helper_call): by name, or as "within.name" for a pair. It is nil
// when the kind or the entry is unknown; the caller falls back to what the
// data does have.
func (c *checker) pairFeature(kind, within, name string) *kernelspec.Feature {
	k, ok := kernelspec.ParseKind(kind)
	if !ok || name == "" {
		return nil
	}
	if within != "" {
		name = within + "." + name
	}
	return c.db.Lookup(k, name)
}

// Special fields of a map value, by the struct the kernel recognizes in
// its BTF, and the capability that lets a map hold one.
var mapValueFields = map[string]string{
	"bpf_spin_lock": "spin_lock",
	"bpf_list_head": "linked_lists",
	"bpf_rb_root":   "rbtrees",
}

// kptrTags are the BTF type tags that make a pointer in a map value a kptr.
var kptrTags = []string{"kptr", "kptr_untrusted", "kptr_ref", "percpu_kptr"}

// mapValueCapabilities lists what a map's value type needs of the verifier
// (locks, kptrs, linked lists, red-black trees) and a struct_ops map's
// scheduler, from the map's BTF.
func mapValueCapabilities(m *ebpf.MapSpec) []string {
	var out []string
	note := func(c string) {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if s, ok := btf.As[*btf.Struct](m.Value); ok && m.Type == ebpf.StructOpsMap && s.Name == "sched_ext_ops" {
		note("sched_ext")
	}
	seen := map[btf.Type]bool{}
	var walk func(t btf.Type)
	walk = func(t btf.Type) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		switch t := t.(type) {
		case *btf.Struct:
			if c, ok := mapValueFields[t.Name]; ok {
				note(c)
				return
			}
			for _, mb := range t.Members {
				walk(mb.Type)
			}
		case *btf.Union:
			for _, mb := range t.Members {
				walk(mb.Type)
			}
		case *btf.Array:
			walk(t.Type)
		case *btf.Pointer:
			for tt, ok := t.Target.(*btf.TypeTag); ok; tt, ok = tt.Type.(*btf.TypeTag) {
				if slices.Contains(kptrTags, tt.Value) {
					note("kptrs")
				}
			}
		case *btf.Typedef, *btf.Volatile, *btf.Const, *btf.Restrict, *btf.TypeTag:
			walk(btf.UnderlyingType(t))
		}
	}
	walk(m.Value)
	return out
}

// btfKind is a BTF kind or attribute newer than BTF itself, and the first
// type that has it.
type btfKind struct{ capability, name string }

// btfKinds lists the BTF kinds of an object that kernels learnt after BTF
// (decl tags, type tags, 64-bit enums, global functions), each once.
func btfKinds(spec *btf.Spec) []btfKind {
	if spec == nil {
		return nil
	}
	var out []btfKind
	note := func(capability string, t btf.Type) {
		if !slices.ContainsFunc(out, func(k btfKind) bool { return k.capability == capability }) {
			out = append(out, btfKind{capability, t.TypeName()})
		}
	}
	for t, err := range spec.All() {
		if err != nil {
			break
		}
		// cilium/ebpf folds decl tags into the Tags of what they tag.
		tagged := false
		switch t := t.(type) {
		case *btf.TypeTag:
			note("btf_type_tag", t)
		case *btf.Float:
			note("btf_float", t)
		case *btf.Enum:
			if t.Size == 8 {
				note("btf_enum64", t)
			}
		case *btf.Func:
			if t.Linkage == btf.GlobalFunc {
				note("btf_func_linkage", t)
			}
			tagged = len(t.Tags) > 0 || len(t.ParamTags) > 0
		case *btf.Struct:
			tagged = len(t.Tags) > 0 || slices.ContainsFunc(t.Members, func(m btf.Member) bool { return len(m.Tags) > 0 })
		case *btf.Union:
			tagged = len(t.Tags) > 0 || slices.ContainsFunc(t.Members, func(m btf.Member) bool { return len(m.Tags) > 0 })
		case *btf.Typedef:
			tagged = len(t.Tags) > 0
		case *btf.Var:
			tagged = len(t.Tags) > 0
		}
		if tagged {
			note("btf_decl_tag", t)
		}
	}
	return out
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// neededAt is what an object loaded at node needs there: its features
// less those the guards around node prove, those of the programs and
// maps the code drops from the spec when a probe for them fails or always
// (deletedAfter), those of the instructions it patches out
// (rewrittenAt), and those of the programs it never reads from the spec
// (programsReadAfter); nothing
// where the load falls back. Where the spec node gives is loaded into the
// kernel in the same function (ebpf.NewCollection(spec)), what holds at
// every such load, and a fallback after each, count too.
func (c *checker) neededAt(node ast.Node, obj *loadedObject) []objectFeature {
	if len(obj.features) == 0 || c.hasFallback(node) {
		return nil
	}
	proven := c.proven(node)
	if loads := c.kernelLoadsOf(node); len(loads) > 0 {
		if !slices.ContainsFunc(loads, func(n ast.Node) bool { return !c.hasFallback(n) }) {
			return nil
		}
		at := c.proven(loads[0])
		for _, n := range loads[1:] {
			at = at.intersect(c.proven(n))
		}
		proven = proven.union(at)
	}
	dropped := c.droppedOnFailure(node)
	patched := c.rewrittenAt(node, obj)
	deleted := c.deletedAfter(node)
	read, onlyRead := c.programsReadAfter(node)
	var out []objectFeature
	for _, of := range obj.features {
		if c.provenHas(proven, of.feature) || patched[of.where] || deleted[objectOwner(of)] {
			continue
		}
		if prog, isProg := strings.CutPrefix(objectOwner(of), "program "); isProg && onlyRead && !slices.Contains(read, prog) {
			continue // never reaches the kernel: only other programs are read from the spec
		}
		if p, ok := dropped[objectOwner(of)]; ok && c.provenHas(p, of.feature) {
			continue // removed from the spec when the probe for it fails
		}
		out = append(out, of)
	}
	return out
}

// kernelLoadsOf finds where the spec a load site gives — `spec, err :=
// loadX()` — is loaded into the kernel in the same function: the calls of
// the API map's collection_loads that take the variable as their spec, or
// of a function that passes its parameter to one (of this package, or of
// another through specLoaderFact).
// Parsing an object cannot fail for want of a feature; these calls can.
func (c *checker) kernelLoadsOf(node ast.Node) []ast.Node {
	call, ok := node.(*ast.CallExpr)
	if !ok {
		return nil
	}
	spec := c.specVarOf(call)
	if spec == nil {
		return nil
	}
	path := c.pathTo(call)
	for _, n := range path {
		switch n := n.(type) {
		case *ast.FuncLit:
			return c.specLoads(n.Body, spec, true)
		case *ast.FuncDecl:
			return c.specLoads(n.Body, spec, true)
		}
	}
	return nil
}

// specVarOf is the variable a call's spec is put in: spec in `spec, err
// := loadX()`; nil where it is not one.
func (c *checker) specVarOf(call *ast.CallExpr) types.Object {
	path := c.pathTo(call)
	if len(path) < 2 {
		return nil
	}
	var spec types.Object
	switch p := path[1].(type) {
	case *ast.AssignStmt:
		if len(p.Rhs) == 1 && p.Rhs[0] == call && len(p.Lhs) > 0 {
			if id, ok := p.Lhs[0].(*ast.Ident); ok {
				spec = c.pass.TypesInfo.ObjectOf(id)
			}
		}
	case *ast.ValueSpec:
		if len(p.Values) == 1 && p.Values[0] == call && len(p.Names) > 0 {
			spec = c.pass.TypesInfo.Defs[p.Names[0]]
		}
	}
	if spec == nil || !c.isCollectionSpec(spec.Type()) {
		return nil
	}
	return spec
}

// specLoads lists the calls in body that load the spec in v into the
// kernel: a collection load that takes it, a call of another package's
// function that loads its spec argument (specLoaderFact), or (when deep) a
// call of a function of this package that hands its parameter to one.
func (c *checker) specLoads(body *ast.BlockStmt, v types.Object, deep bool) []ast.Node {
	if body == nil {
		return nil
	}
	var loads []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		load, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		fn, ok := typeutil.Callee(c.pass.TypesInfo, load).(*types.Func)
		if !ok {
			return true
		}
		if i, ok := c.api.CollectionLoads[c.key(fn)]; ok {
			var arg ast.Expr
			switch sel, isSel := ast.Unparen(load.Fun).(*ast.SelectorExpr); {
			case i < 0 && isSel:
				arg = sel.X
			case i >= 0 && i < len(load.Args):
				arg = load.Args[i]
			}
			if arg != nil && c.isVar(arg, v) {
				loads = append(loads, load)
			}
			return true
		}
		if c.loadsSpecArgument(load, fn, v) {
			loads = append(loads, load)
			return true
		}
		if !deep || fn.Pkg() != c.pass.Pkg || fn.Signature().Variadic() {
			return true
		}
		params := fn.Origin().Signature().Params()
		for i, arg := range load.Args {
			if i < params.Len() && c.isVar(arg, v) {
				if fd := c.funcDecl(fn.Origin()); fd != nil && len(c.specLoads(fd.Body, params.At(i), false)) > 0 {
					loads = append(loads, load)
					break
				}
			}
		}
		return true
	})
	return loads
}

func (c *checker) isVar(e ast.Expr, v types.Object) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && c.pass.TypesInfo.Uses[id] == v
}

// objectOwner is the program or map of the object that needs a feature:
// "program trace_open", "map events".
func objectOwner(of objectFeature) string {
	owner, _, _ := strings.Cut(of.where, ",")
	owner, _, _ = strings.Cut(owner, " (")
	owner, _, _ = strings.Cut(owner, ":")
	return owner
}

// checkObjectLoad reports what an object loaded at node needs and the
// target lacks: every distinct feature, once per load site, naming the
// programs and maps that need it (the first instruction of each), so that
// an old feature is not hidden behind a newer one of the same program.
func (c *checker) checkObjectLoad(node ast.Node, obj *loadedObject, via string) {
	if obj.err != nil {
		if errors.Is(obj.err, fs.ErrNotExist) {
			// A path the source tree lacks is read at run time, from
			// the process's directory: a file built or installed on
			// the machine (cilium compiles its datapath there). There
			// is nothing to check, and nothing wrong with the code.
			return
		}
		c.sink.emitPart(c, "object "+obj.path, analysis.Diagnostic{Pos: node.Pos(), End: node.End(), Category: "object",
			Message: fmt.Sprintf("cannot read BPF object %s: %v", filepath.Base(obj.path), obj.err)})
		return
	}
	needed := c.neededAt(node, obj)
	targets := c.targetsUnder(node.Pos(), c.proven(node))
	var order []*kernelspec.Feature
	wheres := map[*kernelspec.Feature][]string{} // first place in each owner
	owners := map[*kernelspec.Feature][]string{}
	for _, of := range needed {
		if !slices.ContainsFunc(targets, func(k *kernelspec.Kernel) bool { return !k.Has(of.feature) }) {
			continue
		}
		owner := objectOwner(of)
		if slices.Contains(owners[of.feature], owner) {
			continue
		}
		if len(owners[of.feature]) == 0 {
			order = append(order, of.feature)
		}
		owners[of.feature] = append(owners[of.feature], owner)
		wheres[of.feature] = append(wheres[of.feature], of.where)
	}
	for _, f := range order {
		var lacking []string
		for _, k := range targets {
			if !k.Has(f) {
				lacking = append(lacking, k.Name)
			}
		}
		where := wheres[f]
		const shown = 3
		if len(where) > shown {
			where = append(where[:shown:shown], fmt.Sprintf("%d more", len(wheres[f])-shown))
		}
		in := fmt.Sprintf("%s in %s", strings.Join(where, "; "), filepath.Base(obj.path))
		if via != "" {
			in = "via " + via + ": " + in
		}
		c.sink.emitPart(c, f.Name, analysis.Diagnostic{
			Pos:      node.Pos(),
			End:      node.End(),
			Category: f.Kind.String(),
			Message:  requiresMessage(f.Name, f.Since(), lacking, len(targets) > 1, "") + " (" + in + ")",
			URL:      commitURL(f.Introduced()),
			Related: []analysis.RelatedInformation{{Pos: node.Pos(), End: node.End(),
				Message: fmt.Sprintf("%s was added in Linux %s: %s", f.Name, f.Since(), f.Introduced())}},
		})
	}
}

// droppedOnFailure finds, in the function around a load, the programs and
// maps the code deletes from the CollectionSpec when a probe fails —
// `if features.HaveProgramType(ebpf.LSM) != nil { delete(spec.Programs,
// "check_open") }` — and what the probe's success proves for them: kept,
// they run only where it succeeded.
func (c *checker) droppedOnFailure(node ast.Node) map[string]proof {
	out := map[string]proof{}
	fd := c.funcDeclAt(node.Pos())
	if fd == nil || fd.Body == nil {
		return out
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		ifs, ok := n.(*ast.IfStmt)
		if !ok {
			return true
		}
		success := c.proves(ifs.Cond, false, 0) // the body runs when the probe failed
		if success.empty() {
			return true
		}
		// delete(spec.Programs, "x"), or spec.Programs["x"] = replacement.
		drop := func(collection, key ast.Expr) {
			sel, ok := ast.Unparen(collection).(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "Programs" && sel.Sel.Name != "Maps") {
				return
			}
			tv := c.pass.TypesInfo.Types[key]
			if tv.Value == nil || tv.Value.Kind() != constant.String {
				return
			}
			kind := map[string]string{"Programs": "program ", "Maps": "map "}[sel.Sel.Name]
			out[kind+constant.StringVal(tv.Value)] = success
		}
		ast.Inspect(ifs.Body, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.CallExpr:
				if id, ok := ast.Unparen(m.Fun).(*ast.Ident); ok && id.Name == "delete" && len(m.Args) == 2 {
					drop(m.Args[0], m.Args[1])
				}
			case *ast.AssignStmt:
				for _, lhs := range m.Lhs {
					if ix, ok := ast.Unparen(lhs).(*ast.IndexExpr); ok {
						drop(ix.X, ix.Index)
					}
				}
			}
			return true
		})
		return true
	})
	return out
}
