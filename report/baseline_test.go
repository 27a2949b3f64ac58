package report

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/hcbench/hcbench/engine"
)

// synthetic is n results with 20 samples each around mean, spread ±2%
// (deterministic).
func synthetic(n int, mean float64) []engine.Result {
	var out []engine.Result
	for i := range n {
		m := mean * float64(1+i)
		s := make([]float64, 20)
		for j := range s {
			s[j] = m * (0.98 + 0.002*float64((j*7)%21))
		}
		out = append(out, engine.Result{Config: engine.Config{D: 3, K: 2 + i, T: 48}, Depths: []int{1, 2, 3},
			TimeEpochMean: m, Samples: s})
	}
	return out
}

func TestCompareBaseline(t *testing.T) {
	base := synthetic(6, 1e-4)
	for _, tc := range []struct {
		name                      string
		cur                       []engine.Result
		regressions               int // Regressions(20)
		faster, slower, unchanged int
		geo                       float64
	}{
		{"identical", synthetic(6, 1e-4), 0, 0, 0, 6, 1},
		{"10× slower", scaleTimes(synthetic(6, 1e-4), 10), 6, 0, 6, 0, 10},
		{"10× faster", scaleTimes(synthetic(6, 1e-4), 0.1), 0, 6, 0, 0, 0.1},
		{"10% slower: significant but within 20%", scaleTimes(synthetic(6, 1e-4), 1.1), 0, 0, 6, 0, 1.1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := CompareBaseline("old.jsonl", base, tc.cur)
			if got := len(b.Regressions(20)); got != tc.regressions {
				t.Errorf("Regressions(20): %d, want %d", got, tc.regressions)
			}
			if b.Faster != tc.faster || b.Slower != tc.slower || b.Unchanged != tc.unchanged || b.Unmatched != 0 {
				t.Errorf("faster %d slower %d unchanged %d unmatched %d; want %d %d %d 0",
					b.Faster, b.Slower, b.Unchanged, b.Unmatched, tc.faster, tc.slower, tc.unchanged)
			}
			if math.Abs(b.GeoMeanRatio/tc.geo-1) > 1e-9 {
				t.Errorf("geomean ratio %g, want %g", b.GeoMeanRatio, tc.geo)
			}
			if !(b.GeoMeanCILow <= b.GeoMeanRatio*(1+1e-12) && b.GeoMeanRatio <= b.GeoMeanCIHigh*(1+1e-12)) {
				t.Errorf("geomean CI [%g, %g] does not hold %g", b.GeoMeanCILow, b.GeoMeanCIHigh, b.GeoMeanRatio)
			}
		})
	}
}

func TestCompareBaselineMatching(t *testing.T) {
	base := synthetic(3, 1e-4)
	cur := synthetic(4, 1e-4)   // the 4th config is new
	cur[1].Depths = []int{1, 2} // another depth schedule: not comparable
	b := CompareBaseline("old.jsonl", base, cur)
	if len(b.Entries) != 2 || b.Unmatched != 2 {
		t.Errorf("%d matched, %d unmatched; want 2 and 2", len(b.Entries), b.Unmatched)
	}
	if e, ok := b.Lookup(cur[2].Config); !ok || e.Cmp.NOld != 20 || e.Cmp.NNew != 20 || e.Config != cur[2].Config {
		t.Errorf("Lookup(%v) = %+v, %v", cur[2].Config, e, ok)
	}
	if _, ok := b.Lookup(cur[3].Config); ok {
		t.Errorf("Lookup found a config the baseline lacks")
	}
	none := CompareBaseline("old.jsonl", base, synthetic(0, 1))
	if got := none.describe(); got != "no config matches old.jsonl (same D, K, T and depths)" {
		t.Errorf("describe() with nothing matched = %q", got)
	}
}

// TestCompareWithoutSamples: results another tool wrote have no samples;
// their means still give a ratio, never a significant difference.
func TestCompareWithoutSamples(t *testing.T) {
	base := synthetic(2, 1e-4)
	cur := scaleTimes(synthetic(2, 1e-4), 10)
	for i := range base {
		base[i].Samples = nil
	}
	b := CompareBaseline("old.jsonl", base, cur)
	if math.Abs(b.GeoMeanRatio-10)/10 > 0.05 || len(b.Regressions(20)) != 0 || b.Unchanged != 2 {
		t.Errorf("ratio %g, %d regressions, %d unchanged; want ≈10, 0, 2", b.GeoMeanRatio, len(b.Regressions(20)), b.Unchanged)
	}
}

// TestLoadBaseline reads the latest run of a history.
func TestLoadBaseline(t *testing.T) {
	dir := t.TempDir()
	old := newTestRecorder(t, osFS{}, dir, 100, nil)
	addAll(t, old, fixtureResults()[:2])
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	latest := newTestRecorder(t, osFS{}, dir, 200, nil)
	addAll(t, latest, fixtureResults()[:5])
	if err := latest.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := LoadBaseline(latest.Paths().JSONL)
	if err != nil || len(res) != 5 {
		t.Fatalf("LoadBaseline: %d results, %v; want the latest run's 5", len(res), err)
	}
	empty := filepath.Join(dir, "empty.jsonl")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadBaseline(empty); err == nil {
		t.Error("LoadBaseline of an empty file succeeded")
	}
	if _, err := LoadBaseline(filepath.Join(dir, "missing.jsonl")); err == nil {
		t.Error("LoadBaseline of a missing file succeeded")
	}
}
