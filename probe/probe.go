// Package probe asks the running kernel which BPF features it has and
// describes it as a kernel spec: its mainline base release, the features
// it has beyond that release (backports), and those it lacks despite it
// (configured out). Each fact records how it was proven.
//
// The kernel's own BTF (/sys/kernel/btf/vmlinux) says which enum members
// and bpf_attr fields it knows; cilium/ebpf's feature probes say whether
// map and program types and verifier capabilities actually work; a bpf(2)
// call with a byte just past the BTF's union bpf_attr checks that the
// kernel enforces that size (E2BIG).
package probe

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
	"github.com/cilium/ebpf/features"
	"golang.org/x/sys/unix"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// Fact is one feature's status on the probed kernel and how it was proven.
type Fact struct {
	Feature *kernelspec.Feature
	Present bool
	How     string
	// ConfiguredOut means the kernel's BTF knows the feature but its
	// build does not offer it: a probe said so, or its configuration.
	ConfiguredOut bool
	// Confirmed means a probe used the feature, beyond finding its name.
	Confirmed bool
}

// Result is what a probe found.
type Result struct {
	Release string // uname release, e.g. 6.18.44-fc-v657
	// Base is the version the kernel is held against: its mainline release
	// and, where the version has a patch level, what its stable series
	// backported by then (specs/stable). Distribution releases such as
	// 6.1.0-57-amd64 carry none; Options.Base gives the real one.
	Base      kernelspec.Version
	Facts     []Fact // one per feature the probe could decide
	UnionSize int    // sizeof(union bpf_attr) per the kernel's BTF
	// ProgramHelpers lists, per program type, the helpers a program of
	// that type may call (features.HaveProgramHelper). Program types whose
	// programs need an attach target to load (tracing, LSM, extension,
	// struct_ops) are left out: the probe cannot tell.
	ProgramHelpers map[string][]string
}

// ErrNoBPF means the kernel refused bpf(2): not Linux, no privileges, or
// unprivileged BPF disabled.
var ErrNoBPF = errors.New("bpf(2) refused")

// Options tunes a probe.
type Options struct {
	// Base, if set, is the kernel's stable version (6.1.192 for Debian's
	// 6.1.0-57-amd64, from its package version), which uname may not say.
	Base kernelspec.Version
	// Config is the kernel's build configuration, if known: it explains
	// what the kernel lacks. Without it, the running kernel's
	// /proc/config.gz is read where it exists.
	Config Config
}

// Run probes the running kernel against the features db knows.
func Run(db *kernelspec.DB) (*Result, error) { return RunWith(db, Options{}) }

// RunWith is Run with options.
func RunWith(db *kernelspec.DB, opts Options) (*Result, error) {
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		return nil, err
	}
	release := string(bytes.TrimRight(uts.Release[:], "\x00"))
	v, err := kernelspec.ParseVersion(release)
	if err != nil {
		return nil, fmt.Errorf("uname release %q: %w", release, err)
	}
	if err := checkBPF(); err != nil {
		return nil, err
	}
	spec, err := btf.LoadKernelSpec()
	if err != nil {
		return nil, fmt.Errorf("the kernel has no BTF to read its uAPI from (CONFIG_DEBUG_INFO_BTF): %w", err)
	}
	if !opts.Base.IsZero() {
		if opts.Base.Release() != v.Release() {
			return nil, fmt.Errorf("base %s is not of the running kernel's release (%s)", opts.Base, release)
		}
		v = opts.Base
	}
	r := &Result{Release: release, Base: v}
	if err := r.probeEnums(db, spec); err != nil {
		return nil, err
	}
	if err := r.probeAttr(db, spec); err != nil {
		return nil, err
	}
	r.probeFlags(db, spec)
	r.probeFunctional(db)
	if opts.Config == nil {
		opts.Config = hostConfig()
	}
	r.applyRequirements(db, opts.Config)
	slices.SortFunc(r.Facts, func(a, b Fact) int {
		if a.Feature.Kind != b.Feature.Kind {
			return int(a.Feature.Kind) - int(b.Feature.Kind)
		}
		return strings.Compare(a.Feature.Name, b.Feature.Name)
	})
	return r, nil
}

// checkBPF creates and closes a one-element array map: the least a probe
// needs, and a clear message when even that is refused.
func checkBPF() error {
	attr := struct{ typ, keySize, valueSize, maxEntries uint32 }{2, 4, 4, 1} // BPF_MAP_TYPE_ARRAY
	fd, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_MAP_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return fmt.Errorf("%w: creating an array map failed with %v; the probe needs root or CAP_BPF", ErrNoBPF, errno)
	}
	unix.Close(int(fd))
	return nil
}

