package analyzer

import (
	"bytes"
	"go/ast"
	"go/token"
)

// ignore is one //bpfcompat:ignore directive: it suppresses the
// diagnostics of the line it ends, or of the next line when it stands
// alone. A reason is required, and one that suppresses nothing is
// reported, so suppressions cannot outlive the code they were written for.
type ignore struct {
	comment *ast.Comment
	reason  string
	used    bool
}

// collectIgnores indexes the file's ignore directives by the line they cover.
func (c *checker) collectIgnores(f *ast.File) map[int]*ignore {
	var src []byte
	out := map[int]*ignore{}
	for _, g := range f.Comments {
		for _, cm := range g.List {
			verb, arg, ok := parseDirective(cm.Text)
			if !ok || verb != "ignore" {
				continue
			}
			if src == nil {
				name := c.pass.Fset.File(f.Pos()).Name()
				src, _ = c.pass.ReadFile(name)
			}
			pos := c.pass.Fset.Position(cm.Pos())
			line := pos.Line
			if standsAlone(src, pos) {
				line++
			}
			out[line] = &ignore{comment: cm, reason: arg}
		}
	}
	return out
}

// standsAlone reports whether only blanks precede pos on its line.
func standsAlone(src []byte, pos token.Position) bool {
	if pos.Offset > len(src) {
		return true
	}
	start := bytes.LastIndexByte(src[:pos.Offset], '\n') + 1
	return len(bytes.TrimSpace(src[start:pos.Offset])) == 0
}

// reportIgnores reports directives without a reason and ones that
// suppressed nothing.
func (c *checker) reportIgnores(ignores map[int]*ignore) {
	for _, ig := range ignores {
		switch {
		case ig.reason == "":
			c.pass.ReportRangef(ig.comment, "//bpfcompat:ignore needs a reason: say why the feature is safe here")
		case !ig.used:
			c.pass.ReportRangef(ig.comment, "this //bpfcompat:ignore suppresses nothing; remove it")
		}
	}
}
