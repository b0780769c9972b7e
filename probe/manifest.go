package probe

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// FetchedKernel is one kernel package scripts/kernel-matrix.sh fetched and
// unpacked: a line of the manifest it writes (manifest for the kernels the
// matrix boots, btf-manifest for those only read for their BTF).
type FetchedKernel struct {
	Target  string // debian-12
	Package string // linux-image-6.1.0-57-amd64
	Version string // the package's version: 6.1.192-3
	Vmlinuz string // path of the kernel image
	Config  string // path of its build configuration
}

// ReadManifest reads a manifest: per line target, package, version,
// vmlinuz and config, separated by tabs.
func ReadManifest(path string) ([]FetchedKernel, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []FetchedKernel
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 5 {
			return nil, fmt.Errorf("%s:%d: want target, package, version, vmlinuz and config, separated by tabs", path, n)
		}
		out = append(out, FetchedKernel{fields[0], fields[1], fields[2], fields[3], fields[4]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return out, nil
}
