package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/hcbench/hcbench/report"
)

// regressions prints the configs of b that are significantly slower than
// the baseline by more than pct percent, and reports whether there are any.
func regressions(stderr io.Writer, b *report.Baseline, pct float64) bool {
	regs := b.Regressions(pct)
	if len(regs) == 0 {
		return false
	}
	names := make([]string, len(regs))
	for i, e := range regs {
		names[i] = fmt.Sprintf("%s %s (p=%.2g)", e.Config, report.FormatRatio(e.Cmp.Ratio), e.Cmp.P)
	}
	fmt.Fprintf(stderr, "hcbench: %d of the configs are slower than the baseline by more than %g%% (p < 0.05): %s\n",
		len(regs), pct, strings.Join(names, ", "))
	return true
}
