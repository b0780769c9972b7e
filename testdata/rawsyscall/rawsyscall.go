// Package rawsyscall calls bpf(2) directly, with its own bpf_attr structs. // want package:"exports bpf\\(2\\) wrappers or requirements"
package rawsyscall

import (
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// progLoadAttr is the BPF_PROG_LOAD part of union bpf_attr as Linux 6.4
// has it, laid out as the kernel lays it out on 64-bit machines.
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
	CoreReloCnt        uint32
	FdArray            uint64
	CoreRelos          uint64
	CoreReloRecSize    uint32
	LogTrueSize        uint32
}

func loadProg(insns []uint64, license string, objFd uint32, fds []int32) (uintptr, error) {
	attr := progLoadAttr{
		ProgType: unix.BPF_PROG_TYPE_SOCKET_FILTER,
		InsnCnt:  uint32(len(insns)),
		Insns:    uint64(uintptr(unsafe.Pointer(&insns[0]))),
		License:  uint64(uintptr(unsafe.Pointer(unsafe.StringData(license)))),
	}
	copy(attr.ProgName[:], "hello")
	attr.AttachBtfObjFd = objFd // want `BPF_PROG_LOAD.attach_btf_obj_fd requires Linux 5.11, but the target is 5.4 \(via field AttachBtfObjFd of the BPF_PROG_LOAD attr\)`
	attr.LogTrueSize = 0        // a constant zero sets nothing
	if len(fds) > 0 {
		attr.FdArray = uint64(uintptr(unsafe.Pointer(&fds[0]))) // want `BPF_PROG_LOAD.fd_array requires Linux 5.14`
	}
	fd, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_LOAD, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return 0, errno
	}
	return fd, nil
}

type linkCreateAttr struct {
	ProgFd     uint32
	TargetFd   uint32
	AttachType uint32
	Flags      uint32
}

// A command the target lacks is reported once, not again for each field.
func createLink(prog, target uint32) error { // want createLink:"checks BPF_LINK_CREATE, BPF_TRACE_FENTRY when true or nil"
	attr := linkCreateAttr{ProgFd: prog, TargetFd: target, AttachType: unix.BPF_TRACE_FENTRY}                            // want `BPF_TRACE_FENTRY requires Linux 5.5`
	_, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_LINK_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr)) // want `BPF_LINK_CREATE requires Linux 5.7, but the target is 5.4`
	if errno != 0 {
		return errno
	}
	return nil
}

// bigAttr is larger than any kernel's union bpf_attr. Passing its full size
// is how the kernel is meant to be called: only non-zero bytes past the end
// fail, so nothing here is reported.
type bigAttr struct {
	MapFd uint32
	_     uint32
	Key   uint64
	Value uint64
	Flags uint64
	_     [512]byte
}

