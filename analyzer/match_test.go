package analyzer

import (
	"fmt"
	"testing"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// FuzzMatchAttrField holds the attr matcher to its contract on random
// kernel layouts and random Go fields: what it picks overlaps the Go
// field, and it picks nothing only when nothing overlaps.
func FuzzMatchAttrField(f *testing.F) {
	f.Add([]byte{0, 4, 4, 4, 8, 8, 16, 16}, int64(4), int64(4), "KeySize")
	f.Add([]byte{0, 8, 8, 8}, int64(100), int64(8), "Pad")
	f.Add([]byte{}, int64(0), int64(1), "")
	f.Add([]byte{24, 4, 24, 0x84}, int64(24), int64(4), "key")
	f.Fuzz(func(t *testing.T, layout []byte, off, size int64, goName string) {
		if off < 0 || size <= 0 || off > 1<<20 || size > 1<<20 {
			return
		}
		var fields []*kernelspec.Feature
		names := []string{"map_type", "key_size", "value_size", "flags", "map_fd", "key", "KeySize", ""}
		for i := 0; i+1 < len(layout); i += 2 {
			fsize := int(layout[i+1]%16) + 1
			f := &kernelspec.Feature{
				Kind:   kernelspec.AttrField,
				Name:   fmt.Sprintf("BPF_X.f%d", i/2),
				Field:  names[i/2%len(names)],
				Offset: int(layout[i]),
				Size:   fsize,
				Spans:  []kernelspec.Span{{Added: kernelspec.Version{Major: 3 + int(layout[i]%5), Minor: int(layout[i+1] % 20)}}},
			}
			if prev := len(fields) - 1; prev >= 0 && layout[i+1]&0x80 != 0 {
				// A second name for the field before it, as the loader
				// allows: the same bytes.
				f.AliasOf, f.Offset, f.Size = fields[prev].Name, fields[prev].Offset, fields[prev].Size
			}
			fields = append(fields, f)
		}
		overlaps := func(x *kernelspec.Feature) bool {
			return int64(x.Offset) < off+size && off < int64(x.Offset+x.Size)
		}
		pick := matchAttrField(fields, off, size, goName)
		any := false
		for _, x := range fields {
			any = any || overlaps(x)
		}
		switch {
		case pick == nil && any:
			t.Fatalf("nothing picked for [%d,%d) although a field overlaps", off, off+size)
		case pick != nil && !overlaps(pick):
			t.Fatalf("picked %s at [%d,%d), which does not overlap [%d,%d)", pick.Field, pick.Offset, pick.Offset+pick.Size, off, off+size)
		}
	})
}
