package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/measure"
)

// The binary is built once for the package's tests.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	measure.MainIfWorker() // in-process sweeps re-execute this binary as their workers
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binary returns the path of the built hcbench.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if raceEnabled {
		t.Skip("runs a binary built without -race: runs in the plain pass")
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "hcbench-test-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "hcbench")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// result of one run of the binary.
type execResult struct {
	code           int
	stdout, stderr string
}

// command prepares the binary with piped stdout and stderr and without
// NO_COLOR, so that the test sees what a pipe gets by default.
func command(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(binary(t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NO_COLOR=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	return cmd, &stdout, &stderr
}

func runBinary(t *testing.T, args ...string) execResult {
	t.Helper()
	cmd, stdout, stderr := command(t, args...)
	err := cmd.Run()
	return execResult{code: exitCode(t, err), stdout: stdout.String(), stderr: stderr.String()}
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatalf("running hcbench: %v", err)
	return -1
}

// quick makes a sweep fast: one repeat, one depth, the shortest timing.
var quick = []string{"--repeats", "1", "--depths", "1", "--min-time", "1ms"}

func TestBinaryBadInvocations(t *testing.T) {
	dir := t.TempDir()
	writeBadFixtures(t, dir)
	picked := map[string]bool{"K=1": true, "overflow": true, "unknown flag": true, "oversized grid": true,
		"empty element": true, "reversed range": true, "bad policy": true, "out is a file": true}
	n := 0
	for _, tc := range badInvocations(dir) {
		if !picked[tc.name] {
			continue
		}
		n++
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "out")
			r := runBinary(t, append([]string{"-o", out}, tc.args...)...)
			checkRefusal(t, tc, r.code, r.stdout, r.stderr, out)
		})
	}
	if n != len(picked) {
		t.Errorf("ran %d of the %d picked cases", n, len(picked))
	}
}

func TestBinaryHeadlessPiped(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	grid := []string{"-D", "3", "-K", "2,3", "-T", "8,16"}
	// Once with --headless, once relying on stdout not being a terminal.
	for i, mode := range [][]string{{"--headless"}, nil} {
		args := append(append(append([]string{"-o", dir}, mode...), grid...), quick...)
		r := runBinary(t, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\nstderr: %s", args, r.code, r.stderr)
		}
		for _, w := range []string{
			"Benchmark complete. Results saved to:",
			"- " + filepath.Join(dir, "qmlhc_benchmarks.jsonl"),
			"- " + filepath.Join(dir, "qmlhc_benchmarks.csv"),
			"Quick Summary:", "- Fastest config : D=3 K=", "- Slowest config : D=3 K=",
		} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%v: stdout lacks %q:\n%s", args, w, r.stdout)
			}
		}
		if strings.Contains(r.stdout+r.stderr, "\x1b") {
			t.Errorf("%v: escape codes in piped output:\nstdout %q\nstderr %q", args, r.stdout, r.stderr)
		}
		// Piped progress: the sweep's first line, then at most one line per
		// config. Noise warnings are their own lines, and so is the one
		// busy-machine warning.
		if n := strings.Count(r.stderr, "\n") - strings.Count(r.stderr, "is noisy") - strings.Count(r.stderr, "machine is busy"); n > 1+4 {
			t.Errorf("%v: %d lines of progress for 4 configs:\n%s", args, n, r.stderr)
		}
		recs := readJSONLLines(t, filepath.Join(dir, "qmlhc_benchmarks.jsonl"))
		if len(recs) != 4*(i+1) {
			t.Errorf("JSONL has %d records after %d runs of 4 configs", len(recs), i+1)
		}
		if rows := readCSVRows(t, filepath.Join(dir, "qmlhc_benchmarks.csv")); len(rows) != 4 {
			t.Errorf("CSV has %d rows, want the latest run's 4", len(rows))
		}
	}
	recs := readJSONLLines(t, filepath.Join(dir, "qmlhc_benchmarks.jsonl"))
	if recs[0].RunID == recs[len(recs)-1].RunID {
		t.Errorf("two runs share run_id %d", recs[0].RunID)
	}
}

