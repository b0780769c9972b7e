// Package vm boots a Linux kernel image under qemu with an initramfs whose
// init is a static Go program (this tool itself), runs commands in it, and
// brings their output back over a second serial port: no disk image, no
// shell, no modules, nothing from the guest's distribution but its kernel.
//
// The host side is Run; the guest side is Guest, which the program calls
// when IsGuest says it is the VM's init.
package vm

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Qemu is the emulator Run starts.
const Qemu = "qemu-system-x86_64"

// ErrNoQemu means the emulator is not installed.
var ErrNoQemu = errors.New(Qemu + " not found: install it (Debian, Ubuntu: apt-get install qemu-system-x86; Fedora, RHEL: dnf install qemu-system-x86-core; Arch: pacman -S qemu-system-x86; macOS: brew install qemu)")

// Options says what to boot and run.
type Options struct {
	Kernel string // path of a bzImage (vmlinuz) for x86-64
	// Init is the guest's init: a statically linked Linux x86-64 program
	// that calls Guest when IsGuest. It is /init in the initramfs.
	Init  []byte
	Files []File // more files for the initramfs
	Jobs  []Job
	// Memory is qemu's -m; default 1G.
	Memory string
	// Timeout bounds the whole boot; default 10 minutes.
	Timeout time.Duration
	// Console, if set, receives the kernel's console (the first serial port).
	Console io.Writer
}

// Output is what one job printed.
type Output struct {
	Name     string
	Data     []byte // standard output
	Stderr   []byte
	Exit     int
	Duration time.Duration
}

// Result is one boot.
type Result struct {
	Accel    string        // kvm or tcg
	Boot     time.Duration // the guest's uptime when its init started
	Total    time.Duration // from starting qemu until it exited
	Outputs  []Output
	Console  []byte // the kernel's console
	ExitCode int
}

// Output returns the output of the job named name.
func (r *Result) Output(name string) (*Output, bool) {
	for i := range r.Outputs {
		if r.Outputs[i].Name == name {
			return &r.Outputs[i], true
		}
	}
	return nil, false
}

// HaveQemu returns ErrNoQemu unless the emulator is installed.
func HaveQemu() error {
	if _, err := exec.LookPath(Qemu); err != nil {
		return ErrNoQemu
	}
	return nil
}

// CheckStatic returns an error unless exe is a statically linked x86-64
// ELF program, which is all a bare initramfs can run.
func CheckStatic(exe []byte) error {
	f, err := elf.NewFile(bytes.NewReader(exe))
	if err != nil {
		return fmt.Errorf("the guest init is not an ELF program: %w", err)
	}
	if f.Machine != elf.EM_X86_64 {
		return fmt.Errorf("the guest init is for %v, not x86-64", f.Machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return errors.New("the guest init is dynamically linked; build it with CGO_ENABLED=0")
		}
	}
	return nil
}

// Run boots opts.Kernel and runs the jobs. It uses KVM where /dev/kvm
// opens and the guest starts under it, else qemu's emulation (TCG).
func Run(ctx context.Context, opts Options) (*Result, error) {
	qemu, err := exec.LookPath(Qemu)
	if err != nil {
		return nil, ErrNoQemu
	}
	if _, err := os.Stat(opts.Kernel); err != nil {
		return nil, fmt.Errorf("kernel image: %w", err)
	}
	if err := CheckStatic(opts.Init); err != nil {
		return nil, err
	}
	jobs, err := json.Marshal(opts.Jobs)
	if err != nil {
		return nil, err
	}
	files := append([]File{{Path: "init", Data: opts.Init}, {Path: jobsFile, Data: jobs, Mode: 0o644}}, opts.Files...)
	initrd, err := Initramfs(files)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "bpfcompat-vm-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "initrd"), initrd, 0o644); err != nil {
		return nil, err
	}
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Minute
	}
	if opts.Memory == "" {
		opts.Memory = "1G"
	}
	var last error
	for _, accel := range accels() {
		r, err := boot(ctx, qemu, dir, accel, opts)
		if err == nil {
			return r, nil
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, last
}

// accels lists the accelerators to try: KVM first when it can be opened.
func accels() []string {
	if f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0); err == nil {
		f.Close()
		return []string{"kvm", "tcg"}
	}
	return []string{"tcg"}
}

