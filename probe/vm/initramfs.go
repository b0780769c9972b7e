package vm

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
)

// File is one regular file of an initramfs.
type File struct {
	Path string // inside the image, without a leading slash: "init", "bin/prog"
	Data []byte
	Mode uint32 // permission bits; 0 means 0o755
}

// Initramfs returns a gzip-compressed cpio archive ("newc", the format the
// kernel unpacks) holding the files and the directories above them, plus
// the mount points the guest uses.
func Initramfs(files []File) ([]byte, error) {
	dirs := map[string]bool{"dev": true, "proc": true, "sys": true, "tmp": true}
	for _, f := range files {
		if f.Path == "" || strings.HasPrefix(f.Path, "/") || path.Clean(f.Path) != f.Path {
			return nil, fmt.Errorf("initramfs: bad path %q", f.Path)
		}
		for d := path.Dir(f.Path); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	w := &cpioWriter{w: zw}
	names := make([]string, 0, len(dirs))
	for d := range dirs {
		names = append(names, d)
	}
	slices.Sort(names) // parents before children
	for _, d := range names {
		w.entry(d, 0o040755, nil)
	}
	for _, f := range files {
		mode := f.Mode
		if mode == 0 {
			mode = 0o755
		}
		w.entry(f.Path, 0o100000|mode, f.Data)
	}
	w.entry("TRAILER!!!", 0, nil)
	if w.err != nil {
		return nil, w.err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type cpioWriter struct {
	w   io.Writer
	ino int
	n   int64
	err error
}

// entry writes one "070701" header, the NUL-terminated name and the data,
// each padded to four bytes.
func (c *cpioWriter) entry(name string, mode uint32, data []byte) {
	if c.err != nil {
		return
	}
	c.ino++
	nlink := 1
	if mode&0o040000 != 0 {
		nlink = 2
	}
	hdr := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		c.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name)+1, 0)
	c.write([]byte(hdr))
	c.write(append([]byte(name), 0))
	c.pad()
	c.write(data)
	c.pad()
}

func (c *cpioWriter) write(b []byte) {
	if c.err != nil {
		return
	}
	n, err := c.w.Write(b)
	c.n += int64(n)
	c.err = err
}

func (c *cpioWriter) pad() {
	if r := c.n % 4; r != 0 {
		c.write(make([]byte, 4-r))
	}
}
