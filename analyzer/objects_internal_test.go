package analyzer

import (
	"slices"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// TestObjectInstructions checks what instructions clang 14 cannot emit
// (may_goto, arena casts, load-acquire) select, and that each is told from
// the older instruction it resembles.
func TestObjectInstructions(t *testing.T) {
	c := objectChecker(t)
	db := c.db
	mayGoto := asm.Instruction{OpCode: asm.OpCode(asm.JumpClass).SetJumpOp(asm.JCOND), Src: asm.PseudoMayGoto, Offset: -2}
	cast := asm.Mov.Reg(asm.R0, asm.R1)
	cast.Offset = addrSpaceCast
	movsx := asm.Mov.Reg(asm.R0, asm.R1)
	movsx.Offset = 8
	for name, tc := range map[string]struct {
		ins       asm.Instruction
		want, not string
	}{
		"may_goto":        {mayGoto, "may_goto", ""},
		"addr_space_cast": {cast, "arena", "isa_v4"},
		"movsx":           {movsx, "isa_v4", "arena"},
		"load_acquire":    {asm.LoadAcquire(asm.R0, asm.R1, asm.Word, 0), "load_acquire_store_release", "atomics"},
		"store_release":   {asm.StoreRelease(asm.R1, asm.R0, asm.Word, 0), "load_acquire_store_release", "atomics"},
		"fetch_add":       {asm.FetchAdd.Mem(asm.R1, asm.R0, asm.Word, 0), "atomics", "load_acquire_store_release"},
	} {
		spec := &ebpf.CollectionSpec{Programs: map[string]*ebpf.ProgramSpec{"p": {
			Type:         ebpf.SocketFilter,
			Instructions: asm.Instructions{tc.ins, asm.Return()},
		}}}
		var got []string
		for _, of := range c.objectFeatures(spec) {
			got = append(got, of.feature.Name)
		}
		want := tc.want
		if db.Lookup(kernelspec.Capability, want) == nil {
			t.Fatalf("%s: the data has no capability %s", name, want)
		}
		if !slices.Contains(got, want) {
			t.Errorf("%s: got %v, want %s", name, got, want)
		}
		if tc.not != "" && slices.Contains(got, tc.not) {
			t.Errorf("%s: got %v, want no %s", name, got, tc.not)
		}
	}
}

// TestObjectCallsDated: a kfunc call is dated by the kfunc (not by kfuncs,
// 5.13), and a helper by its program type where it became callable from it
// later than it came.
func TestObjectCallsDated(t *testing.T) {
	c := objectChecker(t)
	db := c.db
	kfunc := asm.Instruction{OpCode: asm.OpCode(asm.JumpClass).SetJumpOp(asm.Call), Src: asm.PseudoKfuncCall, Constant: -1}.WithReference("bpf_rcu_read_lock")
	classid := db.Lookup(kernelspec.Helper, "bpf_get_cgroup_classid")
	if classid == nil {
		t.Fatal("no helper bpf_get_cgroup_classid in the data")
	}
	spec := &ebpf.CollectionSpec{Programs: map[string]*ebpf.ProgramSpec{
		"kf":   {Type: ebpf.Tracing, Instructions: asm.Instructions{kfunc, asm.Return()}},
		"addr": {Type: ebpf.CGroupSockAddr, Instructions: asm.Instructions{asm.BuiltinFunc(classid.Value).Call(), asm.Return()}},
	}}
	got := map[string][]string{}
	for _, of := range c.objectFeatures(spec) {
		owner, _, _ := strings.Cut(of.where, ",")
		got[owner] = append(got[owner], of.feature.Name)
	}
	if kf := got["program kf"]; !slices.Contains(kf, "bpf_rcu_read_lock") || slices.Contains(kf, "kfuncs") {
		t.Errorf("kfunc call: got %v, want bpf_rcu_read_lock and not kfuncs", kf)
	}
	pair := c.pairFeature("helper_call", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", "bpf_get_cgroup_classid")
	if pair == nil {
		t.Fatal("the data does not date bpf_get_cgroup_classid for BPF_PROG_TYPE_CGROUP_SOCK_ADDR")
	}
	for _, w := range []string{"bpf_get_cgroup_classid", pair.Name} {
		if h := got["program addr"]; !slices.Contains(h, w) {
			t.Errorf("helper call: got %v, want %s", h, w)
		}
	}
}

// objectChecker is a checker with the embedded data and no package: enough
// for objectFeatures.
func objectChecker(t *testing.T) *checker {
	t.Helper()
	db, err := kernelspec.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	files, err := embeddedAPI()
	if err != nil {
		t.Fatal(err)
	}
	api, err := files.Resolve(db)
	if err != nil {
		t.Fatal(err)
	}
	return &checker{db: db, api: api}
}

// TestMapValueCapabilities: what a map value's BTF holds (locks, kptrs,
// lists, trees) and a sched_ext struct_ops map need of the kernel.
func TestMapValueCapabilities(t *testing.T) {
	u64 := &btf.Int{Name: "u64", Size: 8}
	task := &btf.Struct{Name: "task_struct"}
	value := &btf.Struct{Name: "value", Members: []btf.Member{
		{Name: "lock", Type: &btf.Struct{Name: "bpf_spin_lock", Size: 4}},
		{Name: "head", Type: &btf.Typedef{Name: "head_t", Type: &btf.Struct{Name: "bpf_list_head", Size: 16}}},
		{Name: "task", Type: &btf.Pointer{Target: &btf.TypeTag{Value: "kptr", Type: task}}},
		{Name: "n", Type: u64},
	}}
	for name, tc := range map[string]struct {
		spec *ebpf.MapSpec
		want []string
	}{
		"special fields": {&ebpf.MapSpec{Type: ebpf.Hash, Value: value}, []string{"spin_lock", "linked_lists", "kptrs"}},
		"plain value":    {&ebpf.MapSpec{Type: ebpf.Hash, Value: &btf.Struct{Name: "v", Members: []btf.Member{{Name: "n", Type: u64}, {Name: "p", Type: &btf.Pointer{Target: task}}}}}, nil},
		"sched_ext":      {&ebpf.MapSpec{Type: ebpf.StructOpsMap, Value: &btf.Struct{Name: "sched_ext_ops"}}, []string{"sched_ext"}},
		"tree in array":  {&ebpf.MapSpec{Type: ebpf.Array, Value: &btf.Array{Type: &btf.Struct{Name: "bpf_rb_root"}, Nelems: 2}}, []string{"rbtrees"}},
	} {
		got := mapValueCapabilities(tc.spec)
		slices.Sort(got)
		want := slices.Sorted(slices.Values(tc.want))
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
	}
}

// TestObjectProgramTraits: a sleepable program's flag, and tail calls from
// a program that also calls its subprograms.
func TestObjectProgramTraits(t *testing.T) {
	c := objectChecker(t)
	sub := asm.Instruction{OpCode: asm.OpCode(asm.JumpClass).SetJumpOp(asm.Call), Src: asm.PseudoCall, Constant: 1}
	tail := asm.FnTailCall.Call()
	for name, tc := range map[string]struct {
		prog      *ebpf.ProgramSpec
		want, not string
	}{
		"sleepable":        {&ebpf.ProgramSpec{Type: ebpf.Kprobe, Flags: 0x10, Instructions: asm.Instructions{asm.Return()}}, "BPF_F_SLEEPABLE", ""},
		"tail and bpf2bpf": {&ebpf.ProgramSpec{Type: ebpf.Kprobe, Instructions: asm.Instructions{sub, tail, asm.Return(), asm.Return()}}, "tail_calls_in_subprograms", ""},
		"tail call only":   {&ebpf.ProgramSpec{Type: ebpf.Kprobe, Instructions: asm.Instructions{tail, asm.Return()}}, "bpf_tail_call", "tail_calls_in_subprograms"},
	} {
		var got []string
		for _, of := range c.objectFeatures(&ebpf.CollectionSpec{Programs: map[string]*ebpf.ProgramSpec{"p": tc.prog}}) {
			got = append(got, of.feature.Name)
		}
		if !slices.Contains(got, tc.want) || tc.not != "" && slices.Contains(got, tc.not) {
			t.Errorf("%s: got %v, want %s and no %q", name, got, tc.want, tc.not)
		}
	}
}

// TestObjectCapabilitiesDecided: every capability of the data is either
// found in objects or says why it cannot be.
func TestObjectCapabilitiesDecided(t *testing.T) {
	c := objectChecker(t)
	for _, f := range c.db.Features(kernelspec.Capability) {
		if _, ok := objectCapabilities[f.Name]; !ok {
			t.Errorf("capability %s: not in objectCapabilities; detect it in objects or say why not", f.Name)
		}
	}
	for name := range objectCapabilities {
		if c.db.Lookup(kernelspec.Capability, name) == nil {
			t.Errorf("objectCapabilities names %s, which the data does not have", name)
		}
	}
}
