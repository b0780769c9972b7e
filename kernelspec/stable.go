package kernelspec

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// A stable series (6.12.y) takes backports of features mainline added
// later: 6.12.110 has link_create's cgroup fields from 6.17. specs/stable/
// holds one file per series listing them, each with the first stable
// version that has it:
//
//	series: "6.12"
//	added:
//	  flags:
//	    - {name: BPF_F_PREORDER, since: "6.12.31", source: "..."}
//
// A target of 6.12.40 is then 6.12 plus what 6.12.y had by .40; 6.12
// alone is the release.

// backport is one feature a stable series took, from version since on.
type backport struct {
	feature *Feature
	since   Version
	prov    Provenance
}

// loadStable reads stable/*.yaml from fsys, if any, into db.
func (db *DB) loadStable(fsys fs.FS) error {
	names, err := fs.Glob(fsys, "stable/*.yaml")
	if err != nil {
		return err
	}
	db.stable = map[Version][]backport{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		if err := db.parseStable(name, data); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) parseStable(file string, data []byte) error {
	doc, err := parseYAML(nil, file, data)
	if err != nil {
		return err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return &SpecError{file, 0, "a stable spec file is a mapping with series and added"}
	}
	root := doc.Content[0]
	var series Version
	var added *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "series":
			s, err := parseVersionNode(file, v)
			if err != nil {
				return err
			}
			if s.Patch != 0 {
				return errAt(file, v, "series %q: name the series by its release, such as 6.12", v.Value)
			}
			series = s
		case "added":
			added = v
		default:
			return errAt(file, k, "unknown key %q; a stable spec file has series, added", k.Value)
		}
	}
	if series.IsZero() {
		return &SpecError{file, root.Line, `missing "series"`}
	}
	if want := strings.TrimSuffix(path.Base(file), ".yaml"); want != series.String() {
		return &SpecError{file, root.Line, fmt.Sprintf("file declares series %s; name it %s.yaml", series, series)}
	}
	if err := db.CheckRelease(series); err != nil || series.Less(db.Oldest()) {
		return &SpecError{file, root.Line, fmt.Sprintf("series %s is not a release the specs cover", series)}
	}
	if added == nil {
		return nil
	}
	if added.Kind != yaml.MappingNode {
		return errAt(file, added, "want a mapping from kind to a list of entries")
	}
	for i := 0; i+1 < len(added.Content); i += 2 {
		k, v := added.Content[i], added.Content[i+1]
		kind, ok := sectionKeys[k.Value]
		if !ok || v.Kind != yaml.SequenceNode {
			return errAt(file, k, "%q: want one of %s with a list of entries", k.Value, strings.Join(sortedSectionKeys(), ", "))
		}
		for _, item := range v.Content {
			if err := db.addBackport(file, series, kind, item); err != nil {
				return err
			}
		}
	}
	for _, bps := range db.stable {
		slices.SortFunc(bps, func(a, b backport) int { return a.since.Compare(b.since) })
	}
	return nil
}

// addBackport reads one entry: a mainline feature with the stable version
// that first had it in the series.
func (db *DB) addBackport(file string, series Version, kind Kind, n *yaml.Node) error {
	since, err := takeSince(file, n)
	if err != nil {
		return err
	}
	e, err := parseEntry(file, kind, n, false)
	if err != nil {
		return err
	}
	switch {
	case since.IsZero():
		return errAt(file, n, "%s %s: since is missing (the first %s.y version that has it)", kind, e.Name, series)
	case since.Release() != series || since.Patch == 0:
		return errAt(file, n, "%s %s: since %s is not a stable version of %s", kind, e.Name, since, series)
	}
	for _, name := range names(&e) {
		f := db.Lookup(kind, name)
		if f == nil {
			return errAt(file, n, "unknown %s %s: a stable series backports what mainline has", kind, name)
		}
		if err := matches(f, &e); err != nil {
			return errAt(file, n, "%s %s: %v", kind, name, err)
		}
		if f.InRelease(series) {
			return errAt(file, n, "%s %s is in mainline %s already (%s)", kind, name, series, f.Introduced().Position())
		}
		db.stable[series] = append(db.stable[series], backport{f, since, e.provenance(file)})
	}
	return nil
}

// takeSince removes the since key from an entry's mapping, so that the rest
// is checked as a mainline entry, and returns its version.
func takeSince(file string, n *yaml.Node) (Version, error) {
	if n.Kind != yaml.MappingNode {
		return Version{}, errAt(file, n, "want a mapping with name and since")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "since" {
			v, err := parseVersionNode(file, n.Content[i+1])
			n.Content = slices.Delete(n.Content, i, i+2)
			return v, err
		}
	}
	return Version{}, nil
}

// backportsBy lists the features stable version v has beyond its release.
func (db *DB) backportsBy(v Version) map[*Feature]Provenance {
	out := map[*Feature]Provenance{}
	if v.Patch == 0 {
		return out
	}
	for _, bp := range db.stable[v.Release()] {
		if !v.Less(bp.since) {
			out[bp.feature] = bp.prov
		}
	}
	return out
}
