package kernelspec

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/bpfcompat/bpfcompat/internal/yamlsubset"
)

// The spec-file schema is documented in specs/README.md. This file turns a
// file's YAML into entries with their line numbers and rejects anything the
// schema does not allow; db.go gives the entries meaning.

// sectionKeys maps each kind to its key in an added/removed section.
var sectionKeys = map[string]Kind{
	"commands":       Command,
	"map_types":      MapType,
	"program_types":  ProgramType,
	"attach_types":   AttachType,
	"link_types":     LinkType,
	"helpers":        Helper,
	"attr_fields":    AttrField,
	"flags":          Flag,
	"capabilities":   Capability,
	"kfuncs":         Kfunc,
	"helper_calls":   HelperCall,
	"map_operations": MapOperation,
}

// requirementsKey is the section of an added list that says what kernels
// must be built or run with for features to work (see Requirement).
const requirementsKey = "requirements"

func sectionKey(k Kind) string {
	for key, kind := range sectionKeys {
		if kind == k {
			return key
		}
	}
	panic("no section for " + k.String())
}

var provenanceKeys = []string{"commit", "subject", "source", "note"}

// entryKeys lists the keys an added entry of each kind may have, beyond name
// and provenance.
var entryKeys = map[Kind][]string{
	Command:      {"value", "alias_of"},
	MapType:      {"value", "alias_of"},
	ProgramType:  {"value", "alias_of"},
	AttachType:   {"value", "alias_of"},
	LinkType:     {"value", "alias_of"},
	Helper:       {"value", "alias_of", "gpl_only"},
	AttrField:    {"commands", "offset", "size", "union", "alias_of", "in_union_since"},
	Flag:         {"value", "alias_of", "fields"},
	Capability:   {"description"},
	Kfunc:        {},
	HelperCall:   {"program_types"},
	MapOperation: {"map_types"},
}

// The patterns are compiled on first use: a process that never reads a
// spec file (go vet runs the tool on every package) does not pay for them.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

var namePatterns = map[Kind]func() *regexp.Regexp{
	Command:      lazyRegexp(`^BPF_[A-Z0-9_]+$`),
	MapType:      lazyRegexp(`^BPF_MAP_TYPE_[A-Z0-9_]+$`),
	ProgramType:  lazyRegexp(`^BPF_PROG_TYPE_[A-Z0-9_]+$`),
	AttachType:   lazyRegexp(`^BPF_[A-Z0-9_]+$`),
	LinkType:     lazyRegexp(`^BPF_LINK_TYPE_[A-Z0-9_]+$`),
	Helper:       lazyRegexp(`^bpf_[a-z0-9_]+$`),
	AttrField:    lazyRegexp(`^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$`),
	Flag:         lazyRegexp(`^[A-Z][A-Z0-9_]*$`),
	Capability:   lazyRegexp(`^[a-z][a-z0-9_]*$`),
	Kfunc:        lazyRegexp(`^[a-z_][a-z0-9_]*$`),
	HelperCall:   lazyRegexp(`^bpf_[a-z0-9_]+$`),
	MapOperation: lazyRegexp(`^BPF_[A-Z0-9_]+$`),
}

var datePattern = lazyRegexp(`^\d{4}-\d{2}-\d{2}$`)

var configPattern = lazyRegexp(`^CONFIG_[A-Z0-9_]+$`)

var commitPattern = lazyRegexp(`^[0-9a-f]{12,40}$`)

// Subjects of commits that copy the uAPI header to tools/ or change
// libbpf, bpftool or selftests: none introduces a feature, so none is the
// subject an entry's provenance may give (isSyncSubject).
var (
	toolingSubject = lazyRegexp(`(?i)^(libbpf|selftests|tools|bpftool)\b`)
	syncSubject    = lazyRegexp(`(?i)^(bpf: )?(sync|synch|synchronise)\b|\bsync(hronise)? (bpf\.h|uapi|\{btf, bpf\}\.h)|sync with latest bpf-next`)
)

