package kernelspec

import (
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestEntryFieldsCoverTags checks that decodeEntry knows every yaml key of
// entry, and sets the field that carries it.
func TestEntryFieldsCoverTags(t *testing.T) {
	typ := reflect.TypeFor[entry]()
	tags := 0
	for i := range typ.NumField() {
		tag := typ.Field(i).Tag.Get("yaml")
		if tag == "-" || tag == "" {
			continue
		}
		tags++
		field, ok := entryFields[tag]
		if !ok {
			t.Errorf("entryFields has no %q (entry.%s)", tag, typ.Field(i).Name)
			continue
		}
		var e entry
		if got, want := reflect.ValueOf(field(&e)).Pointer(), reflect.ValueOf(&e).Elem().Field(i).Addr().Pointer(); got != want {
			t.Errorf("entryFields[%q] sets another field than entry.%s", tag, typ.Field(i).Name)
		}
	}
	if tags != len(entryFields) {
		t.Errorf("entry has %d yaml keys, entryFields %d", tags, len(entryFields))
	}
}

// TestDecodeEntryMatchesYAMLv3 decodes entries both ways: the values and
// whether it fails must agree.
func TestDecodeEntryMatchesYAMLv3(t *testing.T) {
	for _, in := range []string{
		"{name: BPF_X, value: 30, commit: \"f2e10bff16a0\", subject: 'bpf: x', source: s}",
		"{name: x, value: 0x1f}",
		"{name: x, value: 010}",
		"{name: x, value: 0o17}",
		"{name: x, value: 0b101}",
		"{name: x, value: 1_000}",
		"{name: x, value: 18446744073709551615}",
		"{name: x, value: 18446744073709551616}",
		"{name: x, value: -1}",
		"{name: x, value: '30'}",
		"{name: x, value: 1.5}",
		"{name: x, value: ~}",
		"{name: x, offset: 0, size: 8}",
		"{name: x, offset: -8, size: 9223372036854775808}",
		"{name: 12, note: true, source: ~}",
		"{name: x, commands: [A, 'B', 3]}",
		"{name: x, commands: A}",
		"{name: x, commands: [[A]]}",
		"{name: x, gpl_only: true}",
		"{name: x, gpl_only: yes}",
		"{name: x, gpl_only: 1}",
		"{name: x, config: [CONFIG_A], runtime: r}",
		"{name: x, name: y}",
		"{name: [x]}",
	} {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(in), &n); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var got, want entry
		gotErr := decodeEntry(n.Content[0], &got)
		wantErr := n.Content[0].Decode(&want)
		if (gotErr != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v, %v\nwant %+v, %v", in, got, gotErr, want, wantErr)
		}
		if gotErr != nil && strings.Contains(gotErr.Error(), "\n") {
			t.Errorf("%s: error %q is not one line", in, gotErr)
		}
	}
}
