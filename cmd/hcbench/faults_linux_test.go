//go:build linux

package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hcbench/hcbench/report/store"
)

// Real faults for the built binary, made with mounts: a small tmpfs that
// the test fills (a full disk) and a read-only bind mount (a read-only
// directory that even root cannot write; chmod does not stop root). They
// need the privilege to mount and are skipped without it.

// mount runs mount(2), skipping the test when the process may not mount.
func mount(t *testing.T, source, target, fstype string, flags uintptr, data string) {
	t.Helper()
	if err := syscall.Mount(source, target, fstype, flags, data); err != nil {
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
			t.Skipf("cannot mount here: %v", err)
		}
		t.Fatalf("mount %s on %s: %v", source, target, err)
	}
}

// unmountAtCleanup unmounts dir when the test ends, before t.TempDir's
// removal (cleanups run last first).
func unmountAtCleanup(t *testing.T, dir string) {
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil && !errors.Is(err, syscall.EINVAL) {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

// fillDisk writes to a new file in dir until the file system is full.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling %s: %v", dir, err)
			}
			return path
		}
	}
}

// noTempFiles fails if an atomic write left its temporary file.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}

// latestRunID is the run_id of the JSONL's last whole record.
func latestRunID(t *testing.T, jsonl string) int64 {
	t.Helper()
	recs := checkWholeLines(t, jsonl, false)
	return recs[len(recs)-1].RunID
}

// TestBinaryDiskFull fills a small tmpfs under a running sweep.
//
// Space freed mid-run: the sweep warns (naming the JSONL and "no space left
// on device"), goes on with the results in memory, says when the JSONL is
// writable again, and ends with exit 0 and every config once in JSONL and
// CSV.
//
// Still full at the end (SIGINT): exit 1 with the CSV's path and the reason,
// the CSV on disk is the previous complete one, the JSONL holds only whole
// lines, the summary of what finished is printed; once space is freed,
// --resume completes the run.
func TestBinaryDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	binary(t)
	dir := filepath.Join(t.TempDir(), "res")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mount(t, "tmpfs", dir, "tmpfs", 0, "size=8m")
	unmountAtCleanup(t, dir)
	jsonl := filepath.Join(dir, store.FileJSONL)
	csvPath := filepath.Join(dir, store.FileCSV)

	t.Run("freed mid-run", func(t *testing.T) {
		before := countLines(jsonl)
		s := startSweep(t, dir, before+2, midSweep...)
		filler := fillDisk(t, dir)
		s.waitFor(t, "a warning about the full disk", func() bool { return strings.Contains(s.stderr(), "no space left on device") })
		if !strings.Contains(s.stderr(), "warning: cannot save ") || !strings.Contains(s.stderr(), jsonl) {
			t.Errorf("the warning does not name %s:\n%s", jsonl, s.stderr())
		}
		checkWholeLines(t, jsonl, false)
		if err := os.Remove(filler); err != nil {
			t.Fatal(err)
		}
		code := s.wait(t)
		stderr := s.stderr()
		t.Logf("stderr:\n%s", grepLines(stderr, "warning", "again"))
		if code != exitOK {
			t.Fatalf("exit %d, want 0\nstderr: %s", code, stderr)
		}
		if !strings.Contains(stderr, jsonl+" is writable again") {
			t.Errorf("stderr does not say the JSONL is writable again:\n%s", stderr)
		}
		recs := checkWholeLines(t, jsonl, false)
		checkWholeRun(t, dir, runOf(recs, latestRunID(t, jsonl)), 40)
		noTempFiles(t, dir)
	})

	t.Run("full to the end", func(t *testing.T) {
		csvBefore, err := os.ReadFile(csvPath)
		if err != nil {
			t.Fatal(err)
		}
		before := countLines(jsonl)
		s := startSweep(t, dir, before+2, midSweep...)
		filler := fillDisk(t, dir)
		s.waitFor(t, "a warning about the full disk", func() bool { return strings.Contains(s.stderr(), "no space left on device") })
		if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		code := s.wait(t)
		stderr := s.stderr()
		t.Logf("stderr:\n%s", grepLines(stderr, "warning", "cannot", "interrupted"))
		if code != exitError {
			t.Fatalf("exit %d, want 1 (interrupted, but the reports could not be saved)\nstderr: %s", code, stderr)
		}
		last := stderr[strings.LastIndex(strings.TrimSuffix(stderr, "\n"), "\n")+1:]
		if !strings.Contains(last, "cannot save the reports") || !strings.Contains(last, csvPath) ||
			!strings.Contains(last, "no space left on device") {
			t.Errorf("the last line does not name %s and the full disk: %q", csvPath, last)
		}
		if strings.Contains(stderr, "finished and saved") {
			t.Errorf("stderr claims the results were saved:\n%s", stderr)
		}
		if !strings.Contains(s.stdout.String(), "Quick Summary:") {
			t.Errorf("no summary of the finished configs:\n%s", s.stdout)
		}
		if after, _ := os.ReadFile(csvPath); !bytes.Equal(after, csvBefore) {
			t.Errorf("the CSV changed while the disk was full")
		}
		noTempFiles(t, dir)
		id := latestRunID(t, jsonl)
		saved := runOf(checkWholeLines(t, jsonl, false), id)
		checkOnce(t, "JSONL", saved)

		if err := os.Remove(filler); err != nil {
			t.Fatal(err)
		}
		r := runBinary(t, append([]string{"--headless", "--resume", "-o", dir}, midSweep...)...)
		if r.code != exitOK {
			t.Fatalf("--resume once space is back: exit %d\nstderr: %s", r.code, r.stderr)
		}
		checkWholeRun(t, dir, runOf(checkWholeLines(t, jsonl, false), id), 40)
	})
}

