package apimap

import (
	"fmt"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// apiFeatureError says which errors a function returns only on a kernel
// with features. cilium/ebpf runs its own feature test when a link
// constructor fails and returns ErrNotSupported where the kernel lacks
// the link type; any errno it hands on instead came from a kernel that
// has it. A path taken only on such an error assumes the features, as
// the path taken on success does.
type apiFeatureError struct {
	Func     string   `yaml:"func"`
	Errors   []string `yaml:"errors"`
	Features []string `yaml:"features"`
	Note     string   `yaml:"note"`
}

func (m *Map) addFeatureErrors(file string, entries []apiFeatureError, lookup func(string, []string) ([]*kernelspec.Feature, error)) error {
	for _, fe := range entries {
		if err := m.claim(fe.Func, m.FeatureErrors[fe.Func] != nil, file); err != nil {
			return err
		}
		feats, err := lookup("feature_errors "+fe.Func, fe.Features)
		if err != nil {
			return err
		}
		if len(feats) == 0 || len(fe.Errors) == 0 {
			return fmt.Errorf("%s: feature_errors %s: give the errors and the features they imply", file, fe.Func)
		}
		if err := checkSymbols(file, "feature_errors "+fe.Func, fe.Errors); err != nil {
			return err
		}
		byErr := map[string][]*kernelspec.Feature{}
		for _, e := range fe.Errors {
			byErr[e] = feats
		}
		m.FeatureErrors[fe.Func] = byErr
	}
	return nil
}
