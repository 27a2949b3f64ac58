package tui

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report"
)

// frameInterval paces redraws caused by engine events: events only mark
// the screen stale, and a tick at this rate redraws it, so a flood of
// events costs one draw per frame, not one per event.
const frameInterval = time.Second / 20

type screen int

const (
	screenSetup screen = iota
	screenRun
)

// Model is the root tea.Model. Its state lives behind a pointer so that
// Bubble Tea's value copies share one picture of the sweep, and Run can
// still reach the recorder after the program has ended (or panicked).
type Model struct{ a *app }

type app struct {
	opt   Options
	ctx   context.Context
	now   func() time.Time
	start startFunc
	busy  func() string // the busy-machine warning at a sweep's start ("" when quiet)
	st    styles
	help  help.Model

	width, height int

	// The sub-models: each owns its keys and its drawing; onKey only
	// chooses which one gets a key and carries out the action it returns.
	screen   screen
	setup    *setupModel
	editor   *editorModel // open over the run view while non-nil
	prompt   *prompt      // a question that owns the keyboard while non-nil
	helpView helpModel
	runv     *runView
	probe    *probe    // the setup form's check of a Python worker, while it runs
	views    views     // detail, history, compare, filter, command line (workbench.go)
	clip     io.Writer // where the clipboard's OSC 52 goes; nil: no copying

	sw       *runState
	run      *activeRun   // the runner the screen follows
	orphans  []*activeRun // runners replaced by a restart, still winding down
	rec      *recorder
	baseline []bench.Result

	status    string
	statusErr bool

	quitting    bool
	interrupted bool
	finalSaved  bool
	saveErr     error
	panicErr    error

	view       string // last drawing, returned until something changes
	valid      bool
	ticking    bool // a frame tick is on its way
	stale      bool // engine data changed since the last drawing
	lastSecond int64
}

// NewModel builds the root model: the setup view, or the run view at once
// when opt.StartNow, after the resume offer if the output directory holds
// an unfinished run of the same plan.
func NewModel(opt Options) Model {
	st := newStyles()
	a := &app{
		opt:      opt,
		ctx:      context.Background(),
		now:      time.Now,
		start:    newSweeper,
		busy:     report.BusyWarning,
		st:       st,
		help:     newHelp(st),
		width:    80,
		height:   24,
		baseline: opt.Baseline,
		runv:     newRunView(st),
	}
	if a.opt.OutDir == "" {
		a.opt.OutDir = ".benchmarks"
	}
	a.setup = newSetupModel(opt.Plan, a.opt)
	a.prompt = resumeOffer(a.opt)
	return Model{a: a}
}

// Init starts the frame ticker and, with StartNow and nothing to ask,
// the sweep (through Update, so that a failure there is caught like any).
func (m Model) Init() tea.Cmd {
	a := m.a
	var cmds []tea.Cmd
	if a.prompt == nil && a.opt.StartNow {
		cmds = append(cmds, func() tea.Msg { return startMsg{} })
	}
	return tea.Batch(cmds...)
}

type frameMsg struct{}

// startMsg starts the plan given in Options (--run).
type startMsg struct{}

// interruptMsg is a SIGINT/SIGTERM/SIGHUP (the caller's context) or a
// program-level stop: save and leave as for q.
type interruptMsg struct{}

// panicMsg carries a panic recovered in a command's goroutine.
type panicMsg struct{ err error }

func tick() tea.Cmd {
	return tea.Tick(frameInterval, func(time.Time) tea.Msg { return frameMsg{} })
}

// Update routes a message to the part of the screen that owns it. A panic
// anywhere below is recovered here: the sweep is stopped, the error kept
// for Run, and the program quits normally so the terminal is restored.
func (m Model) Update(msg tea.Msg) (out tea.Model, cmd tea.Cmd) {
	a := m.a
	defer func() {
		if r := recover(); r != nil {
			a.recordPanic(r)
			out, cmd = m, tea.Quit
		}
	}()
	if a.panicErr != nil {
		return m, tea.Quit
	}
	switch msg := msg.(type) {
	case frameMsg:
		a.onFrame()
		if a.stale || (a.sw != nil && a.sw.active()) {
			return m, tick()
		}
		// Nothing moves on screen without an event or a key: stop ticking
		// so an idle workbench costs no CPU.
		a.ticking = false
		return m, nil
	case eventsMsg:
		cmd := a.onEvents(msg)
		if !a.ticking {
			a.ticking = true
			cmd = tea.Batch(cmd, tick())
		}
		return m, cmd
	}
	a.valid = false
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		return m, nil
	case tea.KeyMsg:
		return m, a.onKey(msg)
	case tea.MouseMsg:
		return m, a.onMouse(msg)
	case applyMsg:
		msg(a)
		return m, nil
	case savedMsg:
		return m, a.onSaved(msg)
	case startMsg:
		return m, a.startFromPlan(a.opt.Plan, a.opt.OutDir)
	case probedMsg:
		return m, a.onProbed(msg)
	case interruptMsg:
		a.interrupted = true
		return m, a.quit()
	case panicMsg:
		a.panicErr = msg.err
		a.stopAll()
		return m, tea.Quit
	}
	return m, nil
}

