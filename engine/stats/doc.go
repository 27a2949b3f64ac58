// Package stats holds the statistics hcbench reports. It is pure
// computation with no I/O, so the engine, the reports, the CLI and the TUI
// can all share it.
//
// What hcbench reports rests on independent measurements of a config
// (separate worker processes, different times), few of them (about 9):
//
//   - MedianInterval: their median (the headline) with a t interval on the
//     log scale whose standard error (MedianLogSE) is the larger of the
//     order-statistic one and the one the whole spread implies — about what
//     a rerun would measure (on a shared machine measurements are often
//     bimodal, and a rerun sees a different share of slow ones).
//   - Uncontended: the measurements near the fastest, without the ones a
//     contended CPU slowed down.
//   - MedianRatio: two runs compared by the ratio of those medians, with a
//     Bonett–Price-style interval and t-test for that same ratio on the
//     log scale, so the ratio never falls outside its own interval;
//     MinToCompare measurements a side are needed to conclude anything.
//   - Holm: p-values adjusted for comparing many configs at once.
//   - GeoMeanCI: a geometric mean with a Student t interval on the logs,
//     for quantities that are close to log-normal (the geomean of the
//     configs' ratios).
//
// The interval estimates take a shared spread (log scale) too: what every
// config measured at the same moment has in common, the machine's speed,
// which one config's measurements cannot show.
//
// Beside them, tools that assume nothing about the shape of the
// distribution, since timings are rarely normal (right-skewed, multimodal,
// with rare slow epochs); they follow benchstat
// (golang.org/x/perf/benchmath):
//
//   - Median: the median of any sample, such as the rounds of one
//     measurement, as numpy's (Hyndman–Fan type 7).
//   - MannWhitney: the Mann–Whitney U test, exact for small samples, for
//     comparisons whose measurements are completely separated.
//
// And the scaling law: FitPowerLaw, ordinary least squares of log time on
// log axes, solved with a QR factorisation (gonum/mat), with Student t
// intervals.
//
// NaN values carry no ordering information and are ignored everywhere; the
// estimates on the log scale ignore non-positive and infinite values as
// well, and N counts the values actually used. FitPowerLaw instead rejects
// such values with an error. No function panics on empty, NaN, infinite or
// degenerate input.
package stats
