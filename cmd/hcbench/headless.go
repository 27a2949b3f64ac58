package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/console"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/tui"
)

// headless runs the session without a screen: its notes and progress on
// stderr (each finished config is on disk before it is shown), the summary
// on stdout, also after an interruption.
func headless(ctx context.Context, o *options, env environment, stdout, stderr io.Writer, intr *interrupts) int {
	sess, err := session.Open(ctx, o.spec)
	if ctx.Err() != nil {
		if err == nil {
			sess.Close()
		}
		return notStarted(stderr, intr)
	}
	if err != nil {
		return fail(stderr, err)
	}
	opt := env.stderr
	opt.Prior = sess.Prior()
	pr := console.New(stderr, opt)
	for _, n := range sess.Notes() {
		pr.Note(n)
	}
	if err := sess.Start(ctx); err != nil {
		sess.Close()
		return fail(stderr, err)
	}
	pr.Follow(sess.Updates(), ctx.Done(), intr.signal)
	out := sess.Finish()
	return ended(&out, o, pr, stdout, stderr, intr)
}

// interactive runs the workbench; once it has left the alternate screen,
// the last run's summary goes to the normal screen, to stay in the
// scrollback.
func interactive(ctx context.Context, o *options, stdout, stderr io.Writer, intr *interrupts) int {
	out, err := tui.Run(ctx, tui.Options{Spec: o.spec, StartNow: o.startNow})
	switch {
	case err != nil:
		return fail(stderr, fmt.Errorf("interactive mode: %w", err))
	case out == nil:
		return notStarted(stderr, intr)
	}
	return ended(out, o, console.New(stderr, console.Options{}), stdout, stderr, intr)
}

// ended prints how the run ended (the summary on stdout, the rest on
// stderr) and returns the exit code.
func ended(out *session.Outcome, o *options, pr *console.Printer, stdout, stderr io.Writer, intr *interrupts) int {
	pr.End(*out, stdout, intr.signal())
	switch {
	case out.SaveErr != nil || (out.Err != nil && !out.Stopped):
		return exitError
	case out.Stopped:
		return exitInterrupted
	case o.gate && out.Comparison != nil:
		return gate(pr, stderr, out.Comparison, o.pct)
	}
	return exitOK
}

// notStarted is the exit when no sweep was started: 130 after a signal.
func notStarted(stderr io.Writer, intr *interrupts) int {
	console.New(stderr, console.Options{}).NotStarted(intr.signal())
	if intr.signal() != "" {
		return exitInterrupted
	}
	return exitOK
}

// gate applies --fail-on-regression to b.
func gate(pr *console.Printer, stderr io.Writer, b *compare.Baseline, pct float64) int {
	switch failed, err := pr.Gate(b, pct); {
	case err != nil:
		return fail(stderr, usagef("%v", err))
	case failed:
		return exitRegression
	}
	return exitOK
}
