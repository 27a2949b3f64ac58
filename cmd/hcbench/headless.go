package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hcbench/hcbench/engine"
	"github.com/hcbench/hcbench/report"
)

// runHeadless runs the sweep without a screen: each finished config is
// appended to the JSONL at once, progress goes to stderr, and the reports
// and the summary come at the end, also after an interruption.
func runHeadless(ctx context.Context, s *session, stdout, stderr io.Writer, env environment, intr *interrupts) int {
	o := s.o
	meta := report.Meta{RunID: s.runID, Plan: o.plan, Version: versionString()}
	rec, err := report.NewRecorder(meta, o.out, s.prior)
	if err != nil {
		return fail(stderr, fmt.Errorf("cannot record results in %q: %w", o.out, err))
	}
	defer rec.Close()
	if s.baseline != nil {
		rec.SetBaseline(o.baselinePath, s.baseline) // the reports get comparison columns
	}

	r, err := engine.Start(ctx, o.plan, engine.Options{Prior: s.prior})
	if err != nil {
		return fail(stderr, fmt.Errorf("cannot start the sweep: %w", err))
	}
	pr := newProgress(stderr, env)
	if busy := report.BusyWarning(); busy != "" {
		pr.say("warning: %s", busy)
	}
	if o.resume {
		if done, total := countInGrid(o.plan.Grid, s.prior), o.plan.Grid.Size(); done < total {
			pr.say("resuming run %d in %s: %d of %d configs already done", s.runID, s.paths.JSONL, done, total)
		} else {
			pr.say("run %d in %s is already complete (%d configs): writing its reports again", s.runID, s.paths.JSONL, total)
		}
	}

	// writeFailing is set while appending to the JSONL fails (disk full,
	// directory read-only or gone). The sweep goes on: the recorder keeps
	// every result in memory and each later Add or the final Save retries
	// the lines, so space freed meanwhile loses nothing. lost is set when
	// the JSONL was removed or replaced: the recorder writes the whole run
	// into a new one, which then needs the second-writer lock.
	writeFailing, lost := false, false
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	cancelled := ctx.Done()
	for events := r.Events(); events != nil; {
		select {
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if ev.Kind == engine.ConfigFinished && !ev.Reused {
				err := rec.Add(*ev.Result)
				var le *report.LostError
				switch {
				case errors.As(err, &le):
					// Said every time: each loss is news, even during a fault.
					writeFailing, lost = true, true
					pr.say("warning: %v; the run's %d results are kept in memory and saved there again after the next config",
						err, len(rec.Results()))
				case err != nil && !writeFailing:
					writeFailing = true
					pr.say("warning: cannot save %s: %v; results are kept in memory and written again after each config",
						ev.Config, err)
				case err == nil && lost:
					writeFailing, lost = false, false
					pr.say("recreated %s: every result of run %d so far is saved", s.paths.JSONL, s.runID)
					if err := s.relock(); err != nil {
						pr.say("warning: cannot lock the recreated %s against a second hcbench: %v", s.paths.JSONL, err)
					}
				case err == nil && writeFailing:
					writeFailing = false
					pr.say("%s is writable again: every result so far is saved", s.paths.JSONL)
				}
			}
			pr.event(ev)
			if ev.Kind == engine.ConfigFinished && !ev.Reused {
				// Said as it happens too, so a long sweep's log shows it
				// next to the config (the summary repeats it at the end).
				if msg := report.NoiseWarning(*ev.Result); msg != "" {
					pr.say("warning: %s", msg)
				}
			}
		case now := <-ticker.C:
			pr.tick(now)
		case <-cancelled:
			cancelled = nil
			if sig := intr.signal(); sig != nil {
				pr.say("%s: stopping after the current epoch; finished configs are kept", signalName(sig))
			}
		}
	}
	sweepErr := r.Wait()
	pr.clear()

	// Save even after a failure or an interruption: every finished config
	// belongs in the CSV.
	saveErr := rec.Save()
	results := rec.Results()
	var cmp *report.Baseline
	if s.baseline != nil {
		cmp = rec.Comparison()
	}
	if err := report.WriteSummary(stdout, rec.Paths(), results, report.SummaryOptions{Baseline: cmp, Warnings: true}); err != nil {
		// stdout gone (a closed pipe): the files are what matters.
		fmt.Fprintf(stderr, "hcbench: cannot print the summary: %v\n", err)
	}

	code := exitOK
	switch {
	case sweepErr != nil && errors.Is(sweepErr, context.Canceled) && intr.signal() != nil:
		saved := " and saved"
		if saveErr != nil {
			saved = "" // the error below says what could not be written
		}
		fmt.Fprintf(stderr, "hcbench: interrupted by %s: %d of %d configs finished%s\n",
			signalName(intr.signal()), countInGrid(o.plan.Grid, results), o.plan.Grid.Size(), saved)
		code = exitInterrupted
	case sweepErr != nil:
		code = fail(stderr, fmt.Errorf("the sweep failed: %w", sweepErr))
	case env.stderrTerminal && saveErr == nil:
		// The in-place line is gone; leave a lasting one.
		fmt.Fprintf(stderr, "hcbench: %d configs in %s\n", len(results), report.FormatDuration(pr.elapsed))
	}
	if saveErr != nil {
		// Even after an interruption: 130 promises the results are saved.
		code = fail(stderr, fmt.Errorf("cannot save the reports in %q: %w", o.out, saveErr))
	}
	if code == exitOK && o.failOnRegr && cmp != nil {
		code = regressions(stderr, cmp, o.failPct)
	}
	return code
}

// countInGrid counts the results that belong to g.
func countInGrid(g engine.Grid, rs []engine.Result) int {
	n := 0
	for _, r := range rs {
		if g.Contains(r.Config) {
			n++
		}
	}
	return n
}