// View returns the last drawing unless something changed since.
func (m Model) View() (v string) {
	a := m.a
	defer func() {
		if r := recover(); r != nil {
			a.recordPanic(r)
			v = "hcbench: internal error; saving and quitting"
		}
	}()
	if !a.valid {
		a.view = a.render()
		a.valid = true
	}
	return a.view
}

func (a *app) onFrame() {
	if a.stale {
		a.stale, a.valid = false, false
	}
	// The elapsed time and ETA move on without events.
	if a.sw != nil && a.sw.active() {
		if s := a.now().Unix(); s != a.lastSecond {
			a.lastSecond, a.valid = s, false
		}
	}
}

func (a *app) recordPanic(r any) {
	if a.panicErr == nil {
		a.panicErr = fmt.Errorf("tui: panic: %v\n%s", r, debug.Stack())
	}
	a.stopAll()
}

// stopAll cancels every runner; their results so far stay recorded.
func (a *app) stopAll() {
	if a.run != nil {
		a.run.r.Cancel()
	}
	for _, o := range a.orphans {
		o.r.Cancel()
	}
}

func (a *app) setStatus(s string, isErr bool) {
	a.status, a.statusErr = s, isErr
	a.valid = false
}

// resolve places a directory typed by the user (shown as typed) on disk.
func (a *app) resolve(dir string) string { return resolveIn(a.opt.WorkDir, dir) }

func resolveIn(work, dir string) string {
	if work == "" || filepath.IsAbs(dir) {
		return dir
	}
	return filepath.Join(work, dir)
}

func (a *app) haveBaseline() bool { return len(a.baseline) > 0 }

// action is what a sub-model asks of the app after a key: the app owns
// the run's life (start, stop, save), the sub-models only their own state.
type action int

const (
	actNone  action = iota
	actTyped        // a form changed: an old error in the status may be stale
	actQuit
	actHelp
	actStart // setup: start a sweep of the form's plan
	actRerun
	actEdit
	actApply  // editor: apply its grid
	actCancel // editor: closed without applying
	actPause
	actSave
	actClose   // a workbench view closes
	actDetail  // history: open the selected row's detail
	actFilter  // history: type a filter
	actResume  // history: continue the selected run
	actCompare // history: compare the marked runs
)

// onKey hands a key to the sub-model that owns the keyboard now: a prompt,
// the help, the setup form, the grid editor, or the run view.
func (a *app) onKey(msg tea.KeyMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return a.quit()
	}
	// Keys typed faster than the terminal is read arrive as one message
	// ("?am"); outside a text field each is a command of its own.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && a.editor == nil &&
		(a.screen == screenRun || a.prompt != nil || a.helpView.open) {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			cmds = append(cmds, a.onKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}))
		}
		return tea.Batch(cmds...)
	}
	switch {
	case a.prompt != nil:
		return a.answerPrompt(msg)
	case a.helpView.open:
		return a.do(a.helpView.Update(msg))
	case a.screen == screenSetup:
		return a.do(a.setup.Update(msg))
	case a.editor != nil:
		return a.do(a.editor.Update(msg))
	}
	if cmd, ok := a.viewKey(msg); ok {
		return cmd
	}
	return a.do(a.runv.Update(msg, a.haveBaseline()))
}

// do carries out a sub-model's action.
func (a *app) do(act action) tea.Cmd {
	switch act {
	case actTyped:
		if a.statusErr {
			a.setStatus("", false) // the form now shows what is wrong, if anything
		}
	case actQuit:
		return a.quit()
	case actHelp:
		a.helpView.open = true
	case actStart:
		return a.startFromSetup()
	case actRerun:
		return a.rerun()
	case actEdit:
		a.editor = newEditorModel(a.sw.plan.Grid)
	case actApply:
		g, err := a.editor.grid()
		if err != nil {
			a.setStatus("✗ "+err.Error(), true)
			return nil
		}
		a.editor = nil
		return a.applyGrid(g)
	case actCancel:
		a.editor = nil
		a.setStatus("edit cancelled", false)
	case actPause:
		a.togglePause()
	case actSave:
		if a.rec != nil {
			a.setStatus("saving reports…", false)
			return a.saveCmd(a.rec, false)
		}
	}
	return nil
}

