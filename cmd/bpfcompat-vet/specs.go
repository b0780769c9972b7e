package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// specsCmd lists the releases the data covers and what each added.
func specsCmd(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("specs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return 1
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: bpfcompat-vet specs [-json]")
		return 1
	}
	db, err := kernelspec.Embedded()
	if err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet:", err)
		return 1
	}
	type release struct {
		Release string              `json:"release"`
		Date    string              `json:"date"`
		Added   map[string][]string `json:"added,omitempty"`
		Removed map[string][]string `json:"removed,omitempty"`
	}
	var out []release
	for _, r := range db.Releases() {
		rel := release{Release: r.Version.String(), Date: r.Date, Added: map[string][]string{}, Removed: map[string][]string{}}
		for _, k := range kernelspec.Kinds {
			for _, f := range db.Features(k) {
				for _, s := range f.Spans {
					if s.Added == r.Version {
						rel.Added[k.String()] = append(rel.Added[k.String()], f.Name)
					}
					if s.Removed == r.Version {
						rel.Removed[k.String()] = append(rel.Removed[k.String()], f.Name)
					}
				}
			}
		}
		out = append(out, rel)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(stderr, "bpfcompat-vet:", err)
			return 1
		}
		return 0
	}
	for _, r := range out {
		fmt.Fprintf(stdout, "Linux %s (%s)\n", r.Release, r.Date)
		for _, k := range kernelspec.Kinds {
			if names := r.Added[k.String()]; len(names) > 0 {
				fmt.Fprintf(stdout, "  + %-13s %d: %v\n", k, len(names), names)
			}
			if names := r.Removed[k.String()]; len(names) > 0 {
				fmt.Fprintf(stdout, "  - %-13s %d: %v\n", k, len(names), names)
			}
		}
	}
	return 0
}
