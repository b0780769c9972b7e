// Package cputime reports the CPU time a benchmark's loop takes. The
// machines the benchmarks run on are shared: wall time per operation moves
// with the load, while the process's CPU time (every thread, the garbage
// collector's included) moves much less.
package cputime

import "testing"

// Loop runs body for each iteration of b's loop and reports the CPU time
// per iteration as the cpu-ns/op metric.
func Loop(b *testing.B, body func()) {
	start := Used()
	n := 0
	for b.Loop() {
		body()
		n++
	}
	if n > 0 && start > 0 {
		b.ReportMetric(float64(Used()-start)/float64(n), "cpu-ns/op")
	}
}
