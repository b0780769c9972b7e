package verlib

import (
	"os"
	"strings"
)

// AtLeastNumbers takes the major and minor numbers to compare with,
// each an argument of its own.
func AtLeastNumbers(major, minor int) bool { // want AtLeastNumbers:"checks the version in arguments 0.1 when true or nil"
	kmajor, kminor, _ := numbers(release())
	return kmajor > major || kmajor == major && kminor >= minor
}

// AtLeastPatch takes the patch number too, and compares version codes.
func AtLeastPatch(major, minor, patch int) bool { // want AtLeastPatch:"checks the version in arguments 0.1.2 when true or nil"
	return Code() >= KernelVersion(major, minor, patch)
}

// OlderThanNumbers is true below the version its arguments give: false
// proves it.
func OlderThanNumbers(major, minor int) bool { // want OlderThanNumbers:"checks the version in arguments 0.1 when false or non-nil"
	return Code() < KernelVersion(major, minor, 0)
}

// MajorBetween reads the kernel's version, but its two numbers bound the
// major number alone: no check.
func MajorBetween(lo, hi int) bool {
	kmajor, _, _ := numbers(release())
	return kmajor >= lo && kmajor <= hi
}

// GoAtLeast compares two numbers with Go's version, not the kernel's: no
// check.
func GoAtLeast(major, minor int) bool {
	v := Parse(strings.TrimPrefix(os.Getenv("GOVERSION"), "go"))
	return v.Major > major || v.Major == major && v.Minor >= minor
}
