package kernelspec

import (
	"strings"
	"testing"
)

// newKinds adds the kinds that pair or qualify other features to the
// fixture: a kfunc, a helper callable from a program type later than the
// helper, an operation on a map type, and a requirement.
var newKinds = map[string]string{
	"6.8.yaml": `
release: "6.8"
added:
  commands:
    - {name: BPF_TOKEN_CREATE, value: 36, source: "test"}
    - {name: BPF_MAP_LOOKUP_AND_DELETE_ELEM, value: 21, source: "test"}
  program_types:
    - {name: BPF_PROG_TYPE_XDP, value: 6, source: "test"}
  helpers:
    - {name: bpf_probe_write_user, value: 36, gpl_only: true, source: "test"}
  attr_fields:
    - {name: token_fd, commands: [BPF_MAP_CREATE], offset: 24, size: 4, source: "test"}
  kfuncs:
    - {name: bpf_obj_new_impl, commit: 958cf2e273f0, subject: "bpf: Introduce bpf_obj_new"}
    - {name: bpf_obj_drop_impl, source: "test"}
  requirements:
    - {kind: helper, name: bpf_probe_write_user, runtime: "lockdown=integrity denies it", source: "test"}
`,
	"6.10.yaml": `
release: "6.10"
added:
  attr_fields:
    - {name: token_fd, commands: [BPF_MAP_CREATE], offset: 24, size: 4, source: "test: back"}
  helper_calls:
    - {name: bpf_map_lookup_elem, program_types: [BPF_PROG_TYPE_XDP], source: "test"}
  map_operations:
    - {name: BPF_MAP_LOOKUP_AND_DELETE_ELEM, map_types: [BPF_MAP_TYPE_HASH], source: "test"}
  requirements:
    - {kind: kfunc, names: [bpf_obj_new_impl, bpf_obj_drop_impl], config: [CONFIG_DEBUG_INFO_BTF], source: "test"}
`,
}

func TestNewKinds(t *testing.T) {
	db, err := loadFixture(t, newKinds)
	if err != nil {
		t.Fatal(err)
	}
	k68, _ := db.Release(MustParseVersion("6.8"))
	k610, _ := db.Release(MustParseVersion("6.10"))

	kf := db.Lookup(Kfunc, "bpf_obj_new_impl")
	if kf == nil || kf.Since() != MustParseVersion("6.8") || kf.Introduced().Commit != "958cf2e273f0" {
		t.Fatalf("kfunc = %+v", kf)
	}
	if r := kf.RequiresIn(MustParseVersion("6.9")); len(r) != 0 {
		t.Errorf("kfunc requirement applies in 6.9, before the release that states it: %+v", r)
	}
	if r := kf.RequiresIn(MustParseVersion("6.10.2")); len(r) != 1 || r[0].Config[0] != "CONFIG_DEBUG_INFO_BTF" {
		t.Errorf("kfunc requirements in 6.10.2 = %+v", r)
	}

	if r := db.Lookup(Kfunc, "bpf_obj_drop_impl").RequiresIn(MustParseVersion("6.10")); len(r) != 1 || r[0].Source != "test" {
		t.Errorf("the second of a requirement's names: requirements in 6.10 = %+v", r)
	}

	call := db.HelperCall("BPF_PROG_TYPE_XDP", "bpf_map_lookup_elem")
	if call == nil || call.Within != "BPF_PROG_TYPE_XDP" || call.Member != "bpf_map_lookup_elem" {
		t.Fatalf("HelperCall = %+v", call)
	}
	if k68.Has(call) || !k610.Has(call) {
		t.Errorf("helper call: 6.8 has it = %v, 6.10 = %v", k68.Has(call), k610.Has(call))
	}
	if db.HelperCall("BPF_PROG_TYPE_XDP", "bpf_probe_write_user") != nil {
		t.Error("a pair the data does not record has a feature")
	}
	op := db.MapOperation("BPF_MAP_TYPE_HASH", "BPF_MAP_LOOKUP_AND_DELETE_ELEM")
	if op == nil || op.Since() != MustParseVersion("6.10") {
		t.Errorf("MapOperation = %+v", op)
	}
	w := db.Lookup(Helper, "bpf_probe_write_user")
	if !w.GPLOnly || db.Lookup(Helper, "bpf_map_lookup_elem").GPLOnly {
		t.Error("gpl_only is not read")
	}
	if r := w.RequiresIn(MustParseVersion("6.8")); len(r) != 1 || r[0].Runtime == "" || r[0].Source != "test" {
		t.Errorf("write_user requirements = %+v", r)
	}
}

