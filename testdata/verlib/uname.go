// Package verlib has the kernel-version helpers projects write, in a
// package that imports no BPF library: no directive says what they check,
// their bodies do. It stands for the version packages of real projects.
package verlib

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// release is the running kernel's release, from uname(2): "5.15.0-91-generic".
func release() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}

// numbers reads a release's leading numbers.
func numbers(rel string) (major, minor, patch int) {
	fmt.Sscanf(rel, "%d.%d.%d", &major, &minor, &patch)
	return
}

// HasRingBuf compares the numbers, as most projects spell it.
func HasRingBuf() bool { // want HasRingBuf:"checks Linux 5.8 when true or nil"
	major, minor, _ := numbers(release())
	return major > 5 || major == 5 && minor >= 8
}

// KernelVersion is the kernel's KERNEL_VERSION(a, b, c) macro.
func KernelVersion(a, b, c int) uint32 {
	return uint32(a<<16 + b<<8 + c)
}

// Code is the running kernel's version code, as LINUX_VERSION_CODE.
func Code() uint32 { // want Code:"kernel version in results 0: version code"
	major, minor, patch := numbers(release())
	return KernelVersion(major, minor, patch)
}

// HasTCX compares version codes.
func HasTCX() bool { // want HasTCX:"checks Linux 6.6 when true or nil"
	return Code() >= KernelVersion(6, 6, 0)
}

// AtLeast takes the version code to compare with.
func AtLeast(code uint32) bool { // want AtLeast:"checks the version in argument 0 when true or nil"
	return Code() >= code
}

// IsKernelOlderThan is true below a version: false proves it.
func IsKernelOlderThan(code uint32) bool { // want IsKernelOlderThan:"checks the version in argument 0 when false or non-nil"
	return Code() < code
}

// OlderThan58 is a fixed check whose false result proves.
func OlderThan58() bool { // want OlderThan58:"checks Linux 5.8 when false or non-nil"
	major, minor, _ := numbers(release())
	return major < 5 || major == 5 && minor < 8
}

// HasIter splits the comparison over an if and the returns.
func HasIter() bool { // want HasIter:"checks Linux 5.8 when true or nil"
	major, minor, _ := numbers(release())
	if major != 5 {
		return major > 5
	}
	return minor >= 8
}

// HasIterIfElse says the same in an if-else of constant results.
func HasIterIfElse() bool { // want HasIterIfElse:"checks Linux 5.8 when true or nil"
	major, minor, _ := numbers(release())
	if major > 5 {
		return true
	} else if major == 5 {
		if minor >= 8 {
			return true
		}
	}
	return false
}