func lookup(fd uint32, key, value unsafe.Pointer) error { // want lookup:"checks BPF_MAP_LOOKUP_ELEM when true or nil"
	attr := bigAttr{MapFd: fd, Key: uint64(uintptr(key)), Value: uint64(uintptr(value))}
	_, _, errno := unix.RawSyscall6(unix.SYS_BPF, unix.BPF_MAP_LOOKUP_ELEM, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

type tooLong struct {
	MapFd uint32
	_     [508]byte
	Extra uint64
}

// Bytes that no kernel knows for the command make every kernel refuse it.
func lookupTooLong(fd uint32) {
	attr := tooLong{MapFd: fd}
	attr.Extra = 1 // want `Extra of the BPF_MAP_LOOKUP_ELEM attr sets bytes 512 to 520, past every field Linux .* knows for BPF_MAP_LOOKUP_ELEM: the kernel fails the call with E2BIG`
	unix.Syscall(unix.SYS_BPF, unix.BPF_MAP_LOOKUP_ELEM, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
}

// Other system calls are not bpf(2).
func notBPF(fd uintptr) {
	attr := linkCreateAttr{Flags: 1}
	unix.Syscall(unix.SYS_IOCTL, fd, unix.BPF_LINK_CREATE, uintptr(unsafe.Pointer(&attr)))
}

// A value read from a field that the API map maps to the same bytes was
// checked where the field was set: like cilium/ebpf's prog.go, this copies
// spec.AttachTarget (attach_prog_fd, 5.5) into the slot that 5.11 also
// calls attach_btf_obj_fd.
func loadWithTarget(spec *ebpf.ProgramSpec, other *ebpf.Program) (uintptr, error) {
	attr := progLoadAttr{InsnCnt: 1}
	if spec.AttachTarget != nil {
		attr.AttachBtfObjFd = uint32(spec.AttachTarget.FD())
	} else {
		attr.AttachBtfObjFd = uint32(other.FD()) // want `BPF_PROG_LOAD.attach_btf_obj_fd requires Linux 5.11`
	}
	fd, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_LOAD, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return 0, errno
	}
	return fd, nil
}

// progQueryAttr names the program count as 6.6 does; its bytes are 4.15's
// prog_cnt, so naming it count needs nothing newer.
type progQueryAttr struct {
	TargetFd        uint32
	AttachType      uint32
	QueryFlags      uint32
	AttachFlags     uint32
	ProgIds         uint64
	Count           uint32
	_               uint32
	ProgAttachFlags uint64
	LinkIds         uint64
	LinkAttachFlags uint64
	Revision        uint64
}

func query(target uint32, ids []uint32, links []uint32) error { // want query:"checks BPF_PROG_QUERY, BPF_PROG_QUERY.link_ids when true or nil"
	attr := progQueryAttr{TargetFd: target, Count: uint32(len(ids)), ProgIds: uint64(uintptr(unsafe.Pointer(&ids[0])))}
	attr.LinkIds = uint64(uintptr(unsafe.Pointer(&links[0]))) // want `BPF_PROG_QUERY.link_ids requires Linux 6.6`
	_, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_QUERY, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return errno
	}
	return nil
}

// A field the kernel wrote proves the kernel knows it: only 6.6 writes a
// revision, and with it came link_ids (link/query.go's haveLinkIDs).
func queryLinks(target uint32, ids, links []uint32) error { // want queryLinks:"checks BPF_PROG_QUERY when true or nil"
	attr := progQueryAttr{TargetFd: target, Count: uint32(len(ids)), ProgIds: uint64(uintptr(unsafe.Pointer(&ids[0])))}
	if _, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_QUERY, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr)); errno != 0 {
		return errno
	}
	haveLinkIDs := attr.Revision != 0
	if haveLinkIDs {
		attr.LinkIds = uint64(uintptr(unsafe.Pointer(&links[0])))
	}
	if attr.AttachFlags != 0 {
		attr.LinkIds = uint64(uintptr(unsafe.Pointer(&links[0]))) // want `BPF_PROG_QUERY.link_ids requires Linux 6.6, but the target is 5.4`
	}
	_, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_QUERY, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return errno
	}
	return nil
}

// A value non-zero only where a feature is assumed: a BTF id that the
// lookup returns only for tracing and LSM programs (5.5 and later), like
// cilium/ebpf's findProgramTargetInKernel.
func btfIDFor(progType uint32) (uint32, error) {
	switch progType {
	case unix.BPF_PROG_TYPE_TRACING, unix.BPF_PROG_TYPE_LSM:
	default:
		return 0, errNoBTF
	}
	return lookupBTFID(), nil
}

func lookupBTFID() uint32 { return 7 }

var errNoBTF = unix.EINVAL

func loadTraced(progType uint32, insns []uint64) (uintptr, error) {
	attr := progLoadAttr{ProgType: progType, InsnCnt: uint32(len(insns))}
	id, _ := btfIDFor(progType)
	attr.AttachBtfID = id
	if other := lookupBTFID(); progType == 0 {
		attr.AttachBtfID = other // want `BPF_PROG_LOAD.attach_btf_id requires Linux 5.5`
	}
	fd, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_LOAD, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return 0, errno
	}
	return fd, nil
}

// A declaration with a value is an assignment too: here it makes the id
// non-zero for any program type.
func loadDeclared(progType uint32) (uintptr, error) {
	attr := progLoadAttr{ProgType: progType}
	var id uint32 = 3
	if progType == unix.BPF_PROG_TYPE_TRACING {
		id, _ = btfIDFor(progType)
	}
	attr.AttachBtfID = id // want `BPF_PROG_LOAD.attach_btf_id requires Linux 5.5`
	fd, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_PROG_LOAD, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return 0, errno
	}
	return fd, nil
}
