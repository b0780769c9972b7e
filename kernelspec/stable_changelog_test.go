package kernelspec

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Debian's kernel changelog lists, under each upstream stable update it
// took ("https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.12.31"),
// the subject of every patch in that stable release. That makes it a
// tag-exact record of what a stable series backported and when: a mainline
// feature whose introducing commit's subject appears there was backported
// in that version.

// stableUpdate matches the line naming an upstream stable update.
var stableUpdate = regexp.MustCompile(`ChangeLog-(\d+\.\d+\.\d+)\s*$`)

// stableChangelog is one parsed changelog: for each patch subject, the
// first stable version that lists it, and the versions the changelog covers.
type stableChangelog struct {
	file     string
	series   Version
	first    map[string]Version
	reverted map[string]Version // subject → first version listing `Revert "subject"`
	newest   Version
}

// parseStableChangelog reads a Debian kernel changelog (plain or gzip).
// Patch lines are "    - subject", continued on lines indented further;
// an architecture tag ("[arm64] ") is not part of the subject. Only the
// lines under an upstream stable update count: Debian's own changes are not
// stable versions.
func parseStableChangelog(file string, r io.Reader) (*stableChangelog, error) {
	c := &stableChangelog{file: file, first: map[string]Version{}, reverted: map[string]Version{}}
	var (
		cur     Version // the stable update the lines belong to, zero outside one
		subject strings.Builder
	)
	flush := func() {
		if subject.Len() == 0 {
			return
		}
		s := strings.TrimSpace(subject.String())
		subject.Reset()
		if i := strings.Index(s, "] "); strings.HasPrefix(s, "[") && i > 0 {
			s = s[i+2:]
		}
		record := c.first
		if inner, ok := strings.CutPrefix(s, `Revert "`); ok && strings.HasSuffix(inner, `"`) {
			s, record = strings.TrimSuffix(inner, `"`), c.reverted
		}
		if old, ok := record[s]; !ok || cur.Less(old) {
			record[s] = cur
		}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 0; sc.Scan(); line++ {
		text := sc.Text()
		switch {
		case stableUpdate.MatchString(text):
			flush()
			v, err := ParseVersion(stableUpdate.FindStringSubmatch(text)[1])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", file, line+1, err)
			}
			if c.series.IsZero() {
				c.series = v.Release() // the newest upload comes first
			}
			if v.Release() != c.series {
				cur = Version{} // the package's history before this series
				continue
			}
			cur = v
			if c.newest.Less(v) {
				c.newest = v
			}
		case strings.HasPrefix(text, "linux"), strings.HasPrefix(text, " -- "),
			strings.HasPrefix(text, "  * "), strings.HasPrefix(text, "  [ "):
			flush()
			cur = Version{} // a new upload, its trailer, or an entry of Debian's own
		case cur.IsZero():
		case strings.HasPrefix(text, "    - "):
			flush()
			subject.WriteString(text[6:])
		case strings.HasPrefix(text, "      ") && subject.Len() > 0:
			subject.WriteString(" " + strings.TrimSpace(text))
		default:
			flush()
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if c.series.IsZero() {
		return nil, fmt.Errorf("%s: no upstream stable update in it: not a Debian kernel changelog", file)
	}
	return c, nil
}

// TestStableBackportsAgainstChangelogs checks specs/stable against Debian's
// kernel changelogs: those of the kernels scripts/kernel-matrix.sh fetched
// ($BPFCOMPAT_KERNELS/<target>/usr/share/doc/*/changelog*.gz), or the files
// in $BPFCOMPAT_CHANGELOG_DIR (changelog.gz from a linux-image package, or
// changelog.Debian.gz from linux-libc-dev, named anything): every mainline feature whose commit subject a series'
// changelog lists is a backport of that series from exactly that version,
// and every backport of the series is listed where its since says.
func TestStableBackportsAgainstChangelogs(t *testing.T) {
	var files []string
	switch kernels, dir := os.Getenv("BPFCOMPAT_KERNELS"), os.Getenv("BPFCOMPAT_CHANGELOG_DIR"); {
	case kernels != "":
		files, _ = filepath.Glob(filepath.Join(kernels, "*", "usr", "share", "doc", "*", "changelog*.gz"))
		if len(files) == 0 {
			t.Fatalf("no usr/share/doc/*/changelog*.gz under the kernels of %s: scripts/kernel-matrix.sh fetch unpacks them", kernels)
		}
	case dir != "":
		files, _ = filepath.Glob(filepath.Join(dir, "*"))
		if len(files) == 0 {
			t.Fatalf("no changelogs in %s", dir)
		}
	default:
		t.Skip("neither BPFCOMPAT_KERNELS nor BPFCOMPAT_CHANGELOG_DIR is set: no Debian kernel changelogs to compare with (scripts/kernel-matrix.sh sets the first)")
	}
	db, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(filepath.Base(filepath.Dir(file)), func(t *testing.T) {
			c, err := readStableChangelog(file)
			if err != nil {
				t.Fatal(err)
			}
			checkBackports(t, db, c)
		})
	}
}

func readStableChangelog(file string) (*stableChangelog, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(file, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", file, err)
		}
		defer z.Close()
		r = z
	}
	return parseStableChangelog(file, r)
}

