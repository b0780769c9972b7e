package vm

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
	"time"
)

// What the guest writes comes back whole, though the tty may add \r and
// the kernel may print between the frames.
func TestFrames(t *testing.T) {
	var buf bytes.Buffer
	writeFrame(&buf, "boot", []byte("9.53 0.00\n"), 0, 0)
	writeFrame(&buf, "probe"+stderrSuffix, []byte("warning\n"), 3, 1500*time.Millisecond)
	buf.WriteString("[   12.000000] random: crng init done\n")
	spec := strings.Repeat("name: debian-12\n", 20)
	writeFrame(&buf, "probe", []byte(spec), 3, 1500*time.Millisecond)
	data := bytes.ReplaceAll(buf.Bytes(), []byte("\n"), []byte("\r\n"))
	outs, err := parseFrames(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 2 || outs[0].Name != "boot" || outs[1].Name != "probe" {
		t.Fatalf("outputs: %+v", outs)
	}
	p := outs[1]
	if string(p.Data) != spec || string(p.Stderr) != "warning\n" || p.Exit != 3 || p.Duration != 1500*time.Millisecond {
		t.Errorf("probe output: %+v", p)
	}
}

func TestInitramfs(t *testing.T) {
	img, err := Initramfs([]File{{Path: "bin/prog", Data: []byte("abc")}, {Path: "init", Data: []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	var names []string
	for len(raw) >= 110 {
		if string(raw[:6]) != "070701" {
			t.Fatalf("bad magic %q", raw[:6])
		}
		size := hex(t, raw[54:62])
		nameSize := hex(t, raw[94:102])
		name := string(raw[110 : 110+nameSize-1])
		names = append(names, name)
		off := align4(110 + nameSize)
		raw = raw[align4(off+size):]
		if name == "TRAILER!!!" {
			break
		}
	}
	want := "bin dev proc sys tmp bin/prog init TRAILER!!!"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("entries %q, want %q", got, want)
	}
	if _, err := Initramfs([]File{{Path: "/abs"}}); err == nil {
		t.Error("an absolute path was accepted")
	}
}

func hex(t *testing.T, b []byte) int {
	var n int
	for _, c := range b {
		n <<= 4
		switch {
		case c >= '0' && c <= '9':
			n += int(c - '0')
		case c >= 'A' && c <= 'F':
			n += int(c-'A') + 10
		default:
			t.Fatalf("bad hex %q", b)
		}
	}
	return n
}

func align4(n int) int { return (n + 3) &^ 3 }

func TestCheckStatic(t *testing.T) {
	if err := CheckStatic([]byte("#!/bin/sh\n")); err == nil {
		t.Error("a script passed as a static ELF program")
	}
}
