package kernelspec

import (
	"fmt"
	"slices"
	"strings"
)

// Kind is the kind of a kernel feature. Its String is the spelling used in
// spec files (the singular of the section key), diagnostics' Category, and
// the analyzer's API mapping files.
type Kind uint8

const (
	Command     Kind = iota + 1 // enum bpf_cmd: BPF_LINK_CREATE
	MapType                     // enum bpf_map_type: BPF_MAP_TYPE_RINGBUF
	ProgramType                 // enum bpf_prog_type: BPF_PROG_TYPE_LSM
	AttachType                  // enum bpf_attach_type: BPF_TRACE_FENTRY
	LinkType                    // enum bpf_link_type: BPF_LINK_TYPE_KPROBE_MULTI
	Helper                      // enum bpf_func_id: bpf_ringbuf_output
	AttrField                   // a union bpf_attr member per command: BPF_PROG_LOAD.attach_btf_obj_fd
	Flag                        // BPF_F_* and friends: BPF_F_MMAPABLE
	Capability                  // verifier, ISA and BTF abilities without a uAPI name: bounded_loops
	Kfunc                       // a kernel function BPF programs call (not uAPI; named in BTF): bpf_obj_new_impl
	// HelperCall is a helper becoming callable from a program type later
	// than the helper itself: BPF_PROG_TYPE_XDP.bpf_get_current_pid_tgid.
	HelperCall
	// MapOperation is a command or flag becoming usable on a map type later
	// than both: BPF_MAP_TYPE_HASH.BPF_MAP_LOOKUP_AND_DELETE_ELEM.
	MapOperation
)

// Kinds lists every Kind in spec-file order.
var Kinds = [...]Kind{Command, MapType, ProgramType, AttachType, LinkType, Helper, AttrField, Flag, Capability, Kfunc, HelperCall, MapOperation}

var kindNames = [...]string{
	Command:      "command",
	MapType:      "map_type",
	ProgramType:  "program_type",
	AttachType:   "attach_type",
	LinkType:     "link_type",
	Helper:       "helper",
	AttrField:    "attr_field",
	Flag:         "flag",
	Capability:   "capability",
	Kfunc:        "kfunc",
	HelperCall:   "helper_call",
	MapOperation: "map_operation",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if k.String() == s {
			return k, true
		}
	}
	return 0, false
}

// HasValue reports whether features of this kind carry a numeric uAPI value.
func (k Kind) HasValue() bool {
	return k != AttrField && k != Capability && k != Kfunc && k != HelperCall && k != MapOperation
}

// pairKinds are the kinds whose features are a member within a container,
// named "CONTAINER.member" like attr fields, and the kind of each part.
var pairKinds = map[Kind]struct{ within, member []Kind }{
	HelperCall:   {[]Kind{ProgramType}, []Kind{Helper}},
	MapOperation: {[]Kind{MapType}, []Kind{Command, Flag}},
}

// Provenance says where a fact about a feature comes from: the kernel commit
// that introduced (or removed) it, or the source that dates it.
type Provenance struct {
	Commit  string // kernel commit id, abbreviated to at least 12 hex digits
	Subject string // that commit's subject line
	Source  string // how the release was established when there is no commit id
	Note    string // where sources disagree: which one is right, and why

	File string // spec file the fact was read from
	Line int
}

// Position is "file:line" of the spec entry.
func (p Provenance) Position() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

func (p Provenance) String() string {
	var b strings.Builder
	if p.Commit != "" {
		fmt.Fprintf(&b, "commit %s", p.Commit)
		if p.Subject != "" {
			fmt.Fprintf(&b, " (%q)", p.Subject)
		}
	}
	if p.Source != "" {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Source)
	}
	return b.String()
}

// Span is one stretch of mainline releases in which a feature exists:
// from Added up to, but not including, Removed (zero: still there).
type Span struct {
	Added, Removed     Version
	AddedBy, RemovedBy Provenance
}