func TestInvariantErrors(t *testing.T) {
	with := func(files map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range newKinds {
			out[k] = v
		}
		for k, v := range files {
			out[k] = v
		}
		return out
	}
	for _, tc := range []struct {
		name string
		file map[string]string
		want string
	}{
		{"helper call before helper's program type", map[string]string{"6.10.yaml": fixture["6.10.yaml"], "5.8.yaml": "release: \"5.8\"\nadded:\n  helper_calls:\n    - {name: bpf_map_lookup_elem, program_types: [BPF_PROG_TYPE_XDP], source: s}\n"},
			"5.8.yaml:4: helper_call BPF_PROG_TYPE_XDP.bpf_map_lookup_elem is dated 5.8, before program_type BPF_PROG_TYPE_XDP (6.8"},
		{"helper call of no helper", map[string]string{"7.0.yaml": "release: \"7.0\"\nadded:\n  helper_calls:\n    - {name: bpf_nope, program_types: [BPF_PROG_TYPE_XDP], source: s}\n"},
			"helper_call BPF_PROG_TYPE_XDP.bpf_nope: bpf_nope is no known helper"},
		{"helper call without program types", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  helper_calls:\n    - {name: bpf_map_lookup_elem, source: s}\n"},
			"5.8.yaml:4: helper_call bpf_map_lookup_elem: program_types is empty"},
		{"map operation on a program type", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_operations:\n    - {name: BPF_MAP_CREATE, map_types: [BPF_PROG_TYPE_XDP], source: s}\n"},
			`"BPF_PROG_TYPE_XDP" is not a map_type name`},
		{"map operation of no command or flag", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_operations:\n    - {name: BPF_NOPE, map_types: [BPF_MAP_TYPE_HASH], source: s}\n"},
			"BPF_NOPE is no known command or flag"},
		{"requirement of nothing", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  requirements:\n    - {kind: kfunc, name: bpf_nope, config: [CONFIG_X], source: s}\n"},
			"5.8.yaml:4: requirement of kfunc bpf_nope, which no release has"},
		{"requirement before its feature", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  requirements:\n    - {kind: kfunc, name: bpf_obj_new_impl, config: [CONFIG_X], source: s}\n"},
			"requirement of kfunc bpf_obj_new_impl from 5.8, but the feature came in 6.8"},
		{"requirement of no kind", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  requirements:\n    - {kind: kfuncs, name: x, config: [CONFIG_X], source: s}\n"},
			`kind "kfuncs" is not a kind of feature`},
		{"requirement not a config", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  requirements:\n    - {kind: kfunc, name: x, config: [FPROBE], source: s}\n"},
			`"FPROBE" is not a kernel config option`},
		{"requirement with name and names", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  requirements:\n    - {kind: kfunc, name: x, names: [y], config: [CONFIG_X], source: s}\n"},
			"5.8.yaml:4: requirement of kfunc: give name or names, not both"},
		{"requirement of one of names unknown", map[string]string{"7.0.yaml": "release: \"7.0\"\nadded:\n  requirements:\n    - {kind: kfunc, names: [bpf_obj_new_impl, bpf_nope], config: [CONFIG_X], source: s}\n"},
			"7.0.yaml:4: requirement of kfunc bpf_nope, which no release has"},
		{"requirement of nothing needed", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  requirements:\n    - {kind: kfunc, name: x, source: s}\n"},
			"give config, runtime or both"},
		{"requirement without provenance", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  requirements:\n    - {kind: kfunc, name: x, config: [CONFIG_X]}\n"},
			"has no provenance"},
		{"requirements removed", map[string]string{"5.8.yaml": "release: \"5.8\"\nremoved:\n  requirements: []\n"},
			`5.8.yaml:3: unknown kind "requirements"`},
		{"gpl_only elsewhere", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: 9, gpl_only: true, source: s}\n"},
			`unknown key "gpl_only" in a map_type entry`},
		{"flag older than its field", map[string]string{"3.18.yaml": fixture["3.18.yaml"] + "  flags:\n    - {name: BPF_F_OLD, value: 4, fields: [BPF_MAP_CREATE.map_flags], source: s}\n"},
			"3.18.yaml:16: flag BPF_F_OLD is dated 3.18, but the oldest field it goes in, BPF_MAP_CREATE.map_flags, is dated 4.6"},
		{"flag as old as its oldest field", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  flags:\n    - {name: BPF_F_X, value: 2, fields: [BPF_MAP_CREATE.map_flags, BPF_MAP_CREATE.token_fd], source: s}\n"},
			""},
		{"one commit, two releases", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: 9, commit: 99c55f7d47c0aaaa, subject: \"bpf: introduce BPF syscall and maps\"}\n"},
			"5.8.yaml:4: map_type BPF_MAP_TYPE_FOO: commit 99c55f7d47c0aaaa dates it 5.8, but the same commit dates command BPF_MAP_CREATE 3.18 (3.18.yaml:"},
		{"one commit, two subjects", map[string]string{"3.18.yaml": fixture["3.18.yaml"] + "  capabilities:\n    - {name: maps, description: d, commit: 99c55f7d47c0, subject: \"bpf: add maps\"}\n"},
			`commit 99c55f7d47c0 has subject "bpf: add maps" here, "bpf: introduce BPF syscall and maps"`},
		{"one subject, two commits", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: 9, commit: 111111111111, subject: \"bpf: Add foo\"}\n    - {name: BPF_MAP_TYPE_BAR, value: 10, commit: 222222222222, subject: \"bpf: Add foo\"}\n"},
			`subject "bpf: Add foo" names commit 222222222222 here, 111111111111 at 5.8.yaml:4`},
		{"a sync's subject", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: 9, subject: \"tools: bpf: sync uapi header bpf.h\", source: s}\n"},
			`5.8.yaml:4: map_type BPF_MAP_TYPE_FOO: subject "tools: bpf: sync uapi header bpf.h" is that of a header sync`},
		{"a mirror's sync subject", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: 9, commit: 111111111111, subject: \"bpf: Sync bpf.h to tools/\"}\n"},
			"is that of a header sync"},
		{"libbpf's subject", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: 9, subject: \"libbpf: Add support for BPF XDP link\", source: s}\n"},
			"is that of a header sync"},
		{"a kernel subject about synchronization", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: 9, commit: 111111111111, subject: \"bpf: Add synchronize_rcu_tasks_trace support\"}\n"},
			""},
		{"a commit without a subject agrees", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  capabilities:\n    - {name: x, description: d, commit: 99c55f7d47c0, source: s}\n"},
			"commit 99c55f7d47c0 dates it 5.8"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantLoadError(t, with(tc.file), tc.want) })
	}
}

