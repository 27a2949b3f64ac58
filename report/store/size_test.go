package store

import (
	"bytes"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fixture"
	"github.com/hcbench/hcbench/report/internal/fsys"
)

// maxRecordBytes is the file contract's bound on a config's record at
// default settings (README "Files"): 5 KB.
const maxRecordBytes = 5000

// realisticMachine is a machine with names as long as real ones get.
func realisticMachine(version string) Machine {
	return Machine{Version: version, GoVersion: "go1.26.8", OS: "linux", Arch: "amd64",
		CPU: "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", NumCPU: 32,
		Revision: "0123456789abcdef0123456789abcdef01234567+dirty", Host: "bench-runner-07.example.org", LoadAvg: 1.23}
}

// recordReferenceGrid records the reference grid's configs, each a
// realistic result of 9 measurements of 300 rounds, through the real
// Recorder, and returns the JSONL's lines.
func recordReferenceGrid(t *testing.T, keep bool) ([][]byte, []bench.Result) {
	t.Helper()
	p := bench.DefaultPlan()
	p.KeepRounds = keep
	e := testEnv(fsys.OS{})
	e.machine = realisticMachine
	rec, err := newRecorder(Meta{RunID: 1796404311, Plan: p, Version: "v0.4.0"}, t.TempDir(), nil, e)
	if err != nil {
		t.Fatal(err)
	}
	var results []bench.Result
	for i, c := range p.Grid.Configs() {
		r := fixture.Realistic(c, 6.5e-6*float64(1+i), 300)
		results = append(results, r)
		if err := rec.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(rec.Paths().JSONL)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.SplitAfter(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")), results
}

// TestRecordSize: at default settings a config's record is at most 5 KB —
// its measurements and a summary of their rounds, not every round (2,700
// here, ~60 KB); with --keep-rounds every round is there. A change that
// writes the rounds again by default fails here.
func TestRecordSize(t *testing.T) {
	lines, results := recordReferenceGrid(t, false)
	total := 0
	for i, l := range lines {
		total += len(l)
		if len(l) > maxRecordBytes {
			t.Errorf("config %s: record of %d bytes, want at most %d", results[i].Config, len(l), maxRecordBytes)
		}
		if bytes.Contains(l, []byte(`"time_samples"`)) {
			t.Errorf("config %s: every round recorded without --keep-rounds", results[i].Config)
		}
	}
	t.Logf("default: %d configs, %d bytes, %d bytes per config", len(lines), total, total/len(lines))

	kept, _ := recordReferenceGrid(t, true)
	keptTotal := 0
	for _, l := range kept {
		keptTotal += len(l)
	}
	t.Logf("--keep-rounds: %d bytes, %d bytes per config", keptTotal, keptTotal/len(kept))
	if keptTotal < 10*total {
		t.Errorf("--keep-rounds wrote %d bytes, the default %d: the rounds are missing", keptTotal, total)
	}
}

// TestLeanRecordReadsBack: a record without the rounds and without the
// repeats' means (which their depths give) reads back as the result in
// memory, bit for bit, the rounds aside: what the reports, comparisons
// and resumes read from it equals what the run itself had. With
// --keep-rounds the rounds read back too.
func TestLeanRecordReadsBack(t *testing.T) {
	for _, keep := range []bool{false, true} {
		lines, results := recordReferenceGrid(t, keep)
		for i, l := range lines {
			rec, err := parseRecord(l)
			if err != nil {
				t.Fatal(err)
			}
			want := results[i]
			if !keep {
				want.Samples = nil
			}
			if !sameResult(rec.Result, want) || !slices.EqualFunc(rec.Runs, want.Runs, sameRunBits) {
				t.Errorf("keep %v: %s reads back as\n%+v\nwant\n%+v", keep, want.Config, rec.Result, want)
			}
			if rec.RoundCount() != 2700 || rec.KeepRounds != keep {
				t.Errorf("keep %v: %d rounds, keep_rounds %v", keep, rec.RoundCount(), rec.KeepRounds)
			}
		}
		// Each repeat is written without its means over the depths.
		if n := strings.Count(string(lines[0]), `"robustness_mean"`); n != 1 {
			t.Errorf("keep %v: robustness_mean written %d times, want once (the config's)", keep, n)
		}
	}
}

func sameRunBits(a, b bench.Run) bool {
	eq := func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }
	return slices.Equal(a.Depths, b.Depths) && a.Seed == b.Seed && a.MemPeakBytes == b.MemPeakBytes &&
		eq(a.TimeEpochMean, b.TimeEpochMean) && eq(a.TimeEpochStd, b.TimeEpochStd) &&
		eq(a.TimeForwardMean, b.TimeForwardMean) && eq(a.TimeForwardStd, b.TimeForwardStd) &&
		eq(a.TotalMean, b.TotalMean) && eq(a.TotalStd, b.TotalStd) && eq(a.RMSEMean, b.RMSEMean) &&
		eq(a.RMSEStd, b.RMSEStd) && eq(a.OvershootMean, b.OvershootMean) && eq(a.RobustnessMean, b.RobustnessMean)
}
