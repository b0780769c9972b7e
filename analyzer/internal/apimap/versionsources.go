package apimap

import (
	"fmt"
	"slices"
	"strings"
)

// Where the running kernel's version can be read: uname(2), through the
// functions that fill a Utsname, and the files that hold the release,
// through the functions that read a file. A project's kernel-version
// helper reads one of them; a package that reads none has no helper.
// The standard functions that parse the release into numbers are listed
// with them. They are Go's and Linux's semantics, kept in a file without
// module.

type apiUname struct {
	Func  string `yaml:"func"`  // fills its argument, a Type, with uname(2)'s answer
	Type  string `yaml:"type"`  // the struct it fills
	Field string `yaml:"field"` // the field that holds the release
	Note  string `yaml:"note"`
}

type apiTextFunction struct {
	Func string `yaml:"func"`
	Does string `yaml:"does"` // a TextOp
	Note string `yaml:"note"`
}

// A TextOp is what a standard function does to text: the version
// evaluator computes it on known text ("5.8" parses to 5 and 8) and
// follows the kernel's release through it (trimmed, it is the release
// still; split at ".", its numbers).
type TextOp string

const (
	TrimSpace  TextOp = "trim_space"  // f(s)
	Trim       TextOp = "trim"        // f(s, cutset)
	TrimLeft   TextOp = "trim_left"   // f(s, cutset)
	TrimRight  TextOp = "trim_right"  // f(s, cutset)
	TrimPrefix TextOp = "trim_prefix" // f(s, prefix)
	TrimSuffix TextOp = "trim_suffix" // f(s, suffix)
	UpToNUL    TextOp = "up_to_nul"   // f(b): the text before the first NUL
	Split      TextOp = "split"       // f(s, sep) []string
	SplitN     TextOp = "split_n"     // f(s, sep, n) []string
	Fields     TextOp = "fields"      // f(s) []string, at white space
	Cut        TextOp = "cut"         // f(s, sep) (before, after, found)
	ParseInt   TextOp = "parse_int"   // f(s, ...) (n, err): a decimal number
	Scan       TextOp = "scan"        // f(s, format, &a, &b, ...): fmt.Sscanf
)

// TextOps are the operations a text_functions entry may name.
var TextOps = []TextOp{TrimSpace, Trim, TrimLeft, TrimRight, TrimPrefix, TrimSuffix, UpToNUL, Split, SplitN, Fields, Cut, ParseInt, Scan}

type apiReleaseFile struct {
	Path  string `yaml:"path"`
	Holds string `yaml:"holds"` // release, or banner
	Note  string `yaml:"note"`
}

// ReleaseText is what a release file holds.
type ReleaseText uint8

const (
	Release ReleaseText = iota + 1 // the release alone: "5.15.0-91-generic"
	Banner                         // "Linux version 5.15.0-91-generic (...) ..."
)

var releaseTexts = map[string]ReleaseText{"release": Release, "banner": Banner}

// VersionSources says where the running kernel's version comes from.
type VersionSources struct {
	// Uname maps a function that fills a struct with uname(2)'s answer
	// ("golang.org/x/sys/unix.Uname") to that struct's type.
	Uname map[string]string
	// UnameRelease maps such a struct's type ("golang.org/x/sys/unix.Utsname")
	// to the field that holds the release.
	UnameRelease map[string]string
	// FileReaders are the functions whose argument 0 is a file's path and
	// whose first result is its content (os.ReadFile).
	FileReaders map[string]bool
	// ReleaseFiles maps a file's path to what it holds of the release.
	ReleaseFiles map[string]ReleaseText
	// Text maps a standard function to what it does to text, which the
	// evaluator follows from the release to the numbers compared.
	Text map[string]TextOp
	// Packages are the packages of Uname and FileReaders: a package that
	// imports none of them reads no version by itself.
	Packages map[string]bool
}

func newVersionSources() *VersionSources {
	return &VersionSources{Uname: map[string]string{}, UnameRelease: map[string]string{}, FileReaders: map[string]bool{}, ReleaseFiles: map[string]ReleaseText{}, Text: map[string]TextOp{}, Packages: map[string]bool{}}
}

// add validates f's version sources and merges them.
func (vs *VersionSources) add(f *file) error {
	for _, u := range f.UnameFunctions {
		fnPkg, okFn := SymbolPackage(u.Func)
		_, okType := SymbolPackage(u.Type)
		if !okFn || !okType || strings.HasPrefix(u.Func, "(") || u.Field == "" || strings.ContainsAny(u.Field, ". ") {
			return fmt.Errorf("uname_functions %q: want a qualified Go function, the qualified type it fills and the field of that type that holds the release", u.Func)
		}
		if _, dup := vs.Uname[u.Func]; dup {
			return fmt.Errorf("uname_functions: %s is listed twice", u.Func)
		}
		vs.Uname[u.Func] = u.Type
		vs.UnameRelease[u.Type] = u.Field
		vs.Packages[fnPkg] = true
	}
	for _, fn := range f.FileReaders {
		pkg, ok := SymbolPackage(fn)
		if !ok {
			return fmt.Errorf("file_readers: %q is not a qualified Go function", fn)
		}
		vs.FileReaders[fn] = true
		vs.Packages[pkg] = true
	}
	for _, tf := range f.TextFunctions {
		if _, ok := SymbolPackage(tf.Func); !ok || !slices.Contains(TextOps, TextOp(tf.Does)) {
			return fmt.Errorf("text_functions %q: want a qualified Go function and what it does, one of %v (not %q)", tf.Func, TextOps, tf.Does)
		}
		if vs.Text[tf.Func] != "" {
			return fmt.Errorf("text_functions: %s is listed twice", tf.Func)
		}
		vs.Text[tf.Func] = TextOp(tf.Does)
	}
	for _, rf := range f.ReleaseFiles {
		text, ok := releaseTexts[rf.Holds]
		if !strings.HasPrefix(rf.Path, "/") || !ok {
			return fmt.Errorf("release_files %q: want an absolute path and what it holds, release or banner (not %q)", rf.Path, rf.Holds)
		}
		if vs.ReleaseFiles[rf.Path] != 0 {
			return fmt.Errorf("release_files: %s is listed twice", rf.Path)
		}
		vs.ReleaseFiles[rf.Path] = text
	}
	return nil
}
