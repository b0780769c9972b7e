// Package apiversionup imports cilium/ebpf and a package that was already // want package:"noted github.com/cilium/ebpf"
// told of the version: it is not told again.
package apiversionup

import (
	"github.com/cilium/ebpf"

	_ "bpfcompat.test/apiversion"
)

var _ = ebpf.Array
