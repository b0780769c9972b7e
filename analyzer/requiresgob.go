package analyzer

import (
	"bytes"
	"encoding/gob"
	"maps"
	"slices"
)

// A fact must encode the same way every time (the analysis framework
// checks it), and gob writes a map in iteration order: a requirement with
// more than one via, such as an object's features, is written with its
// vias in feature order.

type requiresWire struct {
	Version  string
	Features []string
	Vias     []viaWire
	Errors   []string
	Closures *requiresFact // encoded by this same method
	When     []viaWire     // feature and field, in feature order
}

type viaWire struct{ Feature, Via string }

func (f *requiresFact) GobEncode() ([]byte, error) {
	w := requiresWire{Version: f.Version, Features: f.Features, Errors: f.Errors, Closures: f.Closures}
	for _, name := range slices.Sorted(maps.Keys(f.Vias)) {
		w.Vias = append(w.Vias, viaWire{name, f.Vias[name]})
	}
	for _, name := range slices.Sorted(maps.Keys(f.When)) {
		w.When = append(w.When, viaWire{name, f.When[name]})
	}
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(w)
	return buf.Bytes(), err
}

func (f *requiresFact) GobDecode(data []byte) error {
	var w requiresWire
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&w); err != nil {
		return err
	}
	*f = requiresFact{Version: w.Version, Features: w.Features, Errors: w.Errors, Closures: w.Closures}
	if len(w.Vias) > 0 {
		f.Vias = make(map[string]string, len(w.Vias))
		for _, v := range w.Vias {
			f.Vias[v.Feature] = v.Via
		}
	}
	if len(w.When) > 0 {
		f.When = make(map[string]string, len(w.When))
		for _, v := range w.When {
			f.When[v.Feature] = v.Via
		}
	}
	return nil
}
