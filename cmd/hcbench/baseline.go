package main

import (
	"fmt"
	"io"

	"github.com/hcbench/hcbench/report"
)

// regressions applies the --fail-on-regression gate to b: exitRegression
// when a config is slower than the baseline by more than pct percent with
// confidence (report.Baseline.Regressions), printing them; exitUsage when
// nothing could be compared (a gate that compared nothing must not pass);
// else exitOK.
func regressions(stderr io.Writer, b *report.Baseline, pct float64) int {
	if len(b.Entries) == 0 {
		fmt.Fprintf(stderr, "hcbench: --fail-on-regression: no config of this run is in the baseline %s, so nothing was compared\n", b.Path)
		return exitUsage
	}
	regs := b.Regressions(pct)
	if len(regs) == 0 {
		return exitOK
	}
	fmt.Fprintf(stderr, "hcbench: %d of %d configs are slower than the baseline by more than %g%% (one-sided t on the log ratio of medians, Holm-corrected, 5%%): %s\n",
		len(regs), len(b.Entries), pct, report.DescribeEntries(regs))
	return exitRegression
}
