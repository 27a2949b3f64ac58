//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/report/store/storetest"
)

// The behaviours of the headless front door that follow from the run
// session being their single owner (issue 20), each through the binary.

// startBinary starts hcbench with args, its stderr going to a file that
// the test can read while the process writes.
func startBinary(t *testing.T, args ...string) *runningBinary {
	t.Helper()
	cmd, stdout, _ := command(t, args...)
	errFile, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close() // the child has its own copy
	cmd.Stderr = errFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return &runningBinary{cmd: cmd, stdout: stdout, errPath: errFile.Name()}
}

// waitStarted waits until the sweep has started: the piped progress's
// first line.
func (s *runningBinary) waitStarted(t *testing.T) {
	t.Helper()
	s.waitFor(t, "the sweep to start", func() bool { return strings.Contains(s.stderr(), "hcbench: measuring ") })
}

// interrupt sends SIGINT and waits for the exit, which must be 130.
func (s *runningBinary) interrupt(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := s.wait(t); code != exitInterrupted {
		t.Fatalf("exit %d after SIGINT, want 130\nstdout: %s\nstderr: %s", code, s.stdout, s.stderr())
	}
}

// printed is the command the output printed after label ("To continue
// this run: "), read back as a POSIX shell reads it (bench.ShellQuote
// quotes with single quotes only).
func printed(t *testing.T, out, label string) []string {
	t.Helper()
	i := strings.Index(out, label)
	if i < 0 {
		t.Fatalf("no %q in the output:\n%s", label, out)
	}
	line, _, _ := strings.Cut(out[i+len(label):], "\n")
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, w.String())
			}
			w.Reset()
			inWord = false
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	if quoted || len(words) == 0 || words[0] != "hcbench" {
		t.Fatalf("%q is not an hcbench command line", line)
	}
	return words
}

// runPrinted runs a printed command with the binary under test.
func runPrinted(t *testing.T, words []string) execResult {
	t.Helper()
	r := runBinary(t, words[1:]...)
	if r.code != exitOK {
		t.Fatalf("%s: exit %d\nstderr: %s", strings.Join(words, " "), r.code, r.stderr)
	}
	return r
}

// records reads a JSONL with the store's own reader.
func records(t *testing.T, dir string) []store.Record {
	t.Helper()
	recs, err := storetest.ReadJSONL(filepath.Join(dir, store.FileJSONL))
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// snapshot is every report file of dir, by name ("" for an absent one).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, f := range store.PathsFor(dir).Written() {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		files[filepath.Base(f)] = string(b)
	}
	return files
}

// checkRun fails unless recs hold exactly the configs of p's grid, each
// once, all of run id (0: any one run) and measured with p's settings.
func checkRun(t *testing.T, recs []store.Record, p bench.Plan, id int64) {
	t.Helper()
	if len(recs) != p.Grid.Size() {
		t.Errorf("%d records, want the grid's %d", len(recs), p.Grid.Size())
	}
	seen := map[bench.Config]bool{}
	for _, r := range recs {
		if id == 0 {
			id = r.RunID
		}
		if seen[r.Config] || !p.Grid.Contains(r.Config) || r.RunID != id {
			t.Errorf("record %s of run %d: twice, outside the grid %v or not of run %d", r.Config, r.RunID, p.Grid, id)
		}
		seen[r.Config] = true
		if !slices.Equal(r.Depths, p.Depths) || r.Repeats != p.Repeats || r.Seed != p.Seed || r.Policy != p.Policy ||
			r.Timing != p.Timing || r.Result.Engine != p.EngineName() {
			t.Errorf("record %s measured with depths %v repeats %d seed %d policy %s timing %+v engine %s; want %+v",
				r.Config, r.Depths, r.Repeats, r.Seed, r.Policy, r.Timing, r.Result.Engine, p)
		}
	}
}

// csvHeader is the first line of dir's CSV.
func csvHeader(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, store.FileCSV))
	if err != nil {
		t.Fatal(err)
	}
	h, _, _ := strings.Cut(string(b), "\n")
	return h
}

