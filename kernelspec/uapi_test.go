package kernelspec_test

// These tests hold the spec data against real kernels' uAPI: the header of
// the installed linux-libc-dev (Debian's is a 6.1 kernel), read through the
// DWARF gcc writes for it, and the running kernel's own BTF. Both are
// snapshots of one release, so every feature the data dates at or before
// that release must be there with the same value and layout, and nothing
// the data dates later may be.

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cilium/ebpf/btf"
	"golang.org/x/sys/unix"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// uapi is what one kernel's headers or BTF say.
type uapi struct {
	release kernelspec.Version
	enums   map[string]map[string]uint64 // enum name -> enumerator -> value
	attr    []leaf                       // union bpf_attr, flattened
}

// leaf is a member of union bpf_attr that is not itself a struct or union.
type leaf struct {
	path         string // "map_type", "batch.in_batch", "link_create.kprobe_multi.flags"
	offset, size int
}

// aggregate is a struct or union member, from DWARF or BTF.
type aggregate struct {
	name     string
	offset   int
	size     int
	children []aggregate // nil for a leaf
}

func flatten(prefix string, a aggregate, base int, out *[]leaf) {
	for _, c := range a.children {
		p := prefix
		if c.name != "" {
			p += c.name
		}
		if c.children == nil {
			*out = append(*out, leaf{p, base + c.offset, c.size})
			continue
		}
		if c.name != "" {
			p += "."
		}
		flatten(p, c, base+c.offset, out)
	}
}

func compareUAPI(t *testing.T, db *kernelspec.DB, u *uapi, what string) {
	t.Helper()
	k, err := db.Release(u.release)
	if err != nil {
		t.Skipf("%s is %s, which the specs do not cover: %v", what, u.release, err)
	}
	for _, enum := range kernelspec.Enums() {
		kind, _ := kernelspec.EnumKind(enum)
		theirs := map[string]uint64{}
		for n, v := range u.enums[enum] {
			if _, name, ok := kernelspec.EnumMember(enum, n); ok {
				theirs[name] = v
			}
		}
		if len(theirs) == 0 {
			t.Errorf("%s: enum %s is missing", what, enum)
			continue
		}
		for name, v := range theirs {
			f := db.Lookup(kind, name)
			switch {
			case f == nil:
				t.Errorf("%s has %s %s = %d; the specs do not", what, kind, name, v)
			case f.Value != v:
				t.Errorf("%s has %s %s = %d; the specs say %d", what, kind, name, v, f.Value)
			case !k.Has(f):
				t.Errorf("%s has %s %s; the specs date it %s (%s)", what, kind, name, f.Since(), f.Introduced().Position())
			}
		}
		for _, f := range db.Features(kind) {
			if _, ok := theirs[f.Name]; !ok && k.Has(f) {
				t.Errorf("the specs date %s %s at %s (%s), but %s lacks it", kind, f.Name, f.Since(), f.Introduced().Position(), what)
			}
		}
	}

	// Every field we say the release knows is a member at the same offset
	// and size, and every member is a field we know for some command.
	var ours []*kernelspec.Feature
	for _, cmd := range db.Features(kernelspec.Command) {
		for _, f := range db.AttrFields(cmd.Name) {
			if k.Has(f) {
				ours = append(ours, f)
			}
		}
	}
	matches := func(l leaf, f *kernelspec.Feature) bool {
		return l.offset == f.Offset && l.size == f.Size && (l.path == f.Field || strings.HasSuffix(l.path, "."+f.Field))
	}
	for _, f := range ours {
		found := false
		for _, l := range u.attr {
			found = found || matches(l, f)
		}
		if !found {
			t.Errorf("the specs give %s %s offset %d size %d at %s (%s); %s has no such member", f.Name, f.Since(), f.Offset, f.Size, u.release, f.Introduced().Position(), what)
		}
	}
	for _, l := range u.attr {
		found := false
		for _, f := range ours {
			found = found || matches(l, f)
		}
		if !found {
			t.Errorf("%s has union bpf_attr member %s (offset %d, size %d); no command's field in the specs matches it", what, l.path, l.offset, l.size)
		}
	}
}

// TestInstalledHeader compiles the installed linux/bpf.h with debug info
// and compares it with the release its linux/version.h names.
func TestInstalledHeader(t *testing.T) {
	const header = "/usr/include/linux/bpf.h"
	if _, err := os.Stat(header); err != nil {
		t.Skipf("no %s (Debian's linux-libc-dev provides it): %v", header, err)
	}
	cc, err := exec.LookPath("gcc")
	if err != nil {
		if cc, err = exec.LookPath("cc"); err != nil {
			t.Skip("no C compiler to read the header with")
		}
	}
	release, err := headerRelease("/usr/include/linux/version.h")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "uapi.c")
	code := "#include <linux/bpf.h>\nunion bpf_attr attr;\n"
	for _, enum := range kernelspec.Enums() {
		code += fmt.Sprintf("enum %s var_%s;\n", enum, enum)
	}
	if err := os.WriteFile(src, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	obj := filepath.Join(dir, "uapi.o")
	if out, err := exec.Command(cc, "-g", "-c", "-o", obj, src).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cc, err, out)
	}
	u, err := readDWARF(obj)
	if err != nil {
		t.Fatal(err)
	}
	u.release = release
	compareUAPI(t, mustDB(t), u, header+" (Linux "+release.String()+")")
}

