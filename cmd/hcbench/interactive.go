package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/tui"
)

// runInteractive runs the TUI; once it has left the alternate screen, the
// summary is printed to the normal screen so that it stays in scrollback.
func runInteractive(ctx context.Context, o *options, base []bench.Result, stdout, stderr io.Writer, env environment, intr *interrupts) int {
	budget := env.memory
	if o.maxMemoryGiven {
		budget = o.maxMemory
	}
	out, err := tui.Run(ctx, tui.Options{
		Plan:         o.plan,
		OutDir:       o.out,
		StartNow:     o.startNow,
		Baseline:     base,
		BaselinePath: o.baselinePath,
		Version:      versionString(),
		MaxMemory:    budget,
		Workers:      o.workers,
		QMLHC:        o.python.qmlhc,
		Python:       o.python.python,
	})
	if err != nil {
		return fail(stderr, fmt.Errorf("interactive mode: %w", err))
	}
	interrupted := intr.signal() != nil || out.Interrupted
	switch {
	case !out.Started:
		if interrupted {
			return interruptedBeforeStart(stderr, intr)
		}
		fmt.Fprintln(stderr, "hcbench: no sweep was started: nothing was measured or saved")
		return exitOK
	case out.Interrupted || intr.signal() != nil || len(out.Results) > 0:
		st := outcome{done: out.Done, total: out.Total, interrupted: interrupted, saveFailed: out.SaveErr != nil,
			resume: resumeCommand(out.Paths.Dir)}
		if err := printSummary(stdout, out.Paths, out.Results, out.Baseline, st); err != nil {
			fmt.Fprintf(stderr, "hcbench: cannot print the summary: %v\n", err)
		}
	}
	code := exitOK
	if out.SaveErr != nil {
		code = fail(stderr, fmt.Errorf("cannot save the reports in %q: %w", out.Paths.Dir, out.SaveErr))
	}
	if interrupted {
		if sig := intr.signal(); sig != nil {
			fmt.Fprintf(stderr, "hcbench: interrupted by %s: %d of %d configs finished and saved\n", signalName(sig), out.Done, out.Total)
		}
		return exitInterrupted
	}
	if code == exitOK && o.failOnRegr && out.Baseline != nil {
		code = regressions(stderr, out.Baseline, o.failPct)
	}
	return code
}
