package tui

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/pyworker"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/engine/worker"
	"github.com/hcbench/hcbench/report"
)

// sweeper is what the TUI needs of an engine.Runner; tests put synthetic
// event sources behind it.
type sweeper interface {
	Events() <-chan sweep.Event
	SetGrid(bench.Grid) error
	Pause()
	Resume()
	IsPaused() bool
	Cancel()
	Plan() bench.Plan
	Done() <-chan struct{}
}

type startFunc func(ctx context.Context, p bench.Plan, o sweep.Options) (sweeper, error)

// newSweeper starts the engine; tests that go through Run replace it.
var newSweeper startFunc = startEngine

func startEngine(ctx context.Context, p bench.Plan, o sweep.Options) (sweeper, error) {
	r, err := sweep.Start(ctx, p, o)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// activeRun is one runner and the recorder its results go to.
type activeRun struct {
	r      sweeper
	rec    *recorder
	closed bool // its event channel is closed: the runner is done
}

// eventsMsg is a batch of engine events, already recorded to the JSONL.
type eventsMsg struct {
	run    *activeRun
	events []sweep.Event
	plan   *bench.Plan                           // the runner's plan, when the batch has a PlanChanged
	ratios map[bench.Config]report.BaselineEntry // the run's comparison with the baseline so far
	// note is what recording said (a write failing, the JSONL lost or
	// recreated), the latest of the batch.
	note   string
	closed bool
}

// maxBatch bounds one batch so a backlog is folded in over a few frames
// rather than in one long Update.
const maxBatch = 4096

// drainCmd waits for the next event, then takes whatever else is already
// queued without waiting. Results are written to the JSONL here, off the
// UI goroutine, so a slow disk never holds up a key press and a result is
// on disk before it is on screen.
func (a *app) drainCmd(run *activeRun) tea.Cmd {
	basePath, base := a.opt.BaselinePath, a.baseline
	return safeCmd(func() tea.Msg {
		msg := eventsMsg{run: run}
		ch := run.r.Events()
		ev, ok := <-ch
		if !ok {
			msg.closed = true
			return msg
		}
		msg.events = append(msg.events, ev)
	more:
		for len(msg.events) < maxBatch {
			select {
			case ev, ok := <-ch:
				if !ok {
					msg.closed = true
					break more
				}
				msg.events = append(msg.events, ev)
			default:
				break more
			}
		}
		var finished []bench.Result
		for _, ev := range msg.events {
			switch ev.Kind {
			case sweep.ConfigFinished:
				if ev.Result == nil {
					continue
				}
				if !ev.Reused && run.rec != nil {
					if note := run.rec.Add(*ev.Result); note != "" {
						msg.note = note
					}
				}
				finished = append(finished, *ev.Result)
			case sweep.PlanChanged:
				p := run.r.Plan()
				msg.plan = &p
			}
		}
		if len(base) > 0 && len(finished) > 0 {
			// The comparison headless runs and hcbench compare make: over
			// every result of the run so far, since Holm's correction (and
			// so each verdict) depends on how many configs are compared.
			cur := finished
			if run.rec != nil {
				cur = run.rec.Results()
			}
			cmp := report.CompareBaseline(basePath, base, cur)
			msg.ratios = make(map[bench.Config]report.BaselineEntry, len(cmp.Entries))
			for _, e := range cmp.Entries {
				msg.ratios[e.Config] = e
			}
		}
		return msg
	})
}

// onEvents folds a batch into the sweep and asks for the next. It does not
// redraw: the next frame does, once, however many batches came in between.
func (a *app) onEvents(msg eventsMsg) tea.Cmd {
	run := msg.run
	if run != a.run {
		// A runner retired by a restart: its results are recorded; save its
		// reports once it is done.
		if msg.closed {
			run.closed = true
			a.dropOrphan(run)
			return a.saveCmd(run.rec, false)
		}
		return a.drainCmd(run)
	}
	now := a.now()
	for c, cmp := range msg.ratios {
		a.sw.ratios[c] = cmp // every compared config: its verdict is corrected anew
	}
	for _, ev := range msg.events {
		if ev.Kind == sweep.PlanChanged && msg.plan != nil {
			a.sw.setPlan(*msg.plan)
		}
		a.sw.apply(ev, now)
		a.settle(ev)
		if ev.Kind == sweep.SweepFailed && ev.Err != nil {
			a.setStatus("✗ sweep failed: "+ev.Err.Error(), true)
		}
	}
	if len(msg.ratios) > 0 {
		a.sw.version++
		a.runv.table.rowCache = nil // rows show the ratio
	}
	if msg.note != "" {
		a.setStatus(msg.note, strings.HasPrefix(msg.note, "warning: "))
	}
	a.stale = true
	if !msg.closed {
		return a.drainCmd(run)
	}
	run.closed = true
	if a.sw.active() {
		// The channel closed without a final event: treat it as stopped.
		a.sw.stop(phaseCancelled, nil, now)
	}
	if a.quitting {
		return a.saveCmd(a.rec, true)
	}
	// A sweep that ends on its own saves its reports straight away, so
	// they exist even if the terminal is closed without quitting.
	return a.saveCmd(a.rec, false)
}

func (a *app) dropOrphan(run *activeRun) {
	for i, o := range a.orphans {
		if o == run {
			a.orphans = append(a.orphans[:i], a.orphans[i+1:]...)
			return
		}
	}
}

// startFromPlan starts a new run of p, writing to outDir.
func (a *app) startFromPlan(p bench.Plan, outDir string) tea.Cmd {
	return a.startRun(p, outDir, 0)
}

// startRun opens the run in outDir through report.OpenRun — locked exactly
// like -o, so a directory another hcbench is writing is refused here — and
// starts the engine on what is left of it. With resume it continues the
// With resumeID it continues that recorded run (the resume offer's). Nothing
// is created on disk before this.
func (a *app) startRun(p bench.Plan, outDir string, resumeID int64) tea.Cmd {
	if err := p.Validate(); err != nil {
		a.setStatus("✗ "+err.Error(), true)
		return nil
	}
	if err := bench.CheckMemory(p, a.opt.MaxMemory); err != nil {
		a.setStatus("✗ "+err.Error(), true)
		return nil
	}
	rec, err := openRecorder(a.resolve(outDir), outDir, p, report.RunOptions{Resume: resumeID != 0, ResumeID: resumeID, Version: a.opt.Version, Now: a.now})
	var le *report.LockedError
	switch {
	case errors.As(err, &le):
		a.setStatus(fmt.Sprintf("✗ another hcbench is writing %s: wait for it or choose another output dir", outDir), true)
		return nil
	case err != nil:
		a.setStatus("✗ "+err.Error(), true)
		return nil
	}
	run := rec.run
	a.rec = rec
	if a.haveBaseline() {
		run.SetBaseline(a.opt.BaselinePath, a.baseline) // the CSV and Markdown compare, as headless
	}
	a.screen = screenRun
	a.sw = newSweep(run.ID, run.Plan, run.Prior, a.now())
	a.runv.reset()
	a.valid = false
	if len(run.Notes) > 0 {
		note := run.Notes[len(run.Notes)-1]
		a.setStatus(note, strings.HasPrefix(note, "warning: "))
	} else if busy := a.busy(); busy != "" {
		a.setStatus("warning: "+busy, true)
	}
	return a.startRunner(run.Plan, run.Prior)
}

// startRunner starts an engine runner for the current run: at its start,
// or to continue it after an edit that came when the sweep had ended.
func (a *app) startRunner(p bench.Plan, prior []bench.Result) tea.Cmd {
	eo, err := a.workers(p)
	var r sweeper
	if err == nil {
		eo.Prior = prior
		r, err = a.start(a.ctx, p, eo)
	}
	if err != nil {
		a.sw.stop(phaseFailed, err, a.now())
		a.setStatus("✗ starting the sweep: "+err.Error(), true)
		return nil
	}
	a.run = &activeRun{r: r, rec: a.rec}
	a.sw.setPlan(p)
	a.sw.phase, a.sw.err, a.sw.paused = phaseRunning, nil, false
	a.valid = false
	return a.drainCmd(a.run)
}

// workers are the sweep's workers for p's engine: the flags' (--engine
// python) or, for a python run the flags did not ask for (continuing one
// from the history), $QMLHC_PATH's checkout with python3 — never the Go
// engine's, which would mix engines in one run.
func (a *app) workers(p bench.Plan) (sweep.Options, error) {
	if p.EngineName() != bench.EnginePython {
		return sweep.Options{}, nil
	}
	if a.opt.Workers.Worker != nil {
		return a.opt.Workers, nil
	}
	s, err := pyworker.Resolve("", "")
	if err != nil {
		return sweep.Options{}, err
	}
	return sweep.Options{
		Worker:        func() (*exec.Cmd, error) { return s.Command(), nil },
		WorkerOptions: worker.Options{Name: "python worker"},
	}, nil
}
