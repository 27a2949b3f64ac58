package compare

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fixture"
	"github.com/hcbench/hcbench/report/store"
)

// synthetic and scaleTimes are the shared fixture's: results whose
// comparisons are known, and the same run sped up or slowed down.
func synthetic(n int, mean float64) []bench.Result { return fixture.Synthetic(n, mean) }

func scaleTimes(rs []bench.Result, f float64) []bench.Result { return fixture.ScaleTimes(rs, f) }

func TestCompareBaseline(t *testing.T) {
	base := synthetic(6, 1e-4)
	for _, tc := range []struct {
		name                      string
		cur                       []bench.Result
		regressions               int // Regressions(20)
		faster, slower, unchanged int
		geo                       float64
	}{
		{"identical", synthetic(6, 1e-4), 0, 0, 0, 6, 1},
		{"10× slower", scaleTimes(synthetic(6, 1e-4), 10), 6, 0, 6, 0, 10},
		{"10× faster", scaleTimes(synthetic(6, 1e-4), 0.1), 0, 6, 0, 0, 0.1},
		{"10% slower: significant but within 20%", scaleTimes(synthetic(6, 1e-4), 1.1), 0, 0, 6, 0, 1.1},
		{"22% slower: beyond 20% but not with confidence", scaleTimes(synthetic(6, 1e-4), 1.22), 0, 0, 6, 0, 1.22},
		{"40% slower: beyond 20% with confidence", scaleTimes(synthetic(6, 1e-4), 1.4), 6, 0, 6, 0, 1.4},
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
	if e, ok := b.Lookup(cur[2].Config); !ok || e.Cmp.NOld != 6 || e.Cmp.NNew != 6 || e.Config != cur[2].Config {
		t.Errorf("Lookup(%v) = %+v, %v", cur[2].Config, e, ok)
	}
	if _, ok := b.Lookup(cur[3].Config); ok {
		t.Errorf("Lookup found a config the baseline lacks")
	}
	none := CompareBaseline("old.jsonl", base, synthetic(0, 1))
	if got := none.Describe(); got != "no config matches old.jsonl (same D, K, T and depths)" {
		t.Errorf("Describe() with nothing matched = %q", got)
	}
}

// TestCompareOldRecords: records from before time_measurements fall back
// to their per-repeat means; one repeat is too few to conclude anything.
func TestCompareOldRecords(t *testing.T) {
	base := synthetic(2, 1e-4)
	cur := scaleTimes(synthetic(2, 1e-4), 10)
	for i := range base {
		base[i].Measurements = nil
		base[i].Runs = []bench.Run{{TimeEpochMean: base[i].TimeEpochMean}}
	}
	b := CompareBaseline("old.jsonl", base, cur)
	if len(b.Regressions(20)) != 0 || b.Few != 2 || b.Slower != 0 {
		t.Errorf("%d regressions, %d too few, %d slower; want 0, 2, 0", len(b.Regressions(20)), b.Few, b.Slower)
	}
	if e := b.Entries[0]; e.Verdict != VerdictTooFew || FormatRatioCI(e.Cmp) != FormatRatio(e.Cmp.Ratio)+" [too few measurements]" {
		t.Errorf("entry: verdict %q, %s", e.Verdict, FormatRatioCI(e.Cmp))
	}
}

// TestHolmCorrection: among many identical configs, one whose p alone
// would pass 5% is not called different once the configs are counted.
func TestHolmCorrection(t *testing.T) {
	base := synthetic(8, 1e-4)
	cur := synthetic(8, 1e-4)
	// Config 0 a little slower: p ≈ 0.02 on its own.
	for j := range cur[0].Measurements {
		cur[0].Measurements[j] *= 1.03
	}
	b := CompareBaseline("old.jsonl", base, cur)
	e := b.Entries[0]
	if !(e.Cmp.P < 0.05) || !(e.PAdj >= 0.05) || e.Verdict != VerdictUnchanged {
		t.Errorf("p %.3g, Holm p %.3g, verdict %q; want p < 0.05 ≤ Holm p and ~", e.Cmp.P, e.PAdj, e.Verdict)
	}
}

func TestQualityDiffers(t *testing.T) {
	base := synthetic(1, 1e-4)
	base[0].Repeats, base[0].Runs, base[0].RMSEMean = 3, []bench.Run{{Seed: 123}}, 0.19
	cur := []bench.Result{base[0]}
	if CompareBaseline("b", base, cur).Entries[0].QualityDiffers {
		t.Error("same figures flagged")
	}
	cur[0].RMSEMean = 0.2
	if !CompareBaseline("b", base, cur).Entries[0].QualityDiffers {
		t.Error("a different RMSE with the same seeds not flagged")
	}
}

func TestFormatRatio(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{FormatRatio(1.034), "1.03×"},
		{FormatRatio(10), "10.0×"},
		{FormatRatio(0.1), "0.100×"},
		{FormatRatio(math.NaN()), "n/a"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// recordRun appends results to the JSONL in dir as run id, as a run
// records them, and returns the JSONL's path.
func recordRun(t *testing.T, dir string, id int64, results []bench.Result) string {
	t.Helper()
	p := bench.DefaultPlan()
	p.Timing = bench.Timing{MinTime: 10 * time.Millisecond, MinEpochs: 5}
	rec, err := store.NewRecorder(store.Meta{RunID: id, Plan: p, Version: "v0.0.0-test"}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if err := rec.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	return rec.Paths().JSONL
}

// TestLoadBaseline reads the latest run of a history, or the one named.
func TestLoadBaseline(t *testing.T) {
	dir := t.TempDir()
	recordRun(t, dir, 100, fixture.Results()[:2])
	jsonl := recordRun(t, dir, 200, fixture.Results()[:5])
	r, err := LoadRecordedRun(jsonl)
	if err != nil || len(r.Results) != 5 || r.RunID != 200 || len(r.Notes) != 0 {
		t.Fatalf("LoadRecordedRun: run %d, %d results, notes %q, %v; want the latest run's 5, no notes", r.RunID, len(r.Results), r.Notes, err)
	}
	if res, err := LoadBaselineFile(jsonl + "@100"); err != nil || len(res) != 2 {
		t.Errorf("LoadBaselineFile(FILE@100): %d results, %v; want run 100's 2", len(res), err)
	}
	empty := filepath.Join(dir, "empty.jsonl")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadRecordedRun(empty); err == nil {
		t.Error("LoadRecordedRun of an empty file succeeded")
	}
	if _, err := LoadRecordedRun(filepath.Join(dir, "missing.jsonl")); err == nil {
		t.Error("LoadRecordedRun of a missing file succeeded")
	}
}

// TestLoadBaselineFileDirectory: a directory stands for its history; one
// without a history is refused, saying so.
func TestLoadBaselineFileDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadBaselineFile(dir); err == nil || !strings.Contains(err.Error(), "a directory without") {
		t.Errorf("LoadBaselineFile(dir) = %v", err)
	}
	jsonl := recordRun(t, dir, 100, fixture.Results()[:2])
	if res, err := LoadBaselineFile(jsonl); err != nil || len(res) != 2 {
		t.Errorf("LoadBaselineFile(%s) = %d results, %v; want the run's 2", jsonl, len(res), err)
	}
}

// TestContendedRunNotARegression: a config whose new run is mostly a bit
// slower (1.14×, within the 15% cluster) while three of its measurements
// match the old run's fastest is not a regression: delays only add time,
// and its fastest measurements show the code ran as fast as before. The
// same config really 1.4× slower everywhere is.
func TestContendedRunNotARegression(t *testing.T) {
	mk := func(ms ...float64) []bench.Result {
		r := bench.Result{Config: bench.Config{D: 3, K: 3, T: 48}, Depths: []int{1, 2, 3}}
		for _, m := range ms {
			r.Measurements = append(r.Measurements, m*1e-5)
		}
		bench.Headline(&r)
		return []bench.Result{r}
	}
	old := mk(1.00, 1.01, 1.00, 1.01, 1.00, 1.02, 1.01, 1.00, 1.01)
	b := CompareBaseline("old.jsonl", old, mk(1.00, 1.01, 1.00, 1.14, 1.14, 1.14, 1.14, 1.14, 1.14))
	e := b.Entries[0]
	if !(e.Cmp.Ratio > 1.1) || !(e.FastestRatio < 1.05) || !(e.Cmp.PAbove(1.05) < 0.05) || e.Unsettled {
		t.Fatalf("the data must make the median 1.14× beyond 5%% with significance but not the fastest: ratio %v (p above 1.05: %v), fastest %v, unsettled %v",
			e.Cmp.Ratio, e.Cmp.PAbove(1.05), e.FastestRatio, e.Unsettled)
	}
	if len(b.Regressions(5)) != 0 {
		t.Errorf("contention called a regression: ratio %v, fastest ratio %v", e.Cmp.Ratio, e.FastestRatio)
	}
	slow := mk(1.40, 1.41, 1.40, 1.41, 1.40, 1.43, 1.41, 1.40, 1.41)
	if r := CompareBaseline("old.jsonl", old, slow); len(r.Regressions(5)) != 1 || r.Entries[0].Verdict != VerdictSlower {
		t.Errorf("a real 1.4× slowdown: verdict %q, %d regressions", r.Entries[0].Verdict, len(r.Regressions(5)))
	}
}

// TestCompareInGridOrder: results are written as configs finish, out of
// grid order; the comparison lists them by D, K, T.
func TestCompareInGridOrder(t *testing.T) {
	base := synthetic(4, 1e-4)
	cur := synthetic(4, 1e-4)
	slices.Reverse(cur)
	b := CompareBaseline("old.jsonl", base, cur)
	for i := 1; i < len(b.Entries); i++ {
		if b.Entries[i-1].Config.K > b.Entries[i].Config.K {
			t.Fatalf("entries out of grid order: %v before %v", b.Entries[i-1].Config, b.Entries[i].Config)
		}
	}
}

// TestGeomeanIncludesSharedSpread: a whole run 2% slower, all configs
// alike, on a machine whose common speed wanders by 1.5%: the configs'
// ratios agree to the last digit, but the geomean's interval must still
// hold 1, as the configs' own intervals do.
func TestGeomeanIncludesSharedSpread(t *testing.T) {
	base := synthetic(8, 1e-4)
	cur := scaleTimes(synthetic(8, 1e-4), 1.02)
	for i := range base {
		base[i].SharedSpread, cur[i].SharedSpread = 0.015, 0.015
	}
	b := CompareBaseline("old.jsonl", base, cur)
	if !(b.GeoMeanCILow < 1 && b.GeoMeanCIHigh > 1.02) || b.Slower != 0 {
		t.Errorf("geomean %v [%v, %v], %d slower; want an interval holding 1, none slower", b.GeoMeanRatio, b.GeoMeanCILow, b.GeoMeanCIHigh, b.Slower)
	}
	for i := range base {
		base[i].SharedSpread, cur[i].SharedSpread = 0, 0
	}
	if n := CompareBaseline("old.jsonl", base, cur); !(n.GeoMeanCILow > 1.01) {
		t.Errorf("without a shared spread the geomean interval should exclude 1: [%v, %v]", n.GeoMeanCILow, n.GeoMeanCIHigh)
	}
}

// TestUnsettledNoVerdict: a config measured on a contended CPU nearly
// throughout — its measurements spread beyond 15% of the fastest with fewer
// than 3 near it — has no steady cluster; its median moves with the share
// of contended measurements, so unless the two sides are completely
// separated it gets "?", is left out of Holm's family and does not fail
// the gate, while settled configs are judged as before.
func TestUnsettledNoVerdict(t *testing.T) {
	base := synthetic(3, 1e-5)
	cur := synthetic(3, 1e-5)
	// Config 0: two near the fastest, seven 1.45× — unsettled.
	for j := range cur[0].Measurements {
		if j >= 2 {
			cur[0].Measurements[j] *= 1.45
		}
	}
	cur[0].Measurements = append(cur[0].Measurements, 1.45e-5, 1.46e-5, 1.44e-5)
	bench.Headline(&cur[0])
	if !bench.Unsettled(cur[0]) || bench.Unsettled(base[0]) {
		t.Fatalf("Unsettled(cur[0]) = %v, Unsettled(base[0]) = %v; want true, false", bench.Unsettled(cur[0]), bench.Unsettled(base[0]))
	}
	// Config 1 really 1.4× slower everywhere.
	for j := range cur[1].Measurements {
		cur[1].Measurements[j] *= 1.4
	}
	bench.Headline(&cur[1])
	b := CompareBaseline("old.jsonl", base, cur)
	if e := b.Entries[0]; e.Verdict != VerdictTooFew || !e.Unsettled || !math.IsNaN(e.PAdj) {
		t.Errorf("unsettled config: verdict %q, unsettled %v, Holm p %v", e.Verdict, e.Unsettled, e.PAdj)
	}
	regs := b.Regressions(5)
	if len(regs) != 1 || regs[0].Config != cur[1].Config || b.Entries[1].Verdict != VerdictSlower {
		t.Errorf("regressions %v, verdict of the slow config %q; want only %v, slower", regs, b.Entries[1].Verdict, cur[1].Config)
	}
}

// TestUnsettledSeparated: an unsettled config (no steady cluster) whose
// measurements are all slower than every baseline measurement — a 10×
// regression measured on a noisy machine — is still called slower and
// fails the gate: the verdict rests on complete separation, with the range
// of possible ratios as its interval.
func TestUnsettledSeparated(t *testing.T) {
	mk := func(scale float64, ms ...float64) []bench.Result {
		r := bench.Result{Config: bench.Config{D: 3, K: 2, T: 16}, Depths: []int{1}}
		for _, m := range ms {
			r.Measurements = append(r.Measurements, m*scale)
		}
		bench.Headline(&r)
		return []bench.Result{r}
	}
	noisy := []float64{1.0, 1.05, 1.2, 1.3, 1.25, 1.4, 1.22, 1.35, 1.5}
	old, cur := mk(1e-6, noisy...), mk(1e-5, noisy...)
	if !bench.Unsettled(cur[0]) {
		t.Fatal("the data must be unsettled")
	}
	b := CompareBaseline("old.jsonl", old, cur)
	e := b.Entries[0]
	if e.Verdict != VerdictSlower || !(e.Cmp.CILow > 6) || !(e.Cmp.CIHigh < 16) || len(b.Regressions(20)) != 1 {
		t.Errorf("10× slower, unsettled: verdict %q, interval [%v, %v], %d regressions; want slower, [10/1.5, 15], 1",
			e.Verdict, e.Cmp.CILow, e.Cmp.CIHigh, len(b.Regressions(20)))
	}
	// Overlapping: no verdict, no regression.
	same := CompareBaseline("old.jsonl", mk(1e-6, noisy...), mk(1.1e-6, noisy...))
	if same.Entries[0].Verdict != VerdictTooFew || len(same.Regressions(5)) != 0 {
		t.Errorf("overlapping unsettled: verdict %q, %d regressions", same.Entries[0].Verdict, len(same.Regressions(5)))
	}
}
