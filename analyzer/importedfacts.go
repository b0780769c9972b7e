package analyzer

import (
	"go/types"

	"golang.org/x/tools/go/analysis"
)

// importedFact returns fn's fact of type T from the package that declares
// it, or nil, decoding it on the first question only: the same callees
// are asked about at every call site and in every phase, and each
// ImportObjectFact copies the fact into a new value. Callers share the
// value returned and must not change it.
func importedFact[T any, PT interface {
	*T
	analysis.Fact
}](pass *analysis.Pass, memo map[*types.Func]PT, fn *types.Func) PT {
	if f, ok := memo[fn]; ok {
		return f
	}
	var f PT = new(T)
	if !pass.ImportObjectFact(fn, f) {
		f = nil
	}
	memo[fn] = f
	return f
}
