package tui

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/tui/views/runview"
	"github.com/hcbench/hcbench/tui/views/setup"
	"github.com/hcbench/hcbench/tui/views/shardview"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// frameInterval paces redraws caused by the run's updates: updates only mark
// the screen stale, and a tick at this rate redraws it, so a flood of
// events costs one draw per frame, not one per event.
const frameInterval = time.Second / 20

type screen int

const (
	screenSetup screen = iota
	screenRun
)

// Model is the root tea.Model. Its state lives behind a pointer so that
// Bubble Tea's value copies share one picture of the run, and Run can
// still finish the runs after the program has ended (or panicked).
type Model struct{ a *app }

type app struct {
	opt  Options
	ctx  context.Context
	now  func() time.Time
	open openFunc
	st   theme.Styles
	help help.Model

	width, height int

	// The sub-models: each owns its keys and its drawing; onKey only
	// chooses which one gets a key and carries out the action it returns.
	screen   screen
	setup    *setup.Model
	editor   *setup.Editor // open over the run view while non-nil
	prompt   *prompt       // a question that owns the keyboard while non-nil
	helpView helpModel
	runv     *runview.Model
	views    views     // detail, history, compare, filter, command line (workbench.go)
	clip     io.Writer // where the clipboard's OSC 52 goes; nil: no copying

	opening *opening      // a session being opened
	run     *liveRun      // the run on screen: the last one started
	runs    []*liveRun    // every run started, finished by Run at the end
	sw      *runstate.Run // the picture of run

	status    string
	statusErr bool
	// statusPrev are the status lines the latest one followed, oldest
	// first: a new line queues under them rather than overwriting them
	// (a warning stays on screen when a note follows it).
	statusPrev []statusLine

	quitting bool
	panicErr error

	// show: hcbench show, the workbench on recorded runs only — no setup,
	// no run; nothing that starts, edits, pauses, saves or continues one.
	show    bool
	initCmd tea.Cmd // what Init starts: reading the history under show

	followed      stamp         // the history's JSONL as last read
	followTicking bool          // a followMsg is on its way
	followEvery   time.Duration // how often the open history looks at its JSONL (0: never)
	// The shards' view (hcbench show on a sharded directory) reads their
	// status when their files changed (shardsStamp, as last read at
	// shardsAt), at least every shardsReread, one read at a time.
	shardsStamp   string
	shardsAt      time.Time
	shardsReading bool

	view       string // last drawing, returned until something changes
	valid      bool
	ticking    bool // a frame tick is on its way
	stale      bool // run data changed since the last drawing
	lastSecond int64
}

// NewModel builds the root model: the setup form prefilled from
// opt.Spec, or the run at once with opt.StartNow, after the offer to
// continue the output directory's unfinished run if it holds one.
func NewModel(opt Options) Model {
	if opt.Spec.Out == "" {
		opt.Spec.Out = session.DefaultOut
	}
	if opt.Spec.Plan.Repeats == 0 {
		opt.Spec.Plan = bench.DefaultPlan()
	}
	st := theme.New()
	a := &app{
		opt:    opt,
		ctx:    context.Background(),
		now:    time.Now,
		open:   openSession,
		st:     st,
		help:   keys.NewHelp(st.HelpKey, st.HelpDesc, st.HelpSep),
		width:  80,
		height: 24,
		runv:   runview.New(st),

		followEvery: followInterval,
	}
	if opt.show && opt.shards {
		a.show, a.screen = true, screenRun
		a.views.shards, a.views.shardsRun = shardview.New(a.outDir(), st), runview.New(st)
		a.initCmd = a.shardsRead(true) // following starts once it is read
		return Model{a: a}
	}
	if opt.show {
		a.show, a.screen = true, screenRun
		a.initCmd = a.openHistory()
		a.views.history.ReadOnly = true
		return Model{a: a}
	}
	a.setup = setup.New(opt.Spec, st)
	if !opt.Spec.Resume {
		a.prompt = resumeOffer(opt.Spec)
	}
	return Model{a: a}
}

