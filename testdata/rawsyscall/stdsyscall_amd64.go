package rawsyscall

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sysBPF is bpf(2)'s number on amd64, as a project declares it when the
// standard library's syscall has none.
const sysBPF = 321

func literalLinkCreate(prog uint32) {
	attr := linkCreateAttr{ProgFd: prog}
	syscall.Syscall(321, unix.BPF_LINK_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr)) // want `BPF_LINK_CREATE requires Linux 5.7, but the target is 5.4`
}

func localConstLinkCreate(prog uint32) {
	attr := linkCreateAttr{ProgFd: prog}
	syscall.Syscall6(sysBPF, unix.BPF_LINK_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0, 0, 0) // want `BPF_LINK_CREATE requires Linux 5.7, but the target is 5.4`
}

func convertedLinkCreate(prog uint32) {
	attr := linkCreateAttr{ProgFd: prog}
	syscall.RawSyscall(uintptr(sysBPF), unix.BPF_LINK_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr)) // want `BPF_LINK_CREATE requires Linux 5.7, but the target is 5.4`
}

// 320 is kexec_file_load on amd64, one below bpf(2): not bpf(2).
func neighbourNotBPF(prog uint32) {
	attr := linkCreateAttr{ProgFd: prog}
	syscall.Syscall(320, unix.BPF_LINK_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
}