// TestStopBeforeAnythingFinishedKeepsTheReports (issue 20, 1 and 2): a
// complete run in DIR, then a run of another grid stopped before its first
// config could finish: every report is byte for byte what the first run
// wrote, the JSONL unchanged, exit 130, and stdout and stderr say that
// nothing was recorded and the reports were left as they were. The
// command printed to run it again measures exactly that run.
func TestStopBeforeAnythingFinishedKeepsTheReports(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	if r := runBinary(t, append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", "8,16"}, quick...)...); r.code != 0 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	before := snapshot(t, dir)
	// 9 measurements of 5s/9 each: it cannot finish before the signal.
	s := startBinary(t, "--headless", "-o", dir, "-D", "3", "-K", "3", "-T", "48", "--repeats", "1", "--depths", "1",
		"--min-time", "5s", "--seed", "9")
	s.waitStarted(t)
	s.interrupt(t)
	after := snapshot(t, dir)
	for name, b := range before {
		if after[name] != b {
			t.Errorf("%s changed (%d bytes before, %d after)", name, len(b), len(after[name]))
		}
	}
	out, stderr := s.stdout.String(), s.stderr()
	for _, w := range []string{"Benchmark interrupted before any config finished: nothing was recorded, and the reports in " + dir + " were left as they were.",
		"To run it: hcbench --headless -D 3 -K 3 -T 48 --depths 1 --repeats 1 --seed 9 --min-time 5s -o " + dir} {
		if !strings.Contains(out, w) {
			t.Errorf("stdout lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "Benchmark complete") || strings.Contains(out, "saved to:") {
		t.Errorf("stdout claims something was saved:\n%s", out)
	}
	if !strings.Contains(stderr, "interrupted by SIGINT before any config finished: nothing was recorded, and the reports in "+dir+" were left as they were") {
		t.Errorf("stderr does not say nothing was recorded:\n%s", stderr)
	}

	// The printed command measures that run: its grid, its settings.
	runPrinted(t, printed(t, out, "To run it: "))
	recs := records(t, dir)
	want := bench.DefaultPlan()
	want.Grid, want.Depths, want.Repeats, want.Seed, want.Timing.MinTime = bench.Grid{Dims: []int{3}, Branches: []int{3}, SeqLens: []int{48}}, []int{1}, 1, 9, 5*time.Second
	checkRun(t, recs[2:], want, 0)
	if recs[2].RunID == recs[0].RunID {
		t.Errorf("the run again is the first run %d", recs[0].RunID)
	}
}

// TestContinueCommandReproducesTheRun (issue 20, 2 and 3): a run with
// every kind of setting — grid, measurement flags, --baseline, -o — is
// interrupted part-way; the printed "To continue this run" command, run as
// printed, completes that very run: the same run id, the same settings,
// every config once, the baseline's columns in the CSV and its line in the
// summary.
func TestContinueCommandReproducesTheRun(t *testing.T) {
	tmp := t.TempDir()
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{3}, Branches: []int{3}}
	for T := 48; T <= 1920; T += 48 {
		p.Grid.SeqLens = append(p.Grid.SeqLens, T)
	}
	p.Depths, p.Repeats, p.Seed, p.Policy, p.Timing.MinTime = []int{1}, 1, 7, bench.PolicyMedian, 20*time.Millisecond
	flags := []string{"--headless", "-D", "3", "-K", "3", "--depths", "1", "--repeats", "1", "--seed", "7", "--policy", "median"}
	baseDir, dir := filepath.Join(tmp, "base"), filepath.Join(tmp, "run")
	if r := runBinary(t, append(flags, "-T", "48,96", "--min-time", "1ms", "-o", baseDir)...); r.code != 0 {
		t.Fatalf("baseline run: exit %d\n%s", r.code, r.stderr)
	}
	base := filepath.Join(baseDir, store.FileJSONL)
	s := startBinary(t, append(flags, "-T", "48..1920:48", "--min-time", "20ms", "--baseline", base, "-o", dir)...)
	s.waitFor(t, "two configs", func() bool { return countLines(filepath.Join(dir, store.FileJSONL)) >= 2 })
	s.interrupt(t)
	before := records(t, dir)
	if len(before) >= p.Grid.Size() {
		t.Fatalf("all %d configs finished: not an interrupted run", len(before))
	}
	words := printed(t, s.stdout.String(), "To continue this run: ")
	for _, w := range []string{"--resume", "--seed", "--policy", "--min-time", "--baseline", "-o"} {
		if !slices.Contains(words, w) {
			t.Errorf("the continue command %q lacks %s", words, w)
		}
	}
	r := runPrinted(t, words)
	recs := records(t, dir)
	checkRun(t, recs, p, before[0].RunID)
	for i, rec := range before {
		if recs[i].Config != rec.Config || recs[i].TimeEpochMedian != rec.TimeEpochMedian {
			t.Errorf("saved record %d (%s) changed: measured again", i, rec.Config)
		}
	}
	absBase, _ := filepath.Abs(base)
	for _, rec := range recs {
		if rec.Baseline != absBase {
			t.Errorf("record %s names the baseline %q, want %q", rec.Config, rec.Baseline, absBase)
		}
	}
	if h := csvHeader(t, dir); !strings.Contains(h, "baseline_ratio") || !strings.Contains(h, "baseline_verdict") {
		t.Errorf("the continued run's CSV has no baseline columns: %s", h)
	}
	if !strings.Contains(r.stdout, "- Baseline") || !strings.Contains(r.stdout, "of 2 matched") {
		t.Errorf("the continued run's summary has no Baseline line of its 2 matched configs:\n%s", r.stdout)
	}
}

// TestResumeKeepsTheBaseline (issue 20, 3): a bare --resume continues the
// interrupted run with the baseline it was started with, said on stderr;
// when that file is gone, --resume says so and why, and goes on without a
// comparison.
func TestResumeKeepsTheBaseline(t *testing.T) {
	for _, gone := range []bool{false, true} {
		t.Run(map[bool]string{false: "baseline there", true: "baseline gone"}[gone], func(t *testing.T) {
			tmp := t.TempDir()
			baseDir, dir := filepath.Join(tmp, "base"), filepath.Join(tmp, "run")
			if r := runBinary(t, append([]string{"--headless", "-o", baseDir, "-D", "3", "-K", "3", "-T", "48,96"}, quick...)...); r.code != 0 {
				t.Fatalf("baseline run: exit %d\n%s", r.code, r.stderr)
			}
			base := filepath.Join(baseDir, store.FileJSONL)
			s := startBinary(t, append([]string{"--headless", "-o", dir, "--baseline", base}, midSweep...)...)
			s.waitFor(t, "two configs", func() bool { return countLines(filepath.Join(dir, store.FileJSONL)) >= 2 })
			s.interrupt(t)
			id := records(t, dir)[0].RunID
			if gone {
				if err := os.Remove(base); err != nil {
					t.Fatal(err)
				}
			}
			r := runBinary(t, "--resume", "-o", dir)
			if r.code != exitOK {
				t.Fatalf("--resume -o DIR: exit %d\n%s", r.code, r.stderr)
			}
			recs := records(t, dir)
			if len(recs) != 40 || recs[39].RunID != id {
				t.Errorf("--resume left %d records, the last of run %d; want 40 of run %d", len(recs), recs[len(recs)-1].RunID, id)
			}
			header := csvHeader(t, dir)
			if gone {
				if !strings.Contains(r.stderr, "warning: run ") || !strings.Contains(r.stderr, base) || !strings.Contains(r.stderr, "cannot be read now") {
					t.Errorf("--resume does not say the baseline %s is gone:\n%s", base, r.stderr)
				}
				if strings.Contains(header, "baseline_") || strings.Contains(r.stdout, "- Baseline") {
					t.Errorf("a comparison with a baseline that is gone:\n%s\n%s", header, r.stdout)
				}
				return
			}
			if !strings.Contains(r.stderr, "comparing with the run's baseline "+base) {
				t.Errorf("--resume does not say it keeps the baseline:\n%s", r.stderr)
			}
			if !strings.Contains(header, "baseline_ratio") || !strings.Contains(r.stdout, "- Baseline") || !strings.Contains(r.stdout, "of 2 matched") {
				t.Errorf("--resume dropped the baseline: CSV header %s\nsummary:\n%s", header, r.stdout)
			}
		})
	}
}

// TestPythonRunContinues (issue 20, 2): a --engine python run (the fake
// interpreter) interrupted part-way prints a continue command that spells
// the engine, the checkout and the interpreter; run as printed, it
// completes that run with the same engine.
func TestPythonRunContinues(t *testing.T) {
	binary(t)
	py, qm := fakePython(t), qmlhcCheckout(t)
	fakeEnv(t, "ok")
	dir := filepath.Join(t.TempDir(), "res")
	grid := []string{"-D", "3", "-K", "3", "-T", "8..800:8", "--repeats", "1", "--depths", "1", "--min-time", "1ms"}
	s := startBinary(t, append([]string{"--headless", "--engine", "python", "--qmlhc", qm, "--python", py, "-o", dir}, grid...)...)
	s.waitFor(t, "two configs", func() bool { return countLines(filepath.Join(dir, store.FileJSONL)) >= 2 })
	s.interrupt(t)
	before := records(t, dir)
	if len(before) >= 100 {
		t.Fatalf("all %d configs finished: not an interrupted run", len(before))
	}
	words := printed(t, s.stdout.String(), "To continue this run: ")
	absQM, _ := filepath.Abs(qm)
	for _, pair := range [][2]string{{"--engine", "python"}, {"--qmlhc", absQM}, {"--python", py}, {"-o", dir}, {"-T", "8..800:8"}} {
		if i := slices.Index(words, pair[0]); i < 0 || i+1 == len(words) || words[i+1] != pair[1] {
			t.Errorf("the continue command %q lacks %s %s", words, pair[0], pair[1])
		}
	}
	runPrinted(t, words)
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{3}, Branches: []int{3}}
	for T := 8; T <= 800; T += 8 {
		p.Grid.SeqLens = append(p.Grid.SeqLens, T)
	}
	p.Depths, p.Repeats, p.Timing.MinTime, p.Engine = []int{1}, 1, time.Millisecond, bench.EnginePython
	checkRun(t, records(t, dir), p, before[0].RunID)
}

// TestLockReleasedAfterTheRun (issue 20, 5): once a headless run has
// ended, nothing holds its directory: the lock is free and a second run
// there starts and finishes.
func TestLockReleasedAfterTheRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	args := append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", "8"}, quick...)
	for i := range 2 {
		if r := runBinary(t, args...); r.code != exitOK {
			t.Fatalf("run %d: exit %d\n%s", i+1, r.code, r.stderr)
		}
		fl := flock.New(store.PathsFor(dir).Lock)
		if ok, err := fl.TryLock(); !ok || err != nil {
			t.Errorf("after run %d the lock is held (%v, %v)", i+1, ok, err)
		}
		fl.Close()
	}
	if recs := records(t, dir); len(recs) != 2 || recs[0].RunID == recs[1].RunID {
		t.Errorf("two runs left %d records", len(recs))
	}
}

