package console

import (
	"fmt"
	"strings"

	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/session"
)

// GateOutcome applies a --fail-on-regression gate of pct percent to how a
// run ended: in an A/B sweep to variant B against A (GateAB), else to
// the run against its baseline (Gate). A run with neither compared
// nothing: that is an error.
func (p *Printer) GateOutcome(out session.Outcome, pct float64) (failed bool, err error) {
	switch {
	case out.AB != nil:
		return p.GateAB(out.AB, pct)
	case out.Comparison != nil:
		return p.Gate(out.Comparison, pct)
	}
	return false, fmt.Errorf("--fail-on-regression: the run has neither a baseline nor a variant B, so nothing was compared")
}

// GateAB names on the printer's stream the configs where variant B is
// slower than A by more than pct percent with confidence (the interval of
// B/A, at Holm's level, above 1+pct/100) and reports whether there are
// any. An A/B sweep with no config of both variants compared nothing.
func (p *Printer) GateAB(a *compare.AB, pct float64) (failed bool, err error) {
	if len(a.Entries) == 0 {
		return false, fmt.Errorf("--fail-on-regression: no config has both variants, so nothing was compared")
	}
	regs := a.Regressions(pct)
	if len(regs) == 0 {
		return false, nil
	}
	names := make([]string, len(regs))
	for i, e := range regs {
		names[i] = fmt.Sprintf("%s %s", e.Config, compare.FormatRatioCI(e.Cmp))
	}
	p.Note(fmt.Sprintf("%d of %d configs: variant B is slower than A by more than %g%% (the interval of B/A, at Holm's level, lies above %g): %s",
		len(regs), len(a.Entries), pct, 1+pct/100, strings.Join(names, ", ")))
	return true, nil
}
