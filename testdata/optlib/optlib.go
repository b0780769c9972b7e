// Package optlib is a library whose options structs select kernel features // want package:"exports bpf\\(2\\) wrappers or requirements"
// only when the caller sets them: the requirement is the caller's.
package optlib

import (
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// progLoadAttr is the start of the BPF_PROG_LOAD attr, up to
// attach_btf_obj_fd (Linux 5.11).
type progLoadAttr struct {
	ProgType           uint32
	InsnCnt            uint32
	Insns              uint64
	License            uint64
	LogLevel           uint32
	LogSize            uint32
	LogBuf             uint64
	KernVersion        uint32
	ProgFlags          uint32
	ProgName           [16]byte
	ProgIfindex        uint32
	ExpectedAttachType uint32
	ProgBtfFd          uint32
	FuncInfoRecSize    uint32
	FuncInfo           uint64
	FuncInfoCnt        uint32
	LineInfoRecSize    uint32
	LineInfo           uint64
	LineInfoCnt        uint32
	AttachBtfID        uint32
	AttachBtfObjFd     uint32
}

// LoadOptions are zero unless the caller wants what they select.
type LoadOptions struct {
	// AttachBTFObjFD names the module BTF the program extends.
	AttachBTFObjFD uint32
}

// Load sends the caller's option on: not reported here.
func Load(insns []uint64, opts LoadOptions) (uintptr, error) { // want Load:"requires BPF_PROG_TYPE_SOCKET_FILTER" Load:"when non-zero, argument 1 field AttachBTFObjFD needs BPF_PROG_LOAD.attach_btf_obj_fd" Load:"writes argument 0 into BPF_PROG_LOAD.insn_cnt, argument 1 field AttachBTFObjFD into BPF_PROG_LOAD.attach_btf_obj_fd"
	attr := progLoadAttr{
		ProgType:       unix.BPF_PROG_TYPE_SOCKET_FILTER,
		InsnCnt:        uint32(len(insns)),
		Insns:          uint64(uintptr(unsafe.Pointer(&insns[0]))),
		AttachBtfObjFd: opts.AttachBTFObjFD,
	}
	fd, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_LOAD, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return 0, errno
	}
	return fd, nil
}

// Options nests the load options in a larger struct.
type Options struct {
	Load   LoadOptions
	Hashes uint64
}

// LoadAll forwards its caller's options whole, before Load's own
// declaration would matter: the requirement moves up a level.
func LoadAll(progs [][]uint64, o *Options) error { // want LoadAll:"when non-zero, argument 1 field Load.AttachBTFObjFD needs BPF_PROG_LOAD.attach_btf_obj_fd" LoadAll:"writes argument 1 field Load.AttachBTFObjFD into BPF_PROG_LOAD.attach_btf_obj_fd"
	for _, p := range progs {
		if _, err := Load(p, o.Load); err != nil {
			return err
		}
	}
	return nil
}

// NewBloom needs a 5.16 map type whatever the caller passes; the number of
// hashes (map_extra, also 5.16) is the caller's.
func NewBloom(o *Options) (*ebpf.Map, error) { // want NewBloom:"requires BPF_MAP_TYPE_BLOOM_FILTER" NewBloom:"when non-zero, argument 0 field Hashes needs BPF_MAP_CREATE.map_extra"
	return ebpf.NewMap(&ebpf.MapSpec{
		Type:       ebpf.BloomFilter, // decided at the callers: NewBloom hands the failure on
		ValueSize:  4,
		MaxEntries: 1,
		MapExtra:   o.Hashes,
	})
}

// builtin fixes the value itself: its own use, reported here.
func builtin(insns []uint64) (uintptr, error) {
	return Load(insns, LoadOptions{AttachBTFObjFD: 3}) // want `BPF_PROG_LOAD.attach_btf_obj_fd requires Linux 5.11, but the target is 5.4 \(via optlib.Load argument field AttachBTFObjFD → field AttachBtfObjFd of the BPF_PROG_LOAD attr\)`
}

// plain leaves the option zero: nothing to report.
func plain(insns []uint64) (uintptr, error) {
	return Load(insns, LoadOptions{})
}

// bareFD takes the fd as a parameter of its own: a function's direct input
// is one it always uses, so the use is reported here.
func bareFD(insns []uint64, fd uint32) {
	attr := progLoadAttr{InsnCnt: uint32(len(insns)), AttachBtfObjFd: fd} // want `BPF_PROG_LOAD.attach_btf_obj_fd requires Linux 5.11`
	unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_LOAD, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
}

var _, _, _ = builtin, plain, bareFD
