package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/launch"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/tui/views/setup"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
)

// The workbench is a client of report/session, as the headless command
// is: every run — started from the form, with --run, by r, continued from
// the history or the resume offer — is a session opened, started, read
// to its end and finished. The session records each finished config
// before the screen sees it, edits the grid, saves, and says at the end
// how the run went and what to type to repeat it; the screen only shows
// what it streams.

// runSession is what the workbench asks of a run: *session.Session, or a
// test's stand-in.
type runSession interface {
	ID() int64
	Plan() bench.Plan
	Prior() []bench.Result
	Notes() []string
	Paths() store.Paths
	Engine() launch.Spec
	Baseline() (string, []bench.Result)
	Comparison() *compare.Baseline
	Command(resume bool) string
	Start(ctx context.Context) error
	Updates() <-chan session.Update
	SetGrid(bench.Grid) error
	Pause()
	Resume()
	IsPaused() bool
	Stop()
	Save() error
	Finish() session.Outcome
	Close() error
}

// openFunc opens a run; tests replace openSession.
type openFunc func(context.Context, session.Spec) (runSession, error)

var openSession openFunc = func(ctx context.Context, spec session.Spec) (runSession, error) {
	s, err := session.Open(ctx, spec)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// liveRun is one started session and what the screen knows of its end.
type liveRun struct {
	s    runSession
	spec session.Spec // what opened it: r and n start from it
	// ended: its updates have all been read; finishing: Finish was asked
	// for; finished: it returned (the lock is released, nothing is
	// written any more). UI goroutine only.
	ended, finishing, finished bool

	once sync.Once
	out  session.Outcome
}

// finish ends the session once, however many ask (the screen, Run after
// the program), and returns its outcome.
func (r *liveRun) finish() session.Outcome {
	r.once.Do(func() { r.out = r.s.Finish() })
	return r.out
}

// opening is a session being opened off the UI goroutine: opening checks
// the engine (a Python worker is started once), reads the baseline and
// the history, and may take a while.
type opening struct {
	spec    session.Spec
	cancel  context.CancelFunc
	done    chan struct{} // closed when the open returned
	s       runSession
	err     error
	adopted bool // the screen took the session (UI goroutine)
}

type openedMsg struct{ op *opening }

// updatesMsg is a batch of a session's updates, each already recorded.
type updatesMsg struct {
	run     *liveRun
	updates []session.Update
	plan    *bench.Plan // the session's plan, when the batch has a PlanChanged
	closed  bool
}

type finishedMsg struct {
	run *liveRun
	out session.Outcome
}

type savedMsg struct {
	run *liveRun
	err error
}

// maxBatch bounds one batch so a backlog is folded in over a few frames
// rather than in one long Update.
const maxBatch = 4096

// startSpec opens a run of spec, then starts it (onOpened). Nothing is
// created on disk before the session opens it.
func (a *app) startSpec(spec session.Spec) tea.Cmd {
	if a.opening != nil {
		a.setStatus("a run is being opened: wait for it", false)
		return nil
	}
	if err := spec.Plan.Validate(); err != nil {
		a.setStatus("✗ "+err.Error(), true)
		return nil
	}
	if spec.WorkDir == "" {
		spec.WorkDir = a.opt.Spec.WorkDir
	}
	ctx, cancel := context.WithCancel(a.ctx)
	op := &opening{spec: spec, cancel: cancel, done: make(chan struct{})}
	a.opening = op
	if spec.Engine.Name() == bench.EnginePython {
		a.setStatus("checking the python engine: starting "+spec.Engine.Python+"…", false)
	} else {
		a.setStatus("opening the run in "+setup.OutDir(spec)+"…", false)
	}
	open := a.open
	return safeCmd(func() tea.Msg {
		defer close(op.done)
		defer cancel()
		op.s, op.err = open(ctx, spec)
		return openedMsg{op}
	})
}

// onOpened starts the opened session and makes it the run on screen; the
// run it replaces (already stopped) is finished.
func (a *app) onOpened(op *opening) tea.Cmd {
	if a.opening == op {
		a.opening = nil
		a.setup.Opening = false
	}
	if op.err != nil {
		if !a.quitting {
			a.setStatus("✗ "+oneLine(op.err.Error()), true)
		}
		return nil
	}
	s := op.s
	op.adopted = true
	started := false
	defer func() {
		if !started {
			s.Close() // never started (refused, or a panic): released as it was
		}
	}()
	if a.quitting {
		return nil
	}
	now := a.now()
	if err := s.Start(a.ctx); err != nil {
		a.setStatus("✗ "+oneLine(err.Error()), true)
		return nil
	}
	started = true
	prev := a.run
	run := &liveRun{s: s, spec: op.spec}
	a.run = run
	a.runs = append(a.runs, run)
	a.sw = runstate.New(s.ID(), s.Plan(), s.Prior(), now)
	if _, base := s.Baseline(); len(base) > 0 {
		a.sw.Baseline = true
	}
	a.runv.Reset()
	a.screen, a.editor, a.views = screenRun, nil, views{}
	a.setStatus("", false)
	for _, n := range s.Notes() {
		a.setStatus(notesLine([]string{n})) // each its own line, queued
	}
	return tea.Batch(a.retire(prev), a.drainCmd(run))
}

// notesLine is the status line for a session's notes, and whether one
// of them is a warning.
func notesLine(notes []string) (string, bool) {
	warn := false
	for _, n := range notes {
		warn = warn || strings.HasPrefix(n, "warning: ")
	}
	return oneLine(strings.Join(notes, " · ")), warn
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// retire stops run (if it still measures) and finishes it: its results so
// far are recorded, its reports saved, its directory released. It stays
// the run on screen until another replaces it.
func (a *app) retire(run *liveRun) tea.Cmd {
	if run == nil || run.finishing {
		return nil
	}
	run.s.Stop()
	return a.finishCmd(run)
}

func (a *app) finishCmd(run *liveRun) tea.Cmd {
	run.finishing = true
	return safeCmd(func() tea.Msg { return finishedMsg{run: run, out: run.finish()} })
}

// drainCmd waits for the run's next update, then takes whatever else is
// already queued without waiting. The session recorded each one before
// it got here: the screen never waits on the disk, nor the sweep on the
// screen.
func (a *app) drainCmd(run *liveRun) tea.Cmd {
	ch := run.s.Updates()
	return safeCmd(func() tea.Msg {
		msg := updatesMsg{run: run}
		u, ok := <-ch
		if !ok {
			msg.closed = true
			return msg
		}
		msg.updates = append(msg.updates, u)
	more:
		for len(msg.updates) < maxBatch {
			select {
			case u, ok := <-ch:
				if !ok {
					msg.closed = true
					break more
				}
				msg.updates = append(msg.updates, u)
			default:
				break more
			}
		}
		for _, u := range msg.updates {
			if u.Kind == sweep.PlanChanged {
				p := run.s.Plan()
				msg.plan = &p
				break
			}
		}
		return msg
	})
}

// onUpdates folds a batch into the picture and asks for the next. It does
// not redraw: the next frame does, once, however many batches came in
// between. When the updates end, the run is finished at once: its reports
// are saved and its directory released, so an idle workbench holds no
// lock and writes nothing.
func (a *app) onUpdates(msg updatesMsg) tea.Cmd {
	run := msg.run
	if run != a.run {
		return nil // a retired run: Finish reads the rest
	}
	now := a.now()
	note, warn := "", false
	for _, u := range msg.updates {
		if u.Kind == sweep.PlanChanged && msg.plan != nil {
			a.sw.SetPlan(*msg.plan)
		}
		a.sw.Apply(u, now)
		a.settle(u.Event)
		if u.Comparison != nil {
			a.sw.SetComparison(u.Comparison)
		}
		if u.Note != "" {
			note, warn = u.Note, strings.HasPrefix(u.Note, "warning: ")
		}
		if u.Kind == sweep.SweepFailed && u.Err != nil {
			note, warn = "✗ sweep failed: "+u.Err.Error(), true
		}
	}
	if note != "" {
		a.setStatus(note, warn)
	}
	a.stale = true
	if !msg.closed {
		return a.drainCmd(run)
	}
	run.ended = true
	if a.sw.Active() {
		// The updates ended without a final event (Finish read it).
		a.sw.Stop(runstate.Stopped, nil, now)
	}
	if run.finishing {
		return nil
	}
	return a.finishCmd(run)
}

// onFinished shows how the run ended; after q, the program ends here.
func (a *app) onFinished(msg finishedMsg) tea.Cmd {
	run := msg.run
	run.finished = true
	if run != a.run {
		if msg.out.SaveErr != nil && !a.quitting {
			a.setStatus(fmt.Sprintf("✗ run %d: %s", msg.out.RunID, oneLine(msg.out.SaveErr.Error())), true)
		}
		return nil
	}
	if msg.out.Comparison != nil {
		a.sw.SetComparison(msg.out.Comparison)
	}
	if a.sw.Active() {
		a.sw.Stop(runstate.Stopped, nil, a.now())
	}
	a.stale = true
	out := msg.out
	switch {
	case out.SaveErr != nil:
		a.setStatus("✗ saving reports: "+oneLine(out.SaveErr.Error()), true)
	case out.ReportsWritten:
		a.setStatus(savedStatus(out.Paths), false)
	case out.Done == 0:
		a.setStatus(fmt.Sprintf("nothing finished: the reports in %s were left as they were", out.Paths.Dir), false)
	}
	if a.quitting {
		return tea.Quit
	}
	return nil
}

func savedStatus(p store.Paths) string {
	return "✓ reports saved to " + p.Dir + " (JSONL, CSV, Markdown, PNG/SVG figures)"
}

// save writes the reports of the running sweep now; a run that has ended
// wrote them when it ended and writes nothing again.
func (a *app) save() tea.Cmd {
	run := a.run
	switch {
	case run == nil:
		return nil
	case run.finishing:
		a.setStatus(fmt.Sprintf("run %d has ended: its reports were saved to %s when it ended", run.s.ID(), run.s.Paths().Dir), false)
		return nil
	case len(a.sw.GridResults()) == 0:
		a.setStatus("nothing finished yet: no report to write (each config goes to the JSONL as it finishes)", false)
		return nil
	}
	a.setStatus("saving reports…", false)
	return safeCmd(func() tea.Msg { return savedMsg{run: run, err: run.s.Save()} })
}

func (a *app) onSaved(msg savedMsg) tea.Cmd {
	if msg.run != a.run {
		return nil
	}
	switch {
	case errors.Is(msg.err, store.ErrRunEnded):
		// It ended meanwhile: its Finish saved and says so.
	case msg.err != nil:
		a.setStatus("✗ saving reports: "+oneLine(msg.err.Error()), true)
	default:
		a.setStatus(savedStatus(msg.run.s.Paths()), false)
	}
	return nil
}

// quit stops the sweep and finishes the run before leaving. A second quit
// while the first is finishing leaves at once (Run finishes afterwards).
func (a *app) quit() tea.Cmd {
	if a.quitting {
		return tea.Quit
	}
	a.quitting = true
	a.editor, a.prompt, a.helpView.open = nil, nil, false
	a.views = views{} // the run view shows the sweep stopping and saving
	if a.opening != nil {
		a.opening.cancel()
	}
	run := a.run
	switch {
	case run == nil || run.finished:
		return tea.Quit
	case run.finishing:
		a.setStatus("saving reports…", false)
		return nil // its finishedMsg quits
	}
	if a.sw.Active() {
		a.setStatus("stopping the sweep…", false)
	} else {
		a.setStatus("saving reports…", false)
	}
	return a.retire(run)
}

// specFor is the spec that measures run again as a new run: its plan with
// the grid edits, its engine, its baseline and directory.
func specFor(run *liveRun) session.Spec {
	spec := run.spec
	spec.Plan = run.s.Plan()
	spec.PlanGiven = true
	spec.Engine, spec.EngineGiven = run.s.Engine(), true
	spec.Plan.Engine = spec.Engine.Name()
	spec.Baseline, _ = run.s.Baseline()
	spec.Resume, spec.ResumeID = false, 0
	return spec
}

// resumeSpec is the spec that continues the recorded run res in base's
// directory: its plan, and the engine its results were measured with; the
// session keeps the baseline the run was compared with (and says so, or
// why it cannot).
func resumeSpec(base session.Spec, res store.Resumable) session.Spec {
	spec := base
	spec.Plan, spec.PlanGiven = res.Plan, false
	spec.Resume, spec.ResumeID = true, res.RunID
	spec.Engine, spec.EngineGiven = launch.Spec{}, false
	if n := len(res.Results); n > 0 {
		spec.Engine = launch.SpecOf(res.Results[n-1])
	}
	spec.Baseline = ""
	return spec
}

// runCommand is the command line that measures the run on screen again
// (c): the session's own rerun command, the outcome's once it has ended.
func (a *app) runCommand() string {
	if a.run.finished {
		return a.run.out.Rerun
	}
	return a.run.s.Command(false)
}
