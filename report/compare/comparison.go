package compare

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/stats"
)

// The comparison of two runs (README "Comparing runs"). Per config: the
// ratio new/old of the headlines (medians of the independent
// measurements), a Bonett–Price-style interval for that same ratio on the
// log scale, and the p-value of the same t statistic (stats.MedianRatio);
// verdicts are corrected for testing every matched config
// at once with Holm's method (family-wise error ≤ 5%, no independence
// assumed). So identical code measured twice is called different in at
// most 5% of comparisons, whatever the number of configs.
const (
	// alpha is the family-wise error rate of the verdicts and the gate.
	alpha = 0.05
	// confidence of the intervals shown.
	confidence = 1 - alpha
)

// Verdicts.
const (
	VerdictFaster    = "faster"
	VerdictSlower    = "slower"
	VerdictUnchanged = "~"
	VerdictTooFew    = "?" // fewer than stats.MinToCompare measurements on a side, or no steady cluster (Unsettled)
)

// BaselineEntry compares one config with its baseline.
type BaselineEntry struct {
	Config bench.Config
	Depths []int
	// Cmp is old = baseline, new = current; Cmp.Ratio > 1 is slower. Its
	// interval is drawn at the level at which Holm's procedure tested the
	// config (Cmp.Level: 1 - 5%/(m-i+1) for the i-th smallest p-value while
	// the procedure rejects, the level it stopped at for the rest), so
	// that it excludes 1 exactly when PAdj < 5%: the ratio, the interval,
	// PAdj and the verdict are one computation and never contradict. Cmp.P
	// is the unadjusted p-value: screens and files show PAdj.
	Cmp stats.RatioTest
	// PAdj is Cmp.P adjusted by Holm's method over the matched configs.
	PAdj float64
	// Reason says what decided the verdict when it is not the interval
	// alone ("" when it is): the fastest measurements disagreeing with a
	// significant ratio, complete separation for an unsettled config, too
	// few steady measurements.
	Reason string
	// FastestRatio is new/old of the fastest measurements. Delays only
	// ever add time, so a config that really got slower (or faster) is
	// slower (or faster) in its fastest measurement too: a verdict needs
	// FastestRatio on the same side of 1, and the gate needs it beyond
	// 1+PCT/100 as well. This keeps a run measured while the CPU was
	// contended most of the time from being called a regression when its
	// fastest measurements show the code ran as fast as before.
	FastestRatio float64
	// Unsettled: a side has no steady cluster of measurements
	// (bench.Unsettled): its median moves with the share of contended
	// ones, so the t statistic is not trusted. The verdict then rests on
	// complete separation alone — every new measurement slower (or faster)
	// than every old one — with the exact Mann–Whitney p-value, and Cmp's
	// interval is the range of ratios the measurements allow,
	// [fastest new / slowest old, slowest new / fastest old]; otherwise "?".
	Unsettled bool
	// BySeparation: the verdict rests on complete separation alone, as
	// for Unsettled — also when a side kept fewer than stats.MinToCompare
	// steady measurements but has enough in all.
	BySeparation bool
	Verdict      string
	// Invalid: a side holds a value no measurement can take (Reason says
	// which, see implausible): the config gets "?", stays out of Holm's
	// family, the geomean and the gate, and its Cmp is all NaN.
	Invalid bool
	// QualityDiffers: the same seeds gave different quality figures
	// (total loss, RMSE, robustness): the numbers changed, not only the speed.
	QualityDiffers bool
	Old, New       bench.Result
}

// Faster and Slower report a significant change after the correction.
func (e BaselineEntry) Faster() bool { return e.Verdict == VerdictFaster }
func (e BaselineEntry) Slower() bool { return e.Verdict == VerdictSlower }

// Baseline is a run compared with an earlier one.
type Baseline struct {
	Path    string
	Entries []BaselineEntry // matched configs, in the current run's order
	// GeoMeanRatio is the geometric mean of the entries' ratios, with a
	// 95% t interval over the configs' log ratios (NaN with fewer than two).
	GeoMeanRatio                float64
	GeoMeanCILow, GeoMeanCIHigh float64
	// Faster, Slower and Unchanged count verdicts; Few the entries with
	// too few measurements to tell; Invalid those whose values are not
	// times (BaselineEntry.Invalid).
	Faster, Slower, Unchanged, Few, Invalid int
	Unmatched                               int // current configs the baseline lacks
}

