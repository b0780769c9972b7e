package probe

import (
	"slices"
	"testing"

	"github.com/cilium/ebpf/btf"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// A 5.10 union bpf_attr has no BPF_LINK_CREATE.map_fd (6.4), though its
// BPF_MAP_*_ELEM member has a map_fd at the same offset and size.
func TestAttrFieldsOfTheirCommand(t *testing.T) {
	db, err := kernelspec.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	u32 := &btf.Int{Name: "__u32", Size: 4}
	u64 := &btf.Int{Name: "__u64", Size: 8}
	member := func(name string, typ btf.Type, off int) btf.Member {
		return btf.Member{Name: name, Type: typ, Offset: btf.Bits(off * 8)}
	}
	elem := &btf.Struct{Size: 32, Members: []btf.Member{
		member("map_fd", u32, 0), member("key", u64, 8), member("value", u64, 16), member("flags", u64, 24),
	}}
	linkCreate := &btf.Struct{Size: 16, Members: []btf.Member{
		member("prog_fd", u32, 0), member("target_fd", u32, 4), member("attach_type", u32, 8), member("flags", u32, 12),
	}}
	attr := []btf.Member{member("", elem, 0), member("link_create", linkCreate, 0)}
	var leaves []leaf
	for i, m := range attr {
		flatten(i, "", []btf.Member{m}, 0, &leaves)
	}
	fields := db.AttrFields("BPF_LINK_CREATE")
	groups := commandGroups(fields, leaves)
	if !groups[1] || groups[0] {
		t.Fatalf("BPF_LINK_CREATE's members: groups %v, want only 1 (link_create)", groups)
	}
	for _, f := range fields {
		found := false
		for _, l := range leaves {
			found = found || groups[l.group] && l.matches(f)
		}
		switch f.Field {
		case "prog_fd", "target_fd", "attach_type", "flags":
			if !found {
				t.Errorf("%s not found", f.Name)
			}
		case "map_fd":
			if found {
				t.Errorf("%s found in another command's member", f.Name)
			}
		}
	}
}

// BTF_KIND_ENUM holds the low 32 bits of a value, whatever the enum's size.
func TestEnumValueTruncated(t *testing.T) {
	enum := &btf.Enum{Size: 8}
	signed := &btf.Enum{Size: 4, Signed: true}
	for _, c := range []struct {
		e           *btf.Enum
		inBTF, want uint64
		same        bool
	}{
		{enum, 0, 0xfffff00000000, true}, // BPF_F_CTXLEN_MASK in 5.10
		{enum, 0xfffff00000000, 0xfffff00000000, true},
		{signed, ^uint64(0), ^uint64(0), true}, // BPF_F_CURRENT_NETNS = -1
		{enum, 0x80, 0x80, true},               // BPF_F_IPV6
		{enum, 0x40, 0x80, false},              // a different value
		{enum, 0x100000000, 0xfffff00000000, false},
		{signed, 0xffffffff80000000, 0x7fffffff80000000, true},
		{enum, 0x80000000, 0x7fffffff80000000, true},
	} {
		if got := sameValue(c.e, c.inBTF, c.want); got != c.same {
			t.Errorf("sameValue(size %d, %#x, %#x) = %v, want %v", c.e.Size, c.inBTF, c.want, got, c.same)
		}
	}
}

func TestRequirements(t *testing.T) {
	db, err := kernelspec.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	r := &Result{Base: db.Newest()}
	reqs := Requirements(db, r.Base)
	added := map[*kernelspec.Feature]bool{}
	for _, req := range reqs {
		for _, f := range req.Features {
			if !added[f] { // a feature may need several options (crash_kexec)
				added[f] = true
				r.add(f, false, "probe: missing")
			}
		}
	}
	r.applyRequirements(db, Config{"CONFIG_BPF_LSM": "y"})
	// With only CONFIG_BPF_LSM set, a feature stays when every option it
	// needs is that one, and is configured out when any other is needed.
	lsm := map[*kernelspec.Feature]bool{}
	for f := range added {
		lsm[f] = true
	}
	for _, req := range reqs {
		for _, f := range req.Features {
			lsm[f] = lsm[f] && slices.Equal(req.Config, []string{"CONFIG_BPF_LSM"})
		}
	}
	if !lsm[db.Lookup(kernelspec.MapType, "BPF_MAP_TYPE_INODE_STORAGE")] || len(reqs) < 5 {
		t.Errorf("requirements in %s: %+v", r.Base, reqs)
	}
	for _, fact := range r.Facts {
		if fact.ConfiguredOut == lsm[fact.Feature] {
			t.Errorf("%s: configured out %v with only CONFIG_BPF_LSM set: %s", fact.Feature.Name, fact.ConfiguredOut, fact.How)
		}
	}
}

// Features that need one build option stand or fall together, and a
// configuration that leaves the option out decides what no probe used.
func TestRequirementsDecide(t *testing.T) {
	db, err := kernelspec.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	progType := db.Lookup(kernelspec.ProgramType, "BPF_PROG_TYPE_LIRC_MODE2")
	attachType := db.Lookup(kernelspec.AttachType, "BPF_LIRC_MODE2")
	override := db.Lookup(kernelspec.Helper, "bpf_override_return")
	lsm := db.Lookup(kernelspec.ProgramType, "BPF_PROG_TYPE_LSM")
	r := &Result{Base: db.Newest(), Facts: []Fact{
		{Feature: progType, How: "probe: not supported", ConfiguredOut: true},
		{Feature: attachType, Present: true, How: "kernel BTF"},
		{Feature: override, Present: true, How: "kernel BTF"},
		{Feature: lsm, Present: true, How: "kernel BTF", Confirmed: true},
	}}
	r.applyRequirements(db, nil)
	if f := r.fact(attachType); f.Present || !f.ConfiguredOut {
		t.Errorf("BPF_LIRC_MODE2 with its program type configured out: %+v", f)
	}
	if f := r.fact(override); !f.Present {
		t.Errorf("bpf_override_return without a configuration to tell: %+v", f)
	}
	r.applyRequirements(db, Config{"CONFIG_X": "y"})
	if f := r.fact(override); f.Present || !f.ConfiguredOut {
		t.Errorf("bpf_override_return without CONFIG_BPF_KPROBE_OVERRIDE: %+v", f)
	}
	if f := r.fact(lsm); !f.Present {
		t.Errorf("a probe used the LSM program type; the configuration cannot take it away: %+v", f)
	}
	// sched_ext no probe decides: the configuration does.
	if f := r.fact(db.Lookup(kernelspec.Capability, "sched_ext")); f == nil || f.Present || !f.ConfiguredOut {
		t.Errorf("sched_ext without CONFIG_SCHED_CLASS_EXT: %+v", f)
	}
}

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig("config", []byte("#\n# CONFIG_FPROBE is not set\nCONFIG_BPF_LSM=y\nCONFIG_NETKIT=m\nCONFIG_LSM=\"bpf\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c["CONFIG_FPROBE"]; ok || c["CONFIG_BPF_LSM"] != "y" || c["CONFIG_NETKIT"] != "m" {
		t.Errorf("ParseConfig: %v", c)
	}
	if _, err := ParseConfig("bad", []byte("CONFIG_X=y\nnot a line\n")); err == nil || err.Error() != `bad:2: not a kernel configuration line: "not a line"` {
		t.Errorf("ParseConfig of a bad line: %v", err)
	}
}
