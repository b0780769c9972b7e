package verlib

import (
	"os"
	"strconv"
	"strings"
)

// Version is a kernel version, parsed.
type Version struct {
	Major, Minor, Patch int
}

// Parse reads "5.8" or "5.15.0-91-generic".
func Parse(s string) Version {
	parts := strings.SplitN(strings.TrimSpace(s), ".", 3)
	var v Version
	if len(parts) >= 2 {
		v.Major, _ = strconv.Atoi(parts[0])
		v.Minor, _ = strconv.Atoi(parts[1])
	}
	return v
}

// Current reads the running kernel's version from procfs.
func Current() (Version, error) { // want Current:"kernel version in results 0: {Major major, Minor minor}"
	data, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return Version{}, err
	}
	return Parse(string(data)), nil
}

// HasKprobeMulti compares a parsed version's fields.
func HasKprobeMulti() bool { // want HasKprobeMulti:"checks Linux 5.18 when true or nil"
	v, err := Current()
	if err != nil {
		return false
	}
	return v.Major > 5 || v.Major == 5 && v.Minor >= 18
}

// Supports takes the version it compares with as text.
func Supports(want string) bool { // want Supports:"checks the version in argument 0 when true or nil"
	v, err := Current()
	w := Parse(want)
	return err == nil && (v.Major > w.Major || v.Major == w.Major && v.Minor >= w.Minor)
}

// Newer takes a Version.
func Newer(want Version) bool { // want Newer:"checks the version in argument 0 when true or nil"
	v, _ := Current()
	return v.Major > want.Major || v.Major == want.Major && v.Minor >= want.Minor
}

// AtLeastVersion takes a Version, compared field by field over ifs.
func AtLeastVersion(want Version) bool { // want AtLeastVersion:"checks the version in argument 0 when true or nil"
	v, err := Current()
	if err != nil {
		return false
	}
	if v.Major != want.Major {
		return v.Major > want.Major
	}
	return v.Minor >= want.Minor
}
