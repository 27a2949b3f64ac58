package report

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/stats"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/store"
)

// Headline is the time a report leads with: time_epoch_median (see
// bench.Result), or the mean for a record that has no median (written
// by another tool). NaN when neither is usable.
func Headline(r bench.Result) float64 {
	if usable(r.TimeEpochMedian) {
		return r.TimeEpochMedian
	}
	if usable(r.TimeEpochMean) {
		return r.TimeEpochMean
	}
	return math.NaN()
}

func usable(t float64) bool { return t > 0 && !math.IsInf(t, 1) }

// finished are the results with a usable time: the ones the summary, the
// fit and the figures can place.
func finished(results []bench.Result) []bench.Result {
	var out []bench.Result
	for _, r := range results {
		if usable(Headline(r)) {
			out = append(out, r)
		}
	}
	return out
}

// extremes are the fastest and slowest results by their headline (the
// first of equals).
func extremes(results []bench.Result) (fast, slow bench.Result, ok bool) {
	fin := finished(results)
	if len(fin) == 0 {
		return fast, slow, false
	}
	fast, slow = fin[0], fin[0]
	for _, r := range fin[1:] {
		if Headline(r) < Headline(fast) {
			fast = r
		}
		if Headline(r) > Headline(slow) {
			slow = r
		}
	}
	return fast, slow, true
}

// ScalingFit fits the headline time ∝ D^a K^b T^c by least squares on
// logs over the finished configs (stats.FitPowerLaw). Axes with a single
// value are left out and listed in Fit.Dropped.
func ScalingFit(results []bench.Result) (stats.Fit, error) {
	fin := finished(results)
	times := make([]float64, len(fin))
	d := make([]float64, len(fin))
	k := make([]float64, len(fin))
	t := make([]float64, len(fin))
	for i, r := range fin {
		times[i], d[i], k[i], t[i] = Headline(r), float64(r.D), float64(r.K), float64(r.T)
	}
	return stats.FitPowerLaw(times, []stats.Axis{{Name: "D", Values: d}, {Name: "K", Values: k}, {Name: "T", Values: t}})
}

// summaryLabel pads a summary line's label to the reference's column.
func summaryLabel(label string) string { return fmt.Sprintf("- %-15s: ", label) }

// QuickSummaryLines are the summary's "- Fastest config", "- Slowest
// config" and "- Scaling fit" lines.
func QuickSummaryLines(results []bench.Result) []string {
	fast, slow, ok := extremes(results)
	if !ok {
		return []string{summaryLabel("Fastest config") + "none (no config finished)",
			summaryLabel("Slowest config") + "none (no config finished)",
			summaryLabel("Scaling fit") + "none (no config finished)"}
	}
	return []string{
		summaryLabel("Fastest config") + describeExtreme(fast),
		summaryLabel("Slowest config") + describeExtreme(slow),
		summaryLabel("Scaling fit") + describeFit(results),
	}
}

func describeExtreme(r bench.Result) string {
	return fmt.Sprintf("%s  time/epoch=%s  RMSE=%.4f  Robustness=%.3f",
		r.Config, bench.FormatSeconds(Headline(r)), r.RMSEMean, r.RobustnessMean)
}

// describeFit is the fit as one line, or why there is none.
func describeFit(results []bench.Result) string {
	fit, err := ScalingFit(results)
	if err != nil {
		return "none (" + fitProblem(err) + ")"
	}
	s := fit.String()
	if len(fit.Dropped) > 0 {
		s += "; " + strings.Join(fit.Dropped, ", ") + " left out (one value)"
	}
	return s
}

// fitProblem says in a few words why there is no fit.
func fitProblem(err error) string {
	switch {
	case errors.Is(err, stats.ErrNoVaryingAxis):
		return "D, K and T each have a single value"
	case errors.Is(err, stats.ErrTooFewPoints), errors.Is(err, stats.ErrCollinear):
		return strings.TrimPrefix(err.Error(), "stats: power-law fit: ")
	}
	return err.Error()
}

