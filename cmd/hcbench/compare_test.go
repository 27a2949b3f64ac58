package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/console"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/store"
)

// compareResults are four configs with six measurements each (±1%,
// deterministic), every time scaled by f.
func compareResults(f float64, configs ...bench.Config) []bench.Result {
	if len(configs) == 0 {
		configs = []bench.Config{{D: 3, K: 3, T: 48}, {D: 3, K: 5, T: 48}, {D: 6, K: 3, T: 48}, {D: 6, K: 5, T: 48}}
	}
	var out []bench.Result
	for i, c := range configs {
		t := f * 1e-5 * float64(1+i)
		ms := []float64{t * 0.99, t * 1.01, t, t * 1.005, t * 0.995, t}
		r := bench.Result{Config: c, Depths: []int{1, 2, 3}, Repeats: 3, Policy: "mean", TimeEpochMean: t,
			Measurements: ms, Samples: ms, RMSEMean: 0.19, RobustnessMean: 0.96, TotalMean: 0.03,
			Runs: []bench.Run{{Seed: 123}}, Engine: "go"}
		bench.Headline(&r)
		out = append(out, r)
	}
	return out
}

// writeRuns writes a JSONL with one run per element of runs (run ids 1, 2, …).
func writeRuns(t *testing.T, runs ...[]bench.Result) string {
	t.Helper()
	var b bytes.Buffer
	for i, rs := range runs {
		for _, r := range rs {
			line, err := json.Marshal(store.Record{RunID: int64(i + 1), Result: r,
				Machine: store.Machine{OS: "linux", Arch: "amd64", NumCPU: 2}, Timing: bench.DefaultTiming, Seed: 123})
			if err != nil {
				t.Fatal(err)
			}
			b.Write(append(line, '\n'))
		}
	}
	path := filepath.Join(t.TempDir(), "runs.jsonl")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCmp(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = runCompare(args, &o, &e)
	return code, o.String(), e.String()
}

func TestCompareIdentical(t *testing.T) {
	a, b := writeRuns(t, compareResults(1)), writeRuns(t, compareResults(1))
	code, out, errs := runCmp(a, b, "--fail-on-regression", "5")
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"D=3 K=3 T=48", "1.00× [", "~", "geomean", "0 faster, 0 slower, 4 unchanged of 4 matched configs"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCompareRegression(t *testing.T) {
	// The old run's times are ×0.7: the new one looks 1.43× slower.
	old, cur := writeRuns(t, compareResults(0.7)), writeRuns(t, compareResults(1))
	code, out, errs := runCmp(old, cur, "--fail-on-regression", "5")
	if code != exitRegression || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "4 of 4 configs are slower") ||
		!strings.Contains(errs, "D=3 K=3 T=48 1.43× [") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, "0 faster, 4 slower") {
		t.Errorf("output:\n%s", out)
	}
	// Without a gate the same comparison exits 0; with a gate above the
	// slowdown too.
	if code, _, _ := runCmp(old, cur); code != exitOK {
		t.Errorf("no gate: exit %d", code)
	}
	// A percentage reads the same with or without its sign, as in the
	// main command.
	for _, pct := range []string{"60", "60%"} {
		if code, _, errs := runCmp(old, cur, "--fail-on-regression="+pct); code != exitOK {
			t.Errorf("gate %q: exit %d, %s", pct, code, errs)
		}
	}
	if code, _, _ := runCmp(old, cur, "--fail-on-regression", "5%"); code != exitRegression {
		t.Errorf("gate 5%%: exit %d, want 3", code)
	}
}

func TestCompareRunID(t *testing.T) {
	hist := writeRuns(t, compareResults(0.7), compareResults(1)) // runs 1 and 2
	if code, _, errs := runCmp(hist+"@1", hist, "--fail-on-regression", "5"); code != exitRegression {
		t.Errorf("run 1 vs latest: exit %d, %s", code, errs)
	}
	if code, _, errs := runCmp(hist+"@2", hist, "--fail-on-regression", "5"); code != exitOK {
		t.Errorf("run 2 vs latest: exit %d, %s", code, errs)
	}
}

func TestCompareBadInput(t *testing.T) {
	good := writeRuns(t, compareResults(1))
	other := writeRuns(t, compareResults(1, bench.Config{D: 9, K: 9, T: 9}))
	notJSONL := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notJSONL, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{filepath.Join(t.TempDir(), "none.jsonl"), good}, "none.jsonl"},
		{"not JSONL", []string{notJSONL, good}, "is not an hcbench JSONL"},
		{"no such run", []string{good + "@42", good}, "has no run 42 (runs: 1)"},
		{"nothing in common", []string{good, other, "--fail-on-regression", "5"}, "have no config in common"},
		{"nothing in common, no gate", []string{good, other}, "have no config in common"},
		{"one argument", []string{good}, "compare needs two runs"},
		{"bad percentage", []string{good, good, "--fail-on-regression", "five"}, `--fail-on-regression "five"`},
		{"negative percentage", []string{good, good, "--fail-on-regression=-1"}, `--fail-on-regression "-1": negative: give a percentage ≥ 0`},
		{"unknown flag", []string{good, good, "--bogus"}, "unknown flag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCmp(tc.args...)
			if code != exitUsage || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, tc.want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and one line saying %q", code, out, errs, tc.want)
			}
		})
	}
}

func TestCompareNotes(t *testing.T) {
	changed := compareResults(1)
	changed[0].RMSEMean = 0.5 // same seeds, other numbers
	code, out, _ := runCmp(writeRuns(t, compareResults(1)), writeRuns(t, changed))
	if code != exitOK || !strings.Contains(out, "quality differs for D=3 K=3 T=48") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestGateComparedNothing: a gate whose baseline matches no config is an
// error, never a pass.
func TestGateComparedNothing(t *testing.T) {
	var errs bytes.Buffer
	b := compare.CompareBaseline("old.jsonl", compareResults(1, bench.Config{D: 9, K: 9, T: 9}), compareResults(1))
	if code := gate(console.New(&errs, console.Options{}), &errs, session.Outcome{Comparison: &b}, 0); code != exitUsage || !strings.Contains(errs.String(), "nothing was compared") {
		t.Errorf("exit %d, stderr %q", code, errs.String())
	}
}

// --format gives other tools the same comparison (a results directory
// stands for its history); an unknown format is a usage error naming it.
func TestCompareFormats(t *testing.T) {
	a := writeRuns(t, compareResults(1))
	dir := filepath.Dir(writeRuns(t, compareResults(1.5)))
	if err := os.Rename(filepath.Join(dir, "runs.jsonl"), filepath.Join(dir, store.FileJSONL)); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmp(a, dir, "--format", "json")
	var got struct {
		Counts  struct{ Slower int }
		Configs []struct{ Verdict string }
	}
	if code != exitOK || json.Unmarshal([]byte(out), &got) != nil || len(got.Configs) != 4 || got.Counts.Slower != 4 {
		t.Fatalf("json: exit %d, %+v, stderr %q\n%s", code, got, errs, out)
	}
	code, out, _ = runCmp(a, dir, "--format", "csv")
	if code != exitOK || !strings.HasPrefix(out, "D,K,T,depths,") || strings.Count(out, "\n") != 5 {
		t.Errorf("csv: exit %d\n%s", code, out)
	}
	if code, _, errs = runCmp(a, dir, "--format", "yaml"); code != exitUsage || !strings.Contains(errs, `--format "yaml"`) {
		t.Errorf("an unknown format: exit %d, %q", code, errs)
	}
}
