// Package idioms is the matrix of guards the flow engine reads: each
// guarded form, and beside it its unguarded twin, which is reported.
package idioms

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/features"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
)

var cfg struct{ X, Y bool }

// 1. The branch where the probe's error is nil.
func ifNil(m *ebpf.Map) {
	if err := features.HaveMapType(ebpf.RingBuf); err == nil {
		ringbuf.NewReader(m)
	}
	if err := features.HaveMapType(ebpf.RingBuf); err != nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 2. The else of a failure test.
func elseOfFailure(m *ebpf.Map) {
	if err := features.HaveMapType(ebpf.RingBuf); err != nil {
		return
	} else {
		ringbuf.NewReader(m)
	}
}

func elseOfFailureTwin(m *ebpf.Map) {
	if err := features.HaveMapType(ebpf.RingBuf); err == nil {
		return
	} else {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 3. An early return.
func earlyReturn(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		return
	}
	ringbuf.NewReader(m)
}

func earlyReturnTwin(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		fmt.Println("no ring buffer")
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// 4. An early exit by a call that does not return: the standard library's.
func earlyFatal(m *ebpf.Map) {
	if err := features.HaveMapType(ebpf.RingBuf); err != nil {
		log.Fatalf("no ring buffer: %v", err)
	}
	ringbuf.NewReader(m)
}

func earlyFatalTwin(m *ebpf.Map) {
	if err := features.HaveMapType(ebpf.RingBuf); err != nil {
		log.Printf("no ring buffer: %v", err)
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// 5. The project's own die(), and a helper that calls it.
func die(msg string) {
	fmt.Fprintln(os.Stderr, msg)
	os.Exit(2)
}

func fatalf(format string, args ...any) { die(fmt.Sprintf(format, args...)) }

func mayDie(msg string) {
	if cfg.X {
		die(msg)
	}
}

func ownDie(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		die("no ring buffer")
	}
	ringbuf.NewReader(m)
}

func ownDieTwin(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		mayDie("no ring buffer")
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

func ownFatalf(m *ebpf.Map) {
	if err := features.HaveMapType(ebpf.RingBuf); err != nil {
		fatalf("no ring buffer: %v", err)
	}
	ringbuf.NewReader(m)
}

// 6. A method of the package's own that never returns.
type logger struct{}

func (logger) fatal(msg string) { panic(msg) }

func methodExit(m *ebpf.Map, lg logger) {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		lg.fatal("no ring buffer")
	}
	ringbuf.NewReader(m)
}

// 7. panic.
func earlyPanic(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		panic("no ring buffer")
	}
	ringbuf.NewReader(m)
}

// 8. continue in a loop, and the use before it.
func inLoop(ms []*ebpf.Map) {
	for _, m := range ms {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
		if features.HaveMapType(ebpf.RingBuf) != nil {
			continue
		}
		ringbuf.NewReader(m)
	}
}

// 9. for { if probe() == nil { break }; return }, then the use.
func breakOnSuccess(m *ebpf.Map) {
	for {
		if features.HaveMapType(ebpf.RingBuf) == nil {
			break
		}
		return
	}
	ringbuf.NewReader(m)
}

func breakOnSuccessTwin(m *ebpf.Map) {
	for i := 0; i < 3; i++ {
		if features.HaveMapType(ebpf.RingBuf) == nil {
			break
		}
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// 10. A labelled continue out of an inner loop.
func labelledContinue(ms []*ebpf.Map, names []string) {
outer:
	for _, m := range ms {
		for _, name := range names { // may not run: the use below is not guarded
			if features.HaveMapType(ebpf.RingBuf) != nil {
				continue outer
			}
			fmt.Println(name)
			break
		}
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
		for {
			if features.HaveMapType(ebpf.RingBuf) != nil {
				continue outer
			}
			break
		}
		ringbuf.NewReader(m)
	}
}

func labelledContinueTwin(ms []*ebpf.Map) {
	for _, m := range ms {
		for i := 0; i < 2; i++ {
			if features.HaveMapType(ebpf.RingBuf) != nil {
				continue
			}
			break
		}
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 11. A labelled break out of a select, the only way out of the loop.
func labelledBreak(ctx context.Context, m *ebpf.Map) {
wait:
	for {
		select {
		case <-ctx.Done():
			return
		default:
			if features.HaveMapType(ebpf.RingBuf) == nil {
				break wait
			}
		}
	}
	ringbuf.NewReader(m)
}

func labelledBreakTwin(ctx context.Context, m *ebpf.Map) {
wait:
	for {
		select {
		case <-ctx.Done():
			break wait
		default:
			if features.HaveMapType(ebpf.RingBuf) == nil {
				break wait
			}
		}
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// 12. An early exit inside a select case.
func selectCase(ctx context.Context, ticks <-chan int, m *ebpf.Map) {
	for {
		select {
		case <-ticks:
			if features.HaveMapType(ebpf.RingBuf) != nil {
				continue
			}
			ringbuf.NewReader(m)
		case <-ctx.Done():
			ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
			return
		}
	}
}

// 13. switch err := probe(); err { case nil: }
func switchOnErr(m *ebpf.Map) {
	switch err := features.HaveMapType(ebpf.RingBuf); err {
	case nil:
		ringbuf.NewReader(m)
	default:
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 14. A tagless switch, and a case that leaves.
func taglessSwitch(m *ebpf.Map) {
	switch err := features.HaveMapType(ebpf.RingBuf); {
	case err == nil:
		ringbuf.NewReader(m)
	case cfg.X:
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	switch {
	case cfg.X:
		return
	case features.HaveMapType(ebpf.RingBuf) != nil:
		return
	}
	ringbuf.NewReader(m)
}

func taglessSwitchTwin(m *ebpf.Map) {
	switch {
	case features.HaveMapType(ebpf.RingBuf) != nil:
	case cfg.X:
		return
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// 15. &&, ||, and !.
func compound(m *ebpf.Map) {
	if cfg.X && features.HaveMapType(ebpf.RingBuf) == nil {
		ringbuf.NewReader(m)
	}
	if cfg.X || features.HaveMapType(ebpf.RingBuf) == nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	if !(features.HaveMapType(ebpf.RingBuf) != nil || cfg.X) {
		ringbuf.NewReader(m)
	}
	if !(features.HaveMapType(ebpf.RingBuf) != nil && cfg.X) {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 16. The second operand of && runs only where the first held.
func shortCircuit(m *ebpf.Map) bool { // want shortCircuit:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	ok := features.HaveMapType(ebpf.RingBuf) == nil && opened(ringbuf.NewReader(m))
	bad := features.HaveMapType(ebpf.RingBuf) == nil || opened(ringbuf.NewReader(m)) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	return ok && bad
}

func opened(_ *ringbuf.Reader, err error) bool { return err == nil }

// 17. A stored result, bool or error.
func stored(m *ebpf.Map) {
	useRB := cfg.X && features.HaveMapType(ebpf.RingBuf) == nil
	if useRB {
		ringbuf.NewReader(m)
	}
	err := features.HaveMapType(ebpf.RingBuf)
	if err == nil {
		ringbuf.NewReader(m)
	}
	useRB = true
	if useRB {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 18. The probe's error tested after other statements and an earlier
// assignment of the same variable.
func reusedErr(m *ebpf.Map) error { // want reusedErr:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	_, err := fmt.Println()
	err = features.HaveMapType(ebpf.RingBuf)
	fmt.Println("probed")
	if err != nil {
		return err
	}
	ringbuf.NewReader(m)
	return nil
}

func reusedErrTwin(m *ebpf.Map) error {
	err := features.HaveMapType(ebpf.RingBuf)
	if cfg.X {
		_, err = fmt.Println()
	}
	if err != nil {
		return err
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	return nil
}

// 19. A flag set only where the probe succeeded.
func flagSetUnderGuard(m *ebpf.Map) {
	ok := false
	if features.HaveMapType(ebpf.RingBuf) == nil {
		ok = true
	}
	if ok {
		ringbuf.NewReader(m)
	}
}

func flagSetUnderGuardTwin(m *ebpf.Map) {
	ok := false
	if features.HaveMapType(ebpf.RingBuf) == nil || cfg.Y {
		ok = true
	}
	if ok {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 20. Assigned on both branches, each a probe.
func bothBranches(m *ebpf.Map) {
	var ok bool
	if cfg.X {
		ok = features.HaveMapType(ebpf.RingBuf) == nil
	} else {
		ok = features.HaveMapType(ebpf.RingBuf) == nil && cfg.Y
	}
	if ok {
		ringbuf.NewReader(m)
	}
}

func bothBranchesTwin(m *ebpf.Map) {
	var ok bool
	if cfg.X {
		ok = features.HaveMapType(ebpf.RingBuf) == nil
	} else {
		ok = cfg.Y
	}
	if ok {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 21. A field of a local struct value.
func localField(m *ebpf.Map) {
	var caps struct{ ring, bloom bool }
	caps.ring = features.HaveMapType(ebpf.RingBuf) == nil
	if caps.ring {
		ringbuf.NewReader(m)
	}
	if caps.bloom {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 22. A check helper, and its negation.
func supportRB() bool { // want supportRB:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	return features.HaveMapType(ebpf.RingBuf) == nil
}

func helper(m *ebpf.Map) {
	if supportRB() {
		ringbuf.NewReader(m)
	}
	if !supportRB() {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 23. A probe helper whose failure test is compound.
func compoundFailure() bool { // want compoundFailure:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	if err := features.HaveMapType(ebpf.RingBuf); err != nil || !cfg.X {
		return false
	}
	return true
}

func compoundFailureTwin() bool {
	if err := features.HaveMapType(ebpf.RingBuf); err != nil && !cfg.X {
		return false
	}
	return true
}

func compoundHelpers(m *ebpf.Map) {
	if compoundFailure() {
		ringbuf.NewReader(m)
	}
	if compoundFailureTwin() {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 24. A (bool, error) helper.
func haveRing() (bool, error) { // want haveRing:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	err := features.HaveMapType(ebpf.RingBuf)
	if errors.Is(err, ebpf.ErrNotSupported) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

func boolErrHelper(m *ebpf.Map) error {
	ok, err := haveRing()
	if err != nil {
		return err
	}
	if ok {
		ringbuf.NewReader(m)
	}
	if !ok {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
	return nil
}

// 25. A closure called, deferred or made inside the guarded branch: a
// closure holds what held where it was made.
func closures(m *ebpf.Map) func() {
	if features.HaveMapType(ebpf.RingBuf) == nil {
		func() {
			ringbuf.NewReader(m)
		}()
		defer func() {
			ringbuf.NewReader(m)
		}()
		return func() {
			ringbuf.NewReader(m)
		}
	}
	func() {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}()
	return nil
}

// 26. A closure called where it is written reads the variables around it.
func closureReadsGuard(m *ebpf.Map) {
	ok := features.HaveMapType(ebpf.RingBuf) == nil
	func() {
		if ok {
			ringbuf.NewReader(m)
		}
	}()
	other := ok
	func() {
		other = cfg.X
		if other {
			ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
		}
	}()
}

// 27. goto past the use when the probe fails.
func gotoFail(m *ebpf.Map) error { // want gotoFail:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	if features.HaveMapType(ebpf.RingBuf) != nil {
		goto fail
	}
	ringbuf.NewReader(m)
	return nil
fail:
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	return errors.New("no ring buffer")
}

// 28. goto to the use from a loop that probes.
func gotoReady(m *ebpf.Map) {
	for i := 0; i < 3; i++ {
		if features.HaveMapType(ebpf.RingBuf) == nil {
			goto ready
		}
	}
	return
ready:
	ringbuf.NewReader(m)
}

func gotoReadyTwin(m *ebpf.Map) {
	for i := 0; i < 3; i++ {
		if features.HaveMapType(ebpf.RingBuf) == nil {
			goto ready
		}
	}
ready:
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// 29. A guard body that reassigns the probe's own error.
func guardReassigns(m *ebpf.Map) error {
	if err := features.HaveMapType(ebpf.RingBuf); err == nil {
		_, err = fmt.Println("have ring buffer")
		ringbuf.NewReader(m)
		return err
	}
	return nil
}

// 30. A for loop whose condition is the probe.
func forCond(m *ebpf.Map) {
	for features.HaveMapType(ebpf.RingBuf) == nil {
		ringbuf.NewReader(m)
		break
	}
	for features.HaveMapType(ebpf.RingBuf) != nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
		break
	}
}

// 31. else if.
func elseIf(m *ebpf.Map) {
	if cfg.X {
		return
	} else if features.HaveMapType(ebpf.RingBuf) == nil {
		ringbuf.NewReader(m)
	} else {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 32. Nested: the outer guard holds in the inner branch.
func nested(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) == nil {
		if cfg.X {
			ringbuf.NewReader(m)
		}
	}
	if cfg.X {
		if features.HaveMapType(ebpf.RingBuf) == nil {
		}
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 33. An early exit from a range loop that may not run.
func rangeExit(ms []*ebpf.Map, m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) != nil {
		return
	}
	for range ms {
		ringbuf.NewReader(m)
	}
}

func rangeExitTwin(ms []*ebpf.Map, m *ebpf.Map) {
	for range ms {
		if features.HaveMapType(ebpf.RingBuf) != nil {
			return
		}
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// 34. A kernel version compare.
func versionCode(m *ebpf.Map) {
	code, err := features.LinuxVersionCode()
	if err != nil {
		return
	}
	if code >= 0x050800 {
		ringbuf.NewReader(m)
	}
	if code >= 0x050400 {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 35. A value copied from the probe's error.
func copied(m *ebpf.Map) {
	err := features.HaveMapType(ebpf.RingBuf)
	probeErr := err
	if probeErr == nil {
		ringbuf.NewReader(m)
	}
	probeErr = nil
	if probeErr == nil {
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 36. An early exit in one case of a switch on something else.
func switchExit(m *ebpf.Map, mode int) {
	switch mode {
	case 1:
		if features.HaveMapType(ebpf.RingBuf) != nil {
			return
		}
		ringbuf.NewReader(m)
	case 2:
		ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
	}
}

// 37. The check result handed down as a boolean argument to a function
// whose callers are all known.
func attachWith(m *ebpf.Map, haveRing bool) {
	if haveRing {
		ringbuf.NewReader(m)
	}
}

func passDown(m *ebpf.Map) {
	attachWith(m, features.HaveMapType(ebpf.RingBuf) == nil)
	attachWith(m, supportRB())
}

// 38. An unexported function whose every call site is guarded.
func openRing(m *ebpf.Map) { ringbuf.NewReader(m) }

func callers(m *ebpf.Map) {
	if supportRB() {
		openRing(m)
	}
	if features.HaveMapType(ebpf.RingBuf) != nil {
		return
	}
	openRing(m)
}

func openRingTwin(m *ebpf.Map) { ringbuf.NewReader(m) } // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`

func callersTwin(m *ebpf.Map) {
	if supportRB() {
		openRingTwin(m)
	}
	openRingTwin(m)
}

// 39. Success first: the probe's success returns, what follows is the
// failure path.
func successFirst(m *ebpf.Map) {
	if features.HaveMapType(ebpf.RingBuf) == nil {
		ringbuf.NewReader(m)
		return
	}
	ringbuf.NewReader(m) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// 40. Fallbacks: success first, then the older way.
func attachTC(prog *ebpf.Program) (link.Link, error) { return nil, nil }

func tcxSuccessFirst(prog *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTCX(link.TCXOptions{Program: prog, Attach: ebpf.AttachTCXIngress, Interface: 1})
	if err == nil {
		return l, nil
	}
	return attachTC(prog)
}

func tcxSuccessFirstTwin(prog *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTCX(link.TCXOptions{Program: prog, Attach: ebpf.AttachTCXIngress, Interface: 1}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6` `BPF_TCX_INGRESS requires Linux 6.6`
	if err == nil {
		return l, nil
	}
	return nil, err
}

// 41. goto skipping the fallback on success.
func tcxGoto(prog *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTCX(link.TCXOptions{Program: prog, Attach: ebpf.AttachTCXIngress, Interface: 1})
	if err == nil {
		goto attached
	}
	l, err = attachTC(prog)
	if err != nil {
		return nil, err
	}
attached:
	return l, nil
}

func tcxGotoTwin(prog *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTCX(link.TCXOptions{Program: prog, Attach: ebpf.AttachTCXIngress, Interface: 1}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6` `BPF_TCX_INGRESS requires Linux 6.6`
	if err == nil {
		goto attached
	}
	return nil, fmt.Errorf("tcx: %w", err)
attached:
	return l, nil
}

// 42. A fallback loop that reassigns the error: each older way is tried
// while the last one failed.
var fallbacks = []func(*ebpf.Program) (link.Link, error){attachTC}

func tcxRetry(prog *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTCX(link.TCXOptions{Program: prog, Attach: ebpf.AttachTCXIngress, Interface: 1})
	for try := 0; err != nil; try++ {
		l, err = fallbacks[try](prog)
	}
	return l, err
}

func tcxRetryTwin(prog *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTCX(link.TCXOptions{Program: prog, Attach: ebpf.AttachTCXIngress, Interface: 1}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6` `BPF_TCX_INGRESS requires Linux 6.6`
	for try := 0; err != nil && try < len(fallbacks); try++ {
		fmt.Println("retrying")
	}
	return l, err
}

// 43. Not supported: the older way; anything else: handed on.
func tcxNotSupported(prog *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTCX(link.TCXOptions{Program: prog, Attach: ebpf.AttachTCXIngress, Interface: 1})
	if err != nil && !errors.Is(err, ebpf.ErrNotSupported) {
		return nil, err
	}
	if err != nil {
		return attachTC(prog)
	}
	return l, nil
}

func tcxNotSupportedTwin(prog *ebpf.Program) (link.Link, error) {
	l, err := link.AttachTCX(link.TCXOptions{Program: prog, Attach: ebpf.AttachTCXIngress, Interface: 1}) // want `BPF_LINK_TYPE_TCX requires Linux 6.6` `BPF_TCX_INGRESS requires Linux 6.6`
	if errors.Is(err, ebpf.ErrNotSupported) {
		log.Print("no tcx")
		return nil, err
	}
	return l, err
}