// Measurements are the independent measurements a result's headline is
// made of: its time_measurements not slowed by contention
// (bench.HeadlineMeasurements), or for records written before they
// existed the per-repeat means (one process, so they understate the
// spread).
func Measurements(r bench.Result) []float64 {
	if len(r.Measurements) > 0 {
		kept, _ := bench.HeadlineMeasurements(r)
		return kept
	}
	m := make([]float64, 0, len(r.Runs))
	for _, run := range r.Runs {
		m = append(m, run.TimeEpochMean)
	}
	if len(m) == 0 && r.TimeEpochMean > 0 {
		m = append(m, r.TimeEpochMean)
	}
	return m
}

// CompareBaseline matches cur with base by (D, K, T, depths) and compares
// each pair (see the top of this file).
func CompareBaseline(path string, base, cur []bench.Result) Baseline {
	type key struct {
		c      bench.Config
		depths string
	}
	byKey := map[key]bench.Result{}
	for _, r := range base {
		byKey[key{r.Config, bench.FormatDepths(r.Depths)}] = r // the last of duplicates wins
	}
	b := Baseline{Path: path}
	var ratios, ps []float64
	for _, r := range cur {
		old, ok := byKey[key{r.Config, bench.FormatDepths(r.Depths)}]
		if !ok {
			b.Unmatched++
			continue
		}
		if why := invalidPair(old, r); why != "" {
			nan := math.NaN()
			b.Entries = append(b.Entries, BaselineEntry{Config: r.Config, Depths: slices.Clone(r.Depths), Old: old, New: r,
				Cmp:     stats.RatioTest{Ratio: nan, CILow: nan, CIHigh: nan, P: nan, SE: nan, DF: nan},
				Invalid: true, Verdict: VerdictTooFew, Reason: why, FastestRatio: nan})
			ps = append(ps, nan)
			continue
		}
		mo, mn := Measurements(old), Measurements(r)
		e := BaselineEntry{Config: r.Config, Depths: slices.Clone(r.Depths), Old: old, New: r,
			Cmp:            stats.MedianRatio(mo, mn, confidence, old.SharedSpread, r.SharedSpread),
			FastestRatio:   fastest(mn) / fastest(mo),
			Unsettled:      bench.Unsettled(old) || bench.Unsettled(r),
			QualityDiffers: qualityDiffers(old, r)}
		// Without a steady cluster, or with too few steady measurements
		// on a side but enough in all, the t statistic is not trusted:
		// complete separation decides (a 10× regression measured on a
		// contended CPU is still one).
		ao, an := allMeasurements(old), allMeasurements(r)
		e.BySeparation = e.Unsettled || e.Cmp.TooFew() && len(ao) >= stats.MinToCompare && len(an) >= stats.MinToCompare
		if e.BySeparation {
			e.Cmp = separationTest(e.Cmp, ao, an)
		}
		b.Entries = append(b.Entries, e)
		ps = append(ps, e.Cmp.P)
		if e.Cmp.Ratio > 0 && !math.IsInf(e.Cmp.Ratio, 1) {
			ratios = append(ratios, e.Cmp.Ratio)
		}
	}
	adj := stats.Holm(ps)
	levels := holmLevels(ps, alpha)
	for i := range b.Entries {
		e := &b.Entries[i]
		e.PAdj = adj[i]
		if !e.BySeparation && !e.Invalid && !math.IsNaN(levels[i]) {
			// The same statistic, its interval at the family's level.
			p := e.Cmp.P
			e.Cmp = stats.MedianRatio(Measurements(e.Old), Measurements(e.New), 1-levels[i], e.Old.SharedSpread, e.New.SharedSpread)
			e.Cmp.P = p
		}
	}
	// In grid order (D, then K, then T): results are written as they
	// finish, which with configs in flight is not the grid's order.
	slices.SortStableFunc(b.Entries, func(x, y BaselineEntry) int {
		return x.Config.Compare(y.Config)
	})
	for i := range b.Entries {
		e := &b.Entries[i]
		significant := e.PAdj < alpha
		switch {
		case e.Invalid:
			b.Invalid++
		case e.Cmp.TooFew() || math.IsNaN(e.PAdj):
			e.Verdict = VerdictTooFew
			e.Reason = "too few steady measurements to tell"
			switch {
			case e.Unsettled && !e.Cmp.TooFew():
				e.Reason = "no steady measurements and the two runs overlap"
			case e.BySeparation && !e.Cmp.TooFew():
				e.Reason = "too few steady measurements and the two runs overlap"
			}
			b.Few++
		case significant && e.Cmp.Ratio < 1 && e.FastestRatio < 1:
			e.Verdict = VerdictFaster
			b.Faster++
		case significant && e.Cmp.Ratio > 1 && e.FastestRatio > 1:
			e.Verdict = VerdictSlower
			b.Slower++
		case significant:
			e.Verdict = VerdictUnchanged
			e.Reason = "the fastest measurements disagree (" + FormatRatio(e.FastestRatio) + ")"
			b.Unchanged++
		default:
			e.Verdict = VerdictUnchanged
			b.Unchanged++
		}
		if e.BySeparation && e.Verdict != VerdictTooFew && e.Reason == "" {
			e.Reason = "no steady measurements: decided by complete separation"
			if !e.Unsettled {
				e.Reason = "too few steady measurements: decided by complete separation"
			}
		}
	}
	// The configs' ratios vary around what the two runs share — the
	// machine's speed in each — so their spread cannot show it: the
	// geomean's interval adds both runs' shared spreads, as each config's.
	var so, sn []float64
	for _, e := range b.Entries {
		if !e.Invalid {
			so, sn = append(so, e.Old.SharedSpread), append(sn, e.New.SharedSpread)
		}
	}
	g := stats.GeoMeanCI(ratios, confidence, math.Hypot(stats.Median(so), stats.Median(sn)))
	b.GeoMeanRatio, b.GeoMeanCILow, b.GeoMeanCIHigh = g.Centre, g.CILow, g.CIHigh
	return b
}

