package analyzer

import (
	"fmt"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/bpfcompat/bpfcompat/kernelspec"
)

// effectiveTargets applies the file's floor to the targets: a mainline
// target older than the floor becomes the floor (the code only runs there),
// and a kernel spec older than the floor drops out (the code never runs on it).
func (c *checker) effectiveTargets(floor kernelspec.Version) []*kernelspec.Kernel {
	if floor.IsZero() {
		return c.targets.kernels
	}
	var out []*kernelspec.Kernel
	for _, k := range c.targets.kernels {
		switch {
		case !k.Base.Less(floor):
			out = append(out, k)
		case k.Mainline():
			raised, err := c.db.Release(floor)
			if err == nil {
				out = append(out, raised)
			}
		}
	}
	return out
}

// targetsUnder is the targets a path at pos with proof p runs on: the
// file's floor raised by what p proves, then, for what p assumes,
// mainline targets raised to where it came in and kernel specs without
// it dropped.
func (c *checker) targetsUnder(pos token.Pos, p proof) []*kernelspec.Kernel {
	targets := c.effectiveTargets(maxVersion(c.floorAt(pos), p.version))
	since := p.assumedVersion()
	if since.IsZero() {
		return targets
	}
	var out []*kernelspec.Kernel
	for _, k := range targets {
		switch {
		case !k.Mainline():
			if c.hasAll(k, p.assumed) {
				out = append(out, k)
			}
		case k.Base.Less(since):
			if raised, err := c.db.Release(since); err == nil {
				out = append(out, raised)
			}
		default:
			out = append(out, k)
		}
	}
	return out
}

// worstMissing is the newest of the use's features that a target lacks
// on a path with proof proven, with the targets that lack it; nil if none
// is missing.
func (c *checker) worstMissing(u use, proven proof) (worst *kernelspec.Feature, missing []*kernelspec.Kernel) {
	targets := c.targetsUnder(u.node.Pos(), proven)
	for _, f := range u.features {
		if c.provenHas(proven, f) || abiImplied(proven, f) || worst != nil && !worst.Since().Less(f.Since()) {
			continue
		}
		var lacking []*kernelspec.Kernel
		for _, k := range targets {
			if !k.Has(f) {
				lacking = append(lacking, k)
			}
		}
		if len(lacking) > 0 {
			worst, missing = f, lacking
		}
	}
	return worst, missing
}

func (c *checker) stillMissing(u use, proven proof) bool {
	worst, _ := c.worstMissing(u, proven)
	return worst != nil
}

// abiImplied reports whether a proven feature implies f because f is part
// of the bpf(2) ABI, a command or an attr field, which no kernel
// configuration removes: a kernel that has tcx links (6.6) knows
// link_create's target_ifindex (5.9). A probe for a program or map type
// still proves only itself, as those can be configured out.
func abiImplied(p proof, f *kernelspec.Feature) bool {
	if p.top {
		return true
	}
	if f.Kind != kernelspec.AttrField && f.Kind != kernelspec.Command {
		return false
	}
	for g := range p.features {
		if !g.Since().Less(f.Since()) {
			return true
		}
	}
	return false
}

func (c *checker) hasAll(k *kernelspec.Kernel, feats map[*kernelspec.Feature]bool) bool {
	for f := range feats {
		if !k.Has(f) {
			return false
		}
	}
	return true
}

