package apimap

import "fmt"

// apiAbsentError names errors, besides the unsupported ones, that a
// function returns on a kernel without the features it needs. Looking up a
// pinned link cannot find one on a kernel without links: nothing of the
// kind can have been pinned, so the lookup fails with "no such file". Code
// that takes that error as "none yet" and goes on the older way falls back.
type apiAbsentError struct {
	Func   string   `yaml:"func"`
	Errors []string `yaml:"errors"`
	Note   string   `yaml:"note"`
}

func (m *Map) addAbsentErrors(file string, entries []apiAbsentError) error {
	for _, ae := range entries {
		if err := m.claim(ae.Func, m.AbsentErrors[ae.Func] != nil, file); err != nil {
			return err
		}
		if len(m.Funcs[ae.Func]) == 0 {
			return fmt.Errorf("%s: absent_errors %s: not a function of the map's functions, so it needs no features to be absent", file, ae.Func)
		}
		if len(ae.Errors) == 0 || ae.Note == "" {
			return fmt.Errorf("%s: absent_errors %s: give the errors and a note saying why a kernel without the features returns them", file, ae.Func)
		}
		if err := checkSymbols(file, "absent_errors "+ae.Func, ae.Errors); err != nil {
			return err
		}
		errs := map[string]bool{}
		for _, e := range ae.Errors {
			errs[e] = true
		}
		m.AbsentErrors[ae.Func] = errs
	}
	return nil
}

// checkSymbols rejects a name in symbols that is not a qualified Go
// variable or constant.
func checkSymbols(file, where string, symbols []string) error {
	for _, e := range symbols {
		if _, ok := SymbolPackage(e); !ok {
			return fmt.Errorf("%s: %s: %q is not a qualified Go variable or constant", file, where, e)
		}
	}
	return nil
}
