package bench

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/hcbench/hcbench/engine/hc"
	"github.com/hcbench/hcbench/engine/stats"
)

// TestAddMeasurement: each measurement adds its estimate (the median of
// its rounds), its rounds, and their count and quantiles (type 7, as
// stats.Median), each summary slice aligned with Measurements.
func TestAddMeasurement(t *testing.T) {
	var r Result
	a := []float64{5, 1, 4, 2, 3} // sorted 1..5: p25 2, p75 4
	b := []float64{10, 20}        // p25 12.5, p75 17.5
	r.AddMeasurement(a)
	r.AddMeasurement(b)
	if !slices.Equal(r.Measurements, []float64{3, 15}) || !slices.Equal(r.Samples, append(slices.Clone(a), b...)) {
		t.Errorf("measurements %v, samples %v", r.Measurements, r.Samples)
	}
	if !slices.Equal(r.Rounds, []int{5, 2}) || !slices.Equal(r.RoundsMin, []float64{1, 10}) ||
		!slices.Equal(r.RoundsP25, []float64{2, 12.5}) || !slices.Equal(r.RoundsP75, []float64{4, 17.5}) ||
		!slices.Equal(r.RoundsMax, []float64{5, 20}) {
		t.Errorf("summary: rounds %v min %v p25 %v p75 %v max %v", r.Rounds, r.RoundsMin, r.RoundsP25, r.RoundsP75, r.RoundsMax)
	}
	if !slices.Equal(a, []float64{5, 1, 4, 2, 3}) {
		t.Errorf("the caller's rounds were reordered: %v", a)
	}
	if !r.RoundSummarized() || r.RoundCount() != 7 {
		t.Errorf("summarized %v, %d rounds; want true, 7", r.RoundSummarized(), r.RoundCount())
	}
	// The median of the rounds is the measurement, by the same definition.
	for _, n := range []int{1, 2, 7, 300} {
		s := make([]float64, n)
		for i := range s {
			s[i] = 1e-6 * (1 + math.Mod(float64(i)*0.618, 1))
		}
		if got, want := quantile(slices.Sorted(slices.Values(s)), 0.5), stats.Median(s); got != want {
			t.Errorf("%d rounds: quantile ½ %v, stats.Median %v", n, got, want)
		}
	}
	// A measurement without rounds (a worker that timed none) is counted
	// as such, its quantiles NaN; NaN rounds are left out of quantiles.
	var e Result
	e.AddMeasurement(nil)
	e.AddMeasurement([]float64{math.NaN(), 2})
	if e.Rounds[0] != 0 || !math.IsNaN(e.RoundsMin[0]) || !math.IsNaN(e.RoundsMax[0]) || e.RoundsMin[1] != 2 || e.Rounds[1] != 2 {
		t.Errorf("empty and NaN rounds: %+v", e)
	}
}

// TestRoundCount: a record of an earlier version has its rounds and no
// summary; one that summarised them has only the summary.
func TestRoundCount(t *testing.T) {
	old := Result{Measurements: []float64{1, 2}, Samples: []float64{1, 1, 2, 2, 2}}
	if old.RoundCount() != 5 || old.RoundSummarized() {
		t.Errorf("old record: %d rounds, summarized %v", old.RoundCount(), old.RoundSummarized())
	}
	lean := Result{Measurements: []float64{1, 2}, Rounds: []int{300, 301}, RoundsMin: []float64{1, 2},
		RoundsP25: []float64{1, 2}, RoundsP75: []float64{1, 2}, RoundsMax: []float64{1, 2}}
	if lean.RoundCount() != 601 || !lean.RoundSummarized() {
		t.Errorf("lean record: %d rounds, summarized %v", lean.RoundCount(), lean.RoundSummarized())
	}
	lean.RoundsP75 = lean.RoundsP75[:1]
	if lean.RoundSummarized() {
		t.Error("a summary shorter than the measurements counts as one")
	}
}

// TestHeadlineKeepsRecordedOutliers: a result without its rounds keeps
// the count of slow rounds it was recorded with.
func TestHeadlineKeepsRecordedOutliers(t *testing.T) {
	res := Result{Measurements: []float64{1, 1, 1}, Rounds: []int{100, 100, 100}, Outliers: 7}
	Headline(&res)
	if res.Outliers != 7 || res.TimeEpochMedian != 1 {
		t.Errorf("outliers %d, headline %v; want 7, 1", res.Outliers, res.TimeEpochMedian)
	}
}

