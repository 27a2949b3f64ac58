package compare

import (
	"math"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
)

// abResult is a config with a variant B whose paired estimates are
// log(ratio) plus the given offsets, made by pairing.
func abResult(c bench.Config, ratio float64, offsets []float64, pairing string) bench.Result {
	logs := make([]float64, len(offsets))
	ma, mb := make([]float64, len(offsets)), make([]float64, len(offsets))
	for j, o := range offsets {
		logs[j] = math.Log(ratio) + o
		ma[j] = 1e-5
		mb[j] = 1e-5 * math.Exp(logs[j])
	}
	b := bench.Result{Config: c, Measurements: mb, Policy: "median"}
	return bench.Result{Config: c, Measurements: ma, Policy: "mean", Vs: &b, ABLogRatios: logs, ABPairing: pairing}
}

var wobble = []float64{-0.002, 0.001, 0, 0.002, -0.001, 0.0015, -0.0015, 0.0005, -0.0005}

func TestCompareABVerdicts(t *testing.T) {
	cs := []bench.Config{{D: 3, K: 3, T: 48}, {D: 3, K: 5, T: 48}, {D: 6, K: 3, T: 48}, {D: 6, K: 5, T: 48}, {D: 9, K: 9, T: 9}}
	results := []bench.Result{
		abResult(cs[3], 1.00, wobble, bench.PairRounds),                                                           // same
		abResult(cs[1], 1.10, wobble, bench.PairRounds),                                                           // slower
		abResult(cs[2], 0.90, wobble, bench.PairRounds),                                                           // faster
		abResult(cs[0], 1.00, []float64{-0.05, 0.04, 0.03, -0.04, 0.05, -0.03, 0.02, -0.02, 0}, bench.PairRounds), // ~: too wide to tell
		abResult(cs[4], 1.00, wobble[:3], bench.PairRounds),                                                       // ?
		{Config: bench.Config{D: 12, K: 2, T: 1}},                                                                 // no B: left out
	}
	a := CompareAB(results, 2)
	want := map[bench.Config]string{cs[0]: VerdictUnchanged, cs[1]: VerdictSlower, cs[2]: VerdictFaster, cs[3]: VerdictSame, cs[4]: VerdictTooFew}
	if len(a.Entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(a.Entries), len(want))
	}
	for i, e := range a.Entries {
		if i > 0 && a.Entries[i-1].Config.Compare(e.Config) >= 0 {
			t.Errorf("entries not in grid order: %v after %v", e.Config, a.Entries[i-1].Config)
		}
		if e.Verdict != want[e.Config] {
			t.Errorf("%v: verdict %q (ratio %v [%v, %v], p %v, p_same %v); want %q", e.Config, e.Verdict, e.Cmp.Ratio, e.Cmp.CILow, e.Cmp.CIHigh, e.PAdj, e.PSame, want[e.Config])
		}
		// The interval shown excludes 1 exactly when the verdict is a change.
		if !e.Cmp.TooFew() {
			excludes := e.Cmp.CILow > 1 || e.Cmp.CIHigh < 1
			if changed := e.Verdict == VerdictFaster || e.Verdict == VerdictSlower; excludes != changed {
				t.Errorf("%v: %s with interval [%v, %v]", e.Config, e.Verdict, e.Cmp.CILow, e.Cmp.CIHigh)
			}
		}
	}
	if a.Faster != 1 || a.Slower != 1 || a.Same != 1 || a.Unchanged != 1 || a.Few != 1 || a.Margin != 0.02 {
		t.Errorf("counts %+v", a)
	}
	if !(a.GeoMeanCILow < a.GeoMeanRatio && a.GeoMeanRatio < a.GeoMeanCIHigh) {
		t.Errorf("geomean %v [%v, %v]", a.GeoMeanRatio, a.GeoMeanCILow, a.GeoMeanCIHigh)
	}
	if regs := a.Regressions(5); len(regs) != 1 || regs[0].Config != cs[1] {
		t.Errorf("regressions beyond 5%%: %+v, want %v", regs, cs[1])
	}
	if regs := a.Regressions(15); len(regs) != 0 {
		t.Errorf("regressions beyond 15%%: %d, want none", len(regs))
	}
	// A wider margin makes the wide config "same" too.
	wide := CompareAB(results, 20)
	if e, _ := wide.Lookup(cs[0]); e.Verdict != VerdictSame {
		t.Errorf("±20%%: %v is %q", cs[0], e.Verdict)
	}
}

// Pairs made in two workers follow the contention rule: a pair whose A
// or B measurement was slowed is left out; pairs made in one worker are
// all kept (they share any contention).
func TestPairLogsContention(t *testing.T) {
	c := bench.Config{D: 3, K: 3, T: 48}
	for _, tc := range []struct {
		pairing string
		kept    int
	}{{bench.PairMeasurements, 8}, {bench.PairRounds, 9}} {
		r := abResult(c, 1.0, wobble, tc.pairing)
		r.Measurements[4] *= 1.4 // A contended in measurement 4
		logs, contended := PairLogs(r)
		if len(logs) != tc.kept || contended != 9-tc.kept {
			t.Errorf("%s: %d kept, %d contended; want %d", tc.pairing, len(logs), contended, tc.kept)
		}
	}
	if a := CompareAB(nil, 0); len(a.Entries) != 0 || !math.IsNaN(a.GeoMeanRatio) || a.Margin != bench.DefaultSameWithin/100 {
		t.Errorf("no results: %+v", a)
	}
	if HasAB([]bench.Result{{Config: c}}) || !HasAB([]bench.Result{abResult(c, 1, wobble, bench.PairRounds)}) {
		t.Error("HasAB")
	}
	var none *AB
	if _, ok := none.Lookup(c); ok {
		t.Error("Lookup on nil")
	}
}
