package apimap

import (
	"cmp"
	"fmt"
	"go/token"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// The rules that follow an object through the code that loads it (which
// function hands its spec on, which programs a filter keeps, which helper
// calls a loop patches out) read the library's types for an object's
// contents. They are data, so that a second library, or a fork of one,
// is a YAML change: a collection_specs entry names the spec type, the
// field of it holding the program specs, the instruction type of those
// programs and the method of it that says an instruction loads a
// function pointer, and the functions that read a spec from an object
// file, and the struct tag naming what a struct's field is assigned from
// the object (bpf2go's `ebpf:"name"`). Helper ids are the constants of the types of kind helper.

type apiCollectionSpec struct {
	Type         string `yaml:"type"`          // the spec: *Type is what loaders pass around
	Programs     string `yaml:"programs"`      // its field mapping names to program specs
	Instruction  string `yaml:"instruction"`   // the instruction type of the programs
	CallbackLoad string `yaml:"callback_load"` // the instruction's method: it loads a function pointer
	FromFile     string `yaml:"from_file"`     // reads a spec from the file at the path in argument 0
	FromReader   string `yaml:"from_reader"`   // reads a spec from the io.ReaderAt in argument 0
	StructTag    string `yaml:"struct_tag"`    // names the object's map or program a struct field is assigned
	Note         string `yaml:"note"`

	line int // of the entry, for the messages about it
}

// UnmarshalYAML records the entry's line, and rejects unknown keys even
// where the file is decoded by yaml.v3, whose strictness a custom
// unmarshaler does not inherit.
func (s *apiCollectionSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain apiCollectionSpec
	if err := knownFields(n, reflect.TypeFor[plain]()); err != nil {
		return err
	}
	s.line = n.Line
	return n.Decode((*plain)(s))
}

// CollectionSpec is what the rules read of a collection spec type.
type CollectionSpec struct {
	Programs string // the field mapping names to program specs
}

// Instruction is what the rules read of an instruction type.
type Instruction struct {
	CallbackLoad string // the method reporting a load of a function pointer
}

// SpecSource says what a spec reader reads its object from.
type SpecSource uint8

const (
	// FromFile: argument 0 is the object file's path.
	FromFile SpecSource = iota + 1
	// FromReader: argument 0 reads the object's bytes.
	FromReader
)

func (m *Map) addCollectionSpecs(file string, specs []apiCollectionSpec) error {
	for _, s := range specs {
		entry := cmp.Or(s.Type, "entry")
		errf := func(format string, args ...any) error {
			return fmt.Errorf("%s: line %d: collection_specs %s: "+format, append([]any{file, s.line, entry}, args...)...)
		}
		if s.Type == "" || s.Instruction == "" || !token.IsIdentifier(s.Programs) || !token.IsIdentifier(s.CallbackLoad) {
			return errf("want the spec type, its programs field, the instruction type and its callback_load method")
		}
		if m.CollectionSpecs[s.Type] != nil || m.Instructions[s.Instruction] != nil {
			return errf("the spec or instruction type is listed twice")
		}
		for _, sym := range []string{s.Type, s.Instruction} {
			if err := m.claim(sym, false, file); err != nil {
				return errf("%s", strings.TrimPrefix(err.Error(), file+": "))
			}
		}
		if s.StructTag != "" {
			if !token.IsIdentifier(s.StructTag) {
				return errf("struct_tag %q: want a struct tag's key", s.StructTag)
			}
			m.StructTags[s.StructTag] = true
		}
		m.CollectionSpecs[s.Type] = &CollectionSpec{Programs: s.Programs}
		m.Instructions[s.Instruction] = &Instruction{CallbackLoad: s.CallbackLoad}
		for _, r := range []struct {
			fn  string
			src SpecSource
		}{{s.FromFile, FromFile}, {s.FromReader, FromReader}} {
			if r.fn == "" {
				continue
			}
			if err := m.claim(r.fn, m.SpecReaders[r.fn] != 0, file); err != nil {
				return errf("%s", strings.TrimPrefix(err.Error(), file+": "))
			}
			m.SpecReaders[r.fn] = r.src
		}
	}
	return nil
}
