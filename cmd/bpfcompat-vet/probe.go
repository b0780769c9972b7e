package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bpfcompat/bpfcompat/kernelspec"
	"github.com/bpfcompat/bpfcompat/probe"
	"github.com/bpfcompat/bpfcompat/probe/vm"
)

const probeUsage = "usage: bpfcompat-vet probe [-o file.yaml] [-name rhel-8.10] [-config /boot/config-$(uname -r)] [-vm vmlinuz [-v]]"

// probeCmd writes a kernel spec for the running kernel, or for a kernel
// image booted under qemu.
func probeCmd(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "-", "write the kernel spec to this file (- for standard output)")
	name := fs.String("name", "", "the kernel's name in diagnostics (default: host-<uname release>, or for -vm the image's release)")
	config := fs.String("config", "", "the kernel's build configuration (/boot/config-*): features it configures out are recorded as removed")
	image := fs.String("vm", "", "probe this kernel image (x86-64 bzImage, e.g. a copy of /boot/vmlinuz-* from a fleet machine) booted under qemu, not the running kernel")
	verbose := fs.Bool("v", false, "with -vm: copy the guest kernel's console to standard error")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, probeUsage)
		return 1
	}
	var spec []byte
	var err error
	if *image != "" {
		spec, err = probeVM(stderr, *image, *name, *config, *verbose)
	} else {
		spec, err = probeHost(*name, *config)
	}
	if err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet probe:", err)
		return 1
	}
	if *out == "-" {
		stdout.Write(spec)
		return 0
	}
	if err := os.WriteFile(*out, spec, 0o644); err != nil {
		fmt.Fprintln(stderr, "bpfcompat-vet probe:", err)
		return 1
	}
	fmt.Fprintf(stderr, "wrote %s\n", *out)
	return 0
}

// probeHost probes the running kernel.
func probeHost(name, config string) ([]byte, error) {
	db, err := kernelspec.Embedded()
	if err != nil {
		return nil, err
	}
	var opts probe.Options
	if config != "" {
		if opts.Config, err = probe.ReadConfig(config); err != nil {
			return nil, err
		}
	}
	r, err := probe.RunWith(db, opts)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = "host-" + strings.NewReplacer(" ", "-", ",", "-").Replace(r.Release)
	}
	var buf bytes.Buffer
	if err := r.WriteSpec(&buf, db, name); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// probeVM boots image under qemu with this program as the guest's init and
// runs the probe there.
func probeVM(stderr io.Writer, image, name, config string, verbose bool) ([]byte, error) {
	if err := vm.HaveQemu(); err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	self, err := os.ReadFile(exe)
	if err != nil {
		return nil, err
	}
	if err := vm.CheckStatic(self); err != nil {
		return nil, fmt.Errorf("%v (the VM runs this program as its init: CGO_ENABLED=0 go build ./cmd/bpfcompat-vet)", err)
	}
	if name == "" {
		name = strings.TrimPrefix(filepath.Base(image), "vmlinuz-")
	}
	args := []string{"/init", "probe", "-name", name}
	var files []vm.File
	if config != "" {
		data, err := os.ReadFile(config)
		if err != nil {
			return nil, err
		}
		if _, err := probe.ParseConfig(config, data); err != nil {
			return nil, err
		}
		files = append(files, vm.File{Path: "config", Data: data, Mode: 0o644})
		args = append(args, "-config", "/config")
	}
	opts := vm.Options{Kernel: image, Init: self, Files: files,
		Jobs: []vm.Job{{Name: "probe", Args: args, Timeout: 15 * time.Minute}}}
	if verbose {
		opts.Console = stderr
	}
	fmt.Fprintf(stderr, "booting %s under qemu...\n", image)
	r, err := vm.Run(context.Background(), opts)
	if err != nil {
		if errors.Is(err, vm.ErrNoQemu) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", image, err)
	}
	o, _ := r.Output("probe")
	if o.Exit != 0 {
		return nil, fmt.Errorf("%s: the probe in the VM failed (exit %d):\n%s", image, o.Exit, o.Data)
	}
	fmt.Fprintf(stderr, "%s: booted in %v (%s), probed in %v\n", image, r.Boot.Round(100*time.Millisecond), r.Accel, o.Duration.Round(100*time.Millisecond))
	return o.Data, nil
}