// SummaryOptions are the optional parts of WriteSummary.
type SummaryOptions struct {
	Baseline *compare.Baseline // add the comparison line
	AB       *compare.AB       // add the A/B line (an A/B sweep of Vs)
	Vs       bench.Variant
	Warnings bool // add a line per noisy config
	// Header replaces "Benchmark complete. Results saved to:" for a run that
	// did not complete.
	Header string
}

// maxWarnings is how many noisy configs get a line of their own; past it
// the summary says how many there are, why, and names the worst, in a few
// lines that fit 80 columns, so a sweep of thousands does not bury it.
const maxWarnings = 3

// WriteSummary prints the end-of-run block:
//
//	Benchmark complete. Results saved to:
//	- <the files that exist, one per line>
//
//	Quick Summary:
//	- Fastest config : ...
//	- Slowest config : ...
//	- Scaling fit    : ...
//
// then the baseline comparison and the noise warnings when asked for. Paths
// are printed as given (relative stays relative); a file that is not on disk
// (a failed save) is not listed.
func WriteSummary(w io.Writer, p store.Paths, results []bench.Result, opt SummaryOptions) error {
	var b strings.Builder
	header := "Benchmark complete. Results saved to:"
	if opt.Header != "" {
		header = opt.Header // a run that did not complete says so
	}
	b.WriteString(header + "\n")
	for _, f := range p.Written() {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err == nil {
			b.WriteString("- " + f + "\n")
		}
	}
	b.WriteString("\nQuick Summary:\n")
	for _, l := range QuickSummaryLines(results) {
		b.WriteString(l + "\n")
	}
	if opt.Baseline != nil {
		b.WriteString(summaryLabel("Baseline") + opt.Baseline.Describe() + "\n")
	}
	if opt.AB != nil {
		b.WriteString(summaryLabel("A/B") + DescribeAB(*opt.AB, opt.Vs) + "\n")
	}
	if opt.Warnings {
		if l := ContentionLine(results); l != "" {
			b.WriteString(summaryLabel("Contention") + l + "\n")
		}
		for _, l := range noiseWarnings(results) {
			b.WriteString(l + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ContentionLine says how many measurements were left out of the
// headlines as slowed by contention ("" when none were): a machine that
// alternated between two speeds while measuring.
func ContentionLine(results []bench.Result) string {
	left, total := 0, 0
	for _, r := range results {
		total += len(r.Measurements)
		left += r.Contended
	}
	if left == 0 {
		return ""
	}
	// Within 80 columns with its label: the details are in the README, the
	// Markdown (n column) and the JSONL (contended).
	return fmt.Sprintf("%d of %d measurements >%s slower (contended): left out", left, total, bench.ContentionPercent())
}

// noiseWarnings are a line per config whose headline is too uncertain,
// naming it and what to do about it; with more than maxWarnings of them,
// a short summary instead: the count, the count per kind of advice, and
// the noisiest configs by name.
func noiseWarnings(results []bench.Result) []string {
	type noisy struct {
		r      bench.Result
		msg    string
		advice string
		width  float64
	}
	var ns []noisy
	perAdvice := map[string]int{}
	var advices []string
	for _, r := range results {
		msg := NoiseWarning(r)
		if msg == "" {
			continue
		}
		_, advice := noise(r)
		if perAdvice[advice] == 0 {
			advices = append(advices, advice)
		}
		perAdvice[advice]++
		h := Headline(r)
		ns = append(ns, noisy{r: r, msg: msg, advice: advice, width: math.Max(r.TimeEpochCIHigh-h, h-r.TimeEpochCILow) / h})
	}
	if len(ns) <= maxWarnings {
		lines := make([]string, len(ns))
		for i, n := range ns {
			lines[i] = summaryLabel("Warning") + n.msg
		}
		return lines
	}
	lines := []string{summaryLabel("Warning") + fmt.Sprintf("%d of %d configs are noisy", len(ns), len(results))}
	for _, a := range advices {
		lines = append(lines, fmt.Sprintf("  %d %s", perAdvice[a], shortAdvice[a]))
	}
	sort.SliceStable(ns, func(i, j int) bool { return ns[i].width > ns[j].width })
	names := make([]string, 0, maxWarnings)
	for _, n := range ns[:maxWarnings] {
		names = append(names, n.r.Config.String())
	}
	lines = append(lines, "  widest: "+strings.Join(names, ", ")+" (see the CSV)")
	return lines
}

// Advice of noise, and its short form for the summary of many noisy
// configs (a line of at most 80 columns with its count).
const (
	adviceOne    = "use --repeats 2 or more"
	adviceSpread = "its speed varied between measurements; rerun on a quieter machine, or add --repeats for a narrower interval"
	adviceStall  = "the machine was busy; the median resists it, the means do not"
)

var shortAdvice = map[string]string{
	adviceOne:    "with one measurement: no interval; use --repeats 2 or more",
	adviceSpread: "with a CI over ±5%: rerun on a quieter machine, or add --repeats",
	adviceStall:  "with over 10% of rounds stalled: the machine was busy",
}

// Thresholds of NoiseWarning.
const (
	// NoisyRelativeHalfWidth: an interval wider than ±5% of the headline
	// means its digits are not stable between reruns.
	NoisyRelativeHalfWidth = 0.05
	// NoisySlowShare: more than a tenth of the rounds stalled (over twice
	// the headline) means the machine was busy while measuring; the
	// headline (from medians) resists it, the reference's means do not.
	NoisySlowShare = 0.10
)

// NoiseWarning says why a result's headline should not be trusted to its
// digits, and what would help, or "" when nothing is wrong. Measuring
// longer (--min-time) would not help: it narrows each measurement, not the
// spread between them, which is what the interval is about.
func NoiseWarning(r bench.Result) string {
	why, advice := noise(r)
	if why == "" {
		return ""
	}
	return fmt.Sprintf("%s is noisy (%s): %s", r.Config, why, advice)
}

// NoiseReason is NoiseWarning's reason alone ("96.1% CI ±7.3% over 9
// measurements"), "" when the result is not noisy.
func NoiseReason(r bench.Result) string {
	why, _ := noise(r)
	return why
}

func noise(r bench.Result) (why, advice string) {
	h := Headline(r)
	if !usable(h) || (len(r.Measurements) == 0 && r.RoundCount() == 0) {
		return "", "" // nothing to judge (a record from another tool)
	}
	var reasons []string
	if len(r.Measurements) > 0 && len(r.Measurements) < 2 {
		reasons = append(reasons, "one measurement, so no interval")
		advice = adviceOne
	} else if len(r.Measurements) >= 2 {
		if w := math.Max(r.TimeEpochCIHigh-h, h-r.TimeEpochCILow) / h; !(w <= NoisyRelativeHalfWidth) {
			over := fmt.Sprintf("%d measurements", len(r.Measurements)-r.Contended)
			if r.Contended > 0 {
				over += fmt.Sprintf(", %d contended left out", r.Contended)
			}
			reasons = append(reasons, fmt.Sprintf("%s CI ±%.1f%% over %s", bench.FormatLevel(r.CILevel), 100*w, over))
			advice = adviceSpread
		}
	}
	if n := r.RoundCount(); n > 0 {
		if share := float64(r.Outliers) / float64(n); share > NoisySlowShare {
			reasons = append(reasons, fmt.Sprintf("%.0f%% of rounds stalled (>2× the median)", 100*share))
			if advice == "" {
				advice = adviceStall
			}
		}
	}
	return strings.Join(reasons, "; "), advice
}
