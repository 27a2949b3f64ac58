package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/internal/fsys"
	"github.com/hcbench/hcbench/report/store"
)

// writeMarkdown replaces path (atomically) with the run as Markdown: the
// quick summary, the results table, the comparison with the baseline and
// the scaling fit with its intervals, ready to paste into a pull request.
// A run with fewer results than its grid's total configs says it is
// partial under its title.
func writeMarkdown(fs fsys.FS, path string, rep Report) error {
	md := markdown(rep)
	if rep.Total > len(rep.Results) {
		md = strings.Replace(md, "\n\n", fmt.Sprintf("\n\n**partial: %d of %d configs** (the run stopped before its grid was done).\n\n", len(rep.Results), rep.Total), 1)
	}
	return fsys.WriteAtomic(fs, path, func(w io.Writer) error {
		_, err := io.WriteString(w, md)
		return err
	})
}

func markdown(rep Report) string {
	results := rep.Results
	var b strings.Builder
	fmt.Fprintf(&b, "# QMLHC benchmark, run %d\n\n", rep.RunID)

	sameDepths := true
	for _, r := range results {
		sameDepths = sameDepths && slices.Equal(r.Depths, results[0].Depths)
	}
	fmt.Fprintf(&b, "%d configs", len(results))
	if len(results) > 0 && sameDepths {
		fmt.Fprintf(&b, ", depths %s, %d repeats, policy %s", bench.FormatDepths(results[0].Depths), results[0].Repeats, results[0].Policy)
	}
	b.WriteString(". Times are per epoch. The headline is the **median**: each config is measured several times " +
		"independently, each in a different worker process; a measurement's time is the median of its rounds, " +
		"and the headline is the median of those (benchstat's centre for the same measurements), leaving out " +
		"measurements more than " + bench.ContentionPercent() + " above the config's fastest, which ran on a contended CPU. Its 95% " +
		"confidence interval is a t interval on the log scale whose standard error is the larger of the one " +
		"the order statistics give and the one the whole spread implies, plus the run's shared spread (how " +
		"much the machine's speed, common to all configs, wandered): about what a rerun would measure. " +
		"The mean ± std columns are the reference's means over repeats, which stalls inflate.\n\n")
	if rep.Machine != nil {
		fmt.Fprintf(&b, "**Machine:** %s\n\n", store.MachineLine(*rep.Machine))
	}

	// The summary lines as a list with bold labels: "- **Fastest config:** ...".
	for _, l := range QuickSummaryLines(results) {
		label, rest, _ := strings.Cut(strings.TrimPrefix(l, "- "), ":")
		fmt.Fprintf(&b, "- **%s:** %s\n", strings.TrimSpace(label), strings.TrimSpace(rest))
	}
	b.WriteString("\n")

	if len(results) > 0 {
		b.WriteString("| Config |")
		if !sameDepths {
			b.WriteString(" Depths |")
		}
		b.WriteString(" Median [95% CI] | n | Mean ± std | Epochs | Stalled rounds | Total loss | RMSE | Robustness |\n|:---|")
		if !sameDepths {
			b.WriteString(":---|")
		}
		b.WriteString("---:|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, r := range results {
			fmt.Fprintf(&b, "| %s |", r.Config)
			if !sameDepths {
				fmt.Fprintf(&b, " %s |", bench.FormatDepths(r.Depths))
			}
			fmt.Fprintf(&b, " %s | %s | %s ± %s | %d | %s | %.4f | %.4f | %.3f |\n",
				formatHeadlineCI(r), measurementCount(r),
				bench.FormatSeconds(r.TimeEpochMean), bench.FormatSeconds(r.TimeEpochStd),
				r.EpochsMeasured, stalledShare(r), r.TotalMean, r.RMSEMean, r.RobustnessMean)
		}
		b.WriteString("\nn: the independent measurements, and how many of them ran on a contended CPU (more than " + bench.ContentionPercent() + " above " +
			"the config's fastest) and were left out of the median. Stalled rounds: the share of rounds slower than twice " +
			"the median (the process was descheduled or the machine busy).\n")
	}

	if rep.Baseline != nil {
		writeComparisonTable(&b, *rep.Baseline)
	}
	if rep.AB != nil {
		writeABTable(&b, *rep.AB, rep.Vs)
	}

	if fit, err := ScalingFit(results); err == nil {
		fmt.Fprintf(&b, "\n## Scaling fit\n\nLeast squares of log(median time per epoch) on the log axes over %d configs: R² = %.3f.\n\n", fit.N, fit.R2)
		b.WriteString("| Axis | Exponent | 95% CI |\n|:---|---:|---:|\n")
		for j, name := range fit.Names {
			ci := "n/a (no degrees of freedom left)"
			if !math.IsNaN(fit.CILow[j]) {
				ci = fmt.Sprintf("[%.3f, %.3f]", fit.CILow[j], fit.CIHigh[j])
			}
			fmt.Fprintf(&b, "| %s | %.3f | %s |\n", name, fit.Exponents[j], ci)
		}
		if len(fit.Dropped) > 0 {
			fmt.Fprintf(&b, "\nLeft out (a single value): %s.\n", strings.Join(fit.Dropped, ", "))
		}
	}
	return b.String()
}

