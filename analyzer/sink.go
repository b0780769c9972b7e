package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// sink is where the package's findings go: one diagnostic per use,
// none where a //bpfcompat:ignore directive covers the line, and, when
// the walk is done, the directives that suppressed nothing. It knows the
// floor each file's //bpfcompat:kernel directive sets, and so which
// targets a position runs on. The report paths (a use, attr bytes past
// every field, a callee's requirement, an obsolete probe) decide what is
// missing and hand it here; none reports on its own, and none keeps a
// current file.
type sink struct {
	pass     *analysis.Pass
	reported map[token.Pos]bool
	parts    map[sinkPart]bool               // of grouped uses, by position and part
	ignores  map[*token.File]map[int]*ignore // by file, by the line they cover
	floors   map[*token.File]kernelspec.Version
	// dry is set while the summaries' walk runs the report paths to
	// learn what the package requires of its callers: uses are marked
	// done, nothing is reported.
	dry bool
}

// sinkPart is one finding of a use that groups several: each feature an
// object needs, at the Go expression that loads it.
type sinkPart struct {
	pos  token.Pos
	part string
}

func newSink(pass *analysis.Pass) *sink {
	return &sink{pass: pass, reported: map[token.Pos]bool{}, parts: map[sinkPart]bool{}, ignores: map[*token.File]map[int]*ignore{}, floors: map[*token.File]kernelspec.Version{}}
}

// done reports whether the use at pos was already reported (or
// suppressed): it gets one diagnostic.
func (s *sink) done(pos token.Pos) bool { return s.reported[pos] }

// emit reports d unless its use was reported already or a directive
// suppresses it; either way the use is done.
func (s *sink) emit(c *checker, d analysis.Diagnostic) {
	if s.reported[d.Pos] {
		return
	}
	s.reported[d.Pos] = true
	if s.dry || c.ignored(d.Pos) {
		return
	}
	s.pass.Report(d)
}

// setDry switches between the summaries' walk and the reporting walk;
// each starts with no use done.
func (s *sink) setDry(dry bool) {
	s.dry = dry
	clear(s.reported)
	clear(s.parts)
}

// readFloors reads the //bpfcompat:kernel directive of each file, once:
// a malformed one is reported then.
func (c *checker) readFloors(files []*ast.File) {
	for _, f := range files {
		c.sink.floors[c.pass.Fset.File(f.Package)] = c.fileFloor(f)
	}
}

// floorAt is the release the file holding pos raises the targets to.
func (c *checker) floorAt(pos token.Pos) kernelspec.Version {
	return c.sink.floors[c.pass.Fset.File(pos)]
}

// targetsAt is the targets the code at pos runs on.
func (c *checker) targetsAt(pos token.Pos) []*kernelspec.Kernel {
	return c.effectiveTargets(c.floorAt(pos))
}

// emitPart is emit for one part of a grouped use: each part is reported
// once, and a directive on the use's line suppresses them all.
func (s *sink) emitPart(c *checker, part string, d analysis.Diagnostic) {
	key := sinkPart{d.Pos, part}
	if s.parts[key] {
		return
	}
	s.parts[key] = true
	if s.dry || c.ignored(d.Pos) {
		return
	}
	s.pass.Report(d)
}

// ignored reports whether a directive suppresses diagnostics at pos, and
// marks it used.
func (c *checker) ignored(pos token.Pos) bool {
	tf := c.pass.Fset.File(pos)
	if tf == nil {
		return false
	}
	byLine, ok := c.sink.ignores[tf]
	if !ok {
		if f := c.fileOf(pos); f != nil {
			byLine = c.collectIgnores(f)
		}
		c.sink.ignores[tf] = byLine
	}
	ig := byLine[tf.Line(pos)]
	if ig == nil {
		return false
	}
	ig.used = true
	return true
}

// finish reports, for each file walked, the ignore directives without a
// reason and those that suppressed nothing.
func (c *checker) finish(walked []*ast.File) {
	for _, f := range walked {
		c.ignored(f.Package) // collects the file's directives
		c.reportIgnores(c.sink.ignores[c.pass.Fset.File(f.Package)])
	}
}

// requiresMessage says what a use needs and which targets lack it: "X
// requires Linux V, but the target is T", or the list of targets missing
// it when there are several, and how the use was reached.
func requiresMessage(what string, since kernelspec.Version, missing []string, several bool, via string) string {
	msg := fmt.Sprintf("%s requires Linux %s, but the target is %s", what, since, missing[0])
	if several {
		msg = fmt.Sprintf("%s requires Linux %s; missing on %s", what, since, strings.Join(missing, ", "))
	}
	if via != "" {
		msg += " (via " + via + ")"
	}
	return msg
}