// isSyncSubject reports a subject of a header sync or a tooling change.
// Every sync pattern spells "sync": testing for it first spares most
// subjects the unanchored, case-folding regexp, which was a fifth of
// loading the specs.
func isSyncSubject(subject string) bool {
	if toolingSubject().MatchString(subject) {
		return true
	}
	for i := 0; i+4 <= len(subject); i++ {
		if strings.EqualFold(subject[i:i+4], "sync") {
			return syncSubject().MatchString(subject)
		}
	}
	return false
}

// entry is one item of an added or removed section, as written.
type entry struct {
	Kind     Kind     `yaml:"-"`
	Line     int      `yaml:"-"`
	Name     string   `yaml:"name"`
	Value    *uint64  `yaml:"value"`
	AliasOf  string   `yaml:"alias_of"`
	Commands []string `yaml:"commands"`
	Offset   *int     `yaml:"offset"`
	Size     int      `yaml:"size"`
	Union    string   `yaml:"union"`
	// InUnionSince: the union had the field's bytes, for other commands,
	// from this older release (see Feature.InUnionSince).
	InUnionSince string   `yaml:"in_union_since"`
	Fields       []string `yaml:"fields"`
	Description  string   `yaml:"description"`
	GPLOnly      bool     `yaml:"gpl_only"`
	// Within lists the containers of a pair kind: program_types of a
	// helper call, map_types of a map operation.
	ProgramTypes []string `yaml:"program_types"`
	MapTypes     []string `yaml:"map_types"`
	// Requirements only. Names, instead of Name, lists the features of
	// one kind that one build option brings, stated once.
	Names   []string `yaml:"names"`
	Of      string   `yaml:"kind"`
	Config  []string `yaml:"config"`
	Runtime string   `yaml:"runtime"`
	Commit  string   `yaml:"commit"`
	Subject string   `yaml:"subject"`
	Source  string   `yaml:"source"`
	Note    string   `yaml:"note"`
}

func (e *entry) provenance(file string) Provenance {
	return Provenance{Commit: e.Commit, Subject: e.Subject, Source: e.Source, Note: e.Note, File: file, Line: e.Line}
}

// specFile is one parsed file: a mainline release (Release set) or a user
// spec for a distro or custom kernel (Name and Base set).
type specFile struct {
	Path     string
	Release  Version // mainline files
	Date     string
	Name     string // user specs
	Base     Version
	BaseLine int
	Added    []entry
	Removed  []entry
	Requires []entry
	// ProgramHelpers (user specs) lists, per program type, the helpers
	// a program of that type may call, as a probe found them.
	ProgramHelpers map[string]namesAt
}

// SpecError is an error at a place in a spec file: every error Load,
// LoadKernel and ParseKernelSpec return for bad data is one.
type SpecError struct {
	File string
	Line int // 0 when the error is about the whole file
	Msg  string
}

