package generated

import "golang.org/x/sys/unix"

var u uint32 = unix.BPF_TCX_INGRESS // want `BPF_TCX_INGRESS requires Linux 6.6`
