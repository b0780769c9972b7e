package analyzer

import (
	"go/ast"
	"go/types"
	"slices"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// inferChecks infers what the results of the package's undeclared
// functions prove, callees first, to a fixpoint within each cycle of
// calls. A check speaks for every caller, so the questions are bare:
// what a function's callers pass it is not part of what its result
// proves (it holds at each call site anyway).
func (c *checker) inferChecks(inferable []*ast.FuncDecl) {
	decls := make(map[*types.Func]*ast.FuncDecl, len(inferable))
	for _, fd := range inferable {
		decls[c.pass.TypesInfo.Defs[fd.Name].(*types.Func)] = fd
	}
	c.bare++
	defer func() { c.bare-- }()
	c.calleesFirst(func(fn *types.Func) bool {
		fd := decls[fn]
		if fd == nil {
			return false
		}
		merged := mergeChecks(c.checks[fn], c.inferCheck(fn, fd))
		if merged == nil || c.checks[fn] != nil && sameCheck(merged, c.checks[fn]) {
			return false
		}
		c.checks[fn] = merged
		return true
	}, c.forgetFlowsOf)
}

// mergeChecks is what two inferences of a check prove together: a
// fixpoint's iterates only grow.
func mergeChecks(old, found *checkFact) *checkFact {
	switch {
	case old == nil:
		return found
	case found == nil:
		return old
	}
	out := &checkFact{VersionArg: -1, Version: old.Version, Features: slices.Clone(old.Features)}
	for _, f := range found.Features {
		if !slices.Contains(out.Features, f) {
			out.Features = append(out.Features, f)
		}
	}
	slices.Sort(out.Features)
	if found.Version != "" {
		older, _ := kernelspec.ParseVersion(out.Version)
		newer, err := kernelspec.ParseVersion(found.Version)
		if err == nil && older.Less(newer) {
			out.Version = found.Version
		}
	}
	return out
}

func sameCheck(a, b *checkFact) bool {
	return a.Version == b.Version && a.VersionArg == b.VersionArg && a.WhenFalse == b.WhenFalse && slices.Equal(a.Features, b.Features)
}
