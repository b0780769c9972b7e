package kernelspec

import (
	"fmt"
	"slices"
)

// Releases lists the mainline releases the data covers, oldest first.
func (db *DB) Releases() []Release { return slices.Clone(db.releases) }

// Newest is the newest mainline release the data covers.
func (db *DB) Newest() Version { return db.releases[len(db.releases)-1].Version }

// Oldest is the oldest mainline release the data covers (3.18, where bpf(2) appeared).
func (db *DB) Oldest() Version { return db.releases[0].Version }

// Lookup returns the feature of kind k named name, or nil.
func (db *DB) Lookup(k Kind, name string) *Feature { return db.features[featureKey{k, name}] }

// Find returns the feature of any kind named name, or nil: names are unique
// across kinds except where the kernel itself reuses them.
func (db *DB) Find(name string) *Feature {
	for _, k := range Kinds {
		if f := db.Lookup(k, name); f != nil {
			return f
		}
	}
	return nil
}

// ByValue returns the features of kind k with uAPI value v: usually one,
// more where the kernel has aliases (BPF_PROG_RUN and BPF_PROG_TEST_RUN) or,
// for flags, where unrelated fields reuse bits.
func (db *DB) ByValue(k Kind, v uint64) []*Feature {
	return slices.Clone(db.byValue[valueKey{k, v}])
}

// Features lists the features of kind k, oldest first.
func (db *DB) Features(k Kind) []*Feature { return slices.Clone(db.byKind[k]) }

// AttrFields lists every attr field the data knows for a command, in any
// release, by offset.
func (db *DB) AttrFields(command string) []*Feature { return slices.Clone(db.attrs[command]) }

// CheckRelease returns an error unless v names a release the data can answer
// for: one listed, or one older than bpf(2) (which has no BPF at all).
func (db *DB) CheckRelease(v Version) error {
	r := v.Release()
	if db.Newest().Less(r) {
		return fmt.Errorf("kernel %s is newer than the newest release in the specs (%s)", v, db.Newest())
	}
	if r.Less(db.Oldest()) {
		return nil
	}
	for _, rel := range db.releases {
		if rel.Version == r {
			return nil
		}
	}
	return fmt.Errorf("%s is not a Linux release (the specs cover %s to %s)", v, db.Oldest(), db.Newest())
}

// Layout is what one kernel knows of the bpf_attr of one command.
type Layout struct {
	Command string
	Fields  []*Feature // known fields, by offset
	// End is one past the last byte of the last known field: a non-zero
	// byte from End on fails with EINVAL (the kernel's CHECK_ATTR).
	End int
	// UnionSize is sizeof(union bpf_attr) for that kernel: a non-zero byte
	// past it fails with E2BIG, whatever the command.
	UnionSize int
}

// Layout returns the attr layout kernel k knows for command.
func (db *DB) Layout(k *Kernel, command string) Layout {
	l := Layout{Command: command}
	for _, f := range db.attrs[command] {
		if k.Has(f) {
			l.Fields = append(l.Fields, f)
			l.End = max(l.End, f.Offset+f.Size)
		}
	}
	for _, fields := range db.attrs {
		for _, f := range fields {
			if k.Has(f) {
				l.UnionSize = max(l.UnionSize, f.Offset+f.Size)
			}
		}
	}
	l.UnionSize = (l.UnionSize + 7) &^ 7 // the union holds __aligned_u64 members
	return l
}

// FieldAt returns the known field of the layout that covers byte offset
// off, or nil.
func (l Layout) FieldAt(off int) *Feature {
	for _, f := range l.Fields {
		if f.Offset <= off && off < f.Offset+f.Size {
			return f
		}
	}
	return nil
}

// IntroducedWith lists the features the change that introduced f also
// introduced, f included: no kernel has one without the others, so a
// probe that proves one proves them all (BPF_PROG_TYPE_LSM and BPF_LSM_MAC).
func (db *DB) IntroducedWith(f *Feature) []*Feature {
	if k := changeKey(f); k != "" {
		return slices.Clone(db.together[k])
	}
	return []*Feature{f}
}

// HelperCall returns the feature that dates when helper became callable
// from programs of progType, or nil. The data records only pairs that came
// later than the helper itself; without one, the helper's own release is
// when programs of that type could call it (if they ever can).
func (db *DB) HelperCall(progType, helper string) *Feature {
	return db.Lookup(HelperCall, progType+"."+helper)
}

// MapOperation returns the feature that dates when op, a command
// (BPF_MAP_LOOKUP_AND_DELETE_ELEM) or flag (BPF_F_LOCK), began to work on
// maps of mapType, or nil: the data records only pairs that came later than
// both the operation and the map type.
func (db *DB) MapOperation(mapType, op string) *Feature {
	return db.Lookup(MapOperation, mapType+"."+op)
}
