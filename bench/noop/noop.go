// Package noop is an analyzer that does nothing, the baseline bench/run.sh
// measures bpfcompat against: the same driver, the same packages, no work.
package noop

import "golang.org/x/tools/go/analysis"

type fact struct{}

func (*fact) AFact()         {}
func (*fact) String() string { return "noop" }

func run(*analysis.Pass) (any, error) { return nil, nil }

// WithFacts declares a fact type, as bpfcompat does: a driver then
// type-checks every dependency from source, which is most of the cost.
var WithFacts = &analysis.Analyzer{
	Name:      "noop",
	Doc:       "does nothing, with a fact type",
	Run:       run,
	FactTypes: []analysis.Fact{new(fact)},
}

// WithoutFacts is what a user's driver costs without any fact-using analyzer.
var WithoutFacts = &analysis.Analyzer{
	Name: "noop",
	Doc:  "does nothing",
	Run:  run,
}