// formatHeadlineCI is "41.2µs [40.1µs, 42.3µs]", saying so when there is
// no interval.
func formatHeadlineCI(r bench.Result) string {
	h := Headline(r)
	if math.IsNaN(r.TimeEpochCILow) || r.CILevel == 0 || !(r.TimeEpochCILow > 0) {
		return bench.FormatSeconds(h) + " [too few measurements]"
	}
	return fmt.Sprintf("%s [%s, %s]", bench.FormatSeconds(h), bench.FormatSeconds(r.TimeEpochCILow), bench.FormatSeconds(r.TimeEpochCIHigh))
}

// measurementCount is "9", or "9 (2 contended)".
func measurementCount(r bench.Result) string {
	if r.Contended > 0 {
		return fmt.Sprintf("%d (%d contended)", len(r.Measurements), r.Contended)
	}
	return fmt.Sprint(len(r.Measurements))
}

func stalledShare(r bench.Result) string {
	n := r.RoundCount()
	if n == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(r.Outliers)/float64(n))
}

// writeComparisonTable is the per-config comparison with the baseline.
func writeComparisonTable(b *strings.Builder, c compare.Baseline) {
	fmt.Fprintf(b, "\n## Compared with %s\n\n", c.Path)
	b.WriteString(summaryLabel("Baseline") + c.Describe() + "\n\n")
	if len(c.Entries) == 0 {
		return
	}
	b.WriteString("Ratio is new/old of the medians; its interval, the p-value and the verdict come from one t statistic on the " +
		"log ratio (Bonett–Price, each median's standard error as for its interval), Holm-corrected " +
		"over the configs: p is Holm's adjusted p-value and the interval is drawn at the level Holm's procedure tested the config at (shown), " +
		"so it excludes 1 exactly when p < 0.05 (~: no significant change; ?: under 4 measurements on a side, or no steady cluster — contended nearly throughout; " +
		"a reason in brackets names a further condition that decided the verdict).\n\n")
	b.WriteString("| Config | Old | New | Ratio [CI] | Level | Holm p | Verdict |\n|:---|---:|---:|---:|---:|---:|:---|\n")
	for _, e := range c.Entries {
		p := "n/a"
		if !math.IsNaN(e.PAdj) {
			p = fmt.Sprintf("%.2g", e.PAdj)
		}
		v := e.Verdict
		if e.Reason != "" {
			v += " (" + e.Reason + ")"
		}
		if e.QualityDiffers {
			v += " (quality differs)"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", e.Config, bench.FormatSeconds(Headline(e.Old)), bench.FormatSeconds(Headline(e.New)),
			compare.FormatRatioCI(e.Cmp), bench.FormatLevel(e.Cmp.Level), p, v)
	}
}
