//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The defects of issue 13, each through the built binary.

// TestBinaryMemoryBudget: a config whose buffers cannot fit is refused
// before anything is created — also under an address-space limit — with one
// line naming the config, the bytes it needs and the budget, never a Go
// runtime crash.
func TestBinaryMemoryBudget(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	args := "-o " + out + " --headless -D 65536 -K 65536 -T 1 --repeats 1 --depths 1"
	for _, sh := range []string{bin + " " + args, "ulimit -v 8000000; exec " + bin + " " + args} {
		cmd := exec.Command("bash", "-c", sh)
		b, err := cmd.CombinedOutput()
		var code int
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		msg := string(b)
		if code != exitUsage || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "D=65536 K=65536 T=1 needs") ||
			!strings.Contains(msg, "bytes") || !strings.Contains(msg, "budget") {
			t.Errorf("%s: exit %d, %q; want 2 and one line naming the config, its bytes and the budget", sh, code, msg)
		}
		if strings.Contains(msg, "fatal error") || strings.Contains(msg, "goroutine") {
			t.Errorf("%s: a runtime crash: %s", sh, msg)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("the output directory was created (%v)", err)
		}
	}
}

// TestBinaryCutLastLineChain: a history whose last line was cut short and
// ended with a newline is repaired for real by --resume (the bad line
// moved aside, the file readable), so a second --resume and --baseline
// over the file work too.
func TestBinaryCutLastLineChain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	args := append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", "8,16,24"}, quick...)
	if r := runBinary(t, args...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	jsonl := filepath.Join(dir, "qmlhc_benchmarks.jsonl")
	b, err := os.ReadFile(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	cut := strings.Join(lines[:2], "") + lines[2][:len(lines[2])/2] + "\n"
	if err := os.WriteFile(jsonl, []byte(cut), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, a := range [][]string{
		append([]string{"--resume"}, args...),
		append([]string{"--resume"}, args...),
		append([]string{"--baseline", jsonl, "--headless", "-o", filepath.Join(dir, "b")}, args[3:]...),
	} {
		r := runBinary(t, a...)
		if r.code != 0 {
			t.Errorf("step %d (%v): exit %d\nstderr: %s", i+1, a[:2], r.code, r.stderr)
		}
		if i == 0 && (!strings.Contains(r.stderr, jsonl+" line 3") || !strings.Contains(r.stderr, ".damaged-")) {
			t.Errorf("--resume did not say it moved line 3 aside:\n%s", r.stderr)
		}
	}
	recs := readJSONLLines(t, jsonl)
	checkOnce(t, "JSONL", recs)
	if len(recs) != 3 {
		t.Errorf("JSONL holds %d records; want the run's 3", len(recs))
	}
}

// TestBinaryNoteKept: a history ending in a note without a newline is not
// silently cut by a plain new run: the note's bytes are kept next to it and
// stderr says where.
func TestBinaryNoteKept(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	args := append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", "8"}, quick...)
	if r := runBinary(t, args...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	jsonl := filepath.Join(dir, "qmlhc_benchmarks.jsonl")
	f, err := os.OpenFile(jsonl, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("# my note about this machine")
	f.Close()
	r := runBinary(t, args...)
	if r.code != 0 || !strings.Contains(r.stderr, jsonl+" line 2") || !strings.Contains(r.stderr, "moved it to") {
		t.Errorf("exit %d, stderr %q; want 0 and a warning naming %s line 2 and where it went", r.code, r.stderr, jsonl)
	}
	side, _ := filepath.Glob(jsonl + ".damaged-*")
	if len(side) != 1 {
		t.Fatalf("side files %v; want one", side)
	}
	if b, _ := os.ReadFile(side[0]); string(b) != "# my note about this machine" {
		t.Errorf("the side file holds %q", b)
	}
	if recs := readJSONLLines(t, jsonl); len(recs) != 2 || recs[0].RunID == recs[1].RunID {
		t.Errorf("JSONL holds %+v; want the two runs", recs)
	}
}

// TestBinaryBrokenPipe: a reader going away (hcbench 2>&1 | head -2) stops
// the sweep like an interrupt: the reports are saved, with as many CSV rows
// as JSONL records, and the exit status is 130.
func TestBinaryBrokenPipe(t *testing.T) {
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "res")
	sh := bin + " --headless -o " + dir + " " + strings.Join(longSweep, " ") + ` 2>&1 | head -2; echo "status ${PIPESTATUS[0]}"`
	b, err := exec.Command("bash", "-c", sh).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if !strings.HasSuffix(strings.TrimSpace(string(b)), "status 130") {
		t.Errorf("hcbench's exit: %q; want status 130", b)
	}
	recs := readJSONLLines(t, filepath.Join(dir, "qmlhc_benchmarks.jsonl"))
	rows := readCSVRows(t, filepath.Join(dir, "qmlhc_benchmarks.csv"))
	if len(recs) == 0 || len(recs) >= 100 || !sameConfigs(recs, rows) {
		t.Errorf("JSONL %d records, CSV %d rows; want the same configs of a stopped sweep", len(recs), len(rows))
	}
}

// TestBinaryResumeNothingFinished: interrupted during its first config, a
// sweep has nothing saved: stdout never says "complete", it says how to
// run it again; "--resume" then starts it.
func TestBinaryResumeNothingFinished(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	args := []string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", "8", "--repeats", "1", "--depths", "1"}
	// The config runs for 30 s, so the signal lands in it.
	s := startBinary(t, append(args, "--min-time", "30s")...)
	s.waitStarted(t)
	s.interrupt(t)
	if out := s.stdout.String(); strings.Contains(out, "Benchmark complete") || !strings.Contains(out, "interrupted before any config finished") ||
		!strings.Contains(out, "To run it: hcbench --headless -D 3 -K 2 -T 8 --depths 1 --repeats 1 --min-time 30s -o "+dir) {
		t.Errorf("stdout after an interrupt in the first config:\n%s", out)
	}
	r := runBinary(t, append(append([]string{"--resume"}, args...), "--min-time", "1ms")...)
	if r.code != 0 {
		t.Fatalf("--resume: exit %d\nstderr: %s", r.code, r.stderr)
	}
	if recs := readJSONLLines(t, filepath.Join(dir, "qmlhc_benchmarks.jsonl")); len(recs) != 1 {
		t.Errorf("after --resume the JSONL holds %d records; want 1", len(recs))
	}
}

// TestBinaryFIFOBaseline: a FIFO as --baseline is refused at once instead
// of blocking the process on the read.
func TestBinaryFIFOBaseline(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.jsonl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	// A hang is go test's -timeout.
	r := runBinary(t, "--headless", "-o", filepath.Join(dir, "out"), "--baseline", fifo)
	if r.code != exitUsage || !strings.Contains(r.stderr, "named pipe") {
		t.Errorf("exit %d, stderr %q; want 2 naming the FIFO", r.code, r.stderr)
	}
}

// TestBinaryInterruptedSummary: stdout after a signal opens with
// "Benchmark interrupted: N of M configs saved to:" and says how to
// continue, spelling the run's grid and settings, never "complete".
func TestBinaryInterruptedSummary(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	cmd, stdout, stderr := startLong(t, dir)
	cmd.Process.Signal(syscall.SIGINT)
	if code := exitCode(t, cmd.Wait()); code != exitInterrupted {
		t.Fatalf("exit %d\nstderr: %s", code, stderr)
	}
	n := len(readJSONLLines(t, filepath.Join(dir, "qmlhc_benchmarks.jsonl")))
	out := stdout.String()
	want := "Benchmark interrupted: " + strconv.Itoa(n) + " of 100 configs saved to:\n"
	resume := "To continue this run: hcbench --resume -D 3 -K 3 -T 48..4800:48 --depths 1 --repeats 1 --min-time 20ms -o " + dir + "\n"
	if !strings.HasPrefix(out, want) || strings.Contains(out, "Benchmark complete") || !strings.Contains(out, resume) {
		t.Errorf("stdout:\n%s\nwant it to open with %q and say %q", out, want, resume)
	}
}