// The range of a time per epoch, in seconds. No epoch of any config runs
// in under a tenth of a nanosecond (one tanh takes longer) or for more
// than 11 days; a value outside is a damaged or edited record, and its
// logarithms and ratios (5e-324, 1e308) would overflow into NaN or ±Inf.
const (
	minTime = 1e-10 // seconds per epoch
	maxTime = 1e6
	// maxSharedSpread bounds a run's shared_spread, a standard deviation
	// on the log scale (typically 0.005): 1 is a machine whose speed
	// swings by 2.7× between cycles.
	maxSharedSpread = 1.0
)

// implausible says why r's times cannot be compared, or "" when they can:
// a value the comparison uses (a measurement, a legacy record's per-repeat
// mean, the headline median, the shared spread) outside what it can be —
// not finite, zero or negative, or beyond [minTime, maxTime].
func implausible(r bench.Result) string {
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	notTime := func(v float64) bool { return !(v >= minTime && v <= maxTime) }
	for _, m := range r.Measurements {
		if notTime(m) {
			return fmt.Sprintf("time_measurements holds %s, not a time per epoch", num(m))
		}
	}
	if len(r.Measurements) == 0 {
		for _, run := range r.Runs {
			if notTime(run.TimeEpochMean) {
				return fmt.Sprintf("a repeat's time_epoch_mean is %s, not a time per epoch", num(run.TimeEpochMean))
			}
		}
		if len(r.Runs) == 0 && r.TimeEpochMean != 0 && notTime(r.TimeEpochMean) {
			return fmt.Sprintf("time_epoch_mean is %s, not a time per epoch", num(r.TimeEpochMean))
		}
	}
	if r.TimeEpochMedian != 0 && notTime(r.TimeEpochMedian) { // 0: a record without a median
		return fmt.Sprintf("time_epoch_median is %s, not a time per epoch", num(r.TimeEpochMedian))
	}
	if !(r.SharedSpread >= 0 && r.SharedSpread <= maxSharedSpread) {
		return fmt.Sprintf("shared_spread is %s, not a spread", num(r.SharedSpread))
	}
	return ""
}