// TestBinaryOutputDirReadOnly makes the output directory read-only under a
// running sweep with a read-only bind mount over it. The JSONL, open since
// the start, takes every result still; the reports cannot be written: exit
// 1, the CSV's path and "read-only file system" on stderr, the previous
// CSV untouched. Once writable, --resume of the finished run writes its
// reports.
func TestBinaryOutputDirReadOnly(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("bind mounts need root")
	}
	binary(t)
	dir := filepath.Join(t.TempDir(), "res")
	first := runBinary(t, append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", "8,16"}, quick...)...)
	if first.code != exitOK {
		t.Fatalf("first run: exit %d: %s", first.code, first.stderr)
	}
	jsonl := filepath.Join(dir, store.FileJSONL)
	csvPath := filepath.Join(dir, store.FileCSV)
	csvBefore, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}

	s := startSweep(t, dir, 2+2, midSweep...)
	mount(t, dir, dir, "", syscall.MS_BIND, "")
	unmountAtCleanup(t, dir)
	mount(t, "", dir, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, "")
	if err := os.WriteFile(filepath.Join(dir, "probe"), nil, 0o644); !errors.Is(err, syscall.EROFS) {
		t.Fatalf("the bind mount is not read-only: %v", err)
	}
	code := s.wait(t)
	stderr := s.stderr()
	t.Logf("stderr:\n%s", grepLines(stderr, "warning", "cannot"))
	if code != exitError {
		t.Fatalf("exit %d, want 1\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stderr, "writing "+csvPath+": read-only file system") {
		t.Errorf("stderr does not name %s and the reason:\n%s", csvPath, stderr)
	}
	if after, _ := os.ReadFile(csvPath); !bytes.Equal(after, csvBefore) {
		t.Errorf("the CSV changed in a read-only directory")
	}
	noTempFiles(t, dir)
	id := latestRunID(t, jsonl)
	recs := runOf(checkWholeLines(t, jsonl, false), id)
	checkOnce(t, "JSONL", recs)
	if len(recs) != 40 {
		t.Errorf("the open JSONL took %d of the 40 configs; want all", len(recs))
	}

	if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
		t.Fatal(err)
	}
	r := runBinary(t, append([]string{"--headless", "--resume", "-o", dir}, midSweep...)...)
	if r.code != exitOK || !strings.Contains(r.stderr, "already complete") {
		t.Fatalf("--resume once writable: exit %d\nstderr: %s", r.code, r.stderr)
	}
	checkWholeRun(t, dir, runOf(checkWholeLines(t, jsonl, false), id), 40)
}
