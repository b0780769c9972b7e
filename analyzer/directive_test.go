package analyzer

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzParseDirective holds parseDirective to its contract: a comment is a
// directive exactly when it starts with the prefix; the verb is the word
// right after it and holds no blank; the argument is trimmed, holds no
// trailing comment, and is found in the text after the verb; and
// formatting what was parsed parses back to the same verb and argument.
func FuzzParseDirective(f *testing.F) {
	for _, s := range []string{
		"//bpfcompat:kernel 5.10", "//bpfcompat:ignore reason // want x", "//bpfcompat:",
		"// bpfcompat:kernel", "//bpfcompat:checks arg0 false", "//bpfcompat:requires\t5.8",
		"//bpfcompat:ignore\u00a0nbsp", "//bpfcompat:kernel//x", "//bpfcompat: 5.8",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		verb, arg, ok := parseDirective(text)
		if ok != strings.HasPrefix(text, directivePrefix) {
			t.Fatalf("%q: directive %v", text, ok)
		}
		if !ok {
			if verb != "" || arg != "" {
				t.Fatalf("not a directive, but verb %q arg %q", verb, arg)
			}
			return
		}
		if !strings.HasPrefix(text, directivePrefix+verb) || strings.ContainsFunc(verb, unicode.IsSpace) {
			t.Fatalf("%q: verb %q is not the word after the prefix", text, verb)
		}
		if arg != strings.TrimSpace(arg) || strings.Contains(arg, "//") {
			t.Fatalf("%q: argument %q is not trimmed of blanks and comments", text, arg)
		}
		if !strings.Contains(text[len(directivePrefix+verb):], arg) {
			t.Fatalf("%q: argument %q is not in the text after the verb", text, arg)
		}
		formatted := directivePrefix + verb
		if arg != "" {
			formatted += " " + arg
		}
		v2, a2, ok2 := parseDirective(formatted)
		if !ok2 || v2 != verb || a2 != arg {
			t.Fatalf("%q parsed to (%q, %q); formatted %q parses to (%q, %q, %v)", text, verb, arg, formatted, v2, a2, ok2)
		}
	})
}
