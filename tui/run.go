// Package tui is hcbench's interactive terminal: a setup form, then a live
// run view (progress, epoch-time chart, heatmap, results table, summary)
// over an engine sweep, with live grid edits, pause, save and quit. It
// reads engine events and writes reports through package report; it never
// makes the engine wait for the screen.
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report"
)

// Options configure Run and NewModel.
type Options struct {
	Plan   bench.Plan // prefills the setup form; the plan run with StartNow
	OutDir string     // report directory (default .benchmarks)
	// WorkDir resolves a relative OutDir (default: the process's working
	// directory). Tests set it so that no test changes the process's
	// directory or writes into the package's.
	WorkDir      string
	StartNow     bool           // --run: start the sweep at launch
	Baseline     []bench.Result // --baseline results, if any
	BaselinePath string
	Version      string
	// MaxMemory is the memory budget in bytes: a grid whose largest config
	// needs more is refused when the sweep starts (0: no check).
	MaxMemory int64
	// Workers start the python engine's worker processes (--engine
	// python), used when the plan's engine is python; without them such a
	// plan uses $QMLHC_PATH and python3. Prior is ignored. A sweep the
	// setup form starts with python uses the form's checkout and
	// interpreter instead.
	Workers sweep.Options
	// QMLHC and Python prefill the form's Python engine fields (--qmlhc,
	// --python as typed); empty: $QMLHC_PATH and python3.
	QMLHC, Python string
	Input         io.Reader // nil: os.Stdin
	Output        io.Writer // nil: os.Stdout
}

// Outcome is what the caller prints on the normal screen after Run.
type Outcome struct {
	Results     []bench.Result // the run's, in its final grid
	Paths       report.Paths
	SaveErr     error
	Started     bool // a sweep was started (false: quit in the setup form)
	Done, Total int  // configs of the run's final grid finished, and in all
	Interrupted bool // quit or signalled before the sweep finished
	Baseline    *report.Baseline
}

// shutdownWait bounds how long Run waits for runners to stop after the
// program has ended: the engine stops within one epoch.
const shutdownWait = 30 * time.Second

// Run shows the TUI in the alternate screen until the user quits or ctx is
// cancelled (the caller turns SIGINT/SIGTERM/SIGHUP into that), then stops
// the engine, saves the reports and leaves the alternate screen. A panic is
// recovered: the results so far are saved, the terminal restored and the
// panic returned as the error.
func Run(ctx context.Context, opt Options) (out Outcome, err error) {
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
		// Killed through the context: an interrupt, not a failure.
		err = nil
		a.interrupted = true
	}
	if err != nil {
		err = fmt.Errorf("tui: %w", err)
	}
	return out, err
}

// finish stops whatever still runs, saves what has not been saved, and
// gathers the outcome. The terminal is already restored when it runs. Each
// step is guarded so that a panic in one (a second failure after the one
// that ended the program) still lets the reports be saved.
func (a *app) finish() Outcome {
	var out Outcome
	a.guard(a.stopAll)
	if a.probe != nil {
		a.guard(a.probe.stop) // no worker outlives the program
	}
	for _, o := range a.orphans {
		a.guard(func() { waitClosed(o.r) })
		a.guard(func() { o.rec.Save(); o.rec.Close() })
	}
	if a.run != nil && !a.run.closed {
		// Events still queued are results not yet on disk: record them.
		a.guard(func() {
			for ev := range drainAll(a.run.r) {
				if ev.Kind == sweep.ConfigFinished && ev.Result != nil && !ev.Reused {
					a.rec.Add(*ev.Result) // nothing left to show a note on
				}
			}
		})
	}
	out.Interrupted = a.interrupted
	if a.rec == nil {
		return out
	}
	out.Started = true
	out.Paths = a.rec.Paths()
	out.SaveErr = a.saveErr
	a.guard(func() {
		if !a.finalSaved {
			out.SaveErr = a.rec.Save()
		}
		out.Results = a.rec.Results()
		out.Done, out.Total = len(out.Results), a.sw.plan.Grid.Size()
		a.rec.Close()
		if a.haveBaseline() {
			b := report.CompareBaseline(a.opt.BaselinePath, a.baseline, out.Results)
			out.Baseline = &b
		}
	})
	return out
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

// drainAll yields the runner's remaining events until its channel closes
// or shutdownWait passes.
func drainAll(r sweeper) func(func(sweep.Event) bool) {
	return func(yield func(sweep.Event) bool) {
		deadline := time.After(shutdownWait)
		for {
			select {
			case ev, ok := <-r.Events():
				if !ok || !yield(ev) {
					return
				}
			case <-deadline:
				return
			}
		}
	}
}

func waitClosed(r sweeper) {
	for range drainAll(r) {
	}
}