func (e *SpecError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

func errAt(file string, n *yaml.Node, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &SpecError{file, line, fmt.Sprintf(format, args...)}
}

// parseYAML reads a spec file's YAML: with the subset reader where the
// file keeps to it, else with yaml.v3. r, if not nil, is a reader whose
// earlier trees the caller no longer needs.
func parseYAML(r *yamlsubset.Reader, path string, data []byte) (*yaml.Node, error) {
	if r == nil {
		r = new(yamlsubset.Reader)
	}
	if doc, ok := r.Parse(data); ok {
		return doc, nil
	}
	doc := new(yaml.Node)
	if err := yaml.Unmarshal(data, doc); err != nil {
		return nil, &SpecError{path, 0, strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	return doc, nil
}

// parseSpecFile parses data from path, with r as parseYAML does. mainline
// selects the schema: mainline files say which release they are; user
// specs name a kernel and its base.
func parseSpecFile(r *yamlsubset.Reader, path string, data []byte, mainline bool) (*specFile, error) {
	doc, err := parseYAML(r, path, data)
	if err != nil {
		return nil, err
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &SpecError{path, 0, "empty spec file"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errAt(path, root, "a spec file is a mapping with %s", topKeys(mainline))
	}
	f := &specFile{Path: path}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seen[k.Value] {
			return nil, errAt(path, k, "key %q appears twice", k.Value)
		}
		seen[k.Value] = true
		var err error
		switch {
		case k.Value == "release" && mainline:
			f.Release, err = parseVersionNode(path, v)
			if err == nil && f.Release.Patch != 0 {
				err = errAt(path, v, "release %q: a mainline release has no patch level", v.Value)
			}
		case k.Value == "date" && mainline:
			f.Date, err = scalar(path, v)
			if err == nil && !datePattern().MatchString(f.Date) {
				err = errAt(path, v, "date %q: want YYYY-MM-DD", f.Date)
			}
		case k.Value == "name" && !mainline:
			f.Name, err = scalar(path, v)
			if err == nil && (f.Name == "" || strings.ContainsAny(f.Name, " ,\t")) {
				err = errAt(path, v, "name %q: want a short name without spaces or commas, such as rhel-8.10", f.Name)
			}
		case k.Value == "base" && !mainline:
			f.BaseLine = v.Line
			f.Base, err = parseVersionNode(path, v)
		case k.Value == "added":
			f.Added, f.Requires, err = parseSection(path, v, false, mainline)
		case k.Value == "removed":
			f.Removed, _, err = parseSection(path, v, true, false)
		case k.Value == "program_helpers" && !mainline:
			f.ProgramHelpers, err = parseProgramHelpers(path, v)
		default:
			err = errAt(path, k, "unknown key %q; a %s spec file has %s", k.Value, map[bool]string{true: "mainline", false: "kernel"}[mainline], topKeys(mainline))
		}
		if err != nil {
			return nil, err
		}
	}
	if mainline && f.Release.IsZero() {
		return nil, &SpecError{path, root.Line, `missing "release"`}
	}
	if !mainline && (f.Name == "" || f.Base.IsZero()) {
		return nil, &SpecError{path, root.Line, `a kernel spec needs "name" and "base"`}
	}
	return f, nil
}

func topKeys(mainline bool) string {
	if mainline {
		return "release, date, added, removed"
	}
	return "name, base, added, removed, program_helpers"
}

func scalar(path string, n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", errAt(path, n, "want a single value")
	}
	return n.Value, nil
}

func parseVersionNode(path string, n *yaml.Node) (Version, error) {
	s, err := scalar(path, n)
	if err != nil {
		return Version{}, err
	}
	v, err := ParseVersion(s)
	if err != nil {
		return Version{}, errAt(path, n, "%v", err)
	}
	return v, nil
}

// parseSection parses an added or removed section: its entries, and the
// requirements a mainline added section may also hold.
func parseSection(path string, n *yaml.Node, removed, requirements bool) (out, reqs []entry, err error) {
	if n.Kind != yaml.MappingNode {
		return nil, nil, errAt(path, n, "want a mapping from kind (%s) to a list of entries", strings.Join(sortedSectionKeys(), ", "))
	}
	items := 0
	for i := 1; i < len(n.Content); i += 2 {
		items += len(n.Content[i].Content)
	}
	out = make([]entry, 0, items)
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kind, ok := sectionKeys[k.Value]
		isReq := k.Value == requirementsKey && requirements
		if !ok && !isReq {
			return nil, nil, errAt(path, k, "unknown kind %q; want one of %s", k.Value, strings.Join(sortedSectionKeys(), ", "))
		}
		if seen[k.Value] {
			return nil, nil, errAt(path, k, "key %q appears twice", k.Value)
		}
		seen[k.Value] = true
		if v.Kind != yaml.SequenceNode {
			return nil, nil, errAt(path, v, "%s: want a list of entries", k.Value)
		}
		for _, item := range v.Content {
			if isReq {
				e, err := parseRequirement(path, item)
				if err != nil {
					return nil, nil, err
				}
				if len(e.Names) == 0 {
					reqs = append(reqs, e)
					continue
				}
				for _, name := range e.Names {
					one := e
					one.Name, one.Names = name, nil
					reqs = append(reqs, one)
				}
				continue
			}
			e, err := parseEntry(path, kind, item, removed)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, e)
		}
	}
	return out, reqs, nil
}

