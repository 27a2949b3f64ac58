package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/hcbench/hcbench/report/console"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/store"
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
	if code := <-done; code != exitInterrupted {
		t.Fatalf("exit %d, want 130\nstderr: %s", code, stderr.String())
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
	other := flock.New(store.PathsFor(dir).Lock) // another process's lock
	if ok, err := other.TryLock(); !ok || err != nil {
		t.Fatal(ok, err)
	}
	defer other.Close()
	code, stdout, stderr := runCLI(t, append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", "8"}, quick...)...)
	if code != exitError || stdout != "" || strings.Count(stderr, "\n") != 1 ||
		!strings.Contains(stderr, "another hcbench is writing "+jsonl) {
		t.Errorf("second writer: exit %d, stdout %q, stderr %q; want 1 and one line naming %s", code, stdout, stderr, jsonl)
	}
	if n := countLines(jsonl); n != 0 {
		t.Errorf("the refused writer wrote %d lines", n)
	}
}

// TestTermDumbRunsHeadless: with TERM=dumb a terminal cannot draw the
// workbench, so the headless output comes instead, without escape codes.
func TestTermDumbRunsHeadless(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	env := testEnvironment()
	env.stdoutTerminal = true
	env.stderr = console.Options{Terminal: true, Term: "dumb", Width: 80}
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"-o", dir, "-D", "3", "-K", "2", "-T", "8"}, quick...), &stdout, &stderr, env)
	if code != 0 || !strings.HasPrefix(stdout.String(), "Benchmark complete. Results saved to:") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	if strings.Contains(stdout.String()+stderr.String(), "\x1b") {
		t.Errorf("escape codes under TERM=dumb: %q", stderr.String())
	}
}

// TestSummaryOpensWithHowTheRunEnded: for each way a run can end (the
// workbench's outcome is printed the same way), the summary's opening,
// the lasting line on stderr and the exit code.
func TestSummaryOpensWithHowTheRunEnded(t *testing.T) {
	dir := t.TempDir()
	base := session.Outcome{Paths: store.PathsFor(dir), Started: true, Total: 12,
		Continue: "hcbench --resume -D 3,6 -o " + dir, Rerun: "hcbench --headless -D 3,6 -o " + dir}
	with := func(f func(o *session.Outcome)) session.Outcome { o := base; f(&o); return o }
	for _, tc := range []struct {
		name   string
		out    session.Outcome
		signal string
		code   int
		stdout []string // the first is the opening
		stderr string   // in the last line ("" for no line)
	}{
		{"complete", with(func(o *session.Outcome) { o.Done = 12 }), "", exitOK, []string{"Benchmark complete. Results saved to:"}, ""},
		{"interrupted", with(func(o *session.Outcome) { o.Done, o.Stopped = 7, true }), "SIGINT", exitInterrupted,
			[]string{"Benchmark interrupted: 7 of 12 configs saved to:", "To continue this run: " + base.Continue},
			"interrupted by SIGINT: 7 of 12 configs finished and saved"},
		{"interrupted before anything finished", with(func(o *session.Outcome) { o.Stopped = true }), "SIGTERM", exitInterrupted,
			[]string{"Benchmark interrupted before any config finished: nothing was recorded, and the reports in " + dir + " were left as they were.",
				"To run it: " + base.Rerun},
			"interrupted by SIGTERM before any config finished: nothing was recorded, and the reports in " + dir + " were left as they were"},
		{"quit in the workbench", with(func(o *session.Outcome) { o.Done, o.Stopped = 7, true }), "", exitInterrupted,
			[]string{"Benchmark interrupted: 7 of 12 configs saved to:"}, ""},
		{"failed", with(func(o *session.Outcome) { o.Done, o.Err = 3, errors.New("worker crashed\nstderr: x") }), "", exitError,
			[]string{"Benchmark failed: 3 of 12 configs saved to:", "To continue this run: " + base.Continue}, "the sweep failed: worker crashed; stderr: x"},
		{"not saved", with(func(o *session.Outcome) { o.Done, o.SaveErr = 12, errors.New("no space left on device") }), "", exitError,
			[]string{"Benchmark incomplete: 12 of 12 configs measured"}, "cannot save the reports in \"" + dir + "\": no space left on device"},
		{"interrupted, not saved", with(func(o *session.Outcome) { o.Done, o.Stopped, o.SaveErr = 5, true, errors.New("read-only file system") }),
			"SIGHUP", exitError, []string{"Benchmark incomplete: 5 of 12 configs measured"}, "read-only file system"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			intr := &interrupts{}
			if tc.signal != "" {
				intr.first.Store(&tc.signal)
			}
			code := ended(&tc.out, &options{}, console.New(&stderr, console.Options{}), &stdout, &stderr, intr)
			if code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			if !strings.HasPrefix(stdout.String(), tc.stdout[0]) {
				t.Errorf("summary opens %q; want %q", stdout.String(), tc.stdout[0])
			}
			for _, w := range tc.stdout[1:] {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("summary lacks %q:\n%s", w, stdout.String())
				}
			}
			if tc.code != exitOK && strings.Contains(stdout.String(), "Benchmark complete") {
				t.Errorf("an unfinished run says complete:\n%s", stdout.String())
			}
			lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
			if last := lines[len(lines)-1]; (tc.stderr == "") != (stderr.Len() == 0) || !strings.Contains(last, tc.stderr) {
				t.Errorf("stderr %q; want its last line to say %q", stderr.String(), tc.stderr)
			}
		})
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

