package worker

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

func TestCause(t *testing.T) {
	for _, tc := range []struct{ name, stderr, want string }{
		{"go out of memory", oomStderr, "runtime: out of memory: cannot allocate 4194304-byte block (0 in use); fatal error: out of memory"},
		{"panic after output", "loading\npanic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n", "panic: runtime error: index out of range [3] with length 3"},
		{"failed thread", "runtime/cgo: pthread_create failed: Resource temporarily unavailable\nSIGABRT: abort\nPC=0x7f9668c08eec m=7\n", "runtime/cgo: pthread_create failed: Resource temporarily unavailable"},
		{"fatal alone", "fatal error: failed to reserve page summary memory\n\nruntime stack:\n", "fatal error: failed to reserve page summary memory"},
		{"python", "Fatal Python error: Segmentation fault\n\nCurrent thread 0x00007f (most recent call first):\n", "Fatal Python error: Segmentation fault"},
		{"python traceback", "Traceback (most recent call last):\n  File \"x.py\", line 1\nKeyError: 'x'\n", ""},
		{"nothing", "", ""},
	} {
		if got := cause(tc.stderr); got != tc.want {
			t.Errorf("%s: cause = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestStderrLogKeepsBothEnds: the beginning and the end are kept whole,
// with a mark saying how much was left out between.
func TestStderrLogKeepsBothEnds(t *testing.T) {
	var s stderrLog
	head := strings.Repeat("h", stderrHead)
	middle := strings.Repeat("m", 1000)
	tail := strings.Repeat("t", stderrTail-1) + "!"
	for _, chunk := range []string{head[:10], head[10:] + middle[:500], middle[500:], tail[:7], tail[7:]} {
		if n, err := s.Write([]byte(chunk)); n != len(chunk) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if want := head + "\n[… 1000 bytes left out …]\n" + tail; s.String() != want {
		t.Errorf("kept %d bytes, not the head, the mark and the tail", len(s.String()))
	}
	var small stderrLog
	small.Write([]byte("a\n"))
	small.Write([]byte("b\n"))
	if small.String() != "a\nb\n" {
		t.Errorf("small stderr kept as %q", small.String())
	}
}

// TestCrashSaysWhy: a worker that crashed is reported with the line that
// says why, not with the end of its goroutine dump; under an address-space
// limit, as running out of it; and its whole stderr is in a log file that
// the error names.
func TestCrashSaysWhy(t *testing.T) {
	for _, tc := range []struct {
		name   string
		limit  int64
		logDir bool
		want   []string
	}{
		{"no log dir", 0, false, []string{"exited: exit status 2; stderr: runtime: out of memory: cannot allocate 4194304-byte block (0 in use); fatal error: out of memory"}},
		{"address-space limit", 2400000 << 10, true, []string{"fatal error: out of memory; it ran out of address space: each process may reserve 2.3 GiB (ulimit -v 2400000)", "the whole of it is in "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := Options{limits: func() Limits { return Limits{AddressSpace: tc.limit} }}
			if tc.logDir {
				opt.LogDir = t.TempDir()
			}
			c, err := fake(t, "oom", opt)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Measure(context.Background(), req(1, 1), nil)
			if err == nil {
				t.Fatal("Measure of a crashing worker succeeded")
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
			if strings.Contains(msg, "goroutine") || strings.Contains(msg, "panic.go") {
				t.Errorf("error %q quotes the goroutine dump", msg)
			}
			if !tc.logDir {
				if strings.Contains(msg, "the whole of it") {
					t.Errorf("error %q names a log without a log directory", msg)
				}
				return
			}
			m := regexp.MustCompile(`the whole of it is in (\S+\.log)`).FindStringSubmatch(msg)
			if m == nil {
				t.Fatalf("error %q names no log file", msg)
			}
			if filepath.Dir(m[1]) != opt.LogDir || !strings.Contains(filepath.Base(m[1]), "fake-worker") {
				t.Errorf("log %s: want a file of the fake worker in %s", m[1], opt.LogDir)
			}
			b, err := os.ReadFile(m[1])
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != oomStderr {
				t.Errorf("the log holds %d bytes, not the worker's whole stderr (%d bytes)", len(b), len(oomStderr))
			}
		})
	}
}

// TestStartErrorIsPlain: a worker that cannot start is reported with the
// program as the user knows it and what the system said — not the
// /proc/self/exe the Go worker is started from, nor Go's "fork/exec".
func TestStartErrorIsPlain(t *testing.T) {
	for _, tc := range []struct {
		name string
		path string
		err  error
		want string
	}{
		{"this program unreadable", selfExe, &fs.PathError{Op: "fork/exec", Path: selfExe, Err: syscall.EACCES},
			"cannot start go worker " + startExe + " (this program): permission denied"},
		{"out of files", "/usr/bin/python3", &fs.PathError{Op: "fork/exec", Path: "/usr/bin/python3", Err: syscall.EMFILE},
			"cannot start go worker /usr/bin/python3: too many open files (the open-file limit, ulimit -n, is 48)"},
		{"pipe", "/usr/bin/python3", &os.SyscallError{Syscall: "pipe2", Err: syscall.EMFILE},
			"cannot start go worker /usr/bin/python3: pipe2: too many open files (the open-file limit, ulimit -n, is 48)"},
		{"other", "/usr/bin/python3", errors.New("exec: not started"), "cannot start go worker /usr/bin/python3: exec: not started"},
	} {
		c := &Client{name: "go worker", limits: func() Limits { return Limits{OpenFiles: 48} }}
		c.cmd = &exec.Cmd{Path: tc.path}
		if got := c.startError(tc.err).Error(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