// parseRequirement decodes one entry of a requirements section.
func parseRequirement(path string, n *yaml.Node) (entry, error) {
	e := entry{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return e, errAt(path, n, "requirement: want a mapping with kind, name (or names) and config or runtime")
	}
	allowed := append([]string{"kind", "name", "names", "config", "runtime"}, provenanceKeys...)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !slices.Contains(allowed, k.Value) {
			return e, errAt(path, k, "unknown key %q in a requirement; allowed: %s", k.Value, strings.Join(allowed, ", "))
		}
	}
	if err := decodeEntry(n, &e); err != nil {
		return e, errAt(path, n, "requirement: %v", err)
	}
	e.Line = n.Line
	kind, ok := ParseKind(e.Of)
	if !ok {
		return e, errAt(path, n, "requirement of %s: kind %q is not a kind of feature", e.Name, e.Of)
	}
	e.Kind = kind
	if (e.Name == "") == (len(e.Names) == 0) {
		return e, errAt(path, n, "requirement of %s: give name or names, not both", kind)
	}
	if slices.Contains(e.Names, "") {
		return e, errAt(path, n, "requirement of %s: an empty name in names", kind)
	}
	if len(e.Config) == 0 && e.Runtime == "" {
		return e, errAt(path, n, "requirement of %s %s: give config, runtime or both", kind, e.Name)
	}
	for _, c := range e.Config {
		if !configPattern().MatchString(c) {
			return e, errAt(path, n, "requirement of %s %s: %q is not a kernel config option (CONFIG_...)", kind, e.Name, c)
		}
	}
	return e, checkProvenance(path, n, &e)
}

func sortedSectionKeys() []string {
	keys := make([]string, 0, len(sectionKeys))
	for _, k := range Kinds {
		keys = append(keys, sectionKey(k))
	}
	return keys
}

// parseEntry decodes one entry, rejecting keys its kind does not have:
// yaml.v3's own strict mode is lost once we decode node by node.
func parseEntry(path string, kind Kind, n *yaml.Node, removed bool) (entry, error) {
	e := entry{Kind: kind, Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return e, errAt(path, n, "%s entry: want a mapping with at least name", kind)
	}
	allowed := append([]string{"name"}, provenanceKeys...)
	if removed {
		if kind == AttrField {
			allowed = append(allowed, "commands")
		}
	} else {
		allowed = append(allowed, entryKeys[kind]...)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(allowed, k.Value) {
			what := "a " + kind.String() + " entry"
			if removed {
				what = "a removed " + kind.String() + " entry"
			}
			return e, errAt(path, k, "unknown key %q in %s; allowed: %s", k.Value, what, strings.Join(allowed, ", "))
		}
	}
	if err := decodeEntry(n, &e); err != nil {
		return e, errAt(path, n, "%s entry: %v", kind, err)
	}
	e.Kind, e.Line = kind, n.Line
	return e, checkEntry(path, n, &e)
}

