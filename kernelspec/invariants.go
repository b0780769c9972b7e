package kernelspec

import (
	"fmt"
	"strings"
)

// checkInvariants validates what must hold across entries and releases.
// Each rule catches a class of dating error an entry cannot show alone:
//
//   - a feature that pairs two others (a helper call from a program type, an
//     operation on a map type) is no older than either;
//   - a flag is no older than the oldest field or helper it goes in: a
//     kernel cannot accept a flag in a field it does not have;
//   - one kernel commit introduces (or removes) everything it touches in one
//     release, under one subject, and one subject names one commit.
func (db *DB) checkInvariants() error {
	feats := db.ordered // the first offender by position: the error is stable
	for _, f := range feats {
		if err := db.checkParts(f); err != nil {
			return err
		}
		if err := db.checkFlagAge(f); err != nil {
			return err
		}
	}
	return checkCommits(feats)
}

// checkParts checks that a pair feature names existing parts and is no
// older than them.
func (db *DB) checkParts(f *Feature) error {
	kinds, ok := pairKinds[f.Kind]
	if !ok {
		return nil
	}
	p := f.Introduced()
	for _, part := range []struct {
		name  string
		kinds []Kind
	}{{f.Within, kinds.within}, {f.Member, kinds.member}} {
		var t *Feature
		for _, k := range part.kinds {
			if t = db.features[featureKey{k, part.name}]; t != nil {
				break
			}
		}
		if t == nil {
			return &SpecError{p.File, p.Line, fmt.Sprintf("%s %s: %s is no known %s", f.Kind, f.Name, part.name, kindList(part.kinds))}
		}
		if f.Since().Less(t.Since()) {
			return &SpecError{p.File, p.Line, fmt.Sprintf("%s %s is dated %s, before %s %s (%s, %s)", f.Kind, f.Name, f.Since(), t.Kind, t.Name, t.Since(), t.Introduced().Position())}
		}
	}
	return nil
}

func kindList(kinds []Kind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = k.String()
	}
	return strings.Join(s, " or ")
}

// checkFlagAge checks that a flag is no older than the oldest attr field or
// helper it goes in.
func (db *DB) checkFlagAge(f *Feature) error {
	if f.Kind != Flag {
		return nil
	}
	var oldest *Feature
	for _, target := range f.Fields {
		t := db.features[featureKey{AttrField, target}]
		if t == nil {
			t = db.features[featureKey{Helper, target}]
		}
		if t != nil && (oldest == nil || t.Since().Less(oldest.Since())) {
			oldest = t
		}
	}
	if oldest != nil && f.Since().Less(oldest.Since()) {
		p := f.Introduced()
		return &SpecError{p.File, p.Line, fmt.Sprintf("flag %s is dated %s, but the oldest field it goes in, %s, is dated %s (%s): one of them is wrong",
			f.Name, f.Since(), oldest.Name, oldest.Since(), oldest.Introduced().Position())}
	}
	return nil
}

// checkCommits checks that each commit id dates what it introduced or
// removed to one release, under one subject, and that each subject names
// one commit. Ids are compared by their first 12 digits, the shortest the
// schema allows.
func checkCommits(feats []*Feature) error {
	type use struct {
		release Version
		p       Provenance
		what    string
	}
	byCommit := map[string]use{}
	bySubject := map[string]use{}
	check := func(f *Feature, v Version, p Provenance) error {
		if p.Commit == "" {
			return nil
		}
		u := use{v, p, f.String()}
		prev, ok := byCommit[p.Commit[:12]]
		switch {
		case ok && prev.release != v:
			return &SpecError{p.File, p.Line, fmt.Sprintf("%s: commit %s dates it %s, but the same commit dates %s %s (%s)", f, p.Commit, v, prev.what, prev.release, prev.p.Position())}
		case ok && prev.p.Subject != p.Subject && p.Subject != "" && prev.p.Subject != "":
			return &SpecError{p.File, p.Line, fmt.Sprintf("%s: commit %s has subject %q here, %q at %s", f, p.Commit, p.Subject, prev.p.Subject, prev.p.Position())}
		case !ok || prev.p.Subject == "":
			byCommit[p.Commit[:12]] = u // a use with a subject is the better witness
		}
		if p.Subject == "" {
			return nil
		}
		if prev, ok := bySubject[p.Subject]; ok && prev.p.Commit[:12] != p.Commit[:12] {
			return &SpecError{p.File, p.Line, fmt.Sprintf("%s: subject %q names commit %s here, %s at %s", f, p.Subject, p.Commit, prev.p.Commit, prev.p.Position())}
		} else if !ok {
			bySubject[p.Subject] = u
		}
		return nil
	}
	for _, f := range feats {
		for _, s := range f.Spans {
			if err := check(f, s.Added, s.AddedBy); err != nil {
				return err
			}
			if !s.Removed.IsZero() {
				if err := check(f, s.Removed, s.RemovedBy); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
