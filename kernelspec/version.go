package kernelspec

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a Linux kernel version. Feature data is kept per mainline
// release (Major.Minor); Patch decides only what a stable series backported
// (see DB.Release). Distribution uname releases such as "6.1.0-18-amd64"
// carry no stable patch level and mean the release.
type Version struct {
	Major, Minor, Patch int
}

// ParseVersion accepts the spellings users and kernels use: "5.8", "v5.8",
// "5.8.0", "5.8-rc3", and uname releases such as "6.1.0-18-amd64",
// "5.15.0-91-generic" or "4.18.0-513.el8.x86_64". Anything after the numeric
// part must be introduced by '-', '+', '_' or '~', so that typos like "5.8a"
// or "5.08.1.1" are errors rather than silently different versions.
func ParseVersion(s string) (Version, error) {
	orig := s
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	num := s
	if i := strings.IndexAny(s, "-+_~"); i >= 0 {
		num = s[:i]
		if i == len(s)-1 && s[i] != '+' { // "5.10.0+" is a kernel built from a dirty tree
			return Version{}, fmt.Errorf("invalid kernel version %q: empty suffix after %q", orig, s[i])
		}
	}
	parts := strings.Split(num, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, fmt.Errorf("invalid kernel version %q: want MAJOR.MINOR[.PATCH], e.g. 5.10", orig)
	}
	var n [3]int
	for i, p := range parts {
		v, err := parseComponent(p)
		if err != nil {
			return Version{}, fmt.Errorf("invalid kernel version %q: %v", orig, err)
		}
		n[i] = v
	}
	return Version{n[0], n[1], n[2]}, nil
}

func parseComponent(p string) (int, error) {
	if p == "" {
		return 0, fmt.Errorf("empty number")
	}
	if len(p) > 1 && p[0] == '0' {
		return 0, fmt.Errorf("number %q has a leading zero", p)
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a number", p)
		}
	}
	v, err := strconv.Atoi(p)
	if err != nil || v > 65535 {
		return 0, fmt.Errorf("number %q out of range", p)
	}
	return v, nil
}

// MustParseVersion is ParseVersion for constants in code and tests.
func MustParseVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// Compare returns -1, 0 or +1 as v is older than, equal to or newer than w.
func (v Version) Compare(w Version) int {
	for _, d := range [...]int{v.Major - w.Major, v.Minor - w.Minor, v.Patch - w.Patch} {
		if d < 0 {
			return -1
		}
		if d > 0 {
			return +1
		}
	}
	return 0
}

// Less reports whether v is older than w.
func (v Version) Less(w Version) bool { return v.Compare(w) < 0 }

// Release is the mainline release v belongs to: v without its patch level.
func (v Version) Release() Version { return Version{v.Major, v.Minor, 0} }

// IsZero reports whether v is the zero Version, which no kernel has.
func (v Version) IsZero() bool { return v == Version{} }

// String prints "5.8" for a release and "5.8.3" for a stable version.
func (v Version) String() string {
	if v.Patch == 0 {
		return fmt.Sprintf("%d.%d", v.Major, v.Minor)
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// Code is the kernel's KERNEL_VERSION(a, b, c) encoding, the number that
// LINUX_VERSION_CODE and cilium/ebpf's features.LinuxVersionCode return.
// The kernel clamps the patch level to 255 since 4.9.256 overflowed it.
func (v Version) Code() uint32 {
	p := min(v.Patch, 255)
	return uint32(v.Major)<<16 | uint32(v.Minor)<<8 | uint32(p)
}

// VersionFromCode decodes a KERNEL_VERSION(a, b, c) value.
func VersionFromCode(code uint32) Version {
	return Version{int(code >> 16), int(code >> 8 & 0xff), int(code & 0xff)}
}
