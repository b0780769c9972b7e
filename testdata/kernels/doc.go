// Package kernels holds the programs the kernel matrix runs inside each
// booted kernel (probe/matrix_test.go): each uses one feature, with no
// guard, exits 0 when it loads and attaches, and prints the error and
// exits 1 when it does not. The analyzer's verdict on each, at the kernel's
// probed spec, must match.
package kernels
