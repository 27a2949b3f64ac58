package report

import (
	"encoding/csv"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fixture"
	"github.com/hcbench/hcbench/report/internal/fsys"
	"github.com/hcbench/hcbench/report/store"
)

const fixtureRunID = fixture.RunID

func fixtureResults() []bench.Result { return fixture.Results() }

// scaleTimes is the shared fixture's: rs sped up or slowed down by f.
func scaleTimes(rs []bench.Result, f float64) []bench.Result { return fixture.ScaleTimes(rs, f) }

// fixedMachine stands in for the machine so that the golden files are the
// same everywhere.
func fixedMachine(version string) store.Machine {
	return store.Machine{Version: version, GoVersion: "go1.26.0", OS: "linux", Arch: "amd64",
		CPU: "Test CPU @ 3.00GHz", NumCPU: 2}
}

// fixturePlan is the plan of the fixture: the reference's grid.
func fixturePlan() bench.Plan {
	p := bench.DefaultPlan()
	p.Timing = bench.Timing{MinTime: 10 * time.Millisecond, MinEpochs: 5}
	return p
}

// newTestRecorder records a run of the fixture's plan in dir, as the store
// does for a session; prior are the results of a resumed run.
func newTestRecorder(t *testing.T, dir string, runID int64, prior []bench.Result) *store.Recorder {
	t.Helper()
	r, err := store.NewRecorder(store.Meta{RunID: runID, Plan: fixturePlan(), Version: "v0.0.0-test"}, dir, prior)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func addAll(t *testing.T, r *store.Recorder, rs []bench.Result) {
	t.Helper()
	for _, res := range rs {
		if err := r.Add(res); err != nil {
			t.Fatal(err)
		}
	}
}

// reportOf is what the reports of rec's run are written from, as a session
// builds it.
func reportOf(rec *store.Recorder) Report {
	m := rec.Machine()
	return Report{RunID: rec.Meta().RunID, Results: rec.Results(), Total: rec.Meta().Plan.Grid.Size(), Machine: &m}
}

// save saves rec's run as a session does: the store appends what is
// pending to the JSONL (recreating a lost one), then every other file is
// written over fs.
func save(fs fsys.FS, rec *store.Recorder) error {
	return errors.Join(rec.Flush(), write(fs, rec.Paths(), reportOf(rec)))
}

func readCSV(t *testing.T, path string) [][]string {
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
	return rows
}

// csvConfigs are the configs of the CSV's rows, in order.
func csvConfigs(t *testing.T, path string) []bench.Config {
	t.Helper()
	var out []bench.Config
	for _, row := range readCSV(t, path)[1:] {
		var c bench.Config
		for i, v := range []*int{&c.D, &c.K, &c.T} {
			n, err := strconv.Atoi(row[1+i])
			if err != nil {
				t.Fatalf("%s: row %v: %v", path, row, err)
			}
			*v = n
		}
		out = append(out, c)
	}
	return out
}

func configsOf(rs []bench.Result) []bench.Config {
	var out []bench.Config
	for _, r := range rs {
		out = append(out, r.Config)
	}
	return out
}

// sameSet reports whether a and b hold the same configs with no repeats.
func sameSet(a, b []bench.Config) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[bench.Config]bool{}
	for _, c := range a {
		if seen[c] {
			return false
		}
		seen[c] = true
	}
	for _, c := range b {
		if !seen[c] {
			return false
		}
	}
	return true
}