// TestReaggregate: a repeat's means over its depths, made again from the
// depths, are bit for bit what AggregateDepths and MergeParts made.
func TestReaggregate(t *testing.T) {
	depths := []int{1, 2, 3}
	times := []float64{6.634029920212766e-6, 7.2299328457446805e-6, 7.118017287234043e-6}
	met := []hc.Metrics{
		{Total: 0.034174937585571705, Task: 0.02085786093011587, Consistency: 0.001971794475432987, Coherence: 0.04110393139246448, RMSE: 0.19139482964511514, Robustness: 0.9646625017433026},
		{Total: 0.032128863250536606, Task: 0.023986282346295938, Consistency: 0.0014746733167186738, Coherence: 0.024684147486271107, RMSE: 0.19014769506641765, Overshoot: 0.001, Robustness: 0.965105504531556},
		{Total: 0.03643192709609499, Task: 0.031003422471545212, Consistency: 0.0010804142161534652, Coherence: 0.016294325054910144, RMSE: 0.1991571214496443, Robustness: 0.9618496207933469},
	}
	a := AggregateDepths(depths, times, met, 48)
	b := AggregateDepths(depths, []float64{1e-5, 2e-5, 3e-5}, met, 48)
	a.Seed, b.Seed = 5, 5
	for name, run := range map[string]Run{"one part": a, "merged": MergeParts(depths, []Run{a, b}, 48)} {
		again := run
		again.TimeEpochMean, again.TimeEpochStd, again.TotalMean, again.RobustnessMean = 0, 0, 0, 0
		again.Reaggregate(48)
		if !sameRun(again, run) {
			t.Errorf("%s: made again %+v, want %+v", name, again, run)
		}
	}
}

func sameRun(a, b Run) bool {
	eq := func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }
	return slices.Equal(a.Depths, b.Depths) && a.Seed == b.Seed && a.MemPeakBytes == b.MemPeakBytes &&
		eq(a.TimeEpochMean, b.TimeEpochMean) && eq(a.TimeEpochStd, b.TimeEpochStd) &&
		eq(a.TimeForwardMean, b.TimeForwardMean) && eq(a.TimeForwardStd, b.TimeForwardStd) &&
		eq(a.TotalMean, b.TotalMean) && eq(a.TotalStd, b.TotalStd) && eq(a.RMSEMean, b.RMSEMean) &&
		eq(a.RMSEStd, b.RMSEStd) && eq(a.OvershootMean, b.OvershootMean) && eq(a.RobustnessMean, b.RobustnessMean)
}

// TestKeepRoundsFlag: --keep-rounds is a plan setting that Args spells, so
// that printed commands reproduce it, and that PlanFlags reads back; it is
// not a flag of what is measured (Given), so "--resume --keep-rounds"
// still continues the latest unfinished run.
func TestKeepRoundsFlag(t *testing.T) {
	parse := func(args ...string) (Plan, bool) {
		t.Helper()
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		var pf PlanFlags
		pf.Register(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		p, err := pf.Plan()
		if err != nil {
			t.Fatal(err)
		}
		return p, pf.Given()
	}
	if p, given := parse(); p.KeepRounds || given {
		t.Errorf("default: keep %v, given %v", p.KeepRounds, given)
	}
	p, given := parse("--" + FlagKeepRounds)
	if !p.KeepRounds || given {
		t.Errorf("--keep-rounds: keep %v, given %v; want true, false", p.KeepRounds, given)
	}
	p.Repeats, p.Seed = 4, 9
	args := Args(p)
	if !slices.Contains(args, "--keep-rounds") {
		t.Errorf("Args(%+v) = %q, lacks --keep-rounds", p, args)
	}
	back, given := parse(args...)
	if !back.KeepRounds || back.Repeats != 4 || back.Seed != 9 || !given {
		t.Errorf("%q read back as %+v", strings.Join(args, " "), back)
	}
	p.KeepRounds = false
	if slices.Contains(Args(p), "--keep-rounds") {
		t.Errorf("Args without keep-rounds = %q", Args(p))
	}
}
