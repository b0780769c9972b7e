package vm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"golang.org/x/sys/unix"
)

// Job is a command the guest runs, in order, once the kernel has booted.
type Job struct {
	Name    string
	Args    []string // Args[0] is a path inside the initramfs
	Timeout time.Duration
}

// jobsFile holds the jobs, as JSON, inside the initramfs.
const jobsFile = "bpfcompat-jobs.json"

// IsGuest reports whether this process is the init of a VM that Run
// started: process 1 with the jobs file beside it.
func IsGuest() bool {
	if os.Getpid() != 1 {
		return false
	}
	_, err := os.Stat("/" + jobsFile)
	return err == nil
}

// Guest is the init process of the VM: it mounts what BPF and its probes
// read (sysfs for BTF, bpffs, tracefs and debugfs for kprobes), runs the
// jobs, writes each one's output to the second serial port, and turns the
// machine off. It does not return.
func Guest() {
	console := os.Stderr
	for _, m := range []struct{ fs, dir string }{
		{"proc", "/proc"}, {"sysfs", "/sys"}, {"devtmpfs", "/dev"}, {"tmpfs", "/tmp"},
		{"bpf", "/sys/fs/bpf"}, {"debugfs", "/sys/kernel/debug"}, {"tracefs", "/sys/kernel/tracing"},
	} {
		os.MkdirAll(m.dir, 0o755)
		if err := unix.Mount(m.fs, m.dir, m.fs, 0, ""); err != nil {
			fmt.Fprintf(console, "bpfcompat guest: mount %s on %s: %v\n", m.fs, m.dir, err)
		}
	}
	out, err := os.OpenFile("/dev/ttyS1", os.O_WRONLY, 0)
	if err != nil {
		fmt.Fprintf(console, "bpfcompat guest: %v; writing results to the console\n", err)
		out = console
	} else {
		makeRaw(int(out.Fd()))
	}
	w := bufio.NewWriter(out)
	uptime, _ := os.ReadFile("/proc/uptime")
	writeFrame(w, "boot", uptime, 0, 0)
	if err := runJobs(w); err != nil {
		writeFrame(w, "error", []byte(err.Error()), 1, 0)
	}
	w.Flush()
	out.Sync()
	unix.Sync()
	// With qemu's -no-reboot, a restart ends the emulator; it needs no ACPI.
	unix.Reboot(unix.LINUX_REBOOT_CMD_RESTART)
	select {}
}

func runJobs(w *bufio.Writer) error {
	data, err := os.ReadFile("/" + jobsFile)
	if err != nil {
		return err
	}
	var jobs []Job
	if err := json.Unmarshal(data, &jobs); err != nil {
		return err
	}
	for _, j := range jobs {
		ctx := context.Background()
		if j.Timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, j.Timeout)
			defer cancel()
		}
		cmd := exec.CommandContext(ctx, j.Args[0], j.Args[1:]...)
		cmd.Dir = "/tmp"
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		err := cmd.Run()
		code := 0
		if err != nil {
			code = -1
			if cmd.ProcessState != nil {
				code = cmd.ProcessState.ExitCode()
			}
			if code == -1 {
				fmt.Fprintf(&stderr, "bpfcompat guest: %v\n", err)
			}
		}
		d := time.Since(start)
		writeFrame(w, j.Name+stderrSuffix, stderr.Bytes(), code, d)
		writeFrame(w, j.Name, stdout.Bytes(), code, d)
		w.Flush()
	}
	return nil
}

// makeRaw stops the tty from rewriting the output (\n to \r\n).
func makeRaw(fd int) {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return
	}
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ICANON | unix.ISIG | unix.IEXTEN
	unix.IoctlSetTermios(fd, unix.TCSETS, t)
}

// Frames on the serial port: a begin line, the output in base64 (so that
// neither the tty nor the kernel's own messages can alter it), an end line
// with the exit code and duration.
const framePrefix = "@@bpfcompat "

// stderrSuffix names the frame of a job's standard error.
const stderrSuffix = "/stderr"

func writeFrame(w io.Writer, name string, data []byte, exit int, d time.Duration) {
	fmt.Fprintf(w, "\n%sbegin %s\n", framePrefix, name)
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		fmt.Fprintln(w, enc[:76])
		enc = enc[76:]
	}
	fmt.Fprintln(w, enc)
	fmt.Fprintf(w, "%send %s %d %d\n", framePrefix, name, exit, d.Milliseconds())
}
