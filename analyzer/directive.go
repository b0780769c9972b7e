package analyzer

import (
	"go/ast"
	"slices"
	"strings"
	"unicode"

	"github.com/bpfcompat/bpfcompat/internal/suggest"
	"github.com/bpfcompat/bpfcompat/kernelspec"
)

const directivePrefix = "//bpfcompat:"

// directiveVerbs are the directives there are (README, "Guards"). Any
// other //bpfcompat: comment is reported: a misspelt directive would
// otherwise do nothing, silently.
var directiveVerbs = []string{"checks", "ignore", "kernel", "requires"}

// fileFloor reads //bpfcompat:kernel X, which must come before the package
// clause: the file only runs on X or newer (a build tag, an object variant
// chosen at run time). A malformed or misplaced one is reported, never
// silently ignored; so is a directive no one knows.
func (c *checker) fileFloor(f *ast.File) kernelspec.Version {
	var floor kernelspec.Version
	for _, g := range f.Comments {
		for _, cm := range g.List {
			verb, arg, ok := parseDirective(cm.Text)
			if ok && !slices.Contains(directiveVerbs, verb) {
				c.pass.ReportRangef(cm, "unknown directive //bpfcompat:%s%s (the directives are %s)", verb, suggest.DidYouMean(verb, directiveVerbs), strings.Join(directiveVerbs, ", "))
				continue
			}
			if !ok || verb != "kernel" {
				continue
			}
			if cm.Pos() > f.Package {
				c.pass.ReportRangef(cm, "//bpfcompat:kernel must come before the package clause; here it has no effect")
				continue
			}
			v, err := kernelspec.ParseVersion(arg)
			if err == nil {
				err = c.db.CheckRelease(v)
			}
			if err != nil {
				c.pass.ReportRangef(cm, "bad //bpfcompat:kernel directive: %v", err)
				continue
			}
			floor = maxVersion(floor, v.Release())
		}
	}
	return floor
}

// parseDirective splits "//bpfcompat:verb args" into verb and args: the
// verb ends at the first blank (a space or a tab, as gofmt may leave), and
// a comment after the args ("// want ...") is not part of them.
func parseDirective(text string) (verb, arg string, ok bool) {
	rest, ok := strings.CutPrefix(text, directivePrefix)
	if !ok {
		return "", "", false
	}
	verb, arg = rest, ""
	if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
		verb, arg = rest[:i], rest[i:]
	}
	if before, _, found := strings.Cut(arg, "//"); found {
		arg = before // a comment after the directive is not part of it
	}
	return verb, strings.TrimSpace(arg), true
}

func maxVersion(a, b kernelspec.Version) kernelspec.Version {
	if a.Less(b) {
		return b
	}
	return a
}