func boot(ctx context.Context, qemu, dir, accel string, opts Options) (*Result, error) {
	out := filepath.Join(dir, "out-"+accel)
	cons := filepath.Join(dir, "console-"+accel)
	timeout := opts.Timeout
	if accel == "kvm" {
		// A nested guest that does not start under KVM leaves time for TCG.
		timeout = min(timeout, 3*time.Minute)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cpu := "max"
	if accel == "kvm" {
		cpu = "host"
	}
	cmd := exec.CommandContext(ctx, qemu,
		"-accel", accel, "-cpu", cpu, "-smp", "1", "-m", opts.Memory,
		"-nodefaults", "-display", "none", "-no-reboot",
		"-kernel", opts.Kernel, "-initrd", filepath.Join(dir, "initrd"),
		"-append", "console=ttyS0 panic=-1 rdinit=/init quiet",
		"-serial", "file:"+cons, "-serial", "file:"+out,
	)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	start := time.Now()
	err := cmd.Run()
	r := &Result{Accel: accel, Total: time.Since(start)}
	r.Console, _ = os.ReadFile(cons)
	if opts.Console != nil {
		opts.Console.Write(r.Console)
	}
	data, rerr := os.ReadFile(out)
	if rerr == nil {
		r.Outputs, rerr = parseFrames(data)
	}
	var boot *Output
	for i := range r.Outputs {
		if r.Outputs[i].Name == "boot" {
			boot = &r.Outputs[i]
		}
	}
	switch {
	case boot == nil && err != nil:
		return nil, fmt.Errorf("%s (%s) failed before the guest started: %v\n%s%s", Qemu, accel, err, stderr.Bytes(), tail(r.Console))
	case boot == nil:
		return nil, fmt.Errorf("the guest (%s) did not start its init; kernel console:\n%s", accel, tail(r.Console))
	case rerr != nil:
		return nil, rerr
	}
	if f := strings.Fields(string(boot.Data)); len(f) > 0 {
		if s, err := strconv.ParseFloat(f[0], 64); err == nil {
			r.Boot = time.Duration(s * float64(time.Second))
		}
	}
	if e, ok := r.Output("error"); ok {
		return r, fmt.Errorf("guest: %s", e.Data)
	}
	for _, j := range opts.Jobs {
		if _, ok := r.Output(j.Name); !ok {
			return r, fmt.Errorf("the guest (%s) gave no result for %s (%v); kernel console:\n%s", accel, j.Name, err, tail(r.Console))
		}
	}
	return r, nil
}

func tail(b []byte) []byte {
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return b
}

func parseFrames(data []byte) ([]Output, error) {
	var outs []Output
	var cur *Output
	var enc strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		rest, ok := strings.CutPrefix(line, framePrefix)
		switch {
		case ok && strings.HasPrefix(rest, "begin "):
			cur = &Output{Name: strings.TrimPrefix(rest, "begin ")}
			enc.Reset()
		case ok && strings.HasPrefix(rest, "end ") && cur != nil:
			f := strings.Fields(rest)
			if len(f) != 4 || f[1] != cur.Name {
				return outs, fmt.Errorf("guest output: bad end line %q", line)
			}
			cur.Exit, _ = strconv.Atoi(f[2])
			ms, _ := strconv.Atoi(f[3])
			cur.Duration = time.Duration(ms) * time.Millisecond
			d, err := base64.StdEncoding.DecodeString(enc.String())
			if err != nil {
				return outs, fmt.Errorf("guest output of %s: %w", cur.Name, err)
			}
			// A job's stderr frame comes first, then its stdout frame.
			job, isStderr := strings.CutSuffix(cur.Name, stderrSuffix)
			if n := len(outs); n == 0 || outs[n-1].Name != job {
				outs = append(outs, Output{Name: job, Exit: cur.Exit, Duration: cur.Duration})
			}
			if isStderr {
				outs[len(outs)-1].Stderr = d
			} else {
				outs[len(outs)-1].Data = d
			}
			cur = nil
		case cur != nil:
			enc.WriteString(line)
		}
	}
	return outs, sc.Err()
}