// probeEnums records, for every feature of an enum kind, whether the
// kernel's BTF has it with the same value.
func (r *Result) probeEnums(db *kernelspec.DB, spec *btf.Spec) error {
	for _, enum := range kernelspec.Enums() {
		var e *btf.Enum
		if err := spec.TypeByName(enum, &e); err != nil {
			return fmt.Errorf("kernel BTF: enum %s: %w", enum, err)
		}
		kind, _ := kernelspec.EnumKind(enum)
		values := map[string]uint64{}
		for _, ev := range e.Values {
			if _, name, ok := kernelspec.EnumMember(enum, ev.Name); ok {
				values[name] = ev.Value
			}
		}
		for _, f := range db.Features(kind) {
			v, ok := values[f.Name]
			switch {
			case ok && sameValue(e, v, f.Value):
				r.add(f, true, fmt.Sprintf("kernel BTF: enum %s has %s = %d", enum, f.Name, v))
			case ok:
				r.add(f, false, fmt.Sprintf("kernel BTF: enum %s has %s = %d, not %d", enum, f.Name, v, f.Value))
			default:
				r.add(f, false, fmt.Sprintf("kernel BTF: enum %s has no %s", enum, f.Name))
			}
		}
	}
	return nil
}

// probeAttr records which bpf_attr fields the kernel's BTF has at the
// specs' offsets, and checks with bpf(2) that the kernel rejects a byte
// just past the BTF's union with E2BIG.
func (r *Result) probeAttr(db *kernelspec.DB, spec *btf.Spec) error {
	var attr *btf.Union
	if err := spec.TypeByName("bpf_attr", &attr); err != nil {
		return fmt.Errorf("kernel BTF: union bpf_attr: %w", err)
	}
	var leaves []leaf
	for i, m := range attr.Members {
		flatten(i, "", []btf.Member{m}, 0, &leaves)
	}
	r.UnionSize = int(attr.Size)
	how := ""
	if err := checkUnionSize(r.UnionSize); err != nil {
		how = fmt.Sprintf(" (but %v)", err)
	}
	knownCommand := map[string]bool{}
	for _, fact := range r.Facts {
		if fact.Feature.Kind == kernelspec.Command && fact.Present {
			knownCommand[fact.Feature.Name] = true
		}
	}
	for _, cmd := range db.Features(kernelspec.Command) {
		fields := db.AttrFields(cmd.Name)
		groups := commandGroups(fields, leaves)
		if knownCommand[cmd.Name] && len(groups) == 0 {
			// None of the fields of a command the kernel knows is in the
			// union: they are in a struct of their own (BPF_COMMON_ATTRS's
			// struct bpf_common_attr), which the probe does not read.
			continue
		}
		for _, f := range fields {
			if !knownCommand[cmd.Name] {
				// The union's members are not tied to commands in BTF: a
				// field of a command the kernel lacks must not match
				// another command's member of the same name and offset.
				r.add(f, false, fmt.Sprintf("kernel BTF: enum bpf_cmd has no %s", cmd.Name))
				continue
			}
			found := slices.ContainsFunc(leaves, func(l leaf) bool {
				return groups[l.group] && l.matches(f)
			})
			if found && !f.InUnionSince.IsZero() {
				// The bytes are the union's since an older release, for
				// other commands: BTF cannot say this command takes them,
				// so the data's date stands.
				continue
			}
			if found {
				r.add(f, true, fmt.Sprintf("kernel BTF: union bpf_attr has %s at offset %d, size %d%s", f.Field, f.Offset, f.Size, how))
				continue
			}
			why := fmt.Sprintf("kernel BTF: union bpf_attr (%d bytes) has no %s at offset %d in the members of %s%s", r.UnionSize, f.Field, f.Offset, cmd.Name, how)
			if errno := rejectsField(cmd, f); errno != "" {
				why += "; bpf(2) with that field set fails with " + errno
			}
			r.add(f, false, why)
		}
	}
	return nil
}

// checkUnionSize sets one byte past size and expects E2BIG, and none past
// it to be accepted as far as size goes.
func checkUnionSize(size int) error {
	buf := make([]byte, size+8)
	buf[size] = 1
	_, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_MAP_CREATE, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	if errno != unix.E2BIG {
		return fmt.Errorf("a byte past %d bytes of bpf_attr gave %v, not E2BIG", size, errno)
	}
	return nil
}