// report emits the diagnostic for a use if a target lacks one of its
// features; it reports whether the use is too new (now or earlier).
func (c *checker) report(u use) bool {
	pos := u.node.Pos()
	if c.sink.done(pos) {
		return true
	}
	targets := c.targetsAt(pos)
	missingNow := c.anyMissing(u.features, targets)
	// Requirements are inferred in the summaries' walk, never while
	// reporting.
	inferring := c.sink.dry && !c.api.Packages[c.pass.Pkg.Path()]
	if !missingNow && !inferring {
		return false
	}
	// Only a use that would be reported, or that may pass a requirement
	// on to callers, pays for the guard questions.
	proven := c.proven(u.node).union(u.given)
	if u.call != nil {
		proven = proven.union(c.proven(u.call))
	}
	if u.value != nil && (inferring || missingNow && c.stillMissing(u, proven)) {
		// Asked only when the rest leaves something missing: it reads
		// every assignment of the value.
		proven = proven.union(c.nonZeroProof(u.value, 0))
	}
	if inferring || c.stillMissing(u, proven) {
		// A probe's feature call is guarded by what its function checks
		// (ownprobes.go).
		proven = proven.union(c.ownProbeProof(u))
	}
	if inferring && !c.hasFallback(u.node) && (u.call == nil || !c.hasFallback(u.call)) {
		c.noteUnguarded(u, proven)
	}
	if !missingNow {
		return false
	}
	targets = c.targetsUnder(pos, proven) // how many: the message names them all when several
	worst, missing := c.worstMissing(u, proven)
	if worst == nil || c.hasFallback(u.node) || u.call != nil && c.hasFallback(u.call) {
		return false
	}
	if c.byBoolParameter(u) {
		return false // the callers decide, and are checked
	}
	if c.decidedByCallers(u, worst) {
		return true // reported where it is decided (decided.go)
	}
	missingNames := make([]string, len(missing))
	for i, k := range missing {
		missingNames[i] = k.Name
	}
	via := u.via
	if v := u.viaFor[worst]; v != "" {
		via = v
	}
	msg := requiresMessage(worst.Name, worst.Since(), missingNames, len(targets) > 1, via)
	lacks, builtWithout := missing[0].Lacks(worst)
	if builtWithout && len(targets) <= 1 {
		msg = fmt.Sprintf("%s requires Linux %s and a kernel built with it, but the target is %s (%s), built without it", worst.Name, worst.Since(), missing[0], missing[0].Base)
		if via != "" {
			msg += " (via " + via + ")"
		}
	}
	d := analysis.Diagnostic{
		Pos:            pos,
		End:            u.node.End(),
		Category:       worst.Kind.String(),
		Message:        msg,
		URL:            commitURL(worst.Introduced()),
		SuggestedFixes: c.fixes(u.node, worst),
		Related: []analysis.RelatedInformation{{
			Pos:     pos,
			End:     u.node.End(),
			Message: fmt.Sprintf("%s was added in Linux %s: %s", worst.Name, worst.Since(), worst.Introduced()),
		}},
	}
	if builtWithout {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: pos, End: u.node.End(),
			Message: fmt.Sprintf("%s lacks it (%s): %s", missing[0], lacks.Position(), lacks)})
	}
	c.sink.emit(c, d)
	return true
}

// reportPastEnd reports attr bytes that no kernel release knows for the
// command: a kernel rejects them, with E2BIG past its whole union and
// EINVAL past the command's last field.
func (c *checker) reportPastEnd(cmd *kernelspec.Feature, set fieldSet, via string) {
	pos := set.node.Pos()
	if c.sink.done(pos) {
		return
	}
	targets := c.targetsAt(pos)
	if len(targets) == 0 {
		return
	}
	errno := "EINVAL"
	for _, k := range targets {
		if set.offset >= int64(c.db.Layout(k, cmd.Name).UnionSize) {
			errno = "E2BIG"
		}
	}
	c.sink.emit(c, analysis.Diagnostic{
		Pos:      pos,
		End:      set.node.End(),
		Category: kernelspec.AttrField.String(),
		Message: fmt.Sprintf("%s sets bytes %d to %d, past every field Linux %s knows for %s: the kernel fails the call with %s",
			strings.TrimPrefix(via, "field "), set.offset, set.offset+set.size, c.db.Newest(), cmd.Name, errno),
	})
}

func (c *checker) anyMissing(feats []*kernelspec.Feature, targets []*kernelspec.Kernel) bool {
	for _, f := range feats {
		for _, k := range targets {
			if !k.Has(f) {
				return true
			}
		}
	}
	return false
}

func commitURL(p kernelspec.Provenance) string {
	if p.Commit == "" {
		return ""
	}
	return "https://git.kernel.org/torvalds/c/" + p.Commit
}

func analysisDiagnostic(pos, end token.Pos, category, format string, args ...any) analysis.Diagnostic {
	return analysis.Diagnostic{Pos: pos, End: end, Category: category, Message: fmt.Sprintf(format, args...)}
}
