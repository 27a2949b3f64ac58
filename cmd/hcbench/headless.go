package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report"
)

// runHeadless runs the sweep without a screen: each finished config is
// appended to the JSONL at once, progress goes to stderr, and the reports
// and the summary come at the end, also after an interruption.
func runHeadless(ctx context.Context, o *options, base []bench.Result, stdout, stderr io.Writer, env environment, intr *interrupts) int {
	run, err := openRun(o)
	if err != nil {
		return fail(stderr, err)
	}
	defer run.Close()
	if base != nil {
		run.SetBaseline(o.baselinePath, base) // the reports get the comparison
	}
	pr := newProgress(stderr, env, run.Prior)
	if busy := report.BusyWarning(); busy != "" {
		pr.say("warning: %s", busy)
	}
	for _, n := range run.Notes {
		pr.say("%s", n)
	}
	if err := checkResumedEngine(run.Resumed, run.Plan, o); err != nil {
		return fail(stderr, err)
	}
	if run.Resumed {
		// A run resumed whatever its settings may need more memory than
		// the flags' plan that was checked.
		if err := checkMemory(run.Plan, o, env); err != nil {
			return fail(stderr, err)
		}
		if done, total := len(run.Prior), run.Plan.Grid.Size(); done < total {
			pr.say("resuming run %d in %s: %d of %d configs already done", run.ID, run.Paths().JSONL, done, total)
		} else {
			pr.say("run %d in %s is already complete (%d configs): writing its reports again", run.ID, run.Paths().JSONL, total)
		}
	}
	if note := slowNote(run.Plan, run.Prior); note != "" {
		pr.say("%s", note)
	}
	sweepErr := measureSweep(ctx, run, o.workers, pr, intr)
	pr.clear()
	return finishHeadless(run, o, base, sweepErr, pr, stdout, stderr, env, intr)
}

// slowThreshold is when a config counts as slow enough to be announced
// before the sweep: a piped log would otherwise show nothing but
// heartbeats for it.
const slowThreshold = heartbeatInterval

// slowNote estimates, before anything is measured, how long the largest
// config and the whole grid take — said only when the largest config alone
// takes more than slowThreshold.
func slowNote(p bench.Plan, prior []bench.Result) string {
	e, err := sweep.NewEstimator(p)
	if err != nil {
		return ""
	}
	c := bench.LargestConfig(p.Grid)
	least := e.Config(c)
	if least < slowThreshold {
		return ""
	}
	done := make(map[bench.Config]bool, len(prior))
	for _, r := range prior {
		done[r.Config] = true
	}
	return fmt.Sprintf("note: the largest config %s takes about %s per epoch here, so about %s to measure; the whole grid about %s (estimated from a short calibration, not measured)",
		c, report.FormatDuration(e.Epoch(c)), report.FormatDuration(least), report.FormatDuration(e.Grid(done)))
}

// openRun opens the output directory for the run the flags ask for, with
// the refusals worded for the flags.
func openRun(o *options) (*report.Run, error) {
	run, err := report.OpenRun(o.out, o.plan, report.RunOptions{
		Resume: o.resume, AnyPlan: o.resume && !o.planGiven, Version: versionString(),
	})
	var le *report.LockedError
	if errors.As(err, &le) {
		return nil, fmt.Errorf("--%s %q: %v; wait for it to finish or choose another --%s", flagOut, o.out, err, flagOut)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot write results to --%s %q: %w", flagOut, o.out, err)
	}
	return run, nil
}

// measure measures what is left of run, recording each result as it
// finishes, until the sweep ends or ctx is cancelled; it returns the
// sweep's error (context.Canceled after a signal).
func measureSweep(ctx context.Context, run *report.Run, eo sweep.Options, pr *progress, intr *interrupts) error {
	eo.Prior = run.Prior
	r, err := sweep.Start(ctx, run.Plan, eo)
	if err != nil {
		return fmt.Errorf("cannot start the sweep: %w", err)
	}
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
			record(run, pr, ev)
		case now := <-ticker.C:
			pr.tick(now)
		case <-cancelled:
			cancelled = nil
			if sig := intr.signal(); sig != nil {
				pr.say("%s: stopping after the current epoch; finished configs are kept", signalName(sig))
			}
		}
	}
	return r.Wait()
}

