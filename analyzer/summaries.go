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

// inferRequirements learns, with the other summaries known, what the
// package's functions require of their callers: the features an exported
// function uses unguarded, and the uses an exported function makes only
// when a boolean parameter is true. It runs the report paths over the
// files with the sink dry, and again while a bool-parameter move it made
// changes what calls of that function need, so that no diagnostic
// depends on which was walked first. Nothing here reports.
func (c *checker) inferRequirements(files []*ast.File) {
	if c.api.Packages[c.pass.Pkg.Path()] && !c.movesByBool() {
		return // the API map covers the package: nothing to infer
	}
	c.sink.setDry(true)
	defer c.sink.setDry(false)
	for {
		added := c.paramsAdded
		c.inferred = map[*types.Func]*requiresFact{}
		for _, f := range files {
			ast.Inspect(f, c.visitor())
		}
		if c.paramsAdded == added {
			return
		}
		c.sink.setDry(true)
	}
}

// movesByBool reports whether a function of the package could hand a use
// to its callers through a boolean parameter (byBoolParameter): exported,
// not a method, with a boolean parameter.
func (c *checker) movesByBool() bool {
	for fn := range c.decls {
		if !fn.Exported() || fn.Signature().Recv() != nil {
			continue
		}
		params := fn.Signature().Params()
		for i := range params.Len() {
			if isBool(params.At(i).Type()) {
				return true
			}
		}
	}
	return false
}
