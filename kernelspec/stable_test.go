package kernelspec

import "testing"

var stableFixture = map[string]string{
	"stable/5.8.yaml": `
series: "5.8"
added:
  commands:
    - {name: BPF_TOKEN_CREATE, since: "5.8.10", source: "test"}
`,
}

func TestStable(t *testing.T) {
	db, err := loadFixture(t, stableFixture)
	if err != nil {
		t.Fatal(err)
	}
	tok := db.Lookup(Command, "BPF_TOKEN_CREATE")
	for v, want := range map[string]bool{"5.8": false, "5.8.9": false, "5.8.10": true, "5.8.11": true, "6.8": true} {
		k, err := db.Release(MustParseVersion(v))
		if err != nil {
			t.Fatal(err)
		}
		if got := k.Has(tok); got != want {
			t.Errorf("%s has BPF_TOKEN_CREATE = %v, want %v", v, got, want)
		}
	}
	if k, _ := db.Release(MustParseVersion("5.8.10")); k.Name != "5.8.10" {
		t.Errorf("a stable target is named %q, want 5.8.10", k.Name)
	}
	k, err := db.ParseKernelSpec("k.yaml", []byte("name: k\nbase: \"5.8.12\"\n"))
	if err != nil || !k.Has(tok) {
		t.Errorf("a kernel spec based on 5.8.12 lacks the 5.8.10 backport (%v)", err)
	}
	k, err = db.ParseKernelSpec("k.yaml", []byte("name: k\nbase: \"5.8.12\"\nremoved:\n  commands: [{name: BPF_TOKEN_CREATE, source: s}]\n"))
	if err != nil || k.Has(tok) {
		t.Errorf("a kernel spec that removes a backport still has it (%v)", err)
	}
}

func TestStableErrors(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"no since", "series: \"5.8\"\nadded:\n  commands:\n    - {name: BPF_TOKEN_CREATE, source: s}\n", "stable/5.8.yaml:4: command BPF_TOKEN_CREATE: since is missing"},
		{"since elsewhere", "series: \"5.8\"\nadded:\n  commands:\n    - {name: BPF_TOKEN_CREATE, since: \"5.9.1\", source: s}\n", "since 5.9.1 is not a stable version of 5.8"},
		{"since the release", "series: \"5.8\"\nadded:\n  commands:\n    - {name: BPF_TOKEN_CREATE, since: \"5.8\", source: s}\n", "since 5.8 is not a stable version of 5.8"},
		{"unknown", "series: \"5.8\"\nadded:\n  commands:\n    - {name: BPF_NOPE, since: \"5.8.1\", source: s}\n", "unknown command BPF_NOPE"},
		{"in mainline", "series: \"5.8\"\nadded:\n  map_types:\n    - {name: BPF_MAP_TYPE_HASH, since: \"5.8.1\", source: s}\n", "map_type BPF_MAP_TYPE_HASH is in mainline 5.8 already"},
		{"wrong value", "series: \"5.8\"\nadded:\n  commands:\n    - {name: BPF_TOKEN_CREATE, value: 7, since: \"5.8.1\", source: s}\n", "value 0x7, but mainline has 0x24"},
		{"no provenance", "series: \"5.8\"\nadded:\n  commands:\n    - {name: BPF_TOKEN_CREATE, since: \"5.8.1\"}\n", "has no provenance"},
		{"unknown key", "series: \"5.8\"\nrelease: \"5.8\"\n", `stable/5.8.yaml:2: unknown key "release"`},
		{"file name", "series: \"5.9\"\n", "file declares series 5.9; name it 5.9.yaml"},
		{"series with patch", "series: \"5.8.1\"\n", "name the series by its release"},
		{"not a release", "series: \"5.8\"\nadded:\n  commandz: []\n", `"commandz": want one of`},
	} {
		t.Run(tc.name, func(t *testing.T) { wantLoadError(t, map[string]string{"stable/5.8.yaml": tc.file}, tc.want) })
	}
}

// TestStableData checks the embedded stable data at the versions the stable
// series took each backport (Debian's kernel changelogs name them): 6.12.110
// has link_create's cgroup fields from 6.17, 6.12.109 and the release do not.
func TestStableData(t *testing.T) {
	db, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		f    *Feature
		want map[string]bool
	}{
		{db.Lookup(AttrField, "BPF_LINK_CREATE.cgroup.relative_fd"), map[string]bool{"6.12": false, "6.12.109": false, "6.12.110": true, "6.12.118": true, "6.11.9": false}},
		{db.Lookup(Flag, "BPF_F_PREORDER"), map[string]bool{"6.12": false, "6.12.30": false, "6.12.31": true, "6.12.40": true, "6.15": true}},
		{db.Lookup(Flag, "BPF_F_TEST_SKB_CHECKSUM_COMPLETE"), map[string]bool{"6.1": false, "6.1.174": false, "6.1.175": true, "6.11": true}},
		{db.Lookup(Flag, "BPF_F_IPV6"), map[string]bool{"5.10.238": false, "5.10.239": true, "6.1.141": false, "6.1.142": true, "6.12.34": false, "6.12.35": true, "6.15": false, "6.16": true}},
		// cilium's minimum for UDP socket load balancing: 4.19.57, 5.1.16, 5.2.
		{db.Lookup(AttachType, "BPF_CGROUP_UDP4_RECVMSG"), map[string]bool{"4.19": false, "4.19.56": false, "4.19.57": true, "4.19.300": true, "5.1": false, "5.2": true}},
	} {
		for v, want := range c.want {
			k, err := db.Release(MustParseVersion(v))
			if err != nil {
				t.Fatal(err)
			}
			if got := k.Has(c.f); got != want {
				t.Errorf("%s has %s = %v, want %v", v, c.f.Name, got, want)
			}
		}
	}
}