// invalidPair is why a pair cannot be compared, naming the side ("" when
// both are plausible).
func invalidPair(old, cur bench.Result) string {
	if why := implausible(old); why != "" {
		return "the old run's " + why
	}
	if why := implausible(cur); why != "" {
		return "the new run's " + why
	}
	return ""
}

// holmLevels is, for each p-value, the significance level Holm's step-down
// procedure tests it at: α/(m-i) for the i-th smallest (from 0) while the
// procedure rejects, and the level at which it stopped for every p-value
// after that. An interval at 1 minus that level excludes "no change"
// exactly when Holm's adjusted p-value is below α. NaN p-values are not in
// the family and get NaN.
func holmLevels(ps []float64, alpha float64) []float64 {
	idx := make([]int, 0, len(ps))
	for i, p := range ps {
		if !math.IsNaN(p) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(ps[a], ps[b]) })
	out := make([]float64, len(ps))
	for i := range out {
		out[i] = math.NaN()
	}
	m, rejecting, level := len(idx), true, 0.0
	for rank, i := range idx {
		if rejecting {
			level = alpha / float64(m-rank)
			rejecting = ps[i] < level
		}
		out[i] = level
	}
	return out
}

// allMeasurements are a result's measurements, contended ones included.
func allMeasurements(r bench.Result) []float64 {
	if len(r.Measurements) > 0 {
		return r.Measurements
	}
	return Measurements(r)
}

// separationTest is the comparison of an unsettled config (see
// BaselineEntry.Unsettled): the ratio of medians kept, the interval the
// range of ratios the measurements allow, and P the exact Mann–Whitney
// p-value when the two sides are completely separated, NaN otherwise (no
// verdict).
func separationTest(c stats.RatioTest, old, new []float64) stats.RatioTest {
	fo, so, fn, sn := fastest(old), slowest(old), fastest(new), slowest(new)
	c.NOld, c.NNew = len(old), len(new)
	c.CILow, c.CIHigh = fn/so, sn/fo
	c.P, c.SE, c.DF = math.NaN(), math.NaN(), math.NaN()
	if c.TooFew() || !(fo > 0) || !(fn > 0) {
		c.CILow, c.CIHigh, c.Level = math.NaN(), math.NaN(), 0
		return c
	}
	if fn > so || sn < fo {
		_, c.P = stats.MannWhitney(old, new)
	}
	return c
}

// slowest is the largest usable time (NaN when there is none).
func slowest(xs []float64) float64 {
	s := math.NaN()
	for _, x := range xs {
		if x > 0 && !math.IsInf(x, 1) && !(x <= s) {
			s = x
		}
	}
	return s
}

// fastest is the smallest usable time (NaN when there is none).
func fastest(xs []float64) float64 {
	f := math.NaN()
	for _, x := range xs {
		if x > 0 && !(x >= f) {
			f = x
		}
	}
	return f
}

// qualityDiffers reports whether two results of the same seeds disagree on
// their quality figures (beyond floating-point noise).
func qualityDiffers(a, b bench.Result) bool {
	if a.Repeats != b.Repeats || len(a.Runs) == 0 || len(b.Runs) == 0 || a.Runs[0].Seed != b.Runs[0].Seed || a.Policy != b.Policy {
		return false // different seeds or policy: different numbers are expected
	}
	differ := func(x, y float64) bool { return math.Abs(x-y) > 1e-9*math.Max(math.Abs(x), math.Abs(y)) }
	return differ(a.TotalMean, b.TotalMean) || differ(a.RMSEMean, b.RMSEMean) || differ(a.RobustnessMean, b.RobustnessMean)
}

