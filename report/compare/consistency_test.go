package compare

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
)

// consistencyResult is a config measured nine times around centre with a
// relative spread.
func consistencyResult(rng *rand.Rand, c bench.Config, centre, spread float64) bench.Result {
	r := bench.Result{Config: c, Depths: []int{1, 2, 3}, Repeats: 3}
	for range 9 {
		r.Measurements = append(r.Measurements, centre*(1+spread*rng.NormFloat64()))
	}
	bench.Headline(&r)
	return r
}

// Ratio, interval, adjusted p and verdict come from one computation: on
// random families of configs (some changed, some not, some noisy), an
// interval excludes 1 exactly when the adjusted p is below 5%, a verdict
// "faster" or "slower" always has such an interval on its side of 1, and
// a "~" whose interval excludes 1 always says which extra condition
// decided it.
func TestRatioIntervalPAndVerdictAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	checked, significant := 0, 0
	for family := range 300 {
		n := 2 + rng.IntN(14)
		var base, cur []bench.Result
		for i := range n {
			c := bench.Config{D: 3, K: 2 + i, T: 48}
			spread := []float64{0.005, 0.02, 0.08}[rng.IntN(3)]
			change := []float64{1, 1, 1.01, 1.03, 1.1, 0.95}[rng.IntN(6)]
			base = append(base, consistencyResult(rng, c, 1e-5, spread))
			cur = append(cur, consistencyResult(rng, c, 1e-5*change, spread))
		}
		b := CompareBaseline("old.jsonl", base, cur)
		for _, e := range b.Entries {
			if e.Cmp.TooFew() || e.BySeparation || e.Invalid {
				continue
			}
			checked++
			excludes := e.Cmp.CILow > 1 || e.Cmp.CIHigh < 1
			if excludes != (e.PAdj < alpha) {
				t.Fatalf("family %d, %s: interval [%g, %g] at %g but adjusted p %g", family, e.Config, e.Cmp.CILow, e.Cmp.CIHigh, e.Cmp.Level, e.PAdj)
			}
			switch e.Verdict {
			case VerdictSlower:
				significant++
				if !(e.Cmp.CILow > 1) {
					t.Fatalf("family %d, %s: slower with interval [%g, %g]", family, e.Config, e.Cmp.CILow, e.Cmp.CIHigh)
				}
			case VerdictFaster:
				significant++
				if !(e.Cmp.CIHigh < 1) {
					t.Fatalf("family %d, %s: faster with interval [%g, %g]", family, e.Config, e.Cmp.CILow, e.Cmp.CIHigh)
				}
			case VerdictUnchanged:
				if excludes && e.Reason == "" {
					t.Fatalf("family %d, %s: ~ with interval [%g, %g] excluding 1 and no reason", family, e.Config, e.Cmp.CILow, e.Cmp.CIHigh)
				}
			}
			if !(e.Cmp.Level >= 1-alpha) || math.IsNaN(e.Cmp.Level) {
				t.Fatalf("%s: interval level %g below the family's 95%%", e.Config, e.Cmp.Level)
			}
		}
	}
	if checked < 1000 || significant < 100 {
		t.Fatalf("only %d entries checked, %d significant: the test exercises too little", checked, significant)
	}
}

// holmLevels matches Holm's adjusted p-values: a p-value is below its
// level exactly when its adjusted p-value is below α.
func TestHolmLevelsMatchHolm(t *testing.T) {
	for _, tc := range []struct {
		ps   []float64
		want []float64
	}{
		{[]float64{0.001, 0.04, 0.03}, []float64{0.05 / 3, 0.05 / 2, 0.05 / 2}},
		{[]float64{0.01, 0.02, 0.5}, []float64{0.05 / 3, 0.05 / 2, 0.05}},
		{[]float64{math.NaN(), 0.001}, []float64{math.NaN(), 0.05}},
	} {
		got := holmLevels(tc.ps, 0.05)
		for i := range got {
			if !(got[i] == tc.want[i] || math.IsNaN(got[i]) && math.IsNaN(tc.want[i])) && math.Abs(got[i]-tc.want[i]) > 1e-15 {
				t.Errorf("holmLevels(%v)[%d] = %g, want %g", tc.ps, i, got[i], tc.want[i])
			}
		}
	}
}

// A side that kept fewer than four steady measurements (the others left
// out as contended) but has nine in all is decided by complete
// separation: a 10× regression measured on a busy machine still fails
// the gate, and says what decided it.
func TestTooFewSteadyDecidedBySeparation(t *testing.T) {
	old := bench.Result{Config: bench.Config{D: 3, K: 2, T: 16}, Depths: []int{1}, Repeats: 1,
		Measurements: []float64{1e-6, 1.01e-6, 0.99e-6, 1e-6, 1.02e-6, 1e-6, 0.98e-6, 1e-6, 1.01e-6}}
	bench.Headline(&old)
	// Three near the fastest, six contended (>15% above it): three kept.
	cur := old
	cur.Measurements = []float64{10e-6, 10.1e-6, 10.05e-6, 13e-6, 14e-6, 15e-6, 13.5e-6, 16e-6, 14.5e-6}
	bench.Headline(&cur)
	if kept, _ := bench.HeadlineMeasurements(cur); len(kept) >= 4 {
		t.Fatalf("%d measurements kept: not the case tested", len(kept))
	}
	b := CompareBaseline("old.jsonl", []bench.Result{old}, []bench.Result{cur})
	e := b.Entries[0]
	if e.Verdict != VerdictSlower || !e.BySeparation || !strings.Contains(e.Reason, "complete separation") {
		t.Fatalf("verdict %q (%s), by separation %v", e.Verdict, e.Reason, e.BySeparation)
	}
	if len(b.Regressions(20)) != 1 {
		t.Errorf("a 10× regression does not fail a 20%% gate: interval [%g, %g]", e.Cmp.CILow, e.Cmp.CIHigh)
	}
}
