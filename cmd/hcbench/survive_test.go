package main

import (
	"github.com/gofrs/flock"

	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hcbench/hcbench/report/store"
)

// Faults met while a sweep runs (issue 7), through the built binary and,
// where the race detector should see it, in-process.

// midSweep is 40 configs of about 20ms each: long enough to do something
// to the output while it runs, short enough to let it finish.
var midSweep = []string{"-D", "3", "-K", "3", "-T", "48..1920:48", "--min-time", "20ms", "--repeats", "1", "--depths", "1"}

// sweep is a running binary whose stderr goes to a file, so that the test
// can read it while the process writes.
type runningBinary struct {
	cmd     *exec.Cmd
	stdout  *bytes.Buffer
	errPath string
	jsonl   string
}

// startSweep starts hcbench --headless -o dir with args and waits until the
// JSONL holds at least minLines lines.
func startSweep(t *testing.T, dir string, minLines int, args ...string) *runningBinary {
	t.Helper()
	cmd, stdout, _ := command(t, append([]string{"--headless", "-o", dir}, args...)...)
	errFile, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close() // the child has its own copy
	cmd.Stderr = errFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &runningBinary{cmd: cmd, stdout: stdout, errPath: errFile.Name(), jsonl: filepath.Join(dir, store.FileJSONL)}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	s.waitFor(t, "JSONL lines", func() bool { return countLines(s.jsonl) >= minLines })
	return s
}

func (s *runningBinary) stderr() string {
	b, _ := os.ReadFile(s.errPath)
	return string(b)
}

// waitFor polls cond for up to a minute; the process must not exit meanwhile.
func (s *runningBinary) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s; stderr:\n%s", what, s.stderr())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// wait waits for the process to exit and returns its exit code.
func (s *runningBinary) wait(t *testing.T) int {
	t.Helper()
	return exitCode(t, s.cmd.Wait())
}

// checkWholeLines fails unless every line of the JSONL parses, allowing a
// torn last line (no newline) only when tornOK.
func checkWholeLines(t *testing.T, path string, tornOK bool) []jsonlRec {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []jsonlRec
	lines := strings.SplitAfter(string(b), "\n")
	for i, line := range lines {
		if line == "" {
			continue
		}
		var r jsonlRec
		if err := json.Unmarshal([]byte(line), &r); err != nil || !strings.HasSuffix(line, "\n") {
			if tornOK && i == len(lines)-1 && !strings.HasSuffix(line, "\n") {
				t.Logf("%s: torn last line %d (%d bytes)", path, i+1, len(line))
				continue
			}
			t.Fatalf("%s line %d is not a whole record (%v): %q", path, i+1, err, line)
		}
		out = append(out, r)
	}
	return out
}

// checkWholeRun fails unless recs and the CSV hold exactly the n configs of
// one run, each once.
func checkWholeRun(t *testing.T, dir string, recs []jsonlRec, n int) {
	t.Helper()
	checkOnce(t, "JSONL", recs)
	if len(recs) != n {
		t.Errorf("JSONL holds %d configs of the run, want %d", len(recs), n)
	}
	for _, r := range recs {
		if r.RunID != recs[0].RunID {
			t.Errorf("config %v has run_id %d, want the run's %d", r.config(), r.RunID, recs[0].RunID)
		}
	}
	rows := readCSVRows(t, filepath.Join(dir, store.FileCSV))
	checkOnce(t, "CSV", rows)
	if !sameConfigs(recs, rows) {
		t.Errorf("CSV holds %d rows, not the JSONL's %d configs", len(rows), len(recs))
	}
}

// runOf keeps the records of run id.
func runOf(recs []jsonlRec, id int64) []jsonlRec {
	var out []jsonlRec
	for _, r := range recs {
		if r.RunID == id {
			out = append(out, r)
		}
	}
	return out
}

