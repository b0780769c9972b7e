// Package kernelspec loads, validates and queries the per-release data on
// the Linux BPF uAPI in specs/: which mainline release added (or removed)
// each command, map, program, attach and link type, helper, bpf_attr field,
// flag, verifier capability and kfunc; which helpers became callable from a
// program type, and which operations usable on a map type, later than
// either part; and the kernel build options or runtime settings a feature
// needs. The schema is documented in specs/README.md.
//
// A DB is immutable once loaded; its Features are shared by every caller
// and must be treated as read-only. Targets are Kernels: a mainline release
// (DB.Release), or a distribution kernel described relative to one by a
// user spec file (DB.LoadKernel). Every error about bad data is a
// *SpecError naming the file and line.
package kernelspec
