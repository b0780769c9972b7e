package verlib

import (
	"fmt"
	"os"
	"strings"
)

// banner reads the numbers of /proc/version: "Linux version 5.15.0-91-generic (...)".
func banner() (major, minor int) {
	data, err := os.ReadFile("/proc/version")
	if err != nil {
		return 0, 0
	}
	fmt.Sscanf(string(data), "Linux version %d.%d", &major, &minor)
	return major, minor
}

// BannerRingBuf scans the banner.
func BannerRingBuf() bool { // want BannerRingBuf:"checks Linux 5.8 when true or nil"
	major, minor := banner()
	return major > 5 || major == 5 && minor >= 8
}

// BannerAtLeast takes the release from the banner's third word.
func BannerAtLeast(code uint32) bool { // want BannerAtLeast:"checks the version in argument 0 when true or nil"
	data, err := os.ReadFile("/proc/version")
	if err != nil {
		return false
	}
	major, minor, patch := numbers(strings.Fields(string(data))[2])
	return KernelVersion(major, minor, patch) >= code
}
