// Package stats holds the statistics hcbench reports. It is pure
// computation with no I/O, so the engine, the reports, the CLI and the TUI
// can all share it.
//
// What hcbench reports rests on independent measurements of a config
// (separate worker processes, different times), few of them (about 9):
//
//   - MedianInterval: their median (the headline) with a t interval on the
//     log scale whose standard error is the larger of the order-statistic
//     one and the one the whole spread implies — about what a rerun would
//     measure (on a shared machine measurements are often bimodal, and a
//     rerun sees a different share of slow ones).
//   - MedianRatio: two runs compared by the ratio of those medians, with a
//     Bonett–Price-style interval and t-test for that same ratio on the
//     log scale, so the ratio never falls outside its own interval.
//   - Holm: p-values adjusted for comparing many configs at once.
//   - LogTInterval: a geometric mean with a Student t interval on the logs,
//     for quantities that are close to log-normal (the geomean of the
//     configs' ratios).
//
// The distribution-free tools below describe many samples of one
// measurement (rounds, which are correlated, so they are not used for
// intervals about reruns) and are kept for such samples; they follow
// benchstat (golang.org/x/perf/benchmath) because benchmark timings are
// rarely normal: right-skewed, multimodal, with rare slow epochs:
//
//   - The centre is the median, with a confidence interval from order
//     statistics (the binomial sign-test interval), which needs no assumption
//     about the shape of the distribution.
//   - Outliers are counted with Tukey's fences, the rule hyperfine and most
//     box plots use, on quartiles defined as numpy.percentile's default
//     (linear interpolation, Hyndman–Fan type 7), so users of the Python
//     reference get the same quartiles from their own tools.
//   - Two samples are compared with the Mann–Whitney U test, and the ratio of
//     medians gets the Hodges–Lehmann/Moses interval on log times, which is
//     the inversion of that same test, so "significant" and "CI excludes 1"
//     agree.
//   - The scaling law is ordinary least squares of log time on log axes,
//     solved with a QR factorisation (gonum/mat), with Student-t intervals.
//
// NaN samples carry no ordering information and are ignored everywhere;
// the reported N counts the samples actually used. No function panics on
// empty, NaN, infinite or degenerate input.
package stats
