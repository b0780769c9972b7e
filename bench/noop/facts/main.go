// Command facts runs the no-op analyzer that declares a fact type.
package main

import (
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/bpfcompat/bpfcompat/bench/noop"
)

func main() { singlechecker.Main(noop.WithFacts) }
