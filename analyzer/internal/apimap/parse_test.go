package apimap

import (
	"bytes"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/bpfcompat/bpfcompat/specs"
)

// strictDecode is what parseFile must agree with: yaml.v3 with KnownFields.
func strictDecode(data []byte) (*file, error) {
	f := new(file)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	return f, dec.Decode(f)
}

// TestParseFileMatchesStrictDecoder decodes the shipped API maps and files
// with unknown keys both ways.
func TestParseFileMatchesStrictDecoder(t *testing.T) {
	inputs := map[string][]byte{
		"top":    []byte("module: m\nversion: v1\nprobez: []\n"),
		"nested": []byte("functions:\n  - {func: example.com/lib.New, featurez: [X]}\n"),
		"deeper": []byte("fields:\n  - field: example.com/lib.T.F\n    helper_call: {opcode_field: OpCode, call_opp: x}\n"),
		"in map": []byte("bpf_syscall_numbers:\n  amd64: 321\n"),
		"good":   []byte("exits:\n  - os.Exit\nbpf_syscall_numbers: {amd64: 321, \"386\": 357}\n"),
	}
	names, err := fs.Glob(specs.API(), "*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no API map files: %v", err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(specs.API(), name)
		if err != nil {
			t.Fatal(err)
		}
		inputs[name] = data
	}
	for name, data := range inputs {
		got, gotErr := parseFile(data)
		want, wantErr := strictDecode(data)
		if (gotErr != nil) != (wantErr != nil) {
			t.Errorf("%s: error %v, yaml.v3: %v", name, gotErr, wantErr)
			continue
		}
		if gotErr != nil {
			if !strings.Contains(wantErr.Error(), gotErr.Error()) {
				t.Errorf("%s: error %q, yaml.v3: %q", name, gotErr, wantErr)
			}
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: decodes to\n%+v\nyaml.v3:\n%+v", name, got, want)
		}
	}
}
