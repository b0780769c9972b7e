// Package objfilter hands on specs that hold only some programs of its // want package:"exports bpf\\(2\\) wrappers or requirements"
// object (progs.o: check_open, an LSM program, 5.7; pass, XDP; and
// enter_openat, a tracepoint): loading one needs only what its programs
// need.
package objfilter

import (
	"github.com/cilium/ebpf"
)

// load is a hand-written loader: its callers load the object.
func load() (*ebpf.CollectionSpec, error) {
	return ebpf.LoadCollectionSpec("../bpf/progs.o")
}

// A literal naming its programs.
func xdpOnly() (*ebpf.CollectionSpec, error) {
	full, err := load()
	if err != nil {
		return nil, err
	}
	spec := &ebpf.CollectionSpec{
		Maps:     full.Maps,
		Programs: map[string]*ebpf.ProgramSpec{"pass": full.Programs["pass"]},
	}
	return spec, nil
}

// A constant list, copied in a loop.
func withLSM() (*ebpf.CollectionSpec, error) {
	full, err := load()
	if err != nil {
		return nil, err
	}
	spec := &ebpf.CollectionSpec{Maps: full.Maps, Programs: make(map[string]*ebpf.ProgramSpec)}
	for _, name := range []string{"pass", "check_open"} {
		spec.Programs[name] = full.Programs[name].Copy()
	}
	return spec, nil
}

// Every program copied: the names are not constants.
func everything() (*ebpf.CollectionSpec, error) {
	full, err := load()
	if err != nil {
		return nil, err
	}
	spec := &ebpf.CollectionSpec{Maps: full.Maps, Programs: make(map[string]*ebpf.ProgramSpec)}
	for name, p := range full.Programs {
		spec.Programs[name] = p.Copy()
	}
	return spec, nil
}

// The programs its callers name.
func With(progs []string) (*ebpf.CollectionSpec, error) { // want With:"loads progs.o, needing BPF_F_RDONLY_PROG, BPF_LSM_MAC, .*, jmp32, of the programs argument 1 names"
	full, err := load()
	if err != nil {
		return nil, err
	}
	filtered := &ebpf.CollectionSpec{Maps: full.Maps, Programs: make(map[string]*ebpf.ProgramSpec)}
	for _, name := range progs {
		p, ok := full.Programs[name]
		if !ok {
			return nil, nil
		}
		filtered.Programs[name] = p.Copy()
	}
	return filtered, nil
}

// The same, named in its variadic parameter.
func Named(progs ...string) (*ebpf.CollectionSpec, error) { // want Named:"loads progs.o, needing BPF_F_RDONLY_PROG, BPF_LSM_MAC, .*, jmp32, of the programs argument 1 names"
	full, err := load()
	if err != nil {
		return nil, err
	}
	filtered := &ebpf.CollectionSpec{Maps: full.Maps, Programs: map[string]*ebpf.ProgramSpec{}}
	for _, name := range progs {
		filtered.Programs[name] = full.Programs[name]
	}
	return filtered, nil
}

// The literal's programs, and then the map handed to a function that
// fills it: every program may be kept.
func aliased() (*ebpf.CollectionSpec, error) {
	full, err := load()
	if err != nil {
		return nil, err
	}
	spec := &ebpf.CollectionSpec{Programs: map[string]*ebpf.ProgramSpec{"pass": full.Programs["pass"]}}
	fill(spec.Programs, full)
	return spec, nil
}

func fill(progs map[string]*ebpf.ProgramSpec, from *ebpf.CollectionSpec) {
	for name, p := range from.Programs {
		progs[name] = p
	}
}

// The names grown past the caller's: every program may be kept.
func WithDefaults(progs []string) (*ebpf.CollectionSpec, error) { // want WithDefaults:"loads progs.o, needing BPF_F_RDONLY_PROG, BPF_LSM_MAC, .*, jmp32$"
	full, err := load()
	if err != nil {
		return nil, err
	}
	progs = append(progs, "check_open")
	filtered := &ebpf.CollectionSpec{Programs: make(map[string]*ebpf.ProgramSpec)}
	for _, name := range progs {
		filtered.Programs[name] = full.Programs[name]
	}
	return filtered, nil
}

// The LSM program deleted from the spec it hands on.
func withoutLSM() (*ebpf.CollectionSpec, error) {
	spec, err := load()
	if err != nil {
		return nil, err
	}
	delete(spec.Programs, "check_open")
	return spec, nil
}

// Deleted only on one path, not a probe's: kept on the other.
func withoutLSMSometimes(drop bool) (*ebpf.CollectionSpec, error) {
	spec, err := load()
	if err != nil {
		return nil, err
	}
	if drop {
		delete(spec.Programs, "check_open")
	}
	return spec, nil
}

// Only the XDP program is read from the spec loaded here.
func loadXDP() error {
	full, err := load()
	if err != nil {
		return err
	}
	spec := &ebpf.CollectionSpec{Maps: full.Maps, Programs: map[string]*ebpf.ProgramSpec{"pass": full.Programs["pass"]}}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		return err
	}
	coll.Close()
	return nil
}

// The same, and then the whole spec loaded.
func loadXDPThenAll() error {
	full, err := load() // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	if err != nil {
		return err
	}
	spec := &ebpf.CollectionSpec{Maps: full.Maps, Programs: map[string]*ebpf.ProgramSpec{"pass": full.Programs["pass"]}}
	if _, err := ebpf.NewCollection(spec); err != nil {
		return err
	}
	_, err = ebpf.NewCollection(full)
	return err
}

// A program read by a name that is no constant.
func loadNamed(name string) error {
	full, err := load() // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	if err != nil {
		return err
	}
	_, err = ebpf.NewProgram(full.Programs[name])
	return err
}

func use(names []string) {
	withoutLSM()
	withoutLSMSometimes(true) // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	aliased()                      // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	WithDefaults([]string{"pass"}) // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	xdpOnly()
	withLSM()    // want `BPF_PROG_TYPE_LSM requires Linux 5.7, .*\(via objfilter.withLSM: program check_open in progs.o\)` `BPF_LSM_MAC requires Linux 5.7`
	everything() // want `BPF_PROG_TYPE_LSM requires Linux 5.7, .*\(via objfilter.everything: program check_open in progs.o\)` `BPF_LSM_MAC requires Linux 5.7`
	With([]string{"pass", "enter_openat"})
	With([]string{"check_open"}) // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	With(names)                  // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	Named("pass")
	Named("enter_openat", "check_open") // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
	Named(names...)                     // want `BPF_PROG_TYPE_LSM requires Linux 5.7` `BPF_LSM_MAC requires Linux 5.7`
}

// LoadSpec loads the spec its caller built: the caller's guards and
// fallbacks decide.
func LoadSpec(spec *ebpf.CollectionSpec) error { // want LoadSpec:"loads its spec argument 1"
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		return err
	}
	coll.Close()
	return nil
}

// LoadVia hands the spec to a function of its own that loads it.
func LoadVia(verbose bool, spec *ebpf.CollectionSpec) error { // want LoadVia:"loads its spec argument 2"
	return LoadSpec(spec)
}
