package apimap

import (
	"fmt"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// apiReportedValue is a value the running kernel reports of its objects
// only where it has features: a network device whose kind is "netkit"
// exists only on a kernel with netkit, so code that attaches netkit
// programs only to such a device runs only where they can be attached.
// This is Linux's meaning, whichever library asks: kept in a file without
// module.
type apiReportedValue struct {
	Func     string   `yaml:"func"`
	Value    string   `yaml:"value"`
	Features []string `yaml:"features"`
	Note     string   `yaml:"note"`
}

func (m *Map) addReportedValues(file string, entries []apiReportedValue, lookup func(string, []string) ([]*kernelspec.Feature, error)) error {
	for _, rv := range entries {
		if _, ok := SymbolPackage(rv.Func); !ok {
			return fmt.Errorf("%s: reported_values: %q is not a qualified Go function", file, rv.Func)
		}
		if m.ReportedValues[rv.Func][rv.Value] != nil {
			return fmt.Errorf("%s: reported_values %s %q is mapped twice", file, rv.Func, rv.Value)
		}
		feats, err := lookup("reported_values "+rv.Func, rv.Features)
		if err != nil {
			return err
		}
		if rv.Value == "" || len(feats) == 0 || rv.Note == "" {
			return fmt.Errorf("%s: reported_values %s: give the value, the features only a kernel reporting it has, and a note saying why", file, rv.Func)
		}
		if m.ReportedValues[rv.Func] == nil {
			m.ReportedValues[rv.Func] = map[string][]*kernelspec.Feature{}
		}
		m.ReportedValues[rv.Func][rv.Value] = feats
	}
	return nil
}