// Status texts that say a request is on its way, cleared when the engine
// confirms it.
const (
	statusPausing  = "pausing after the current epoch…"
	statusResuming = "resuming…"
)

// settle clears a status the event ev has made stale.
func (a *app) settle(ev sweep.Event) {
	switch {
	case ev.Kind == sweep.Paused && a.status == statusPausing,
		ev.Kind == sweep.Resumed && a.status == statusResuming:
		a.setStatus("", false)
	}
}

func (a *app) togglePause() {
	if a.run == nil || a.run.closed || !a.sw.active() {
		a.setStatus("no sweep is running", false)
		return
	}
	// The state flips when the engine confirms (Paused/Resumed events); the
	// status says the request is on its way.
	if a.run.r.IsPaused() {
		a.run.r.Resume()
		a.setStatus(statusResuming, false)
	} else {
		a.run.r.Pause()
		a.setStatus(statusPausing, false)
	}
}

// rerun starts the same plan again as a new run: at once when the sweep has
// ended, after a confirmation while it runs.
func (a *app) rerun() tea.Cmd {
	if a.sw == nil {
		return nil
	}
	if !a.sw.active() {
		return a.restart()
	}
	a.prompt = &prompt{
		// No count here: the sweep goes on while the question is open.
		text:  fmt.Sprintf("Restart the sweep from scratch as a new run? Run %d keeps every result finished so far on disk.", a.sw.runID),
		onYes: func(a *app) tea.Cmd { return a.restart() },
		onNo:  func(a *app) tea.Cmd { a.setStatus("restart cancelled", false); return nil },
	}
	return nil
}

// restart retires the current runner (it winds down on its own; its
// recorder is saved when it has) and starts a new run of the same plan.
func (a *app) restart() tea.Cmd {
	a.setStatus("", false) // "reports saved" was about the run before
	var cmds []tea.Cmd
	if a.run != nil {
		a.run.r.Cancel()
		if a.run.closed {
			cmds = append(cmds, a.saveCmd(a.run.rec, false)) // closes it once saved
		} else {
			a.orphans = append(a.orphans, a.run)
		}
		a.run = nil
	}
	a.rec = nil
	return tea.Batch(append(cmds, a.startFromPlan(a.sw.plan, a.opt.OutDir))...)
}

// quit stops the sweep and saves before leaving. A second quit while the
// first is saving leaves at once (Run saves what it can afterwards).
func (a *app) quit() tea.Cmd {
	if a.quitting {
		return tea.Quit
	}
	a.quitting = true
	a.editor, a.prompt, a.helpView.open = nil, nil, false
	a.views = views{} // the run view shows the sweep stopping and saving
	if a.sw != nil && a.sw.active() {
		a.interrupted = true
	}
	if a.run != nil && !a.run.closed {
		a.setStatus("stopping the sweep…", false)
		a.run.r.Cancel()
		return nil // the runner's closing event triggers the save
	}
	if a.rec != nil {
		a.setStatus("saving reports…", false)
		return a.saveCmd(a.rec, true)
	}
	return tea.Quit
}

type savedMsg struct {
	rec   *recorder
	paths report.Paths
	err   error
	final bool
}

func (a *app) saveCmd(rec *recorder, final bool) tea.Cmd {
	return safeCmd(func() tea.Msg {
		err := rec.Save()
		return savedMsg{rec: rec, paths: rec.Paths(), err: err, final: final}
	})
}

func (a *app) onSaved(msg savedMsg) tea.Cmd {
	if msg.rec != a.rec {
		msg.rec.Close() // a retired run's last save
		return nil
	}
	if msg.err != nil {
		a.setStatus("✗ saving reports: "+msg.err.Error(), true)
	} else {
		a.setStatus("✓ reports saved to "+msg.paths.Dir+" (JSONL, CSV, Markdown, PNG/SVG figures)", false)
	}
	if msg.final {
		a.finalSaved, a.saveErr = true, msg.err
		return tea.Quit
	}
	return nil
}

// safeCmd runs f in a command goroutine, turning a panic into a message so
// that it reaches Update (which saves and quits) instead of killing the
// program with the terminal in raw mode.
func safeCmd(f func() tea.Msg) tea.Cmd {
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = panicMsg{err: fmt.Errorf("tui: panic: %v\n%s", r, debug.Stack())}
			}
		}()
		return f()
	}
}

// loadBaseline reads the baseline file typed in the form ("" for none).
func loadBaseline(path string) ([]bench.Result, error) {
	if path == "" {
		return nil, nil
	}
	base, err := report.LoadBaselineFile(path) // a FIFO would block the screen
	if err == nil && len(base) == 0 {
		err = fmt.Errorf("%s holds no results", path)
	}
	return base, err
}