func headerRelease(path string) (kernelspec.Version, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return kernelspec.Version{}, err
	}
	m := regexp.MustCompile(`#define LINUX_VERSION_CODE (\d+)`).FindSubmatch(data)
	if m == nil {
		return kernelspec.Version{}, fmt.Errorf("%s: no LINUX_VERSION_CODE", path)
	}
	code, err := strconv.ParseUint(string(m[1]), 10, 32)
	if err != nil {
		return kernelspec.Version{}, err
	}
	return kernelspec.VersionFromCode(uint32(code)).Release(), nil
}

func readDWARF(obj string) (*uapi, error) {
	f, err := elf.Open(obj)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := f.DWARF()
	if err != nil {
		return nil, err
	}
	u := &uapi{enums: map[string]map[string]uint64{}}
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		switch e.Tag {
		case dwarf.TagEnumerationType:
			typ, err := d.Type(e.Offset)
			if err != nil {
				return nil, err
			}
			et := typ.(*dwarf.EnumType)
			vals := map[string]uint64{}
			for _, v := range et.Val {
				vals[v.Name] = uint64(v.Val)
			}
			u.enums[et.EnumName] = vals
		case dwarf.TagUnionType:
			typ, err := d.Type(e.Offset)
			if err != nil {
				return nil, err
			}
			if st := typ.(*dwarf.StructType); st.StructName == "bpf_attr" && !st.Incomplete {
				flatten("", dwarfAggregate(st), 0, &u.attr)
			}
		}
	}
	return u, nil
}

func dwarfAggregate(st *dwarf.StructType) aggregate {
	a := aggregate{children: []aggregate{}}
	for _, f := range st.Field {
		c := aggregate{name: f.Name, offset: int(f.ByteOffset), size: int(f.Type.Size())}
		if inner, ok := f.Type.(*dwarf.StructType); ok {
			c.children = dwarfAggregate(inner).children
		}
		a.children = append(a.children, c)
	}
	return a
}

// TestRunningKernelBTF compares the data with the BTF of the kernel the
// test runs on.
func TestRunningKernelBTF(t *testing.T) {
	spec, v, release := runningKernel(t)
	u := &uapi{release: v.Release(), enums: map[string]map[string]uint64{}}
	for _, enum := range kernelspec.Enums() {
		var e *btf.Enum
		if err := spec.TypeByName(enum, &e); err != nil {
			t.Fatalf("kernel BTF: enum %s: %v", enum, err)
		}
		vals := map[string]uint64{}
		for _, ev := range e.Values {
			vals[ev.Name] = ev.Value
		}
		u.enums[enum] = vals
	}
	var attr *btf.Union
	if err := spec.TypeByName("bpf_attr", &attr); err != nil {
		t.Fatalf("kernel BTF: union bpf_attr: %v", err)
	}
	flatten("", btfAggregate(attr.Members), 0, &u.attr)
	compareUAPI(t, mustDB(t), u, "the running kernel's BTF ("+release+")")
}

// runningKernel returns the BTF of the kernel the test runs on, its
// version and its release string, or skips the test if it has no BTF.
func runningKernel(t *testing.T) (*btf.Spec, kernelspec.Version, string) {
	t.Helper()
	spec, err := btf.LoadKernelSpec()
	if err != nil {
		t.Skipf("no kernel BTF to compare with: %v", err)
	}
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		t.Fatal(err)
	}
	release := string(bytes.TrimRight(uts.Release[:], "\x00"))
	v, err := kernelspec.ParseVersion(release)
	if err != nil {
		t.Fatal(err)
	}
	return spec, v, release
}

func btfAggregate(members []btf.Member) aggregate {
	a := aggregate{children: []aggregate{}}
	for _, m := range members {
		size, _ := btf.Sizeof(m.Type)
		c := aggregate{name: m.Name, offset: int(m.Offset.Bytes()), size: size}
		switch inner := btf.UnderlyingType(m.Type).(type) {
		case *btf.Struct:
			c.children = btfAggregate(inner.Members).children
		case *btf.Union:
			c.children = btfAggregate(inner.Members).children
		}
		a.children = append(a.children, c)
	}
	return a
}

func mustDB(t *testing.T) *kernelspec.DB {
	t.Helper()
	db, err := kernelspec.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return db
}