// record passes one event to the run (a finished config) and the display.
func record(run *report.Run, pr *progress, ev sweep.Event) {
	measured := ev.Kind == sweep.ConfigFinished && !ev.Reused && ev.Result != nil
	if measured {
		if note := run.Add(*ev.Result); note != "" {
			pr.say("%s", note)
		}
	}
	pr.event(ev)
	if measured {
		// Said as it happens too, so a long sweep's log shows it next to
		// the config (the summary repeats it at the end).
		if msg := report.NoiseWarning(*ev.Result); msg != "" {
			pr.say("warning: %s", msg)
		}
	}
}

// finishHeadless saves the reports (also after a failure or an
// interruption: every finished config belongs in them), prints the summary
// and returns the exit code.
func finishHeadless(run *report.Run, o *options, base []bench.Result, sweepErr error, pr *progress,
	stdout, stderr io.Writer, env environment, intr *interrupts) int {
	saveErr := run.Save()
	results := run.Results()
	done, total := len(results), run.Plan.Grid.Size()
	interrupted := errors.Is(sweepErr, context.Canceled) && intr.signal() != nil
	cmp := run.Comparison() // nil without a baseline
	st := outcome{done: done, total: total, interrupted: interrupted, failed: sweepErr != nil && !interrupted,
		saveFailed: saveErr != nil, resume: resumeCommand(o.out)}
	if err := printSummary(stdout, run.Paths(), results, cmp, st); err != nil {
		// stdout gone (a closed pipe): the files are what matters.
		fmt.Fprintf(stderr, "hcbench: cannot print the summary: %v\n", err)
	}

	code := exitOK
	switch {
	case interrupted:
		saved := " and saved"
		if saveErr != nil {
			saved = "" // the error below says what could not be written
		}
		fmt.Fprintf(stderr, "hcbench: interrupted by %s: %d of %d configs finished%s\n", signalName(intr.signal()), done, total, saved)
		code = exitInterrupted
	case sweepErr != nil:
		code = fail(stderr, fmt.Errorf("the sweep failed: %w", sweepErr))
	case env.stderrTerminal && saveErr == nil:
		// The in-place line is gone; leave a lasting one.
		fmt.Fprintf(stderr, "hcbench: %d configs in %s\n", done, report.FormatDuration(pr.elapsed()))
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

// outcome is how a run ended, for the summary's first line.
type outcome struct {
	done, total int
	interrupted bool // a signal or quit stopped it
	failed      bool // the sweep failed
	saveFailed  bool
	resume      string // the command that continues the run
}

// printSummary prints the reference's summary, opening with how the run
// ended: only a run that finished and saved everything says "complete"
// (DESIGN.md); an unfinished one says how many configs are saved and how
// to continue.
func printSummary(w io.Writer, p report.Paths, results []bench.Result, cmp *report.Baseline, st outcome) error {
	header := ""
	switch {
	case st.done == 0 && (st.interrupted || st.failed):
		_, err := fmt.Fprintf(w, "Benchmark %s before any config finished: nothing was saved.\nStart it again with the same command, or later with: %s\n",
			map[bool]string{true: "interrupted", false: "failed"}[st.interrupted], st.resume)
		return err
	case st.saveFailed:
		header = fmt.Sprintf("Benchmark incomplete: %d of %d configs measured, but not every report could be saved (see the error below). Files written:", st.done, st.total)
	case st.interrupted:
		header = fmt.Sprintf("Benchmark interrupted: %d of %d configs saved to:", st.done, st.total)
	case st.failed:
		header = fmt.Sprintf("Benchmark failed: %d of %d configs saved to:", st.done, st.total)
	}
	if err := report.WriteSummary(w, p, results, report.SummaryOptions{Baseline: cmp, Warnings: true, Header: header}); err != nil {
		return err
	}
	if st.done < st.total && (st.interrupted || st.failed) {
		_, err := fmt.Fprintf(w, "\nTo continue this run: %s\n", st.resume)
		return err
	}
	return nil
}

// resumeCommand is the command line that continues the latest unfinished
// run in dir.
func resumeCommand(dir string) string {
	cmd := "hcbench --" + flagResume
	if dir != defaultOut {
		cmd += " -o " + shellQuote(dir)
	}
	return cmd
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-+=:,@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
