// Package kernels holds the programs the kernel matrix runs inside each
// booted kernel (probe/matrix_test.go): each uses one feature, with no
// guard, exits 0 when it loads and attaches, and prints the error and
// exits 1 when it does not. netkit, whose links need a netkit device,
// exits 0 instead on the kernel's answer for an interface index no device
// has, ENODEV, which only a kernel with netkit gives. The analyzer's
// verdict on each, at the kernel's probed spec, must match.
package kernels
