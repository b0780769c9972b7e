package kernelspec_test

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/cilium/ebpf/btf"

	"github.com/bpfcompat/bpfcompat/probe"
)

// This file reads what a distribution's kernel package carries: the BTF in
// its compressed kernel image and the options of its build configuration.

// bzImagePayload returns the compressed kernel inside an x86 bzImage and
// the size it decompresses to. The boot protocol
// (Documentation/arch/x86/boot.rst, 2.08 and later) gives the payload's
// offset from the protected-mode code, which follows the setup sectors,
// and its length, so no search for a magic number is needed; the build
// appends the decompressed size as 4 little-endian bytes (size_append in
// scripts/Makefile.lib), which the decompressors would take for a
// truncated or unknown second stream.
func bzImagePayload(image []byte) (payload []byte, size int, err error) {
	const (
		setupSects    = 0x1f1
		headerMagic   = 0x202
		protocol      = 0x206
		payloadOffset = 0x248
		payloadLength = 0x24c
	)
	if len(image) < payloadLength+4 || string(image[headerMagic:headerMagic+4]) != "HdrS" {
		return nil, 0, errors.New("not an x86 bzImage (no HdrS boot header)")
	}
	if v := binary.LittleEndian.Uint16(image[protocol:]); v < 0x208 {
		return nil, 0, fmt.Errorf("boot protocol %#x predates the payload fields (2.08)", v)
	}
	sects := int(image[setupSects])
	if sects == 0 {
		sects = 4 // the boot protocol's meaning of 0
	}
	start := (sects+1)*512 + int(binary.LittleEndian.Uint32(image[payloadOffset:]))
	end := start + int(binary.LittleEndian.Uint32(image[payloadLength:]))
	if start+4 >= end || end > len(image) {
		return nil, 0, fmt.Errorf("payload [%d, %d) lies outside the image's %d bytes", start, end, len(image))
	}
	return image[start : end-4], int(binary.LittleEndian.Uint32(image[end-4:])), nil
}

// decompressors are the formats Debian has compressed its kernels with
// (xz up to 6.1, zstd since), told apart by their magic numbers, and the
// system tool that decompresses each.
var decompressors = []struct {
	magic string
	tool  []string
}{
	{"\x28\xb5\x2f\xfd", []string{"zstd", "-dc"}},
	{"\xfd7zXZ\x00", []string{"xz", "-dc"}},
	{"\x1f\x8b", []string{"gzip", "-dc"}},
}

// decompress runs the system tool for the payload's format.
func decompress(payload []byte) ([]byte, error) {
	for _, d := range decompressors {
		if !bytes.HasPrefix(payload, []byte(d.magic)) {
			continue
		}
		cmd := exec.Command(d.tool[0], d.tool[1:]...)
		cmd.Stdin = bytes.NewReader(payload)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("%s: %v %s", strings.Join(d.tool, " "), err, bytes.TrimSpace(stderr.Bytes()))
		}
		return out, nil
	}
	return nil, fmt.Errorf("payload compressed in a format not known here (starts % x)", payload[:min(len(payload), 6)])
}

// vmlinuzBTF reads the BTF of a kernel image: the .BTF section of the
// vmlinux ELF that its bzImage payload decompresses to, and the type ids
// its .BTF_ids section lists (the kernel's sets of BTF ids, the kfunc sets
// among them; nil without the section).
func vmlinuzBTF(path string) (*btf.Spec, map[btf.TypeID]bool, error) {
	image, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	payload, size, err := bzImagePayload(image)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	vmlinux, err := decompress(payload)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(vmlinux) != size {
		return nil, nil, fmt.Errorf("%s: the payload decompressed to %d bytes; the image says %d", path, len(vmlinux), size)
	}
	exe, err := elf.NewFile(bytes.NewReader(vmlinux))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: the payload is not a vmlinux ELF: %v", path, err)
	}
	sec := exe.Section(".BTF")
	if sec == nil {
		return nil, nil, fmt.Errorf("%s: its vmlinux has no .BTF section (built without CONFIG_DEBUG_INFO_BTF)", path)
	}
	raw, err := sec.Data()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: .BTF: %v", path, err)
	}
	spec, err := btf.LoadSpecFromReader(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: .BTF: %v", path, err)
	}
	var ids map[btf.TypeID]bool
	if sec := exe.Section(".BTF_ids"); sec != nil {
		raw, err := sec.Data()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: .BTF_ids: %v", path, err)
		}
		// The sets interleave counts and flags with the ids; taking
		// every word as an id is harmless, since only functions the
		// data calls kfuncs are looked up.
		ids = map[btf.TypeID]bool{}
		for i := 0; i+4 <= len(raw); i += 4 {
			ids[btf.TypeID(exe.ByteOrder.Uint32(raw[i:]))] = true
		}
	}
	return spec, ids, nil
}

// readKernelConfig reads a kernel's build configuration, gzip-compressed
// (/proc/config.gz) or not (/boot/config-*).
func readKernelConfig(path string) (probe.Config, error) {
	if !strings.HasSuffix(path, ".gz") {
		return probe.ReadConfig(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return probe.ParseConfig(path, data)
}
