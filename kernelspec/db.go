package kernelspec

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/bpfcompat/bpfcompat/internal/yamlsubset"
)

// Release is one mainline kernel release described by a spec file.
type Release struct {
	Version Version
	Date    string
	File    string
}

type featureKey struct {
	kind Kind
	name string
}

type valueKey struct {
	kind  Kind
	value uint64
}

// DB is the validated feature data of the mainline releases. It is
// immutable once loaded and safe for concurrent use.
type DB struct {
	releases []Release
	features map[featureKey]*Feature
	// ordered holds the features in the order the spec files introduce
	// them (by release, then by line): checks walk it, so that the error
	// they report first is always the same one, without a sort.
	ordered []*Feature
	byValue map[valueKey][]*Feature
	attrs   map[string][]*Feature // command -> its attr fields, by offset
	byKind  map[Kind][]*Feature   // sorted by Since, then Name
	// together groups the features one kernel change introduced.
	together map[string][]*Feature
	// stable lists, per series, what its stable versions backported.
	stable map[Version][]backport
}

// Load reads every *.yaml file at the top of fsys as a mainline release
// spec, and stable/*.yaml as what stable series backported, validates them
// together and returns the database.
func Load(fsys fs.FS) (*DB, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no spec files (*.yaml) found")
	}
	var files []*specFile
	r := new(yamlsubset.Reader) // a file's tree is done with once it is parsed
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		f, err := parseSpecFile(r, name, data, true)
		if err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(path.Base(name), ".yaml"); want != f.Release.String() {
			return nil, &SpecError{name, 1, fmt.Sprintf("file declares release %s; name it %s.yaml", f.Release, f.Release)}
		}
		files = append(files, f)
	}
	db, err := build(files)
	if err != nil {
		return nil, err
	}
	if err := db.loadStable(fsys); err != nil {
		return nil, err
	}
	return db, nil
}

func build(files []*specFile) (*DB, error) {
	slices.SortFunc(files, func(a, b *specFile) int { return a.Release.Compare(b.Release) })
	db := &DB{
		features: map[featureKey]*Feature{},
		byValue:  map[valueKey][]*Feature{},
		attrs:    map[string][]*Feature{},
		byKind:   map[Kind][]*Feature{},
	}
	for _, f := range files {
		db.releases = append(db.releases, Release{f.Release, f.Date, f.Path})
		// Removals first: a release that reverts a feature and adds it back
		// (under a new layout, say) describes both.
		for i := range f.Removed {
			if err := db.remove(f, &f.Removed[i]); err != nil {
				return nil, err
			}
		}
		for i := range f.Added {
			if err := db.add(f, &f.Added[i]); err != nil {
				return nil, err
			}
		}
		if err := db.checkRelease(f); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		for i := range f.Requires {
			if err := db.require(f, &f.Requires[i]); err != nil {
				return nil, err
			}
		}
	}
	if err := db.checkReferences(); err != nil {
		return nil, err
	}
	if err := db.checkInvariants(); err != nil {
		return nil, err
	}
	for _, feats := range db.attrs {
		slices.SortFunc(feats, func(a, b *Feature) int {
			return cmp.Or(cmp.Compare(a.Offset, b.Offset), cmp.Compare(a.Name, b.Name))
		})
	}
	db.together = map[string][]*Feature{}
	for _, f := range db.ordered {
		db.byKind[f.Kind] = append(db.byKind[f.Kind], f)
		if k := changeKey(f); k != "" {
			db.together[k] = append(db.together[k], f)
		}
	}
	for _, feats := range db.byKind {
		slices.SortFunc(feats, func(a, b *Feature) int {
			return cmp.Or(a.Since().Compare(b.Since()), cmp.Compare(a.Value, b.Value), cmp.Compare(a.Name, b.Name))
		})
	}
	return db, nil
}

// changeKey identifies the kernel change that introduced f: its commit, or
// the source that dates it (which names the mirrored commit). A kfunc's
// source names the BTF that dates it, not a change: without a commit it
// stands alone.
func changeKey(f *Feature) string {
	p := f.Introduced()
	switch {
	case f.Kind == Kfunc && p.Commit == "" && p.Subject == "":
		return ""
	case p.Subject != "":
		return f.Since().String() + " " + p.Subject
	case p.Commit != "":
		return f.Since().String() + " " + p.Commit
	case p.Source != "":
		return f.Since().String() + " " + p.Source
	}
	return ""
}

// containers lists what an entry's name is a member of: the commands of an
// attr field, the program types of a helper call, the map types of a map
// operation; nil for the other kinds.
func containers(e *entry) []string {
	switch e.Kind {
	case AttrField:
		return e.Commands
	case HelperCall:
		return e.ProgramTypes
	case MapOperation:
		return e.MapTypes
	}
	return nil
}

