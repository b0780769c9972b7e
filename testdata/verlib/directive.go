package verlib

import "os"

// KernelAtLeast reads the version from where no analysis follows it (the
// environment a launcher sets): its directive says which arguments are
// the numbers it checks.
//
//bpfcompat:checks arg0.arg1
func KernelAtLeast(major, minor int) bool { // want KernelAtLeast:"checks the version in arguments 0.1 when true or nil"
	return os.Getenv("KERNEL_AT_LEAST") == string(rune('0'+major))+"."+string(rune('0'+minor))
}

// NewerThan takes the minor number first: the directive names the
// arguments in the version's order, major first.
//
//bpfcompat:checks arg1.arg0
func NewerThan(minor, major int) bool { // want NewerThan:"checks the version in arguments 1.0 when true or nil"
	return os.Getenv("KERNEL_NEWER") == string(rune('0'+major))+"."+string(rune('0'+minor))
}

// want +2 `bad //bpfcompat:checks directive: "arg0.arg2": "arg2" is not another argument of BadNumbers`
//
//bpfcompat:checks arg0.arg2
func BadNumbers(major, minor int) bool { return major > minor }

// want +2 `bad //bpfcompat:checks directive: "arg0.arg1": argument 1 of TextMinor is not an integer`
//
//bpfcompat:checks arg0.arg1
func TextMinor(major int, minor string) bool { return major > len(minor) }
