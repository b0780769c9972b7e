// Command bpfcompat-vet reports Linux BPF features that a Go program
// selects but its target kernel lacks.
//
// Run it on packages directly, or as a vet tool:
//
//	bpfcompat-vet -kernel=5.10 ./...
//	go vet -vettool=$(command -v bpfcompat-vet) -kernel=5.10 ./...
package main

import (
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/bpfcompat/bpfcompat/analyzer"
)

func main() { singlechecker.Main(analyzer.Analyzer) }
