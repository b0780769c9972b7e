package verlib

import (
	"os"
	"strconv"
	"strings"
)

// GoVersionAtLeast compares a version, but not the kernel's: no check.
func GoVersionAtLeast(minor int) bool {
	v := Parse(strings.TrimPrefix(os.Getenv("GOVERSION"), "go1."))
	return v.Major >= minor
}

// ConfigNewer compares a number read from a file that is not the
// kernel's release: no check.
func ConfigNewer() bool {
	data, err := os.ReadFile("/etc/os-release")
	if err != nil {
		return false
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return n >= 5<<16|8<<8
}

// StringOrder compares releases as text, which orders 5.10 before 5.8:
// no check.
func StringOrder() bool {
	data, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return string(data) >= "5.8"
}

// MinorOnly compares the minor number alone, which proves nothing.
func MinorOnly() bool {
	_, minor, _ := numbers(release())
	return minor >= 8
}

// MaybeThreshold compares the minor with a number that is 0 unless
// strict: only the major's part proves anything.
func MaybeThreshold(strict bool) bool { // want MaybeThreshold:"checks Linux 5.0 when true or nil"
	least := 0
	if strict {
		least = 8
	}
	major, minor, _ := numbers(release())
	return major > 5 || major == 5 && minor >= least
}
