package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/hcbench/hcbench/report/console"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/tui"
)

// headless runs the session without a screen: notes and progress on
// stderr, the summary on stdout, also after an interruption.
func headless(ctx context.Context, o *options, env environment, stdout, stderr io.Writer, intr *interrupts) int {
	sess, err := session.Open(ctx, o.spec)
	if ctx.Err() != nil {
		if err == nil {
			sess.Close()
		}
		return ended(nil, o, console.New(stderr, console.Options{}), stdout, stderr, intr)
	}
	if err != nil {
		return fail(stderr, err)
	}
	opt := env.stderr
	opt.Prior = sess.Prior()
	pr := console.New(stderr, opt)
	pr.Note(sess.Notes()...)
	if err := sess.Start(ctx); err != nil {
		return fail(stderr, errors.Join(err, sess.Close()))
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
	if err != nil {
		return fail(stderr, fmt.Errorf("interactive mode: %w", err))
	}
	return ended(out, o, console.New(stderr, console.Options{}), stdout, stderr, intr)
}

// ended prints how the run ended (the summary on stdout, the rest on
// stderr; nil: no sweep was started) and returns the exit code.
func ended(out *session.Outcome, o *options, pr *console.Printer, stdout, stderr io.Writer, intr *interrupts) int {
	if out == nil {
		if pr.NotStarted(intr.signal()); intr.signal() != "" {
			return exitInterrupted
		}
		return exitOK
	}
	pr.End(*out, stdout, intr.signal())
	switch {
	case out.SaveErr != nil || (out.Err != nil && !out.Stopped):
		return exitError
	case out.Stopped:
		return exitInterrupted
	case o.gate:
		return gate(pr, stderr, *out, o.pct)
	}
	return exitOK
}

// gate applies --fail-on-regression to how the run ended.
func gate(pr *console.Printer, stderr io.Writer, out session.Outcome, pct float64) int {
	switch failed, err := pr.GateOutcome(out, pct); {
	case err != nil:
		return fail(stderr, session.Usagef("%v", err))
	case failed:
		return exitRegression
	}
	return exitOK
}