// rejectsField asks the kernel about a field its BTF lacks: set one byte
// of it in an otherwise zero attr and compare with the zero attr. E2BIG
// means past the kernel's union; EINVAL where the zero attr fails
// otherwise means past the command's last field (CHECK_ATTR). Anything
// else proves nothing, and "" is returned.
func rejectsField(cmd, f *kernelspec.Feature) string {
	size := f.Offset + f.Size
	call := func(buf []byte) unix.Errno {
		fd, _, errno := unix.Syscall(unix.SYS_BPF, uintptr(cmd.Value), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
		if errno == 0 {
			unix.Close(int(fd)) // a zero attr that created something
		}
		return errno
	}
	base := call(make([]byte, size))
	buf := make([]byte, size)
	buf[f.Offset] = 1
	switch errno := call(buf); {
	case errno == unix.E2BIG:
		return "E2BIG (past the kernel's union bpf_attr)"
	case errno == unix.EINVAL && base != unix.EINVAL:
		return fmt.Sprintf("EINVAL where a zero attr fails with %v (past the command's last field)", base)
	}
	return ""
}

// commandGroups picks the members of union bpf_attr that hold a command's
// fields: those where most of its fields (of any release) are found by name
// and offset. Matching a field anywhere in the union would find BPF_LINK_CREATE's
// map_fd (6.4) at offset 0 in a 5.10 kernel's BPF_MAP_*_ELEM struct.
func commandGroups(fields []*kernelspec.Feature, leaves []leaf) map[int]bool {
	votes := map[int]int{}
	for _, f := range fields {
		seen := map[int]bool{}
		for _, l := range leaves {
			if l.matches(f) && !seen[l.group] {
				seen[l.group] = true
				votes[l.group]++
			}
		}
	}
	best := 0
	for _, n := range votes {
		best = max(best, n)
	}
	groups := map[int]bool{}
	for g, n := range votes {
		if n == best {
			groups[g] = true
		}
	}
	return groups
}

// leaf is a scalar member of union bpf_attr: its path of member names, its
// place, and the index of the union's top-level member it is in.
type leaf struct {
	group        int
	path         string
	offset, size int
}

func (l leaf) matches(f *kernelspec.Feature) bool {
	return l.offset == f.Offset && l.size == f.Size && (l.path == f.Field || strings.HasSuffix(l.path, "."+f.Field))
}

func flatten(group int, prefix string, members []btf.Member, base int, out *[]leaf) {
	for _, m := range members {
		p := prefix + m.Name
		off := base + int(m.Offset.Bytes())
		switch t := btf.UnderlyingType(m.Type).(type) {
		case *btf.Struct:
			flatten(group, dotted(p, m.Name), t.Members, off, out)
			continue
		case *btf.Union:
			flatten(group, dotted(p, m.Name), t.Members, off, out)
			continue
		}
		size, _ := btf.Sizeof(m.Type)
		*out = append(*out, leaf{group, p, off, size})
	}
}

func dotted(p, name string) string {
	if name == "" {
		return p
	}
	return p + "."
}

// probeFlags records the flags the kernel's BTF defines in enums; flags
// defined as macros leave no trace in BTF and are not decided here.
func (r *Result) probeFlags(db *kernelspec.DB, spec *btf.Spec) {
	type member struct {
		enum  *btf.Enum
		value uint64
	}
	inBTF := map[string]member{}
	for typ, err := range spec.All() {
		if err != nil {
			break
		}
		if e, ok := typ.(*btf.Enum); ok {
			for _, v := range e.Values {
				if strings.HasPrefix(v.Name, "BPF_F_") {
					inBTF[v.Name] = member{e, v.Value}
				}
			}
		}
	}
	for _, f := range db.Features(kernelspec.Flag) {
		if m, ok := inBTF[f.Name]; ok {
			how := fmt.Sprintf("kernel BTF: an enum defines %s = %#x", f.Name, m.value)
			if truncated(m.enum, m.value, f.Value) {
				how += fmt.Sprintf(" (%#x, cut to 32 bits by a BTF_KIND_ENUM)", f.Value)
			}
			r.add(f, sameValue(m.enum, m.value, f.Value), how)
		}
	}
}

// sameValue compares an enum member's value in BTF with the uAPI value.
// BTF_KIND_ENUM holds 32-bit values, whatever the enum's size; 64-bit
// values need BTF_KIND_ENUM64 (6.0), so the 5.10 BTF says
// BPF_F_CTXLEN_MASK, 0xfffff00000000 in an enum of 8 bytes, is 0. A value
// equal to the low 32 bits of a wider one is that value, truncated.
func sameValue(e *btf.Enum, inBTF, want uint64) bool {
	if inBTF == want {
		return true
	}
	return truncated(e, inBTF, want)
}

// truncated reports whether inBTF is want cut to 32 bits (sign-extended
// where the enum is signed).
func truncated(e *btf.Enum, inBTF, want uint64) bool {
	if want>>32 == 0 || want>>31 == 1<<33-1 {
		return false // fits in 32 bits, or its sign extension
	}
	low := want & (1<<32 - 1)
	if e.Signed && low>>31 == 1 {
		low |= ^uint64(1<<32 - 1)
	}
	return inBTF == low
}

// probeFunctional asks cilium/ebpf's feature probes whether map types,
// program types and capabilities work: a kernel can list a type in its
// enum and still be built without it.
func (r *Result) probeFunctional(db *kernelspec.DB) {
	for i := range r.Facts {
		fact := &r.Facts[i]
		f := fact.Feature
		if !fact.Present {
			continue
		}
		var err error
		var probe string
		switch f.Kind {
		case kernelspec.MapType:
			probe = fmt.Sprintf("features.HaveMapType(%d)", f.Value)
			err = features.HaveMapType(ebpf.MapType(f.Value))
		case kernelspec.ProgramType:
			probe = fmt.Sprintf("features.HaveProgramType(%d)", f.Value)
			err = features.HaveProgramType(ebpf.ProgramType(f.Value))
		default:
			continue
		}
		if errors.Is(err, ebpf.ErrNotSupported) {
			fact.Present, fact.ConfiguredOut = false, true
			fact.How = fmt.Sprintf("%s: not supported (%v), although the kernel's BTF lists it: configured out", probe, err)
		} else if err == nil {
			fact.How += "; " + probe + " succeeded"
			fact.Confirmed = true
		}
	}
	r.probeLinks(db)
	r.probeHelpers()
	for name, probe := range map[string]func() error{
		"bounded_loops":      features.HaveBoundedLoops,
		"large_instructions": features.HaveLargeInstructions,
		"isa_v2":             features.HaveV2ISA,
		"jmp32":              features.HaveV3ISA,
		"isa_v4":             haveV4ISA,
	} {
		f := db.Lookup(kernelspec.Capability, name)
		if f == nil {
			continue
		}
		err := probe()
		switch {
		case err == nil:
			r.add(f, true, "cilium/ebpf features probe for "+name+" succeeded")
		case errors.Is(err, ebpf.ErrNotSupported):
			r.add(f, false, fmt.Sprintf("cilium/ebpf features probe for %s: %v", name, err))
		}
	}
}

// probeHelpers asks, for each helper the kernel's BTF lists, which of the
// working program types may call it (features.HaveProgramHelper), and
// records the answer in ProgramHelpers and as evidence.
func (r *Result) probeHelpers() {
	var progTypes []*kernelspec.Feature
	for _, fact := range r.Facts {
		if fact.Feature.Kind == kernelspec.ProgramType && fact.Present && fact.Feature.Value != 0 {
			progTypes = append(progTypes, fact.Feature)
		}
	}
	r.ProgramHelpers = map[string][]string{}
	for i := range r.Facts {
		fact := &r.Facts[i]
		f := fact.Feature
		if f.Kind != kernelspec.Helper || !fact.Present || f.Value == 0 {
			continue
		}
		var callable []string
		for _, pt := range progTypes {
			if features.HaveProgramHelper(ebpf.ProgramType(pt.Value), asm.BuiltinFunc(f.Value)) == nil {
				callable = append(callable, strings.TrimPrefix(pt.Name, "BPF_PROG_TYPE_"))
				r.ProgramHelpers[pt.Name] = append(r.ProgramHelpers[pt.Name], f.Name)
			}
		}
		if len(callable) > 0 {
			fact.Confirmed = true
			fact.How += fmt.Sprintf("; features.HaveProgramHelper: callable from %d program types (%s)", len(callable), strings.Join(callable, ", "))
		} else {
			fact.How += "; features.HaveProgramHelper found no program type that loads a call of it (it may need an attach target the probe does not give)"
		}
	}
}

func (r *Result) add(f *kernelspec.Feature, present bool, how string) {
	r.Facts = append(r.Facts, Fact{Feature: f, Present: present, How: how})
}