// Init starts the frame ticker and, with StartNow and nothing to ask,
// the sweep (through Update, so that a failure there is caught like any).
func (m Model) Init() tea.Cmd {
	a := m.a
	cmds := []tea.Cmd{a.initCmd}
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
		if a.stale || (a.sw != nil && a.sw.Active()) {
			return m, tick()
		}
		// Nothing moves on screen without an event or a key: stop ticking
		// so an idle workbench costs no CPU.
		a.ticking = false
		return m, nil
	case followMsg:
		return m, a.onFollow() // redrawn only when it reads something new
	case updatesMsg:
		cmd := a.onUpdates(msg)
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
		return m, a.follow()
	case savedMsg:
		return m, a.onSaved(msg)
	case finishedMsg:
		return m, a.onFinished(msg)
	case openedMsg:
		return m, a.onOpened(msg.op)
	case startMsg:
		return m, a.startSpec(a.opt.Spec)
	case interruptMsg:
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
	if a.sw != nil && a.sw.Active() {
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

// stopAll stops every run; their results so far stay recorded.
func (a *app) stopAll() {
	for _, run := range a.runs {
		run.s.Stop()
	}
}

// statusLine is one line of the status queue.
type statusLine struct {
	text string
	err  bool
}

// statusKeep is how many earlier status lines stay on screen.
const statusKeep = 2

// setStatus shows s as the latest status line; the one it follows stays
// above it (up to statusKeep of them). "" clears them all.
func (a *app) setStatus(s string, isErr bool) {
	a.valid = false
	if s == "" {
		a.status, a.statusErr, a.statusPrev = "", false, nil
		return
	}
	if a.status != "" && a.status != s {
		a.statusPrev = append(a.statusPrev, statusLine{a.status, a.statusErr})
		for i := 0; i < len(a.statusPrev); i++ { // a line once: the latest copy
			if a.statusPrev[i].text == s {
				a.statusPrev = append(a.statusPrev[:i], a.statusPrev[i+1:]...)
				i--
			}
		}
		if n := len(a.statusPrev); n > statusKeep {
			a.statusPrev = a.statusPrev[n-statusKeep:]
		}
	}
	a.status, a.statusErr = s, isErr
}

// resolve places a directory typed by the user (shown as typed) on disk.
func (a *app) resolve(dir string) string { return setup.Resolve(a.opt.Spec.WorkDir, dir) }

func (a *app) haveBaseline() bool { return a.sw != nil && a.sw.Baseline }

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
		return a.do(a.setup.Key(msg))
	case a.editor != nil:
		return a.do(a.editor.Key(msg))
	}
	if cmd, ok := a.viewKey(msg); ok || a.show {
		return cmd
	}
	a.runv.SetRun(a.sw)
	return a.do(a.runv.Key(msg, a.haveBaseline()))
}

// do carries out a sub-model's action.
func (a *app) do(act keys.Action) tea.Cmd {
	if a.show && changesRun(act) {
		a.setStatus(showNote+": it measures nothing and writes nothing", false)
		return nil
	}
	switch act {
	case keys.ActTyped:
		if a.statusErr {
			a.setStatus("", false) // the form now shows what is wrong, if anything
		}
	case keys.ActQuit:
		return a.quit()
	case keys.ActHelp:
		a.helpView.open = true
	case keys.ActStart:
		return a.startFromSetup()
	case keys.ActHistory:
		// The history of the directory the form names, over the form: esc
		// returns to it.
		a.screen, a.views.fromSetup = screenRun, true
		return a.openHistory()
	case keys.ActClose:
		// esc on the setup form: back to the run it came from (n), or out
		// when there is none.
		if a.screen == screenSetup && a.run != nil {
			a.screen = screenRun
			a.setStatus("", false)
			return nil
		}
		return a.quit()
	case keys.ActRerun:
		return a.rerun()
	case keys.ActEdit:
		if a.run == nil || a.run.finishing || !a.sw.Active() {
			a.setStatus(fmt.Sprintf("run %d has ended: its grid stays as it was; n sets up a new sweep with another grid", a.sw.RunID), false)
			return nil
		}
		a.editor = setup.NewEditor(a.sw.Plan.Grid, a.st)
	case keys.ActApply:
		g, err := a.editor.Grid()
		if err != nil {
			a.setStatus("✗ "+err.Error(), true)
			return nil
		}
		a.editor = nil
		return a.applyGrid(g)
	case keys.ActCancel:
		a.editor = nil
		a.setStatus("edit cancelled", false)
	case keys.ActPause:
		a.togglePause()
	case keys.ActSave:
		return a.save()
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
	if a.run == nil || a.run.finishing || !a.sw.Active() {
		a.setStatus("no sweep is running", false)
		return
	}
	// The state flips when the engine confirms (Paused/Resumed events); the
	// status says the request is on its way.
	if a.run.s.IsPaused() {
		a.run.s.Resume()
		a.setStatus(statusResuming, false)
	} else {
		a.run.s.Pause()
		a.setStatus(statusPausing, false)
	}
}

// rerun measures the run again as a new run: at once when the sweep has
// ended, after a confirmation while it runs.
func (a *app) rerun() tea.Cmd {
	if a.sw == nil {
		return nil
	}
	if !a.sw.Active() {
		return a.restart()
	}
	a.prompt = &prompt{
		// No count here: the sweep goes on while the question is open.
		text:  fmt.Sprintf("Restart the sweep from scratch as a new run? Run %d keeps every result finished so far on disk.", a.sw.RunID),
		onYes: func(a *app) tea.Cmd { return a.restart() },
		onNo:  func(a *app) tea.Cmd { a.setStatus("restart cancelled", false); return nil },
	}
	return nil
}

// restart finishes the run on screen (stopped, its results recorded) and
// opens a new run of the same plan, engine, baseline and directory.
func (a *app) restart() tea.Cmd {
	if a.opening != nil {
		a.setStatus("a run is being opened: wait for it", false)
		return nil
	}
	spec := specFor(a.run)
	return tea.Batch(a.retire(a.run), a.startSpec(spec))
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
