package analyzer

import (
	"slices"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

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
		"load_acquire":    {asm.LoadAcquire(asm.R0, asm.R1, asm.Word, 0), "load_acquire", ""},
		"store_release":   {asm.StoreRelease(asm.R1, asm.R0, asm.Word, 0), "load_acquire", ""},
		"fetch_add":       {asm.FetchAdd.Mem(asm.R1, asm.R0, asm.Word, 0), "atomics", "load_acquire"},
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
			if want != "load_acquire" {
				t.Fatalf("%s: the data has no capability %s", name, want)
			}
			want = "atomics" // the lower bound until the data dates load-acquire
		}
		if !slices.Contains(got, want) {
			t.Errorf("%s: got %v, want %s", name, got, want)
		}
		if tc.not != "" && slices.Contains(got, tc.not) {
			t.Errorf("%s: got %v, want no %s", name, got, tc.not)
		}
	}
}

// TestObjectCallsDated: a kfunc call is dated by the kfunc where the data
// has it (else by kfuncs, 5.13), and a helper by its program type where it
// became callable from it later than it came.
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
	wantKfunc := "kfuncs"
	if c.pairFeature("kfunc", "", "bpf_rcu_read_lock") != nil {
		wantKfunc = "bpf_rcu_read_lock"
	}
	if kf := got["program kf"]; !slices.Contains(kf, wantKfunc) {
		t.Errorf("kfunc call: got %v, want %s", kf, wantKfunc)
	}
	wantHelper := []string{"bpf_get_cgroup_classid"}
	if pair := c.pairFeature("helper_call", "BPF_PROG_TYPE_CGROUP_SOCK_ADDR", "bpf_get_cgroup_classid"); pair != nil {
		wantHelper = append(wantHelper, pair.Name)
	}
	for _, w := range wantHelper {
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
