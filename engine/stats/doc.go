// Package stats holds the statistics hcbench reports: distribution-free
// summaries of timing samples, outlier counts, baseline comparisons and the
// power-law scaling fit. It is pure computation with no I/O, so the engine,
// the reports, the CLI and the TUI can all share it.
//
// The methods follow benchstat (golang.org/x/perf/benchmath) because
// benchmark timings are rarely normal: right-skewed, multimodal, with rare
// slow epochs. Hence:
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