// names expands an entry to the feature names it stands for: one per
// container ("COMMAND.field") where the kind has containers.
func names(e *entry) []string {
	within := containers(e)
	if within == nil {
		return []string{e.Name}
	}
	out := make([]string, len(within))
	for i, c := range within {
		out[i] = c + "." + e.Name
	}
	return out
}

func (db *DB) add(file *specFile, e *entry) error {
	if err := checkAdded(file.Path, e); err != nil {
		return err
	}
	prov := e.provenance(file.Path)
	for i, name := range names(e) {
		key := featureKey{e.Kind, name}
		f := db.features[key]
		if f != nil {
			last := f.Spans[len(f.Spans)-1]
			if last.Removed.IsZero() {
				return &SpecError{file.Path, e.Line, fmt.Sprintf("%s %s is already defined at %s", e.Kind, name, last.AddedBy.Position())}
			}
			if err := sameShape(f, e); err != nil {
				return &SpecError{file.Path, e.Line, fmt.Sprintf("%s %s comes back %v than at %s", e.Kind, name, err, last.AddedBy.Position())}
			}
			f.Spans = append(f.Spans, Span{Added: file.Release, AddedBy: prov})
			continue
		}
		f = &Feature{Kind: e.Kind, Name: name, AliasOf: e.AliasOf, Fields: e.Fields, Description: e.Description, GPLOnly: e.GPLOnly}
		if _, ok := pairKinds[e.Kind]; ok {
			f.Within, f.Member = containers(e)[i], e.Name
		}
		if e.Value != nil {
			f.Value = *e.Value
		}
		if e.Kind == AttrField {
			f.Command, f.Field = e.Commands[i], e.Name
			if e.AliasOf != "" { // a field of the same command
				f.AliasOf = f.Command + "." + e.AliasOf
			}
			f.Offset, f.Size, f.Union = *e.Offset, e.Size, e.Union
			if e.InUnionSince != "" {
				v, err := ParseVersion(e.InUnionSince)
				if err != nil || !v.Less(file.Release) {
					return &SpecError{file.Path, e.Line, fmt.Sprintf("attr field %s: in_union_since %q: want a release older than %s", name, e.InUnionSince, file.Release)}
				}
				f.InUnionSince = v
			}
			db.attrs[f.Command] = append(db.attrs[f.Command], f)
		}
		f.Spans = []Span{{Added: file.Release, AddedBy: prov}}
		db.features[key] = f
		db.ordered = append(db.ordered, f)
		if e.Kind.HasValue() {
			vk := valueKey{e.Kind, f.Value}
			db.byValue[vk] = append(db.byValue[vk], f)
		}
	}
	return nil
}

// sameShape reports how a re-added entry differs from the feature it
// revives; values and layouts of one name must not change.
func sameShape(f *Feature, e *entry) error {
	switch {
	case e.Value != nil && *e.Value != f.Value:
		return fmt.Errorf("with value %#x, not %#x", *e.Value, f.Value)
	case e.Kind == AttrField && (*e.Offset != f.Offset || e.Size != f.Size):
		return fmt.Errorf("at offset %d size %d, not %d size %d", *e.Offset, e.Size, f.Offset, f.Size)
	}
	return nil
}

// require attaches a requirement to the feature it names, from the
// release of the file that states it.
func (db *DB) require(file *specFile, e *entry) error {
	f := db.features[featureKey{e.Kind, e.Name}]
	if f == nil {
		return &SpecError{file.Path, e.Line, fmt.Sprintf("requirement of %s %s, which no release has", e.Kind, e.Name)}
	}
	if file.Release.Less(f.Since()) {
		return &SpecError{file.Path, e.Line, fmt.Sprintf("requirement of %s %s from %s, but the feature came in %s", e.Kind, e.Name, file.Release, f.Since())}
	}
	f.Requires = append(f.Requires, Requirement{Since: file.Release, Config: e.Config, Runtime: e.Runtime, Provenance: e.provenance(file.Path)})
	return nil
}

func (db *DB) remove(file *specFile, e *entry) error {
	for _, name := range names(e) {
		f := db.features[featureKey{e.Kind, name}]
		if f == nil || !f.Spans[len(f.Spans)-1].Removed.IsZero() {
			return &SpecError{file.Path, e.Line, fmt.Sprintf("removed %s %s, which no earlier release has", e.Kind, name)}
		}
		last := &f.Spans[len(f.Spans)-1]
		last.Removed, last.RemovedBy = file.Release, e.provenance(file.Path)
	}
	return nil
}

