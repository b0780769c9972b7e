// Package rawprobe probes the kernel with bpf(2) itself, through x/sys/unix // want package:"exports bpf\\(2\\) wrappers or requirements"
// and wrappers of its own, as projects without cilium/ebpf do (runc's cgroup
// device filter): it tries the feature and takes the kernel's "unknown"
// answer, EINVAL, as "missing". Each probe is a check of what the call it
// tries selects, and its guard proves it; each guarded use has an unguarded
// twin. A function returning a bpf(2) call's error is a check of what the
// call tries as well: a nil error proves the kernel took it.
package rawprobe

import (
	"errors"
	"os"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// bpf passes its arguments to bpf(2).
func bpf(cmd uintptr, attr unsafe.Pointer, size uintptr) (uintptr, error) { // want bpf:"bpf\\(2\\) wrapper: command param 0, attr param 1"
	r, _, errno := unix.Syscall(unix.SYS_BPF, cmd, uintptr(attr), size)
	if errno != 0 {
		return r, os.NewSyscallError("bpf", errno)
	}
	return r, nil
}

// attachAttr is the BPF_PROG_ATTACH attr of Linux 5.6.
type attachAttr struct {
	targetFd     uint32
	attachBpfFd  uint32
	attachType   uint32
	attachFlags  uint32
	replaceBpfFd uint32
}

// progAttach takes the flags as an argument and sets replace_bpf_fd only
// for a replaceFd > 0: its callers decide whether they select it.
func progAttach(target, prog int, flags uint32, replaceFd int) error { // want progAttach:"when argument 3 > 0, it needs BPF_PROG_ATTACH.replace_bpf_fd" progAttach:"checks BPF_CGROUP_DEVICE, BPF_PROG_ATTACH when true or nil"
	attr := attachAttr{
		targetFd:    uint32(target),
		attachBpfFd: uint32(prog),
		attachType:  uint32(unix.BPF_CGROUP_DEVICE),
		attachFlags: flags,
	}
	if replaceFd > 0 {
		attr.replaceBpfFd = uint32(replaceFd)
	}
	_, err := bpf(unix.BPF_PROG_ATTACH, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	return err
}

// progAttachAlways writes replace_bpf_fd whatever it is given: the field
// is its own use.
func progAttachAlways(target, prog int, flags uint32, replaceFd int) error { // want progAttachAlways:"checks BPF_CGROUP_DEVICE, BPF_PROG_ATTACH when true or nil"
	attr := attachAttr{
		targetFd:    uint32(target),
		attachBpfFd: uint32(prog),
		attachType:  uint32(unix.BPF_CGROUP_DEVICE),
		attachFlags: flags,
	}
	attr.replaceBpfFd = uint32(replaceFd) // want `BPF_PROG_ATTACH.replace_bpf_fd requires Linux 5.6`
	_, err := bpf(unix.BPF_PROG_ATTACH, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	return err
}

// mapCreateAttr is the start of the BPF_MAP_CREATE attr.
type mapCreateAttr struct {
	mapType    uint32
	keySize    uint32
	valueSize  uint32
	maxEntries uint32
}

// createMap takes the map type as an argument.
func createMap(mapType, maxEntries uint32) (int, error) {
	attr := mapCreateAttr{mapType: mapType, maxEntries: maxEntries}
	fd, err := bpf(unix.BPF_MAP_CREATE, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	return int(fd), err
}

var (
	haveReplaceOK   bool
	haveReplaceOnce sync.Once
)

// haveReplace is runc's probe: attach with BPF_F_REPLACE to /dev/null,
// EINVAL is "missing", anything else (EBADF) is "there"; memoized in a
// sync.Once closure that sets a package bool past its early returns.
func haveReplace() bool { // want haveReplace:"checks BPF_F_ALLOW_MULTI, BPF_F_REPLACE, BPF_MAP_TYPE_ARRAY, BPF_PROG_ATTACH.replace_bpf_fd when true or nil"
	haveReplaceOnce.Do(func() {
		prog, err := createMap(unix.BPF_MAP_TYPE_ARRAY, 1)
		if err != nil {
			return
		}
		defer unix.Close(prog)
		devnull, err := os.Open(os.DevNull)
		if err != nil {
			return
		}
		defer devnull.Close()
		err = progAttach(int(devnull.Fd()), prog, unix.BPF_F_ALLOW_MULTI|unix.BPF_F_REPLACE, prog)
		if errors.Is(err, unix.EINVAL) {
			return
		}
		haveReplaceOK = true
	})
	return haveReplaceOK
}

// canReplace is the probe without a memo.
func canReplace() bool { // want canReplace:"checks BPF_F_REPLACE when true or nil"
	err := progAttach(-1, 0, unix.BPF_F_REPLACE, 0)
	if errors.Is(err, unix.EINVAL) {
		return false
	}
	return true
}

// canReplaceEBADF takes the wrong error for "missing": an EINVAL says yes,
// so it is no check. (Its attach, whose failure it handles, is no use.)
func canReplaceEBADF() bool {
	err := progAttach(-1, 0, unix.BPF_F_REPLACE, 0)
	if errors.Is(err, unix.EBADF) {
		return false
	}
	return true
}

// replaceSupported says it with an error: nil unless the kernel said
// EINVAL.
func replaceSupported() error { // want replaceSupported:"checks BPF_F_REPLACE when true or nil"
	err := progAttach(-1, 0, unix.BPF_F_REPLACE, 0)
	if err == unix.EINVAL {
		return errors.New("BPF_F_REPLACE is not supported")
	}
	return nil
}

// haveRingBuf tries the map type through the wrapper taking it.
func haveRingBuf() bool { // want haveRingBuf:"checks BPF_MAP_TYPE_RINGBUF when true or nil"
	fd, err := createMap(unix.BPF_MAP_TYPE_RINGBUF, 4096)
	if err != nil {
		return false
	}
	unix.Close(fd)
	return true
}

// haveRingBufRaw fills the attr and calls bpf(2) itself, testing errno.
func haveRingBufRaw() bool { // want haveRingBufRaw:"checks BPF_MAP_CREATE, BPF_MAP_TYPE_RINGBUF when true or nil"
	attr := mapCreateAttr{mapType: unix.BPF_MAP_TYPE_RINGBUF, maxEntries: 4096}
	fd, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_MAP_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno == unix.EINVAL {
		return false
	}
	unix.Close(int(fd))
	return true
}

// haveRingBufErrno says no on any errno.
func haveRingBufErrno() bool { // want haveRingBufErrno:"checks BPF_MAP_CREATE, BPF_MAP_TYPE_RINGBUF when true or nil"
	attr := mapCreateAttr{mapType: unix.BPF_MAP_TYPE_RINGBUF, maxEntries: 4096}
	fd, _, errno := unix.Syscall(unix.SYS_BPF, unix.BPF_MAP_CREATE, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return false
	}
	unix.Close(int(fd))
	return true
}

// attach is runc's loadAttachCgroupDeviceFilter: BPF_F_REPLACE and a
// replace fd only where the probe said yes, -1 otherwise.
func attach(target, prog int, old []int) error { // want attach:"checks BPF_CGROUP_DEVICE, BPF_PROG_ATTACH when true or nil"
	useReplace := haveReplace() && len(old) == 1
	replaceFd := -1
	flags := uint32(unix.BPF_F_ALLOW_MULTI)
	if useReplace {
		replaceFd = old[0]
		flags |= unix.BPF_F_REPLACE
	}
	return progAttach(target, prog, flags, replaceFd)
}

// attachUnguarded is its twin without the probe.
func attachUnguarded(target, prog int, old []int) error { // want attachUnguarded:"checks BPF_CGROUP_DEVICE, BPF_PROG_ATTACH when true or nil"
	replaceFd := -1
	flags := uint32(unix.BPF_F_ALLOW_MULTI)
	if len(old) == 1 {
		replaceFd = old[0]
		flags |= unix.BPF_F_REPLACE // want `BPF_F_REPLACE requires Linux 5.6`
	}
	return progAttach(target, prog, flags, replaceFd) // want `BPF_PROG_ATTACH.replace_bpf_fd requires Linux 5.6, but the target is 5.4 \(via rawprobe.progAttach argument 3 → field replaceBpfFd of the BPF_PROG_ATTACH attr\)`
}

// attachOthers passes no replace fd: -1 and 0 select nothing.
func attachOthers(target, prog int) error { // want attachOthers:"checks BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI, BPF_PROG_ATTACH when true or nil"
	if err := progAttach(target, prog, unix.BPF_F_ALLOW_MULTI, -1); err != nil {
		return err
	}
	return progAttach(target, prog, unix.BPF_F_ALLOW_MULTI, 0)
}

// replaceOld passes a real fd: under the probe, and without it.
func replaceOld(target, prog, old int) error { // want replaceOld:"checks BPF_CGROUP_DEVICE, BPF_PROG_ATTACH when true or nil"
	if canReplace() {
		if err := progAttach(target, prog, unix.BPF_F_REPLACE, old); err != nil {
			return err
		}
	}
	if err := replaceSupported(); err == nil {
		if err := progAttach(target, prog, unix.BPF_F_REPLACE, old); err != nil {
			return err
		}
	}
	if canReplaceEBADF() {
		return progAttach(target, prog, unix.BPF_F_REPLACE, old) // want `BPF_F_REPLACE requires Linux 5.6` `BPF_PROG_ATTACH.replace_bpf_fd requires Linux 5.6`
	}
	return progAttachAlways(target, prog, unix.BPF_F_ALLOW_MULTI, old)
}

// ring creates a ring buffer where a probe said yes.
func ring() (int, error) {
	if haveRingBuf() {
		return createMap(unix.BPF_MAP_TYPE_RINGBUF, 1<<20)
	}
	if haveRingBufRaw() {
		return createMap(unix.BPF_MAP_TYPE_RINGBUF, 1<<20)
	}
	if haveRingBufErrno() {
		return createMap(unix.BPF_MAP_TYPE_RINGBUF, 1<<20)
	}
	return createMap(unix.BPF_MAP_TYPE_RINGBUF, 1<<20) // want `BPF_MAP_TYPE_RINGBUF requires Linux 5.8`
}

// progAttachHook is handed out as a value: its callers are out of sight,
// so the field it writes under its test of replaceFd is its own use.
func progAttachHook(target, prog, replaceFd int) error { // want progAttachHook:"checks BPF_PROG_ATTACH when true or nil"
	attr := attachAttr{targetFd: uint32(target), attachBpfFd: uint32(prog)}
	if replaceFd > 0 {
		attr.replaceBpfFd = uint32(replaceFd) // want `BPF_PROG_ATTACH.replace_bpf_fd requires Linux 5.6`
	}
	_, err := bpf(unix.BPF_PROG_ATTACH, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	return err
}

var attachHook = progAttachHook

// progLoadAttr is the start of the BPF_PROG_LOAD attr, to
// expected_attach_type.
type progLoadAttr struct {
	progType           uint32
	insnCnt            uint32
	insns              uint64
	license            uint64
	logLevel           uint32
	logSize            uint32
	logBuf             uint64
	kernVersion        uint32
	progFlags          uint32
	progName           [16]byte
	progIfindex        uint32
	expectedAttachType uint32
}

// loadProg takes the program type as an argument.
func loadProg(progType uint32, insns []uint64) (int, error) {
	attr := progLoadAttr{progType: progType, insnCnt: uint32(len(insns)), insns: uint64(uintptr(unsafe.Pointer(&insns[0])))}
	fd, err := bpf(unix.BPF_PROG_LOAD, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	return int(fd), err
}

// haveLSM loads an LSM program with bpf(2) itself: the program type, its
// attach type and the attr field that carries it are what it tries.
func haveLSM(insns []uint64) bool { // want haveLSM:"checks BPF_LSM_MAC, BPF_PROG_LOAD, BPF_PROG_LOAD.expected_attach_type, BPF_PROG_TYPE_LSM when true or nil"
	attr := progLoadAttr{progType: unix.BPF_PROG_TYPE_LSM, expectedAttachType: unix.BPF_LSM_MAC}
	attr.insnCnt = uint32(len(insns))
	attr.insns = uint64(uintptr(unsafe.Pointer(&insns[0])))
	fd, err := bpf(unix.BPF_PROG_LOAD, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	if err != nil {
		return false
	}
	unix.Close(int(fd))
	return true
}

// lsm loads where the probe said yes, and its twin without it.
func lsm(insns []uint64) (int, error) {
	if haveLSM(insns) {
		return loadProg(unix.BPF_PROG_TYPE_LSM, insns)
	}
	return loadProg(unix.BPF_PROG_TYPE_LSM, insns) // want `BPF_PROG_TYPE_LSM requires Linux 5.7`
}

var (
	forcedOK   bool
	forcedOnce sync.Once
)

// haveReplaceForced also says yes on the command line's word: its memo
// is no check.
func haveReplaceForced() bool {
	forcedOnce.Do(func() {
		if len(os.Args) > 5 {
			forcedOK = true
			return
		}
		err := progAttach(-1, 0, unix.BPF_F_REPLACE, 0)
		if errors.Is(err, unix.EINVAL) {
			return
		}
		forcedOK = true
	})
	return forcedOK
}

func replaceForced(target, prog int, old []int) error { // want replaceForced:"checks BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI, BPF_PROG_ATTACH when true or nil"
	replaceFd := 0
	if haveReplaceForced() {
		replaceFd = old[0]
	}
	return progAttach(target, prog, unix.BPF_F_ALLOW_MULTI, replaceFd) // want `BPF_PROG_ATTACH.replace_bpf_fd requires Linux 5.6`
}
