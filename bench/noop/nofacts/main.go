// Command nofacts runs the no-op analyzer without facts.
package main

import (
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/bpfcompat/bpfcompat/bench/noop"
)

func main() { singlechecker.Main(noop.WithoutFacts) }