// TestWriteKernelSpec writes a kernel spec with entries of every shape and
// reads it back.
func TestWriteKernelSpec(t *testing.T) {
	db, err := loadFixture(t, newKinds)
	if err != nil {
		t.Fatal(err)
	}
	if r := db.Lookup(Kfunc, "bpf_obj_drop_impl").RequiresIn(MustParseVersion("6.10")); len(r) != 1 || r[0].Source != "test" {
		t.Errorf("the second of a requirement's names: requirements in 6.10 = %+v", r)
	}

	call := db.HelperCall("BPF_PROG_TYPE_XDP", "bpf_map_lookup_elem")
	tok := db.Lookup(AttrField, "BPF_MAP_CREATE.token_fd")
	kf := db.Lookup(Kfunc, "bpf_obj_new_impl")
	op := db.MapOperation("BPF_MAP_TYPE_HASH", "BPF_MAP_LOOKUP_AND_DELETE_ELEM")
	flag := db.Lookup(Flag, "BPF_F_NO_PREALLOC")
	var b strings.Builder
	err = WriteKernelSpec(&b, KernelSpecFile{
		Name:    "host",
		Base:    MustParseVersion("6.8"),
		Added:   []SpecEntry{{call, `probe: "quoted"`}, {op, "probe"}, {tok, "probe"}},
		Removed: []SpecEntry{{kf, "probe"}, {flag, "probe"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	k, err := db.ParseKernelSpec("host.yaml", []byte(b.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if !k.Has(call) || !k.Has(op) || !k.Has(tok) || k.Has(kf) || k.Has(flag) || k.Name != "host" {
		t.Errorf("the spec read back differs from what was written:\n%s", b.String())
	}
	if err := WriteKernelSpec(&b, KernelSpecFile{Name: "two words", Base: MustParseVersion("6.8")}); err == nil {
		t.Error("a name with a space was written")
	}
}
