package analyzer

import "github.com/bpfcompat/bpfcompat/kernelspec"

// ConstantFeatures returns the features a constant of the named type
// ("github.com/cilium/ebpf.MapType") with value v stands for, as the
// analyzer reads it; nil if the type is not mapped.
func (m *APIMap) ConstantFeatures(db *kernelspec.DB, typ string, v uint64) []*kernelspec.Feature {
	rule := m.types[typ]
	if rule == nil {
		return nil
	}
	var out []*kernelspec.Feature
	for _, f := range db.ByValue(rule.kind, v) {
		if rule.names(f) {
			out = append(out, f)
		}
	}
	return out
}

// Probe returns what a mapped probe proves: the features it names, and the
// types of the arguments whose value it proves (HaveMapType's MapType).
func (m *APIMap) Probe(name string) (features []*kernelspec.Feature, argTypes []string, ok bool) {
	r := m.probes[name]
	if r == nil {
		return nil, nil, false
	}
	return r.features, r.argTypes, true
}