// longSweep is a grid of 100 configs that takes seconds, for interrupting.
var longSweep = []string{"-D", "3", "-K", "3", "-T", "48..4800:48", "--min-time", "20ms", "--repeats", "1", "--depths", "1"}

// startLong starts the long sweep into dir and waits until the JSONL holds
// at least two configs.
func startLong(t *testing.T, dir string, extra ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd, stdout, stderr := command(t, append(append([]string{"--headless", "-o", dir}, longSweep...), extra...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	jsonl := filepath.Join(dir, "qmlhc_benchmarks.jsonl")
	deadline := time.Now().Add(60 * time.Second)
	for countLines(jsonl) < 2 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("no two configs finished within a minute; stderr:\n%s", stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cmd, stdout, stderr
}

func TestBinaryInterruptAndResume(t *testing.T) {
	for _, tc := range []struct {
		name string
		sigs []syscall.Signal
	}{
		{"SIGINT", []syscall.Signal{syscall.SIGINT}},
		{"SIGTERM", []syscall.Signal{syscall.SIGTERM}},
		{"SIGHUP", []syscall.Signal{syscall.SIGHUP}},
		// A second signal while the reports are written changes nothing.
		{"SIGINT twice", []syscall.Signal{syscall.SIGINT, syscall.SIGINT}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "res")
			cmd, stdout, stderr := startLong(t, dir)
			for _, s := range tc.sigs {
				if err := cmd.Process.Signal(s); err != nil {
					t.Fatal(err)
				}
			}
			code := exitCode(t, cmd.Wait())
			if code != exitInterrupted {
				t.Fatalf("exit %d, want 130\nstderr: %s", code, stderr)
			}
			if !strings.Contains(stderr.String(), "interrupted by "+signalName(tc.sigs[0])) {
				t.Errorf("stderr does not say it was interrupted by %s:\n%s", tc.name, stderr)
			}
			if !strings.Contains(stdout.String(), "Quick Summary:") {
				t.Errorf("no summary of the finished configs:\n%s", stdout)
			}
			if strings.Contains(stdout.String()+stderr.String(), "\x1b") {
				t.Errorf("escape codes in piped output")
			}
			recs := readJSONLLines(t, filepath.Join(dir, "qmlhc_benchmarks.jsonl"))
			rows := readCSVRows(t, filepath.Join(dir, "qmlhc_benchmarks.csv"))
			if len(recs) < 2 || len(recs) >= 100 {
				t.Fatalf("%d configs in the JSONL; want an interrupted sweep", len(recs))
			}
			checkOnce(t, "JSONL", recs)
			checkOnce(t, "CSV", rows)
			if !sameConfigs(recs, rows) {
				t.Errorf("JSONL and CSV hold different configs:\n%v\n%v", recs, rows)
			}
			if tc.name != "SIGINT" {
				return
			}

			// Resume: the rest of the grid under the same run_id, the saved
			// configs untouched.
			r := runBinary(t, append([]string{"--headless", "--resume", "-o", dir}, longSweep...)...)
			if r.code != 0 {
				t.Fatalf("--resume: exit %d\nstderr: %s", r.code, r.stderr)
			}
			after := readJSONLLines(t, filepath.Join(dir, "qmlhc_benchmarks.jsonl"))
			if len(after) != 100 {
				t.Errorf("after --resume the JSONL has %d records, want 100", len(after))
			}
			checkOnce(t, "JSONL after --resume", after)
			for i, rec := range recs {
				if after[i] != rec {
					t.Errorf("saved record %d changed from %+v to %+v", i, rec, after[i])
				}
			}
			for _, rec := range after {
				if rec.RunID != recs[0].RunID {
					t.Errorf("record %+v has run_id %d, want the resumed run's %d", rec, rec.RunID, recs[0].RunID)
				}
			}
			rows = readCSVRows(t, filepath.Join(dir, "qmlhc_benchmarks.csv"))
			if len(rows) != 100 || !sameConfigs(after, rows) {
				t.Errorf("after --resume the CSV has %d rows, want the whole run's 100", len(rows))
			}
			checkOnce(t, "CSV after --resume", rows)
			for _, row := range rows {
				if row.RunID != recs[0].RunID {
					t.Errorf("CSV row %+v has run_id %d, want %d", row, row.RunID, recs[0].RunID)
				}
			}
			if !strings.Contains(r.stdout, "Quick Summary:") {
				t.Errorf("--resume printed no summary:\n%s", r.stdout)
			}
		})
	}
}

func TestBinarySecondWriter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	cmd, _, stderr := startLong(t, dir)
	r := runBinary(t, append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", "8"}, quick...)...)
	if r.code != exitError || !strings.Contains(r.stderr, "another hcbench is writing") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("second writer: exit %d, stderr %q; want 1 and one line saying another hcbench is writing", r.code, r.stderr)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(t, cmd.Wait()); code != exitInterrupted {
		t.Errorf("first writer: exit %d, want 130\nstderr: %s", code, stderr)
	}
	recs := readJSONLLines(t, filepath.Join(dir, "qmlhc_benchmarks.jsonl"))
	checkOnce(t, "JSONL", recs)
	for _, rec := range recs {
		if rec.K != 3 {
			t.Errorf("the refused writer's config %v is in the JSONL", rec.config())
		}
	}
}

func TestBinaryResumeRefusals(t *testing.T) {
	args := func(dir string, change ...string) []string {
		a := map[string]string{"-T": "8,16", "--seed": "123", "--policy": "mean", "--min-time": "1ms"}
		for i := 0; i+1 < len(change); i += 2 {
			a[change[i]] = change[i+1]
		}
		out := []string{"--headless", "-o", dir, "-D", "3", "-K", "2", "--repeats", "1", "--depths", "1"}
		for _, k := range []string{"-T", "--seed", "--policy", "--min-time"} {
			out = append(out, k, a[k])
		}
		return out
	}
	// Other settings: nothing to resume; --resume says so and starts a new
	// run, so that "hcbench || hcbench --resume" always gets somewhere.
	for _, change := range [][]string{{"-T", "8,32"}, {"-T", "8,16,32"}, {"--seed", "5"}, {"--policy", "median"}, {"--min-time", "2ms"}} {
		dir := filepath.Join(t.TempDir(), "res")
		if r := runBinary(t, args(dir)...); r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		r := runBinary(t, append([]string{"--resume"}, args(dir, change...)...)...)
		recs := readJSONLLines(t, filepath.Join(dir, "qmlhc_benchmarks.jsonl"))
		if r.code != 0 || !strings.Contains(r.stderr, "nothing to resume") || len(recs) < 3 || recs[len(recs)-1].RunID == recs[0].RunID {
			t.Errorf("--resume with %v: exit %d, %d records, stderr %q; want 0, a note and a new run", change, r.code, len(recs), r.stderr)
		}
	}
	dir := filepath.Join(t.TempDir(), "res")
	small := args(dir)
	if r := runBinary(t, small...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// A crash mid-write: the last config's line is cut short. --resume
	// moves it aside with a warning naming the file and line, measures that
	// config again, and leaves a JSONL whose every line parses.
	jsonl := filepath.Join(dir, "qmlhc_benchmarks.jsonl")
	b, err := os.ReadFile(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("JSONL has %d lines, want 2", len(lines))
	}
	torn := lines[0] + lines[1][:len(lines[1])/2]
	if err := os.WriteFile(jsonl, []byte(torn), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBinary(t, append([]string{"--resume"}, small...)...)
	if r.code != 0 {
		t.Fatalf("--resume after a torn line: exit %d\nstderr: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, jsonl) || !strings.Contains(r.stderr, "line 2") {
		t.Errorf("no warning naming %s line 2:\n%s", jsonl, r.stderr)
	}
	recs := readJSONLLines(t, jsonl)
	if len(recs) != 2 || recs[0].RunID != recs[1].RunID {
		t.Errorf("after repairing and resuming, the JSONL holds %+v; want both configs under one run_id", recs)
	}
	checkOnce(t, "JSONL", recs)
}

func TestBinaryBaseline(t *testing.T) {
	dir := t.TempDir()
	// Enough epochs per config for a clear Mann-Whitney verdict.
	grid := []string{"--headless", "-D", "3", "-K", "2,3", "-T", "16,32", "--repeats", "1", "--depths", "1", "--min-time", "5ms"}
	first := filepath.Join(dir, "first")
	if r := runBinary(t, append(grid, "-o", first)...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	firstJSONL := filepath.Join(first, "qmlhc_benchmarks.jsonl")
	fast := filepath.Join(dir, "fast.jsonl")
	scaleTimes(t, firstJSONL, fast, 0.1)

	r := runBinary(t, append(grid, "-o", filepath.Join(dir, "second"), "--baseline", fast, "--fail-on-regression", "20")...)
	if r.code != exitRegression {
		t.Errorf("against a 10× faster baseline with --fail-on-regression 20: exit %d, want 3\nstdout: %s\nstderr: %s",
			r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "slower than the baseline") {
		t.Errorf("stderr does not name the regressions:\n%s", r.stderr)
	}
	r = runBinary(t, append(grid, "-o", filepath.Join(dir, "third"), "--baseline", firstJSONL, "--fail-on-regression", "300")...)
	if r.code != 0 {
		t.Errorf("against its own earlier run with --fail-on-regression 300: exit %d, want 0\nstderr: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "Quick Summary:") {
		t.Errorf("no summary:\n%s", r.stdout)
	}
}

// scaleTimes copies a JSONL, multiplying every number under a key that
// starts with "time_" (all timings, in seconds) by f.
func scaleTimes(t *testing.T, from, to string, f float64) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var scale func(v any, timing bool) any
	scale = func(v any, timing bool) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = scale(e, strings.HasPrefix(k, "time_"))
			}
		case []any:
			for i, e := range x {
				x[i] = scale(e, timing)
			}
		case json.Number:
			if timing {
				g, err := x.Float64()
				if err != nil {
					t.Fatal(err)
				}
				return g * f
			}
		}
		return v
	}
	var out bytes.Buffer
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		enc, err := json.Marshal(scale(v, false))
		if err != nil {
			t.Fatal(err)
		}
		out.Write(enc)
		out.WriteByte('\n')
	}
	if err := os.WriteFile(to, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// jsonlRec is what the tests read back from a JSONL line or a CSV row.
type jsonlRec struct {
	RunID       int64   `json:"run_id"`
	D           int     `json:"D"`
	K           int     `json:"K"`
	T           int     `json:"T"`
	TimeElapsed float64 `json:"time_elapsed"`
}

func (r jsonlRec) config() bench.Config { return bench.Config{D: r.D, K: r.K, T: r.T} }

func countLines(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return bytes.Count(b, []byte("\n"))
}

func readJSONLLines(t *testing.T, path string) []jsonlRec {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []jsonlRec
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var r jsonlRec
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s line %d: %v", path, len(out)+1, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func readCSVRows(t *testing.T, path string) []jsonlRec {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s is empty", path)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	num := func(row []string, name string) int64 {
		i, ok := col[name]
		if !ok {
			t.Fatalf("%s has no column %s: %v", path, name, rows[0])
		}
		v, err := strconv.ParseInt(row[i], 10, 64)
		if err != nil {
			t.Fatalf("%s column %s: %v", path, name, err)
		}
		return v
	}
	var out []jsonlRec
	for _, row := range rows[1:] {
		out = append(out, jsonlRec{RunID: num(row, "run_id"), D: int(num(row, "D")), K: int(num(row, "K")), T: int(num(row, "T"))})
	}
	return out
}

// checkOnce fails when a config appears twice.
func checkOnce(t *testing.T, what string, rs []jsonlRec) {
	t.Helper()
	seen := map[bench.Config]bool{}
	for _, r := range rs {
		if seen[r.config()] {
			t.Errorf("%s: %v appears twice", what, r.config())
		}
		seen[r.config()] = true
	}
}

func sameConfigs(a, b []jsonlRec) bool {
	set := map[bench.Config]int{}
	for _, r := range a {
		set[r.config()]++
	}
	for _, r := range b {
		set[r.config()]--
	}
	for _, n := range set {
		if n != 0 {
			return false
		}
	}
	return true
}
