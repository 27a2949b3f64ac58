package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/internal/fixture"
	"github.com/hcbench/hcbench/report/internal/fsys"
	"github.com/hcbench/hcbench/report/store"
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
	fixture.Golden(t, filepath.Join(testdataDir, name+".golden"), got, *update)
}

// referenceHeader is the first line of the reference's CSV
// (qmlhc_seed_grid.csv, written by ex_benchmark_performance_demo.py).
const referenceHeader = "run_id,D,K,T,depths,time_epoch_mean,time_epoch_std,time_forward_mean,time_forward_std," +
	"mem_peak_bytes_max,total_mean,total_std,rmse_mean,rmse_std,overshoot_mean,robustness_mean"

func TestGoldenCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileCSV)
	if err := writeCSV(fsys.OS{}, path, Report{RunID: fixtureRunID, Results: fixtureResults()}); err != nil {
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

func TestGoldenMarkdown(t *testing.T) {
	m := fixedMachine("v0.0.0-test")
	golden(t, "markdown", []byte(markdown(Report{RunID: fixtureRunID, Results: fixtureResults(), Machine: &m})))
}

// TestGoldenSummary prints the summary of a saved run, with a baseline in
// which half the configs were 25% faster, and one noisy config.
func TestGoldenSummary(t *testing.T) {
	t.Chdir(t.TempDir())
	results := fixtureResults()
	// D=3 K=9 T=48: samples spread ±30% around the median.
	noisy := &results[4]
	noisy.Samples = []float64{0.7 * noisy.TimeEpochMean, 1.3 * noisy.TimeEpochMean, noisy.TimeEpochMean, 0.8 * noisy.TimeEpochMean, 1.25 * noisy.TimeEpochMean, 0.9 * noisy.TimeEpochMean}

	rec := newTestRecorder(t, ".benchmarks", fixtureRunID, nil)
	addAll(t, rec, results)
	if err := save(fsys.OS{}, rec); err != nil {
		t.Fatal(err)
	}

	base := scaleTimes(fixtureResults(), 1)
	for i := range base {
		if i%2 == 0 {
			base[i] = scaleTimes(base[i:i+1], 1/0.8)[0] // now 0.8× the baseline: faster
		}
	}
	b := compare.CompareBaseline("old.jsonl", base, results)

	var out bytes.Buffer
	if err := WriteSummary(&out, rec.Paths(), rec.Results(), SummaryOptions{Baseline: &b, Warnings: true}); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary", out.Bytes())
}