// removeOnWrite removes dir when first written to: the summary is the
// run's last moments, after the session has ended the run.
type removeOnWrite struct {
	dir     string
	out     bytes.Buffer
	removed bool
	err     error
}

func (w *removeOnWrite) Write(p []byte) (int, error) {
	if !w.removed {
		w.removed, w.err = true, os.RemoveAll(w.dir)
	}
	return w.out.Write(p)
}

// TestNothingRecreatedAfterTheRunEnded (issue 20, 5): the output directory
// removed (rm -rf) while the summary is printed, when the run has ended,
// is not recreated: not by the summary, not by anything after it.
func TestNothingRecreatedAfterTheRunEnded(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	stdout := &removeOnWrite{dir: dir}
	var stderr bytes.Buffer
	code := run(append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", "8,16"}, quick...), stdout, &stderr, testEnvironment())
	if code != exitOK || !stdout.removed || stdout.err != nil || !strings.HasPrefix(stdout.out.String(), "Benchmark complete.") {
		t.Fatalf("exit %d, removed %v (%v)\nstderr: %s", code, stdout.removed, stdout.err, stderr.String())
	}
	if _, err := os.Lstat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists again after the run ended (%v)", dir, err)
	}
}

// TestWorkersRunTheRunningExecutable (issue 20, 8): the binary file
// replaced mid-run by another program (one that would leave a marker and
// fail) changes nothing: every worker is started from the running
// executable, so the run finishes with exit 0, one build in every record.
func TestWorkersRunTheRunningExecutable(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("workers start from /proc/self/exe on Linux; elsewhere from the path resolved at start, which a replaced file changes")
	}
	src, err := os.ReadFile(binary(t))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin, marker, dir := filepath.Join(tmp, "hcbench"), filepath.Join(tmp, "marker"), filepath.Join(tmp, "res")
	if err := os.WriteFile(bin, src, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd, stdout, stderr := command(t, append([]string{"--headless", "-o", dir}, midSweep...)...)
	cmd.Path = bin
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Start has returned: the process runs the old file. Every worker is
	// started after this.
	impostor := filepath.Join(tmp, "impostor")
	if err := os.WriteFile(impostor, []byte("#!/bin/sh\necho ran >"+marker+"\necho 'not hcbench' >&2\nexit 97\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(impostor, bin); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(t, cmd.Wait()); code != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if _, err := os.Stat(marker); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the replacement program ran (%v)", err)
	}
	recs := records(t, dir)
	if len(recs) != 40 {
		t.Errorf("%d records, want 40", len(recs))
	}
	for _, r := range recs {
		if r.Revision != recs[0].Revision || r.EngineVersion != recs[0].EngineVersion || r.Machine.Version != recs[0].Machine.Version {
			t.Errorf("%s measured by build %q %q %q, %s by %q %q %q", r.Config, r.Revision, r.EngineVersion, r.Machine.Version,
				recs[0].Config, recs[0].Revision, recs[0].EngineVersion, recs[0].Machine.Version)
		}
	}
}