// TestSlowNote: a grid whose largest config is slow is announced with an
// estimate before anything runs, so that a log does not stay silent; a
// signal then stops it with nothing recorded.
func TestSlowNote(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	sigs := make(chan os.Signal, 1)
	env := testEnvironment()
	env.signals = sigs
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"--headless", "-o", dir, "-D", "3,512", "-K", "256", "-T", "16384", "--repeats", "1", "--depths", "1"},
			&stdout, &stderr, env)
	}()
	for !strings.Contains(stderr.String(), "hcbench: measuring ") {
		select {
		case code := <-done:
			t.Fatalf("exit %d before the sweep started\nstderr: %s", code, stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	sigs <- os.Interrupt
	if code := <-done; code != exitInterrupted {
		t.Errorf("exit %d, want 130\nstderr: %s", code, stderr.String())
	}
	if note, start := strings.Index(stderr.String(), "note: the largest"), strings.Index(stderr.String(), "measuring "); note < 0 || note > start {
		t.Errorf("the note does not come before the sweep:\n%s", stderr.String())
	}
	for _, w := range []string{"note: the largest config D=512 K=256 T=16384", "per epoch", "whole grid at least", "estimated"} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
		}
	}
	if n := countLines(filepath.Join(dir, store.FileJSONL)); n != 0 {
		t.Errorf("%d configs recorded; want none", n)
	}
}

// TestNoSweepStarted: leaving the workbench before any sweep (or a signal
// before the sweep started) says that nothing was measured or saved; only
// the signal makes it an interruption.
func TestNoSweepStarted(t *testing.T) {
	for _, signal := range []string{"", "SIGHUP"} {
		var stdout, stderr bytes.Buffer
		intr := &interrupts{}
		if signal != "" {
			intr.first.Store(&signal)
		}
		code := ended(nil, &options{}, console.New(&stderr, console.Options{}), &stdout, &stderr, intr)
		want, wantCode := "hcbench: no sweep was started: nothing was measured or saved\n", exitOK
		if signal != "" {
			want, wantCode = "hcbench: interrupted by SIGHUP before the sweep started: nothing was measured or saved\n", exitInterrupted
		}
		if code != wantCode || stderr.String() != want || stdout.Len() != 0 {
			t.Errorf("signal %q: exit %d, stderr %q, stdout %q; want %d, %q", signal, code, stderr.String(), stdout.String(), wantCode, want)
		}
	}
}
