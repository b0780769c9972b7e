// Package lastresort holds retries that try a newer flag only after the
// tries without it failed with an error an older kernel gives.
package lastresort

import (
	"errors"
	"iter"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// attach stands for an attachment whose failure the loops test; the
// program is the spec's, loaded elsewhere.
func attach(spec *ebpf.ProgramSpec) error {
	if spec.Name == "" {
		return unix.EINVAL
	}
	return nil
}

// A table in order: the flag is set for the second entry, reached only
// where the first attach failed with EINVAL.
func tableInOrder(spec *ebpf.ProgramSpec) error {
	tries := []struct{ frags bool }{
		{frags: false},
		{frags: true},
	}
	var err error
	for _, t := range tries {
		if t.frags {
			spec.Flags |= unix.BPF_F_XDP_HAS_FRAGS
		}
		err = attach(spec)
		if errors.Is(err, unix.EINVAL) {
			continue
		}
		break
	}
	return err
}

// Its twin tries the flag first.
func flagFirst(spec *ebpf.ProgramSpec) error {
	tries := []struct{ frags bool }{
		{frags: true},
		{frags: false},
	}
	var err error
	for _, t := range tries {
		if t.frags {
			spec.Flags |= unix.BPF_F_XDP_HAS_FRAGS // want `BPF_F_XDP_HAS_FRAGS requires Linux 5.18`
		}
		err = attach(spec)
		if errors.Is(err, unix.EINVAL) {
			continue
		}
		break
	}
	return err
}

// A twin that goes on after any failure: one that has nothing to do with
// the kernel's age reaches the flag too.
func anyError(spec *ebpf.ProgramSpec) error {
	var err error
	for _, t := range []struct{ frags bool }{{}, {frags: true}} {
		if t.frags {
			spec.Flags |= unix.BPF_F_XDP_HAS_FRAGS // want `BPF_F_XDP_HAS_FRAGS requires Linux 5.18`
		}
		err = attach(spec)
		if err != nil {
			continue
		}
		break
	}
	return err
}

// A twin that stops on success only: its body's end goes on to the next
// entry, whatever the failure was.
func stopsOnSuccess(spec *ebpf.ProgramSpec) error {
	var err error
	for _, t := range []struct{ frags bool }{{}, {frags: true}} {
		if t.frags {
			spec.Flags |= unix.BPF_F_XDP_HAS_FRAGS // want `BPF_F_XDP_HAS_FRAGS requires Linux 5.18`
		}
		err = attach(spec)
		if err == nil {
			break
		}
	}
	return err
}

// A range-over-func iterator over a table in order: the flag is set for
// the third entry, which the loop below asks for only after EINVAL.
func attempts(spec *ebpf.ProgramSpec) iter.Seq2[int, *ebpf.ProgramSpec] {
	type attempt struct{ other, frags bool }
	table := []attempt{
		{},
		{other: true},
		{frags: true},
	}
	return func(yield func(int, *ebpf.ProgramSpec) bool) {
		for i, a := range table {
			if a.other {
				spec.Name = "other"
			}
			if a.frags {
				spec.Flags ^= unix.BPF_F_XDP_HAS_FRAGS
			}
			if !yield(i, spec) {
				return
			}
		}
	}
}

func attachAttempts(spec *ebpf.ProgramSpec) error {
	var err error
	for _, s := range attempts(spec) {
		err = attach(s)
		if errors.Is(err, unix.EINVAL) {
			continue
		}
		break
	}
	return err
}

// Its twin's loop goes on after any failure.
func attemptsAnyError(spec *ebpf.ProgramSpec) iter.Seq[*ebpf.ProgramSpec] {
	table := []struct{ frags bool }{{}, {frags: true}}
	return func(yield func(*ebpf.ProgramSpec) bool) {
		for _, a := range table {
			if a.frags {
				spec.Flags ^= unix.BPF_F_XDP_HAS_FRAGS // want `BPF_F_XDP_HAS_FRAGS requires Linux 5.18`
			}
			if !yield(spec) {
				return
			}
		}
	}
}

func attachAnyError(spec *ebpf.ProgramSpec) error {
	var err error
	for s := range attemptsAnyError(spec) {
		if err = attach(s); err == nil {
			break
		}
	}
	return err
}

// A twin whose iterator is held in a variable: the loops that range over
// it are not the function's to find.
func attemptsHeld(spec *ebpf.ProgramSpec) iter.Seq[*ebpf.ProgramSpec] {
	table := []struct{ frags bool }{{}, {frags: true}}
	return func(yield func(*ebpf.ProgramSpec) bool) {
		for _, a := range table {
			if a.frags {
				spec.Flags ^= unix.BPF_F_XDP_HAS_FRAGS // want `BPF_F_XDP_HAS_FRAGS requires Linux 5.18`
			}
			if !yield(spec) {
				return
			}
		}
	}
}

func attachHeld(spec *ebpf.ProgramSpec) error {
	var err error
	seq := attemptsHeld(spec)
	for s := range seq {
		err = attach(s)
		if errors.Is(err, unix.EINVAL) {
			continue
		}
		break
	}
	return err
}

// A twin whose iterator skips the yield of the first entry: the second
// comes without a failure.
func attemptsSkipping(spec *ebpf.ProgramSpec) iter.Seq[*ebpf.ProgramSpec] {
	table := []struct{ frags bool }{{}, {frags: true}}
	return func(yield func(*ebpf.ProgramSpec) bool) {
		for _, a := range table {
			if a.frags {
				spec.Flags ^= unix.BPF_F_XDP_HAS_FRAGS // want `BPF_F_XDP_HAS_FRAGS requires Linux 5.18`
			}
			if spec.Name == "" {
				continue
			}
			if !yield(spec) {
				return
			}
		}
	}
}

func attachSkipping(spec *ebpf.ProgramSpec) error {
	var err error
	for s := range attemptsSkipping(spec) {
		err = attach(s)
		if errors.Is(err, unix.EINVAL) {
			continue
		}
		break
	}
	return err
}