// checkRelease validates the state of the uAPI as of release f: no two
// names share a value unless one is declared an alias, and no two attr
// fields of a command overlap unless they are arms of a declared union.
// Only what f adds can break either rule: a value or a command none of its
// entries touches has, as of f, a subset of what it had in the release
// before, which passed.
func (db *DB) checkRelease(f *specFile) error {
	v := f.Release
	live := func(x *Feature) bool { return x.InRelease(v) }
	values := map[valueKey]bool{}
	commands := map[string]bool{}
	for i := range f.Added {
		e := &f.Added[i]
		for _, name := range names(e) {
			x := db.features[featureKey{e.Kind, name}]
			if e.Kind.HasValue() {
				values[valueKey{e.Kind, x.Value}] = true
			}
			if e.Kind == AttrField {
				commands[x.Command] = true
			}
		}
	}
	for vk := range values {
		feats := db.byValue[vk]
		var same []*Feature
		for _, x := range feats {
			if live(x) {
				same = append(same, x)
			}
		}
		if err := checkCollisions(vk, same); err != nil {
			return err
		}
	}
	for cmd := range commands {
		fields := db.attrs[cmd]
		var known []*Feature
		for _, x := range fields {
			if live(x) {
				known = append(known, x)
			}
		}
		slices.SortFunc(known, func(a, b *Feature) int { return cmp.Compare(a.Offset, b.Offset) })
		for i, a := range known {
			for _, b := range known[i+1:] {
				if b.Offset >= a.Offset+a.Size {
					break
				}
				if mayOverlap(a, b) {
					continue
				}
				later := b
				if b.Since().Less(a.Since()) {
					later = a
				}
				p := later.Spans[len(later.Spans)-1].AddedBy
				return &SpecError{p.File, p.Line, fmt.Sprintf("%s: fields %s (offset %d, size %d) and %s (offset %d, size %d) overlap in %s without being arms of one union",
					cmd, a.Field, a.Offset, a.Size, b.Field, b.Offset, b.Size, v)}
			}
		}
	}
	return nil
}

func checkCollisions(vk valueKey, same []*Feature) error {
	if len(same) < 2 {
		return nil
	}
	for i, a := range same {
		for _, b := range same[i+1:] {
			if a.AliasOf == b.Name || b.AliasOf == a.Name || (a.AliasOf != "" && a.AliasOf == b.AliasOf) {
				continue
			}
			// Flags share values freely across the fields they go in.
			if vk.kind == Flag && !sharesField(a, b) {
				continue
			}
			p := b.Spans[len(b.Spans)-1].AddedBy
			return &SpecError{p.File, p.Line, fmt.Sprintf("%s %s has value %#x, like %s (%s); if one is another name for the other, say alias_of",
				vk.kind, b.Name, vk.value, a.Name, a.Spans[len(a.Spans)-1].AddedBy.Position())}
		}
	}
	return nil
}

func sharesField(a, b *Feature) bool {
	for _, f := range a.Fields {
		if slices.Contains(b.Fields, f) {
			return true
		}
	}
	return false
}

// checkReferences validates names that point at other features.
func (db *DB) checkReferences() error {
	for _, f := range db.ordered {
		p := f.Introduced()
		if f.AliasOf != "" && f.Kind == AttrField {
			t := db.features[featureKey{f.Kind, f.AliasOf}]
			if t == nil || t.Offset != f.Offset || t.Size != f.Size || !t.Since().Less(f.Since()) {
				return &SpecError{p.File, p.Line, fmt.Sprintf("attr field %s: alias_of %s, which is no older field of %s with the same offset and size", f.Name, f.AliasOf, f.Command)}
			}
		} else if f.AliasOf != "" {
			t := db.features[featureKey{f.Kind, f.AliasOf}]
			if t == nil || t.Value != f.Value {
				return &SpecError{p.File, p.Line, fmt.Sprintf("%s %s: alias_of %s, which is no %s with the same value", f.Kind, f.Name, f.AliasOf, f.Kind)}
			}
		}
		if f.Kind == AttrField && db.features[featureKey{Command, f.Command}] == nil {
			return &SpecError{p.File, p.Line, fmt.Sprintf("attr field %s: unknown command %s", f.Name, f.Command)}
		}
		for _, target := range f.Fields {
			if strings.HasPrefix(target, "kfunc:") {
				continue // kfuncs are not uAPI: their names cannot be checked here
			}
			if db.features[featureKey{AttrField, target}] == nil && db.features[featureKey{Helper, target}] == nil {
				return &SpecError{p.File, p.Line, fmt.Sprintf("flag %s goes in %q, which is neither an attr field (COMMAND.field) nor a helper", f.Name, target)}
			}
		}
	}
	return nil
}
