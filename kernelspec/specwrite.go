package kernelspec

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// SpecEntry is one entry of a kernel spec: a mainline feature and how it is
// known that the kernel has it (or lacks it).
type SpecEntry struct {
	Feature *Feature
	Source  string
}

// WriteKernelSpec writes the kernel spec of kernel name, based on mainline
// release base, with the features it has beyond base (added) and those it
// lacks (removed), grouped by kind. The output loads with ParseKernelSpec.
func WriteKernelSpec(w io.Writer, name string, base Version, added, removed []SpecEntry) error {
	if name == "" || strings.ContainsAny(name, " ,\t\n") {
		return fmt.Errorf("kernel spec name %q: want a short name without spaces or commas", name)
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "name: %s\nbase: %q\n", name, base.String())
	writeSpecSection(bw, "added", added)
	writeSpecSection(bw, "removed", removed)
	return bw.Flush()
}

func writeSpecSection(w io.Writer, key string, entries []SpecEntry) {
	if len(entries) == 0 {
		return
	}
	entries = slices.Clone(entries)
	slices.SortStableFunc(entries, func(a, b SpecEntry) int {
		return cmp.Or(cmp.Compare(a.Feature.Kind, b.Feature.Kind), cmp.Compare(a.Feature.Name, b.Feature.Name))
	})
	fmt.Fprintf(w, "%s:\n", key)
	var last Kind
	for _, e := range entries {
		f := e.Feature
		if f.Kind != last {
			fmt.Fprintf(w, "  %s:\n", sectionKey(f.Kind))
			last = f.Kind
		}
		// A member of a container is written by its own name, with the
		// container in the list the kind's entries carry.
		name, within, list := f.Name, "", ""
		switch f.Kind {
		case AttrField:
			name, within, list = f.Field, f.Command, "commands"
		case HelperCall:
			name, within, list = f.Member, f.Within, "program_types"
		case MapOperation:
			name, within, list = f.Member, f.Within, "map_types"
		}
		fmt.Fprintf(w, "    - name: %s\n", name)
		if list != "" {
			fmt.Fprintf(w, "      %s: [%s]\n", list, within)
		}
		fmt.Fprintf(w, "      source: %s\n", strconv.Quote(e.Source))
	}
}
