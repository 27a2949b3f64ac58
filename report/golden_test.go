package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testdataDir is absolute, so that tests that change directory still find it.
var testdataDir = func() string {
	d, err := filepath.Abs("testdata")
	if err != nil {
		panic(err)
	}
	return d
}()

// golden compares got with testdata/NAME.golden (or rewrites it under
// -update), reporting the first differing line.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(testdataDir, name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report/ -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s: line %d differs\n got: %q\nwant: %q\n(run go test ./report/ -update if the change is intended)", path, i+1, g, w)
		}
	}
}

// referenceHeader is the first line of the reference's CSV
// (qmlhc_seed_grid.csv, written by ex_benchmark_performance_demo.py).
const referenceHeader = "run_id,D,K,T,depths,time_epoch_mean,time_epoch_std,time_forward_mean,time_forward_std," +
	"mem_peak_bytes_max,total_mean,total_std,rmse_mean,rmse_std,overshoot_mean,robustness_mean"

func TestGoldenCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileCSV)
	if err := WriteCSV(path, fixtureRunID, fixtureResults()); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(got, []byte(referenceHeader+",")) {
		t.Errorf("header does not start with the reference's 16 columns:\n%s", bytes.SplitN(got, []byte("\n"), 2)[0])
	}
	golden(t, "csv", got)
}

func TestGoldenJSONL(t *testing.T) {
	dir := t.TempDir()
	rec, err := newRecorder(fixtureMeta(), dir, nil, testEnv(osFS{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range fixtureResults() {
		if err := rec.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(rec.Paths().JSONL)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "jsonl", got)
}

func TestGoldenMarkdown(t *testing.T) {
	m := fixedMachine("v0.0.0-test")
	golden(t, "markdown", []byte(markdown(runReport{RunID: fixtureRunID, Results: fixtureResults(), Machine: &m})))
}

// TestGoldenSummary prints the summary of a saved run, with a baseline in
// which half the configs were 25% faster, and one noisy config.
func TestGoldenSummary(t *testing.T) {
	t.Chdir(t.TempDir())
	results := fixtureResults()
	// D=3 K=9 T=48: samples spread ±30% around the median.
	noisy := &results[4]
	noisy.Samples = []float64{0.7 * noisy.TimeEpochMean, 1.3 * noisy.TimeEpochMean, noisy.TimeEpochMean, 0.8 * noisy.TimeEpochMean, 1.25 * noisy.TimeEpochMean, 0.9 * noisy.TimeEpochMean}

	rec, err := newRecorder(fixtureMeta(), ".benchmarks", nil, testEnv(osFS{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if err := rec.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Save(); err != nil {
		t.Fatal(err)
	}
	defer rec.Close()

	base := scaleTimes(fixtureResults(), 1)
	for i := range base {
		if i%2 == 0 {
			base[i] = scaleTimes(base[i:i+1], 1/0.8)[0] // now 0.8× the baseline: faster
		}
	}
	b := CompareBaseline("old.jsonl", base, results)

	var out bytes.Buffer
	if err := WriteSummary(&out, rec.Paths(), rec.Results(), SummaryOptions{Baseline: &b, Warnings: true}); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary", out.Bytes())
}

// scaleTimes is a deep copy of rs with every time multiplied by f.
func scaleTimes(rs []bench.Result, f float64) []bench.Result {
	out := make([]bench.Result, len(rs))
	for i, r := range rs {
		r.TimeEpochMean *= f
		r.TimeEpochMedian *= f
		r.TimeEpochCILow *= f
		r.TimeEpochCIHigh *= f
		s := make([]float64, len(r.Samples))
		for j, v := range r.Samples {
			s[j] = v * f
		}
		r.Samples = s
		ms := make([]float64, len(r.Measurements))
		for j, v := range r.Measurements {
			ms[j] = v * f
		}
		r.Measurements = ms
		out[i] = r
	}
	return out
}
