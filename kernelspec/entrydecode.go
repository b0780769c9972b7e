package kernelspec

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Decoding an entry's mapping node field by field, not with
// yaml.Node.Decode: Decode sets up a decoder and walks the struct by
// reflection for every entry, which was a fifth of loading the specs. The
// common values (a string, a list of strings, a decimal or hex number) are
// taken straight from the node; anything else goes to yaml.v3 for that
// field alone, so that every value means what yaml.v3 makes of it.

// entryFields maps each key an entry may have to its field. Every yaml tag
// of entry is here (TestEntryFieldsCoverTags).
var entryFields = map[string]func(e *entry) any{
	"name":           func(e *entry) any { return &e.Name },
	"value":          func(e *entry) any { return &e.Value },
	"alias_of":       func(e *entry) any { return &e.AliasOf },
	"commands":       func(e *entry) any { return &e.Commands },
	"offset":         func(e *entry) any { return &e.Offset },
	"size":           func(e *entry) any { return &e.Size },
	"union":          func(e *entry) any { return &e.Union },
	"in_union_since": func(e *entry) any { return &e.InUnionSince },
	"fields":         func(e *entry) any { return &e.Fields },
	"description":    func(e *entry) any { return &e.Description },
	"gpl_only":       func(e *entry) any { return &e.GPLOnly },
	"program_types":  func(e *entry) any { return &e.ProgramTypes },
	"map_types":      func(e *entry) any { return &e.MapTypes },
	"names":          func(e *entry) any { return &e.Names },
	"kind":           func(e *entry) any { return &e.Of },
	"config":         func(e *entry) any { return &e.Config },
	"runtime":        func(e *entry) any { return &e.Runtime },
	"commit":         func(e *entry) any { return &e.Commit },
	"subject":        func(e *entry) any { return &e.Subject },
	"source":         func(e *entry) any { return &e.Source },
	"note":           func(e *entry) any { return &e.Note },
}

// decodeEntry sets e's fields from mapping n, whose keys the caller has
// checked against what the entry's kind allows.
func decodeEntry(n *yaml.Node, e *entry) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		for j := 0; j < i; j += 2 {
			if n.Content[j].Value == k.Value {
				return fmt.Errorf("line %d: mapping key %q already defined at line %d", k.Line, k.Value, n.Content[j].Line)
			}
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		field, ok := entryFields[k.Value]
		if !ok {
			return fmt.Errorf("line %d: field %s not found in type kernelspec.entry", k.Line, k.Value)
		}
		if err := decodeValue(v, field(e)); err != nil {
			return err
		}
	}
	return nil
}

// decodeValue stores v in the field out points to.
func decodeValue(v *yaml.Node, out any) error {
	switch out := out.(type) {
	case *string:
		if s, ok := plainString(v); ok {
			*out = s
			return nil
		}
	case *[]string:
		if v.Kind == yaml.SequenceNode {
			list := make([]string, len(v.Content))
			ok := true
			for i, item := range v.Content {
				if list[i], ok = plainString(item); !ok {
					break
				}
			}
			if ok {
				*out = list
				return nil
			}
		}
	case **uint64:
		if n, ok := plainNumber(v); ok {
			*out = &n
			return nil
		}
	case **int:
		if n, ok := plainNumber(v); ok && n <= uint64(maxInt) {
			i := int(n)
			*out = &i
			return nil
		}
	case *int:
		if n, ok := plainNumber(v); ok && n <= uint64(maxInt) {
			*out = int(n)
			return nil
		}
	}
	return decodeError(v.Decode(out))
}

const maxInt = int(^uint(0) >> 1)

// plainString is the string a scalar node tagged as one holds.
func plainString(v *yaml.Node) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		return "", false
	}
	return v.Value, true
}

// plainNumber is the value of a non-negative integer scalar. yaml.v3 reads
// an integer as Go's ParseInt with base 0 does once underscores are
// dropped, so where base 0 accepts it the values agree; what it does not
// (a negative number, stray underscores) goes to yaml.v3.
func plainNumber(v *yaml.Node) (uint64, bool) {
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" {
		return 0, false
	}
	n, err := strconv.ParseUint(v.Value, 0, 64)
	return n, err == nil
}

// decodeError drops the "yaml: unmarshal errors:" header of a decode error,
// which the caller's message replaces.
func decodeError(err error) error {
	if err == nil {
		return nil
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	return fmt.Errorf("%s", msg)
}