// checkEntry validates what can be checked of an entry on its own.
func checkEntry(path string, n *yaml.Node, e *entry) error {
	if e.Name == "" {
		return errAt(path, n, "%s entry without a name", e.Kind)
	}
	if !namePatterns[e.Kind]().MatchString(e.Name) {
		return errAt(path, n, "%s name %q does not look like one (want %s)", e.Kind, e.Name, namePatterns[e.Kind]())
	}
	if ws, ok := pairKinds[e.Kind]; ok {
		within := e.ProgramTypes
		if e.Kind == MapOperation {
			within = e.MapTypes
		}
		if len(within) == 0 {
			return errAt(path, n, "%s %s: %s is empty", e.Kind, e.Name, sectionKey(ws.within[0]))
		}
		for _, w := range within {
			if !namePatterns[ws.within[0]]().MatchString(w) {
				return errAt(path, n, "%s %s: %q is not a %s name", e.Kind, e.Name, w, ws.within[0])
			}
		}
	}
	if err := checkProvenance(path, n, e); err != nil {
		return err
	}
	if e.Kind == AttrField {
		if !validUnion(e.Union) {
			return errAt(path, n, "attr field %s: union %q is not a path of union=arm steps such as u16=tcx/tcx.u16=relative_fd", e.Name, e.Union)
		}
		if len(e.Commands) == 0 {
			return errAt(path, n, "attr field %s: commands is empty", e.Name)
		}
		for _, c := range e.Commands {
			if !namePatterns[Command]().MatchString(c) {
				return errAt(path, n, "attr field %s: %q is not a command name", e.Name, c)
			}
		}
	}
	return nil
}

// checkProvenance checks that an entry says where its fact comes from.
func checkProvenance(path string, n *yaml.Node, e *entry) error {
	if e.Commit != "" && !commitPattern().MatchString(e.Commit) {
		return errAt(path, n, "%s %s: commit %q is not a commit id (12 to 40 lowercase hex digits)", e.Kind, e.Name, e.Commit)
	}
	if isSyncSubject(e.Subject) {
		return errAt(path, n, "%s %s: subject %q is that of a header sync or tooling change, not of the kernel commit that introduced it; give that commit's subject, or only a source", e.Kind, e.Name, e.Subject)
	}
	if (e.Commit == "") != (e.Subject == "") && e.Source == "" {
		return errAt(path, n, "%s %s: a commit needs both its id and subject (or a source)", e.Kind, e.Name)
	}
	if e.Commit == "" && e.Source == "" {
		return errAt(path, n, "%s %s has no provenance: give commit and subject, or source", e.Kind, e.Name)
	}
	return nil
}

// checkAdded validates what an added entry must carry; user specs may leave
// out what mainline already says (see DB.loadKernel).
func checkAdded(path string, e *entry) error {
	at := &SpecError{File: path, Line: e.Line}
	fail := func(format string, args ...any) error {
		at.Msg = fmt.Sprintf(format, args...)
		return at
	}
	switch {
	case e.Kind.HasValue() && e.Value == nil:
		return fail("%s %s has no value", e.Kind, e.Name)
	case e.Kind == AttrField && e.Offset == nil:
		return fail("attr field %s has no offset", e.Name)
	case e.Kind == AttrField && !slices.Contains([]int{1, 2, 4, 8, 16}, e.Size):
		return fail("attr field %s: size %d is not 1, 2, 4, 8 or 16", e.Name, e.Size)
	case e.Kind == AttrField && (*e.Offset < 0 || e.Size <= 8 && *e.Offset%e.Size != 0): // 16 bytes are char arrays
		return fail("attr field %s: offset %d is not aligned to its size %d", e.Name, *e.Offset, e.Size)
	case e.Kind == Flag && len(e.Fields) == 0:
		return fail("flag %s: fields is empty (say which attr fields or helpers take it)", e.Name)
	case e.Kind == Capability && e.Description == "":
		return fail("capability %s has no description", e.Name)
	}
	return nil
}

// SectionKind is the kind whose entries a spec file lists under section
// ("map_types", "attr_fields", ...).
func SectionKind(section string) (Kind, bool) {
	k, ok := sectionKeys[section]
	return k, ok
}
