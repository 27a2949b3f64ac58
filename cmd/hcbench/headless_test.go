package main

import (
	"github.com/gofrs/flock"
	"github.com/hcbench/hcbench/report"

	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These run the whole command in-process, so that -race sees the sweep, the
// recorder, the progress printer and the signal watcher together.

func TestHeadlessInProcess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	code, stdout, stderr := runCLI(t, append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2,3", "-T", "8"}, quick...)...)
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Quick Summary:") || !strings.Contains(stdout, filepath.Join(dir, "qmlhc_benchmarks.csv")) {
		t.Errorf("summary missing:\n%s", stdout)
	}
	if strings.Contains(stdout+stderr, "\x1b") {
		t.Errorf("escape codes in piped output")
	}
	if n := len(readJSONLLines(t, filepath.Join(dir, "qmlhc_benchmarks.jsonl"))); n != 2 {
		t.Errorf("JSONL has %d records, want 2", n)
	}
}

func TestSignalInProcess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	sigs := make(chan os.Signal, 2)
	var stdout, stderr bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(append([]string{"--headless", "-o", dir}, longSweep...), &stdout, &stderr, environment{signals: sigs})
	}()
	jsonl := filepath.Join(dir, "qmlhc_benchmarks.jsonl")
	deadline := time.After(60 * time.Second)
	for countLines(jsonl) < 2 {
		select {
		case code := <-done:
			t.Fatalf("the sweep ended (exit %d) before it could be interrupted", code)
		case <-deadline:
			t.Fatal("no two configs finished within a minute")
		case <-time.After(5 * time.Millisecond):
		}
	}
	sigs <- os.Interrupt
	sigs <- os.Interrupt // the second one changes nothing
	select {
	case code := <-done:
		if code != exitInterrupted {
			t.Fatalf("exit %d, want 130\nstderr: %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("did not stop within 30s of SIGINT")
	}
	recs := readJSONLLines(t, jsonl)
	rows := readCSVRows(t, filepath.Join(dir, "qmlhc_benchmarks.csv"))
	checkOnce(t, "JSONL", recs)
	if !sameConfigs(recs, rows) {
		t.Errorf("JSONL and CSV disagree: %v vs %v", recs, rows)
	}
	if !strings.Contains(stdout.String(), "Quick Summary:") {
		t.Errorf("no summary after the interruption:\n%s", stdout.String())
	}
}

func TestSecondWriterRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	jsonl := filepath.Join(dir, "qmlhc_benchmarks.jsonl")
	other := flock.New(report.PathsFor(dir).Lock) // another process's lock
	if ok, err := other.TryLock(); !ok || err != nil {
		t.Fatal(ok, err)
	}
	defer other.Close()
	start := time.Now()
	code, stdout, stderr := runCLI(t, append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", "8"}, quick...)...)
	if code != exitError || stdout != "" || strings.Count(stderr, "\n") != 1 ||
		!strings.Contains(stderr, "another hcbench is writing "+jsonl) {
		t.Errorf("second writer: exit %d, stdout %q, stderr %q; want 1 and one line naming %s", code, stdout, stderr, jsonl)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to refuse", d)
	}
	if n := countLines(jsonl); n != 0 {
		t.Errorf("the refused writer wrote %d lines", n)
	}
}

// TestTermDumbRunsHeadless: with TERM=dumb a terminal cannot draw the
// workbench, so the headless output comes instead.
func TestTermDumbRunsHeadless(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	env := testEnvironment()
	env.stdoutTerminal, env.dumbTerminal = true, true
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"-o", dir, "-D", "3", "-K", "2", "-T", "8"}, quick...), &stdout, &stderr, env)
	if code != 0 || !strings.HasPrefix(stdout.String(), "Benchmark complete. Results saved to:") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

// TestSummaryOpensWithHowTheRunEnded: the first line of the summary for
// each way a run can end (the TUI's outcome is printed the same way).
func TestSummaryOpensWithHowTheRunEnded(t *testing.T) {
	for _, tc := range []struct {
		st   outcome
		want []string
	}{
		{outcome{done: 12, total: 12}, []string{"Benchmark complete. Results saved to:"}},
		{outcome{done: 7, total: 12, interrupted: true, resume: "hcbench --resume"},
			[]string{"Benchmark interrupted: 7 of 12 configs saved to:", "To continue this run: hcbench --resume"}},
		{outcome{done: 0, total: 12, interrupted: true, resume: "hcbench --resume"},
			[]string{"Benchmark interrupted before any config finished: nothing was saved."}},
		{outcome{done: 3, total: 12, failed: true, resume: "hcbench --resume -o 'my dir'"},
			[]string{"Benchmark failed: 3 of 12 configs saved to:", "hcbench --resume -o 'my dir'"}},
		{outcome{done: 12, total: 12, saveFailed: true}, []string{"Benchmark incomplete: 12 of 12 configs measured"}},
	} {
		var b bytes.Buffer
		if err := printSummary(&b, report.PathsFor(t.TempDir()), nil, nil, tc.st); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(b.String(), tc.want[0]) {
			t.Errorf("%+v: summary opens %q; want %q", tc.st, b.String(), tc.want[0])
		}
		for _, w := range tc.want[1:] {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%+v: summary lacks %q:\n%s", tc.st, w, b.String())
			}
		}
		if (tc.st.interrupted || tc.st.failed || tc.st.saveFailed) && strings.Contains(b.String(), "Benchmark complete") {
			t.Errorf("%+v: an unfinished run says complete:\n%s", tc.st, b.String())
		}
	}
	if got := resumeCommand("my dir"); got != "hcbench --resume -o 'my dir'" {
		t.Errorf("resumeCommand = %q", got)
	}
}

// TestSignalDuringSetup: a signal that arrives before anything is measured
// (here: already waiting when hcbench starts) stops it with 130 and a
// message that nothing was measured, instead of being acknowledged and
// ignored.
func TestSignalDuringSetup(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	sigs := make(chan os.Signal, 1)
	sigs <- os.Interrupt
	env := testEnvironment()
	env.signals = sigs
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"--headless", "-o", dir}, longSweep...), &stdout, &stderr, env)
	if code != exitInterrupted || strings.Contains(stdout.String(), "Benchmark complete") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 130 and no claim of completion", code, stdout.String(), stderr.String())
	}
	if n := countLines(filepath.Join(dir, "qmlhc_benchmarks.jsonl")); n >= 100 {
		t.Errorf("the whole sweep ran despite the signal (%d configs)", n)
	}
}
