package apimap

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bpfcompat/bpfcompat/internal/yamlsubset"
)

// parseFile decodes one API map file, rejecting keys the schema does not
// have. Every process reads the API maps (the fast path's index needs
// them), so the YAML goes through the subset reader where it keeps to it;
// its tree is then decoded as yaml.v3's would be, after knownFields has
// done what the decoder's KnownFields does.
func parseFile(data []byte) (*file, error) {
	f := new(file)
	if doc, ok := yamlsubset.Parse(data); ok {
		if err := knownFields(doc.Content[0], reflect.TypeFor[file]()); err != nil {
			return nil, err
		}
		return f, doc.Decode(f)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil && err != io.EOF {
		return nil, err
	}
	return f, nil
}

// knownFields checks that every key of a mapping decoded into a struct
// names one of its fields, as yaml.v3's strict decoding does, with its
// message.
func knownFields(n *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.SequenceNode && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for _, item := range n.Content {
			if err := knownFields(item, t.Elem()); err != nil {
				return err
			}
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Map:
		for i := 1; i < len(n.Content); i += 2 {
			if err := knownFields(n.Content[i], t.Elem()); err != nil {
				return err
			}
		}
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Struct:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			field, ok := fieldByKey(t, k.Value)
			if !ok {
				return fmt.Errorf("line %d: field %s not found in type %s", k.Line, k.Value, t)
			}
			if err := knownFields(n.Content[i+1], field.Type); err != nil {
				return err
			}
		}
	}
	return nil
}

// fieldByKey is the field of struct t whose yaml key is key: its tag's
// name, else its name in lower case, as yaml.v3 names fields.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		if name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