// Feature is one kernel feature and its history. Features are shared by
// everything that queries a DB: treat them, and the slices they hold, as
// read-only.
type Feature struct {
	Kind Kind
	// Name is the kernel's own name; for an attr field it is
	// "COMMAND.field" (nested members: "BPF_LINK_CREATE.kprobe_multi.flags").
	Name string
	// Value is the uAPI value (enum value, helper id, flag bits) if Kind.HasValue.
	Value uint64
	// AliasOf names the feature this one is another name for: the same
	// value, or for an attr field, the same bytes and meaning under an
	// older field's name ("BPF_PROG_QUERY.prog_cnt" for count).
	AliasOf string

	// Attr fields only.
	Command string // BPF_PROG_LOAD
	Field   string // attach_btf_obj_fd
	Offset  int    // byte offset in union bpf_attr
	Size    int    // bytes
	Union   string // members with the same label overlap on purpose
	// InUnionSince is set where the union had the field's bytes, as a
	// field of other commands, from an older release, and this command's
	// last-field check rejected them non-zero until the field's own: the
	// kernel's BTF shows the bytes then, but cannot tell the command took them.
	InUnionSince Version

	// Flags only: the attr fields ("BPF_MAP_CREATE.map_flags") or helpers
	// ("bpf_redirect") the flag is passed in.
	Fields []string

	// Description says what a capability is.
	Description string

	// Helper calls and map operations only: the program type or map type
	// (Within) and the helper, command or flag (Member) the feature pairs.
	Within, Member string

	// GPLOnly marks a helper only programs under a GPL-compatible license
	// may call.
	GPLOnly bool

	// Requires lists what a kernel must be built or run with for the
	// feature to work, by the release from which each applies.
	Requires []Requirement

	// Spans, oldest first, never overlapping.
	Spans []Span
}

// Requirement is what a kernel must be built or run with for a feature to
// work, from a release on: without it the kernel lacks the feature although
// its release has it (kprobe_multi links need CONFIG_FPROBE).
type Requirement struct {
	Since Version
	// Config lists kernel build options (=y or =m) that must all be set.
	Config []string
	// Runtime says which runtime setting takes the feature away
	// ("lockdown=integrity"), or is empty.
	Runtime string
	Provenance
}

// RequiresIn lists the requirements that apply to the feature in release v.
func (f *Feature) RequiresIn(v Version) []Requirement {
	var out []Requirement
	for _, r := range f.Requires {
		if !v.Release().Less(r.Since) {
			out = append(out, r)
		}
	}
	return out
}

// Since is the first mainline release that had the feature.
func (f *Feature) Since() Version { return f.Spans[0].Added }

// Introduced is the provenance of the feature's first appearance.
func (f *Feature) Introduced() Provenance { return f.Spans[0].AddedBy }

// InRelease reports whether mainline release v has the feature.
func (f *Feature) InRelease(v Version) bool {
	v = v.Release()
	for _, s := range f.Spans {
		if !v.Less(s.Added) && (s.Removed.IsZero() || v.Less(s.Removed)) {
			return true
		}
	}
	return false
}

// mayOverlap reports whether two attr fields may share bytes: they must
// sit in different arms of one C union. Union is the path of (union, arm)
// steps from the command's struct down to the field, written
// "u16=tcx/tcx.u16=relative_fd": link_create's union at offset 16, its tcx
// arm, and inside that the union of relative_fd and relative_id.
func mayOverlap(a, b *Feature) bool {
	pa, pb := strings.Split(a.Union, "/"), strings.Split(b.Union, "/")
	if a.Union == "" || b.Union == "" {
		return false
	}
	for i := 0; i < len(pa) && i < len(pb); i++ {
		ua, arma, _ := strings.Cut(pa[i], "=")
		ub, armb, _ := strings.Cut(pb[i], "=")
		if ua != ub {
			return false
		}
		if arma != armb {
			return true
		}
	}
	return false
}

var unionStep = lazyRegexp(`^[a-z0-9_.#]+=[a-z0-9_#]+$`)

// validUnion checks the syntax of a union path.
func validUnion(u string) bool {
	if u == "" {
		return true
	}
	for _, step := range strings.Split(u, "/") {
		if !unionStep().MatchString(step) {
			return false
		}
	}
	return true
}

func (f *Feature) String() string { return f.Kind.String() + " " + f.Name }

// The kernel's C enums whose members are features, and the kind of each.
var enumKinds = map[string]Kind{
	"bpf_cmd":         Command,
	"bpf_map_type":    MapType,
	"bpf_prog_type":   ProgramType,
	"bpf_attach_type": AttachType,
	"bpf_link_type":   LinkType,
	"bpf_func_id":     Helper,
}

// Enums lists the kernel's C enums whose members are features.
func Enums() []string {
	out := make([]string, 0, len(enumKinds))
	for name := range enumKinds {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// EnumKind is the kind of the members of one of Enums.
func EnumKind(enum string) (Kind, bool) {
	k, ok := enumKinds[enum]
	return k, ok
}

// EnumMember maps a member of one of Enums to its kind and feature name
// (helpers are spelled as functions: BPF_FUNC_map_lookup_elem is
// bpf_map_lookup_elem). Sentinels such as __MAX_BPF_CMD are not features.
func EnumMember(enum, member string) (Kind, string, bool) {
	kind, ok := enumKinds[enum]
	if !ok || strings.HasPrefix(member, "__") || strings.HasPrefix(member, "MAX_") {
		return 0, "", false
	}
	if kind == Helper {
		return kind, "bpf_" + strings.TrimPrefix(member, "BPF_FUNC_"), true
	}
	return kind, member, true
}
