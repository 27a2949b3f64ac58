package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hcbench/hcbench/report"
	"github.com/hcbench/hcbench/tui"
)

// runInteractive runs the TUI; once it has left the alternate screen, the
// summary is printed to the normal screen so that it stays in scrollback.
func runInteractive(ctx context.Context, s *session, stdout, stderr io.Writer, intr *interrupts) int {
	o := s.o
	out, err := tui.Run(ctx, tui.Options{
		Plan:         o.plan,
		OutDir:       o.out,
		StartNow:     o.startNow,
		Baseline:     s.baseline,
		BaselinePath: o.baselinePath,
		Version:      versionString(),
	})
	if err != nil {
		return fail(stderr, fmt.Errorf("interactive mode: %w", err))
	}
	if len(out.Results) > 0 {
		if err := report.WriteSummary(stdout, out.Paths, out.Results, report.SummaryOptions{Baseline: out.Baseline, Warnings: true}); err != nil {
			fmt.Fprintf(stderr, "hcbench: cannot print the summary: %v\n", err)
		}
	}
	code := exitOK
	if out.SaveErr != nil {
		code = fail(stderr, fmt.Errorf("cannot save the reports in %q: %w", o.out, out.SaveErr))
	}
	if sig := intr.signal(); sig != nil || out.Interrupted {
		if sig != nil {
			fmt.Fprintf(stderr, "hcbench: interrupted by %s: finished configs are saved\n", signalName(sig))
		}
		return exitInterrupted
	}
	if code == exitOK && o.failOnRegr && out.Baseline != nil {
		code = regressions(stderr, out.Baseline, o.failPct)
	}
	return code
}
