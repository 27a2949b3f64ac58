// Package tui is hcbench's workbench: a setup form, then a live run view
// (progress, epoch-time chart, heatmap, results table, summary) over a
// run, with live grid edits, pause, save and quit, and views over it
// (detail, history, compare, filter, command line). Every run is a
// report/session, as for the headless command: the workbench starts it,
// shows what it streams and finishes it; it never makes the engine wait
// for the screen.
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/report/session"
)

// Options configure Run and NewModel.
type Options struct {
	// Spec comes from the flags: it prefills the setup form, and is what
	// runs with StartNow. Its WorkDir resolves relative paths (tests set
	// it so that nothing lands in the package's directory).
	Spec     session.Spec
	StartNow bool      // --run: start at launch
	Input    io.Reader // nil: os.Stdin
	Output   io.Writer // nil: os.Stdout

	show bool // hcbench show: the history of Spec.Out, read-only (Show)
	// shards: hcbench show on the shards of a sweep not merged yet, in
	// Spec.Out: followed live (Show)
	shards bool
}

// Run shows the workbench in the alternate screen until the user quits or
// ctx is cancelled (the caller turns SIGINT/SIGTERM/SIGHUP into that),
// finishes the runs it started — stopped, recorded, reports saved,
// directory released — and leaves the alternate screen. It returns the
// outcome of the last run started (nil when none was started). A panic is
// recovered: the runs are finished, the terminal restored and the panic
// returned as the error.
func Run(ctx context.Context, opt Options) (out *session.Outcome, err error) {
	m := NewModel(opt)
	a := m.a
	a.ctx = ctx

	if opt.Output == nil {
		// Ask the terminal for its background (the adaptive colours need
		// it) now, before the program puts it in raw mode and reads its
		// input: the answer would otherwise arrive as key presses.
		lipgloss.HasDarkBackground()
	}
	popts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithoutSignalHandler(), tea.WithMouseCellMotion()}
	if opt.Input != nil {
		popts = append(popts, tea.WithInput(opt.Input))
	}
	a.clip = os.Stdout
	if opt.Output != nil {
		popts = append(popts, tea.WithOutput(opt.Output))
		a.clip = opt.Output
	}
	p := tea.NewProgram(m, popts...)
	stop := context.AfterFunc(ctx, func() { p.Send(interruptMsg{}) })
	defer stop()

	defer func() {
		if r := recover(); r != nil {
			a.recordPanic(r)
		}
		out = a.finish()
		if a.panicErr != nil {
			err = errors.Join(err, a.panicErr)
		}
	}()

	_, err = p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, tea.ErrProgramPanic) && ctx.Err() != nil {
		err = nil // killed through the context: an interrupt, not a failure
	}
	if err != nil {
		err = fmt.Errorf("tui: %w", err)
	}
	return out, err
}

// finish ends what is left once the program has ended (the terminal is
// restored): a session still being opened is abandoned, and every run
// started is finished (Finish stops it, records what it finished and
// saves its reports; once per run, whoever asked first). It returns the
// outcome of the last run started. Each step is guarded so that a panic in
// one still lets the others finish.
func (a *app) finish() *session.Outcome {
	a.guard(a.stopAll)
	if op := a.opening; op != nil {
		a.guard(func() {
			op.cancel()
			<-op.done
			if op.s != nil && !op.adopted {
				op.s.Close()
			}
		})
	}
	for _, run := range a.runs {
		a.guard(func() { run.finish() })
	}
	if a.run == nil {
		return nil
	}
	out := a.run.out
	return &out
}

// guard runs f, keeping a panic as the run's error instead of letting it
// unwind past the save.
func (a *app) guard(f func()) {
	defer func() {
		if r := recover(); r != nil {
			a.recordPanic(r)
		}
	}()
	f()
}