// checkBackports compares one series' changelog with the data.
func checkBackports(t *testing.T, db *DB, c *stableChangelog) {
	t.Helper()
	since := map[*Feature]Version{}
	for _, bp := range db.stable[c.series] {
		since[bp.feature] = bp.since
	}
	listed := 0
	for _, f := range db.ordered {
		subject := f.Introduced().Subject
		if subject == "" || f.InRelease(c.series) {
			continue
		}
		v, ok := c.first[subject]
		if !ok {
			if s, ok := since[f]; ok && !c.newest.Less(s) {
				t.Errorf("%s: backport of %s since %s (%s), but the changelog up to %s never lists %q",
					c.file, f, s, f.Introduced().Position(), c.newest, subject)
			}
			continue
		}
		listed++
		switch s, ok := since[f]; {
		case !ok:
			t.Errorf("%s: %s.y took %s in %s (%q); specs/stable/%s.yaml lacks it", c.file, c.series, f, v, subject, c.series)
		case s != v:
			t.Errorf("%s: %s.y took %s in %s (%q); specs/stable/%s.yaml says since %s", c.file, c.series, f, v, subject, c.series, s)
		}
		if r, ok := c.reverted[subject]; ok {
			t.Errorf("%s: %s.y reverted %s in %s; the data cannot say a backport went away", c.file, c.series, f, r)
		}
	}
	t.Logf("%s: %s.y up to %s, %d backported features listed", c.file, c.series, c.newest, listed)
}

// TestParseStableChangelog pins the parser on the shapes Debian writes:
// two stable updates in one upload, wrapped subjects, architecture tags,
// reverts and Debian's own changes outside any stable update.
func TestParseStableChangelog(t *testing.T) {
	const text = `linux (6.12.32-1) unstable; urgency=medium

  * New upstream stable update:
    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.12.31
    - bpf: Allow pre-ordering for bpf cgroup progs
    - [arm64] dts: a long subject that Debian
      wraps onto a second line
    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.12.32
    - Revert "bpf: Something that went wrong"

  [ Debian maintainer ]
  * bpf: a Debian change that is no stable update
    - bpf: a sub-item of Debian's own change

 -- Someone <someone@debian.org>  Sun, 08 Jun 2025 12:00:00 +0200

linux (6.12.30-1) unstable; urgency=medium

  * New upstream stable update:
    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.12.30
    - bpf: Something that went wrong
    - bpf: Allow pre-ordering for bpf cgroup progs

linux (6.11.6-1) unstable; urgency=medium

  * New upstream stable update:
    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.11.6
    - bpf: a fix of the series before
`
	c, err := parseStableChangelog("changelog", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"bpf: Allow pre-ordering for bpf cgroup progs":             "6.12.30", // the first version that lists it
		"dts: a long subject that Debian wraps onto a second line": "6.12.31",
		"bpf: Something that went wrong":                           "6.12.30",
	}
	for s, v := range want {
		if got := c.first[s]; got != MustParseVersion(v) {
			t.Errorf("first[%q] = %v, want %s", s, got, v)
		}
	}
	if len(c.first) != len(want) {
		t.Errorf("subjects = %v, want only %v", c.first, want)
	}
	if got := c.reverted["bpf: Something that went wrong"]; got != MustParseVersion("6.12.32") {
		t.Errorf("reverted = %v, want 6.12.32", got)
	}
	if c.series != MustParseVersion("6.12") || c.newest != MustParseVersion("6.12.32") {
		t.Errorf("series %v newest %v, want 6.12 and 6.12.32", c.series, c.newest)
	}
	if _, err := parseStableChangelog("x", strings.NewReader("linux (1.0) unstable\n  * nothing\n")); err == nil || !strings.Contains(err.Error(), "not a Debian kernel changelog") {
		t.Errorf("a changelog without stable updates: err = %v", err)
	}
}