// Regressions are the entries slower than the baseline by more than pct
// percent with confidence: verdict "slower", the interval shown (at the
// Holm family's level) entirely above 1+pct/100, and the fastest
// measurement slower than that too (FastestRatio). What the gate decides
// is what every screen and file shows.
func (b Baseline) Regressions(pct float64) []BaselineEntry {
	th := 1 + pct/100
	var out []BaselineEntry
	for _, e := range b.Entries {
		if e.Verdict == VerdictSlower && e.Cmp.CILow > th && e.FastestRatio > th {
			out = append(out, e)
		}
	}
	return out
}

// Lookup finds the entry of config c.
func (b Baseline) Lookup(c bench.Config) (BaselineEntry, bool) {
	for _, e := range b.Entries {
		if e.Config == c {
			return e, true
		}
	}
	return BaselineEntry{}, false
}

// FormatRatio writes a time ratio with three significant digits: "1.03×".
func FormatRatio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) || r <= 0 {
		return "n/a"
	}
	v := bench.Round3(r)
	return fmt.Sprintf("%.*f×", bench.Decimals3(v), v)
}

// FormatRatioCI is a ratio with its interval: "1.03× [0.99×, 1.07×]", or
// "1.03× [too few measurements]".
func FormatRatioCI(c stats.RatioTest) string {
	if c.TooFew() || math.IsNaN(c.CILow) {
		return FormatRatio(c.Ratio) + " [too few measurements]"
	}
	r, lo, hi := FormatRatios(c.Ratio, c.CILow, c.CIHigh)
	return fmt.Sprintf("%s [%s, %s]", r, lo, hi)
}

// FormatRatios formats a ratio and its interval alike: three significant
// digits, or four when three would show a bound equal to the ratio — a
// paired A/B interval of ±0.4% is "1.028× [1.024×, 1.032×]", not "1.03×
// [1.02×, 1.03×]".
func FormatRatios(r, lo, hi float64) (string, string, string) {
	if !(r > 0 && lo > 0 && hi > 0) || math.IsInf(r, 0) || math.IsInf(hi, 0) {
		return FormatRatio(r), FormatRatio(lo), FormatRatio(hi)
	}
	d := bench.Decimals3(bench.Round3(r))
	f := func(v float64, d int) string { return strconv.FormatFloat(v, 'f', d, 64) + "×" }
	apart := func(a, b float64, d int) bool { return math.Abs(a-b) < 1e-12*b || f(a, d) != f(b, d) }
	if apart(lo, r, d) && apart(r, hi, d) {
		return FormatRatio(r), FormatRatio(lo), FormatRatio(hi)
	}
	return f(r, d+1), f(lo, d+1), f(hi, d+1)
}

// FormatGeoMean is a geometric mean with its 95% interval, as the
// summaries write it: "1.031× (95% CI 1.027×–1.035×)", or the ratio alone
// without an interval.
func FormatGeoMean(g, lo, hi float64) string {
	if math.IsNaN(lo) {
		return FormatRatio(g)
	}
	g3, lo3, hi3 := FormatRatios(g, lo, hi)
	return fmt.Sprintf("%s (95%% CI %s–%s)", g3, lo3, hi3)
}

// Describe is the summary's baseline line after its label.
func (b Baseline) Describe() string {
	matched := len(b.Entries)
	if matched == 0 {
		return fmt.Sprintf("no config matches %s (same D, K, T and depths)", b.Path)
	}
	var s strings.Builder
	s.WriteString("geomean ratio " + FormatGeoMean(b.GeoMeanRatio, b.GeoMeanCILow, b.GeoMeanCIHigh))
	fmt.Fprintf(&s, ", %d faster, %d slower, %d unchanged of %d matched (medians, t on log ratio, Holm-corrected, 5%%)",
		b.Faster, b.Slower, b.Unchanged, matched)
	if b.Few > 0 {
		fmt.Fprintf(&s, "; %d with too few steady measurements to tell", b.Few)
	}
	if b.Invalid > 0 {
		fmt.Fprintf(&s, "; %d with values that are not times (no verdict)", b.Invalid)
	}
	if b.Unmatched > 0 {
		fmt.Fprintf(&s, "; %d not in the baseline", b.Unmatched)
	}
	return s.String()
}
