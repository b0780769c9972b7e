package kernelspec

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// fixture is a small, made-up history in the real schema; the tests of the
// real data are in data_test.go.
var fixture = map[string]string{
	"3.18.yaml": `
release: "3.18"
date: 2014-12-07
added:
  commands:
    - {name: BPF_MAP_CREATE, value: 0, commit: 99c55f7d47c0, subject: "bpf: introduce BPF syscall and maps"}
    - {name: BPF_PROG_LOAD, value: 5, source: "test"}
  attr_fields:
    - {name: map_type, commands: [BPF_MAP_CREATE], offset: 0, size: 4, source: "test"}
    - {name: key_size, commands: [BPF_MAP_CREATE], offset: 4, size: 4, source: "test"}
    - {name: prog_type, commands: [BPF_PROG_LOAD], offset: 0, size: 4, source: "test"}
    - {name: insns, commands: [BPF_PROG_LOAD], offset: 8, size: 8, source: "test"}
  helpers:
    - {name: bpf_map_lookup_elem, value: 1, source: "test"}
`,
	"4.6.yaml": `
release: "4.6"
added:
  attr_fields:
    - {name: map_flags, commands: [BPF_MAP_CREATE], offset: 16, size: 4, source: "test"}
  flags:
    - {name: BPF_F_NO_PREALLOC, value: 1, fields: [BPF_MAP_CREATE.map_flags], source: "test"}
  map_types:
    - {name: BPF_MAP_TYPE_HASH, value: 1, source: "test"}
`,
	"5.8.yaml": `
release: "5.8"
added:
  map_types:
    - {name: BPF_MAP_TYPE_RINGBUF, value: 27, source: "test"}
  capabilities:
    - {name: bounded_loops, description: "verifier accepts bounded loops", source: "test"}
`,
	"6.8.yaml": `
release: "6.8"
added:
  commands:
    - {name: BPF_TOKEN_CREATE, value: 36, source: "test"}
  attr_fields:
    - {name: token_fd, commands: [BPF_MAP_CREATE], offset: 24, size: 4, source: "test"}
`,
	"6.9.yaml": `
release: "6.9"
removed:
  attr_fields:
    - {name: token_fd, commands: [BPF_MAP_CREATE], source: "test: reverted"}
`,
	"6.10.yaml": `
release: "6.10"
added:
  attr_fields:
    - {name: token_fd, commands: [BPF_MAP_CREATE], offset: 24, size: 4, source: "test: back"}
`,
}