// TestBinaryOutputDirRemoved removes the output directory after the second
// config. The next config's save warns, naming the JSONL and the reason;
// the sweep goes on; the config after that recreates the directory with the
// whole run; at the end JSONL and CSV hold every config once. Exit 0: every
// result is saved, and the warning has told what happened.
func TestBinaryOutputDirRemoved(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	s := startSweep(t, dir, 2, midSweep...)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	code := s.wait(t)
	stderr := s.stderr()
	if code != exitOK {
		t.Fatalf("exit %d, want 0\nstderr: %s", code, stderr)
	}
	// "file was removed" when a config ended between the removal of the
	// file and of the directory.
	if !strings.Contains(stderr, "warning: "+s.jsonl+": ") || !strings.Contains(stderr, " was removed; ") {
		t.Errorf("no warning naming %s and the removal:\n%s", s.jsonl, stderr)
	}
	if !strings.Contains(stderr, "recreated "+s.jsonl) {
		t.Errorf("stderr does not say the JSONL was recreated:\n%s", stderr)
	}
	t.Logf("stderr:\n%s", grepLines(stderr, "warning", "recreated"))
	checkWholeRun(t, dir, checkWholeLines(t, s.jsonl, false), 40)
	if !strings.Contains(s.stdout.String(), "Quick Summary:") {
		t.Errorf("no summary:\n%s", s.stdout)
	}
}

// TestBinaryKill9AndResume kills the binary with SIGKILL mid-sweep: nothing
// runs at exit, so only what was appended and synced survives. Every line
// is a whole record (a torn last one is allowed: that is what a kill in the
// middle of a write leaves), and --resume completes the grid with every
// config once, not measuring the saved ones again.
func TestBinaryKill9AndResume(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	s := startSweep(t, dir, 2, midSweep...)
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("after SIGKILL: %v", err)
	}
	saved := checkWholeLines(t, s.jsonl, true)
	if len(saved) < 2 || len(saved) >= 40 {
		t.Fatalf("%d configs saved; want an interrupted sweep", len(saved))
	}
	checkOnce(t, "JSONL after kill -9", saved)

	r := runBinary(t, append([]string{"--headless", "--resume", "-o", dir}, midSweep...)...)
	if r.code != exitOK {
		t.Fatalf("--resume: exit %d\nstderr: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "resuming run ") {
		t.Errorf("--resume did not say it resumed:\n%s", r.stderr)
	}
	after := checkWholeLines(t, s.jsonl, false)
	checkWholeRun(t, dir, after, 40)
	for i, rec := range saved {
		if after[i] != rec {
			t.Errorf("saved record %d changed from %+v to %+v: measured again", i, rec, after[i])
		}
	}
}

// syncBuffer is a bytes.Buffer that the test may read while run writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestOutputDirRemovedRelocked runs the command in-process (for the race
// detector) and removes the output directory mid-sweep: once the JSONL is
// recreated, the second-writer lock is on the new file, so another hcbench
// is refused again.
func TestOutputDirRemovedRelocked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	jsonl := filepath.Join(dir, store.FileJSONL)
	sigs := make(chan os.Signal, 1)
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(append([]string{"--headless", "-o", dir}, longSweep...), &stdout, &stderr, environment{signals: sigs})
	}()
	waitUntil := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.After(time.Minute)
		for !cond() {
			select {
			case code := <-done:
				t.Fatalf("the sweep ended (exit %d) while waiting for %s\nstderr: %s", code, what, stderr.String())
			case <-deadline:
				t.Fatalf("waited a minute for %s\nstderr: %s", what, stderr.String())
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	waitUntil("two configs", func() bool { return countLines(jsonl) >= 2 })
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	waitUntil("the JSONL to be recreated", func() bool { return strings.Contains(stderr.String(), "recreated "+jsonl) })
	if ok, err := flock.New(store.PathsFor(dir).Lock).TryLock(); ok || err != nil {
		t.Errorf("locking the recreated directory: %v, %v; want it held by the running sweep", ok, err)
	}
	sigs <- os.Interrupt
	if code := <-done; code != exitInterrupted {
		t.Fatalf("exit %d, want 130\nstderr: %s", code, stderr.String())
	}
	recs := readJSONLLines(t, jsonl)
	checkOnce(t, "JSONL", recs)
	rows := readCSVRows(t, filepath.Join(dir, store.FileCSV))
	if !sameConfigs(recs, rows) || len(recs) < 3 {
		t.Errorf("JSONL (%d) and CSV (%d) do not hold the same finished configs", len(recs), len(rows))
	}
}

// grepLines keeps the lines of s that contain any of words.
func grepLines(s string, words ...string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		for _, w := range words {
			if strings.Contains(line, w) {
				out = append(out, line)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}
