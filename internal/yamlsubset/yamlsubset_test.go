package yamlsubset

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// sameTree reports where a differs from b, comments aside.
func sameTree(a, b *yaml.Node, at string) error {
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		a.Line != b.Line || a.Column != b.Column || len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: got kind %v style %v tag %q value %q at %d:%d with %d children; yaml.v3: kind %v style %v tag %q value %q at %d:%d with %d children",
			at, a.Kind, a.Style, a.Tag, a.Value, a.Line, a.Column, len(a.Content), b.Kind, b.Style, b.Tag, b.Value, b.Line, b.Column, len(b.Content))
	}
	for i := range a.Content {
		if err := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", at, i)); err != nil {
			return err
		}
	}
	return nil
}

// checkSubset parses data both ways: where the subset reader accepts it,
// yaml.v3 must build the same tree. r is the reader to use, nil for Parse.
func checkSubset(r *Reader, data []byte) (accepted bool, err error) {
	parse := Parse
	if r != nil {
		parse = r.Parse
	}
	got, ok := parse(data)
	if !ok {
		return false, nil
	}
	var want yaml.Node
	if err := yaml.Unmarshal(data, &want); err != nil {
		return true, fmt.Errorf("the subset reader accepts what yaml.v3 rejects (%v)", err)
	}
	return true, sameTree(got, &want, "")
}

// TestMatchesYAMLv3 holds the subset reader to yaml.v3 on every YAML file
// of the repository's specs, and requires it to read them all: one it
// declines loads at yaml.v3's speed. The files are read by one Reader, as
// kernelspec's Load does, so that a tree left from the file before would
// show.
func TestMatchesYAMLv3(t *testing.T) {
	root := filepath.Join("..", "..", "specs")
	n := 0
	shared := new(Reader)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		accepted, err := checkSubset(shared, data)
		if err != nil {
			t.Errorf("%s: %v", path, err)
		}
		if !accepted {
			t.Errorf("%s: the subset reader declines it, so it loads slowly; keep spec files to block style with one-line scalars", path)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 60 {
		t.Fatalf("only %d spec files under %s", n, root)
	}
}

// subsetCases are inputs at the edges of the subset: each is either read
// as yaml.v3 reads it or declined.
var subsetCases = []string{
	"a: 1\nb: '2'\nc: \"3\"\n",
	"a:\n  - x\n  - 'y'\n  - [p, q]\n",
	"a:\n- x\n",
	"a: b: c\n",
	"a: b #c\nd: e#f\n",
	"a: 'it''s'\n",
	"a: \"x\\\"y\\\\z\\n\"\n",
	"a: \"x\\u00e9\"\n",
	"a: 'multi\n  line'\n",
	"a: plain\n  continued\n",
	"a:\n",
	"a: ~\nb: null\nc: true\nd: False\ne: 0x1f\nf: 010\ng: 1_000\nh: 1.5\ni: 2020-08-02\nj: .inf\nk: -3\nl: 0b11\nm: +7\n",
	"a: [1, 2.5, x y, 'q', \"r\"]\n",
	"a: ~\nb: null\nc: true\nd: False\ne: 0x1f\nf: 010\ng: 1_000\nk: -3\nm: +7\nn: 12ab\no: -x\np: 2020-08\n",
	"a: [1, x y, 'q', \"r\", -2, []]\nb: {}\n",
	"a: {name: X, since: \"6.1.2\", n: 3}\n",
	"a: {name: X, since: [1, 2]}\n",
	"a: [x, ]\n",
	"a: [x,\n  y]\n",
	"- a: 1\n  b: 2\n- c: 3\n",
	"- - a\n",
	"-\n  a: 1\n",
	"a: &x 1\nb: *x\n",
	"a: !!str 1\n",
	"a: |\n  text\n",
	"a: >\n  text\n",
	"---\na: 1\n",
	"a: 1\n---\nb: 2\n",
	"# only a comment\n",
	"",
	"a:\tb\n",
	"a: b\r\n",
	"  a: 1\n",
	"a:\n    b: 1\n   c: 2\n",
	"a:\n  b: 1\n c: 2\n",
	"a: x\n  # indented comment\nb: y\n",
	"a: é\nb: 'ü': 1\n",
	"'a': 1\n\"b\": 2\n'c':\n  - d\n\"e\":x\n",
	"'a': 1\n\"b\": 2\n'c':\n  - d\n",
	"\"a\" : 1\n",
	"\"a\\tb\": 1\n",
	"a : 1\n",
	"? a\n: 1\n",
	"a: -\n",
	"a: - b\n",
	"a: :b\n",
	"a: x:y\n",
	"a: http://x/y#z\n",
	"a: b # c: d\n",
	"a: [a: b]\n",
	"a: {b: c}x\n",
	"a: 'x' y\n",
	"a: 'x'# y\n",
	"a: 'x' # y\n",
	"a: x\nb:\n  c: d\n  e:\n    - f\n    - g: h\n      i: j\n",
	"release: \"5.8\"\nadded:\n  commands:\n    - name: BPF_X\n      value: 30\n      subject: 'bpf: Add x'\n",
}

func TestEdges(t *testing.T) {
	for _, in := range subsetCases {
		if _, err := checkSubset(nil, []byte(in)); err != nil {
			t.Errorf("%q: %v", in, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, in := range subsetCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := checkSubset(nil, data); err != nil {
			t.Errorf("%q: %v", data, err)
		}
	})
}