func loadFixture(t *testing.T, overrides map[string]string) (*DB, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range fixture {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	for name, data := range overrides {
		if data == "" {
			delete(fsys, name)
			continue
		}
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return Load(fsys)
}

func mustFixture(t *testing.T) *DB {
	t.Helper()
	db, err := loadFixture(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestQueries(t *testing.T) {
	db := mustFixture(t)
	rb := db.Lookup(MapType, "BPF_MAP_TYPE_RINGBUF")
	if rb == nil || rb.Since() != MustParseVersion("5.8") || rb.Value != 27 {
		t.Fatalf("ringbuf = %+v", rb)
	}
	if got := db.ByValue(MapType, 27); len(got) != 1 || got[0] != rb {
		t.Errorf("ByValue(map_type, 27) = %v", got)
	}
	if db.Find("bounded_loops") == nil || db.Find("BPF_MAP_CREATE.map_flags") == nil {
		t.Error("Find misses a capability or an attr field")
	}
	k54, err := db.Release(MustParseVersion("5.4"))
	if err == nil {
		t.Fatalf("5.4 is not in the fixture's releases but Release accepted it: %v", k54)
	}
	k46, _ := db.Release(MustParseVersion("4.6.3"))
	k58, _ := db.Release(MustParseVersion("5.8"))
	if k46.Has(rb) || !k58.Has(rb) {
		t.Errorf("ringbuf: 4.6 has it = %v, 5.8 has it = %v", k46.Has(rb), k58.Has(rb))
	}
	if l := db.Layout(k46, "BPF_MAP_CREATE"); l.End != 20 || len(l.Fields) != 3 || l.UnionSize != 24 {
		t.Errorf("4.6 BPF_MAP_CREATE layout: end %d, %d fields, union size %d; want 20, 3, 24", l.End, len(l.Fields), l.UnionSize)
	}
	if l := db.Layout(k46, "BPF_MAP_CREATE"); l.FieldAt(17) == nil || l.FieldAt(17).Field != "map_flags" || l.FieldAt(21) != nil {
		t.Errorf("FieldAt is wrong for %+v", l.Fields)
	}
}

func TestRemovedAndReadded(t *testing.T) {
	db := mustFixture(t)
	tok := db.Lookup(AttrField, "BPF_MAP_CREATE.token_fd")
	for v, want := range map[string]bool{"5.8": false, "6.8": true, "6.9": false, "6.10": true} {
		if got := tok.InRelease(MustParseVersion(v)); got != want {
			t.Errorf("token_fd in %s = %v, want %v", v, got, want)
		}
	}
	if len(tok.Spans) != 2 || tok.Spans[0].RemovedBy.Source != "test: reverted" {
		t.Errorf("spans = %+v", tok.Spans)
	}
}

func TestCheckRelease(t *testing.T) {
	db := mustFixture(t)
	for v, ok := range map[string]bool{"3.10": true, "5.8": true, "5.9": false, "7.0": false, "6.10.3": true} {
		err := db.CheckRelease(MustParseVersion(v))
		if (err == nil) != ok {
			t.Errorf("CheckRelease(%s) = %v, want ok=%v", v, err, ok)
		}
	}
}

func TestKernelSpec(t *testing.T) {
	db := mustFixture(t)
	k, err := db.ParseKernelSpec("rhel.yaml", []byte(`
name: rhel-8.10
base: "4.6.0-513.el8.x86_64"
added:
  map_types: [{name: BPF_MAP_TYPE_RINGBUF, source: "backported"}]
removed:
  flags: [{name: BPF_F_NO_PREALLOC, source: "configured out"}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if !k.Has(db.Lookup(MapType, "BPF_MAP_TYPE_RINGBUF")) || k.Has(db.Lookup(Flag, "BPF_F_NO_PREALLOC")) || !k.Has(db.Lookup(MapType, "BPF_MAP_TYPE_HASH")) {
		t.Errorf("rhel kernel: wrong features")
	}
	if k.Name != "rhel-8.10" || k.Mainline() {
		t.Errorf("kernel = %+v", k)
	}
}

func TestKernelSpecErrors(t *testing.T) {
	db := mustFixture(t)
	for _, tc := range []struct{ spec, want string }{
		{"name: x\nbase: \"9.1\"\n", "k.yaml:2: base: kernel 9.1 is newer than the newest release"},
		{"name: x\nbase: \"5.8\"\nadded:\n  map_types: [{name: BPF_MAP_TYPE_NOPE, source: s}]\n", "k.yaml:4: unknown map_type BPF_MAP_TYPE_NOPE"},
		{"name: x\nbase: \"5.8\"\nadded:\n  map_types: [{name: BPF_MAP_TYPE_HASH, value: 2, source: s}]\n", "value 0x2, but mainline has 0x1"},
		{"name: x\nbase: \"5.8\"\nrelease: \"5.8\"\n", `k.yaml:3: unknown key "release"`},
		{"base: \"5.8\"\n", `needs "name" and "base"`},
		{"name: x\nbase: \"5.8\"\nadded:\n  map_types: [{name: BPF_MAP_TYPE_HASH, source: s}, {name: BPF_MAP_TYPE_HASH, source: s}]\n", "listed twice"},
	} {
		_, err := db.ParseKernelSpec("k.yaml", []byte(tc.spec))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("spec %q: error %v, want it to contain %q", tc.spec, err, tc.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		file map[string]string
		want string
	}{
		{"unknown top key", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded: {}\nextra: 1\n"}, `5.8.yaml:3: unknown key "extra"`},
		{"unknown kind", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  maptypes: []\n"}, `5.8.yaml:3: unknown kind "maptypes"`},
		{"unknown entry key", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_RINGBUF, vaule: 27, source: s}\n"}, `5.8.yaml:4: unknown key "vaule" in a map_type entry`},
		{"key of another kind", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_RINGBUF, value: 27, offset: 3, source: s}\n"}, `unknown key "offset" in a map_type entry`},
		{"bad release", map[string]string{"5.8.yaml": "release: \"5.eight\"\n"}, `5.8.yaml:1: invalid kernel version "5.eight"`},
		{"file name", map[string]string{"5.8.yaml": "", "5.9.yaml": fixture["5.8.yaml"]}, "5.9.yaml:1: file declares release 5.8; name it 5.8.yaml"},
		{"bad date", map[string]string{"5.8.yaml": "release: \"5.8\"\ndate: yesterday\n"}, `5.8.yaml:2: date "yesterday"`},
		{"duplicate name", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_HASH, value: 1, source: s}\n"}, "5.8.yaml:4: map_type BPF_MAP_TYPE_HASH is already defined at 4.6.yaml:"},
		{"colliding value", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: 1, source: s}\n"}, "5.8.yaml:4: map_type BPF_MAP_TYPE_FOO has value 0x1, like BPF_MAP_TYPE_HASH"},
		{"declared alias", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: 1, alias_of: BPF_MAP_TYPE_HASH, source: s}\n"}, ""},
		{"alias of nothing", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: 2, alias_of: BPF_MAP_TYPE_HASH, source: s}\n"}, "alias_of BPF_MAP_TYPE_HASH, which is no map_type with the same value"},
		{"flag collision", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  flags:\n    - {name: BPF_F_OTHER, value: 1, fields: [BPF_MAP_CREATE.map_flags], source: s}\n"}, "flag BPF_F_OTHER has value 0x1, like BPF_F_NO_PREALLOC"},
		{"flag same bits elsewhere", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  flags:\n    - {name: BPF_F_OTHER, value: 1, fields: [bpf_map_lookup_elem], source: s}\n"}, ""},
		{"flag goes nowhere", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  flags:\n    - {name: BPF_F_OTHER, value: 2, fields: [BPF_MAP_CREATE.nope], source: s}\n"}, `flag BPF_F_OTHER goes in "BPF_MAP_CREATE.nope", which is neither`},
		{"overlap", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  attr_fields:\n    - {name: max_entries, commands: [BPF_MAP_CREATE], offset: 4, size: 4, source: s}\n"}, "5.8.yaml:4: BPF_MAP_CREATE: fields key_size (offset 4, size 4) and max_entries (offset 4, size 4) overlap in 5.8"},
		{"union arms", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  attr_fields:\n    - {name: a, commands: [BPF_MAP_CREATE], offset: 32, size: 4, union: u32=a, source: s}\n    - {name: b, commands: [BPF_MAP_CREATE], offset: 32, size: 4, union: u32=b, source: s}\n"}, ""},
		{"attr alias", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  attr_fields:\n    - {name: a, commands: [BPF_MAP_CREATE], offset: 32, size: 4, union: u32=a, source: s}\n", "6.10.yaml": "release: \"6.10\"\nadded:\n  attr_fields:\n    - {name: b, commands: [BPF_MAP_CREATE], offset: 32, size: 4, union: u32=b, alias_of: a, source: s}\n"}, ""},
		{"in union since", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  attr_fields:\n    - {name: x, commands: [BPF_MAP_CREATE], offset: 32, size: 4, in_union_since: \"4.0\", source: s}\n"}, ""},
		{"in union since later", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  attr_fields:\n    - {name: x, commands: [BPF_MAP_CREATE], offset: 32, size: 4, in_union_since: \"5.8\", source: s}\n"}, "5.8.yaml:4: attr field BPF_MAP_CREATE.x: in_union_since \"5.8\": want a release older than 5.8"},
		{"in union since not a field", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: 99, in_union_since: \"4.0\", source: s}\n"}, `unknown key "in_union_since" in a map_type entry`},
		{"attr alias elsewhere", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  attr_fields:\n    - {name: b, commands: [BPF_MAP_CREATE], offset: 32, size: 4, alias_of: key_size, source: s}\n"}, "5.8.yaml:4: attr field BPF_MAP_CREATE.b: alias_of BPF_MAP_CREATE.key_size, which is no older field of BPF_MAP_CREATE with the same offset and size"},
		{"same arm", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  attr_fields:\n    - {name: s.a, commands: [BPF_MAP_CREATE], offset: 32, size: 4, union: u32=s, source: s}\n    - {name: s.b, commands: [BPF_MAP_CREATE], offset: 32, size: 4, union: u32=s, source: s}\n"}, "fields s.a (offset 32, size 4) and s.b (offset 32, size 4) overlap"},
		{"bad union", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  attr_fields:\n    - {name: a, commands: [BPF_MAP_CREATE], offset: 24, size: 4, union: \"u 24\", source: s}\n"}, "is not a path of union=arm steps"},
		{"misaligned", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  attr_fields:\n    - {name: x, commands: [BPF_MAP_CREATE], offset: 20, size: 8, source: s}\n"}, "offset 20 is not aligned to its size 8"},
		{"unknown command", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  attr_fields:\n    - {name: x, commands: [BPF_NOPE], offset: 0, size: 4, source: s}\n"}, "attr field BPF_NOPE.x: unknown command BPF_NOPE"},
		{"no provenance", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: 9}\n"}, "5.8.yaml:4: map_type BPF_MAP_TYPE_FOO has no provenance"},
		{"bad commit", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: 9, commit: xyz, subject: s}\n"}, `commit "xyz" is not a commit id`},
		{"no value", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, source: s}\n"}, "5.8.yaml:4: map_type BPF_MAP_TYPE_FOO has no value"},
		{"wrong kind name", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_PROG_TYPE_XDP, value: 9, source: s}\n"}, `map_type name "BPF_PROG_TYPE_XDP" does not look like one`},
		{"remove unknown", map[string]string{"5.8.yaml": "release: \"5.8\"\nremoved:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, source: s}\n"}, "5.8.yaml:4: removed map_type BPF_MAP_TYPE_FOO, which no earlier release has"},
		{"readd with other value", map[string]string{"6.10.yaml": "release: \"6.10\"\nadded:\n  attr_fields:\n    - {name: token_fd, commands: [BPF_MAP_CREATE], offset: 28, size: 4, source: s}\n"}, "comes back at offset 28 size 4, not 24 size 4"},
		{"not yaml", map[string]string{"5.8.yaml": "release: [\n"}, "5.8.yaml: "},
		{"duplicate key", map[string]string{"5.8.yaml": "release: \"5.8\"\nrelease: \"5.8\"\n"}, `5.8.yaml:2: key "release" appears twice`},
		{"negative value", map[string]string{"5.8.yaml": "release: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_FOO, value: -1, source: s}\n"}, "5.8.yaml:4: map_type entry: "},
		{"empty", map[string]string{"5.8.yaml": "\n"}, "5.8.yaml: empty spec file"},
	} {
		t.Run(tc.name, func(t *testing.T) { wantLoadError(t, tc.file, tc.want) })
	}
}

// wantLoadError loads the fixture with files overridden and checks the
// error: none if want is empty, else a *SpecError that contains want.
func wantLoadError(t *testing.T, files map[string]string, want string) {
	t.Helper()
	_, err := loadFixture(t, files)
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v; want it to contain %q", err, want)
	}
	var se *SpecError
	if !errors.As(err, &se) || se.File == "" {
		t.Errorf("error %v is not a *SpecError naming its file", err)
	}
}

func FuzzLoad(f *testing.F) {
	for _, data := range fixture {
		f.Add(data)
	}
	f.Add("release: \"5.8\"\nadded:\n  attr_fields:\n    - {name: a.b, commands: [BPF_MAP_CREATE], offset: 8, size: 8, union: u0=a, source: s}\n")
	f.Add("release: \"5.8\"\nadded:\n  attr_fields:\n    - {name: c, commands: [BPF_MAP_CREATE], offset: 4, size: 4, union: u4=c, alias_of: key_size, source: s}\n")
	f.Fuzz(func(t *testing.T, data string) {
		// Whatever the file says, loading returns a DB or an error naming
		// the file; it never panics.
		db, err := loadFixture(t, map[string]string{"5.8.yaml": data})
		if err != nil {
			if !strings.Contains(err.Error(), ".yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, k := range Kinds {
			for _, feat := range db.Features(k) {
				if len(feat.Spans) == 0 {
					t.Fatalf("%v has no spans", feat)
				}
			}
		}
	})
}

func TestIntroducedWith(t *testing.T) {
	db := mustFixture(t)
	create := db.Lookup(Command, "BPF_MAP_CREATE")
	with := db.IntroducedWith(create)
	if len(with) != 1 || with[0] != create {
		t.Errorf("BPF_MAP_CREATE's change introduced %v", with)
	}
	// Entries with the same source, in one release, came together.
	mapType := db.Lookup(AttrField, "BPF_MAP_CREATE.map_type")
	if got := db.IntroducedWith(mapType); len(got) < 4 {
		t.Errorf("map_type came with %d features, want the 3.18 fields and commands sourced alike", len(got))
	}
}
