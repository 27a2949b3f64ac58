package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/hcbench/hcbench/engine"
)

// WriteMarkdown replaces path (atomically) with the run as Markdown: the
// quick summary, the results table and the scaling fit with its intervals,
// ready to paste into a pull request.
func WriteMarkdown(path string, runID int64, results []engine.Result) error {
	return writeMarkdown(osFS{}, path, runID, results, len(results))
}

// writeMarkdown writes the run; a run with fewer results than its grid's
// total configs says it is partial under its title.
func writeMarkdown(fsys fileSystem, path string, runID int64, results []engine.Result, total int) error {
	md := markdown(runID, results)
	if total > len(results) {
		md = strings.Replace(md, "\n\n", fmt.Sprintf("\n\n**partial: %d of %d configs** (the run stopped before its grid was done).\n\n", len(results), total), 1)
	}
	return writeAtomic(fsys, path, func(w io.Writer) error {
		_, err := io.WriteString(w, md)
		return err
	})
}

func markdown(runID int64, results []engine.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# QMLHC benchmark, run %d\n\n", runID)

	sameDepths := true
	for _, r := range results {
		sameDepths = sameDepths && slices.Equal(r.Depths, results[0].Depths)
	}
	fmt.Fprintf(&b, "%d configs", len(results))
	if len(results) > 0 && sameDepths {
		fmt.Fprintf(&b, ", depths %s, %d repeats, policy %s", FormatDepths(results[0].Depths), results[0].Repeats, results[0].Policy)
	}
	b.WriteString(". Times are per epoch; the median's interval is its 95% confidence interval.\n\n")

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
		b.WriteString(" Time/epoch (mean ± std) | Median [95% CI] | Epochs | Outliers | Total loss | RMSE | Robustness |\n|:---|")
		if !sameDepths {
			b.WriteString(":---|")
		}
		b.WriteString("---:|---:|---:|---:|---:|---:|---:|\n")
		for _, r := range results {
			fmt.Fprintf(&b, "| %s |", r.Config)
			if !sameDepths {
				fmt.Fprintf(&b, " %s |", FormatDepths(r.Depths))
			}
			fmt.Fprintf(&b, " %s ± %s | %s [%s, %s] | %d | %d | %.4f | %.4f | %.3f |\n",
				FormatSeconds(r.TimeEpochMean), FormatSeconds(r.TimeEpochStd),
				FormatSeconds(r.TimeEpochMedian), FormatSeconds(r.TimeEpochCILow), FormatSeconds(r.TimeEpochCIHigh),
				r.EpochsMeasured, r.Outliers, r.TotalMean, r.RMSEMean, r.RobustnessMean)
		}
	}

	if fit, err := ScalingFit(results); err == nil {
		fmt.Fprintf(&b, "\n## Scaling fit\n\nLeast squares of log(time per epoch) on the log axes over %d configs: R² = %.3f.\n\n", fit.N, fit.R2)
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
