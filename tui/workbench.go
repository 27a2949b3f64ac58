package tui

import (
	"fmt"
	"os"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/tui/views/abview"
	"github.com/hcbench/hcbench/tui/views/comparison"
	"github.com/hcbench/hcbench/tui/views/detail"
	"github.com/hcbench/hcbench/tui/views/history"
	"github.com/hcbench/hcbench/tui/views/runview"
	"github.com/hcbench/hcbench/tui/views/setup"
	"github.com/hcbench/hcbench/tui/views/shardview"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// The workbench's views over the run view — detail, history, compare,
// filter, command line — and their hooks into the app. Each is a
// sub-model with its own Update and View; the app only routes keys to the
// one open and draws it.

// views are the workbench views open now (nil: closed). They stack:
// the detail opens over the history's opened run, the filter line over
// either table.
type views struct {
	detail  *detail.Model
	history *history.Model
	// past draws the history's opened run (pastS) under its Run tab, cmp
	// the comparison under its Compare tab.
	past    *runview.Model
	pastS   *runstate.Run
	cmp     *comparison.Model
	ab      *abview.Model // an A/B sweep's B against A (b)
	filter  *runview.FilterInput
	cmdline *cmdlineModel
	// shards: the live view of a sharded sweep's shards (hcbench show on
	// their directory), shardsRun the run so far under it; the detail and
	// the filter open over them.
	shards    *shardview.Model
	shardsRun *runview.Model
	// fromSetup: the history was opened from the setup form (h), to which
	// esc returns.
	fromSetup bool
}

// viewKey hands a key to the open workbench view, or opens one from the
// run view. It reports false for keys it leaves to the run view.
func (a *app) viewKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	v := &a.views
	switch {
	case v.cmdline != nil:
		act := v.cmdline.Update(msg)
		if act == keys.ActClose {
			v.cmdline = nil
			return nil, true
		}
		return a.do(act), true
	case v.filter != nil:
		act := v.filter.Key(msg)
		t := a.focusTable()
		t.SetFilter(runview.ParseFilter(v.filter.Value()))
		if act == keys.ActClose {
			v.filter = nil
		}
		return nil, true
	case v.detail != nil:
		if step := detailStep(msg); step != 0 {
			// The next or previous row's detail, the table following.
			t := a.focusTable()
			if i := t.Cursor() + step; i >= 0 && i < len(t.Configs()) {
				t.SetCursor(i)
				a.openDetail()
			}
			return nil, true
		}
		if act := v.detail.Key(msg); act == keys.ActClose {
			v.detail = nil
		} else {
			return a.do(act), true
		}
		return nil, true
	case v.ab != nil:
		if key.Matches(msg, keys.Quit) || key.Matches(msg, keys.Help) {
			return nil, false // the run view's
		}
		if act := v.ab.Key(msg); act == keys.ActClose {
			v.ab = nil
		}
		return nil, true
	case v.shards != nil:
		return a.shardsKey(msg), true
	case v.history != nil:
		return a.historyKey(msg), true
	}
	if a.screen != screenRun || a.editor != nil || a.sw == nil {
		return nil, false
	}
	switch {
	case key.Matches(msg, keys.Open):
		a.openDetail()
	case key.Matches(msg, keys.History):
		return a.openHistory(), true
	case key.Matches(msg, keys.Filter):
		v.filter = runview.NewFilterInput(a.runv.Table.Filter().String())
	case key.Matches(msg, keys.Command):
		line := a.runCommand()
		v.cmdline = &cmdlineModel{line: line, copied: a.clip != nil}
		return copyCmd(a.clip, line), true
	case key.Matches(msg, keys.New):
		return a.newSweep(), true
	case key.Matches(msg, keys.ABView):
		a.openAB()
	default:
		return nil, false
	}
	return nil, true
}

// openAB opens the A/B view of the run on screen, or says why there is
// none: only a sweep with --vs has a variant B.
func (a *app) openAB() {
	s, what := a.focusSweep()
	if s == nil || s.ABComparison() == nil {
		a.setStatus("no A/B view: "+what+" has no variant B (start a sweep with --vs KEY=VALUE, e.g. --vs policy=minrisk)", false)
		return
	}
	a.views.ab = abview.New(s.Plan.Grid, s.Plan.Vs, a.st)
}

// applyMsg carries the result of a view's work done off the UI goroutine
// (reading the history, comparing runs) as the change it makes.
type applyMsg func(*app)

// outDir is the output directory as typed: the run's on screen, else the
// flags'.
func (a *app) outDir() string {
	if a.views.fromSetup && a.setup != nil {
		return a.setup.Out()
	}
	if a.run != nil {
		return setup.OutDir(a.run.spec)
	}
	return setup.OutDir(a.opt.Spec)
}

// jsonlPath is the output directory's history on disk.
func (a *app) jsonlPath() string { return store.PathsFor(a.resolve(a.outDir())).JSONL }

// pastOpen reports whether the history shows a run opened read-only.
func (a *app) pastOpen() bool {
	h := a.views.history
	if h == nil || h.Tab != history.Opened {
		return false
	}
	_, s := h.Opened()
	return s != nil
}

// pastView is the run view of the history's opened run: a new one when
// another run was opened.
func (a *app) pastView() *runview.Model {
	v := &a.views
	_, s := v.history.Opened()
	switch {
	case v.past != nil && s != v.pastS && s != nil && v.pastS != nil && s.RunID == v.pastS.RunID:
		// The same run, read again as it grew: its view keeps the choices
		// made on it (sort, zoom, filter, metric) and redraws.
		v.past.Reset()
		v.pastS = s
	case s != v.pastS || v.past == nil:
		v.past, v.pastS = runview.New(a.st), s
	}
	return v.past
}

// focusView is the run view keys and filters go to: the history's opened
// run, the shards' run so far, or the live run's.
func (a *app) focusView() *runview.Model {
	switch {
	case a.pastOpen():
		return a.pastView()
	case a.views.shards != nil:
		return a.views.shardsRun
	}
	return a.runv
}

// focusTable is the focused run view's table.
func (a *app) focusTable() *runview.Table { return &a.focusView().Table }

// focusSweep is the sweep drawn in the focused table.
func (a *app) focusSweep() (*runstate.Run, string) {
	switch {
	case a.pastOpen():
		r, s := a.views.history.Opened()
		return s, fmt.Sprintf("run %d (history, read-only)", r.ID)
	case a.views.shards != nil:
		s := a.views.shards.Picture()
		if s == nil {
			return nil, "the shards' run (no result yet)"
		}
		return s, fmt.Sprintf("run %d (shards, read-only)", s.RunID)
	}
	return a.sw, fmt.Sprintf("run %d", a.sw.RunID)
}

// openHistory opens the history and returns the command that reads it:
// a long history never holds up the screen.
func (a *app) openHistory() tea.Cmd {
	h := history.New(a.jsonlPath(), a.outDir(), a.st)
	a.views.history, a.views.past, a.views.pastS, a.views.cmp = h, nil, nil, nil
	if a.sw != nil && a.sw.Active() {
		h.Live = map[int64]string{a.sw.RunID: "measuring"}
	}
	path := h.Path()
	a.followed = fileStamp(path)
	return safeCmd(func() tea.Msg {
		runs, err := history.Read(path)
		return applyMsg(func(a *app) {
			if a.views.history == h {
				h.Loaded(runs, err)
			}
		})
	})
}

// The history follows its JSONL while it is open: a run another hcbench
// (or this workbench) is writing shows its new results as they land. The
// file is looked at every followInterval (a stat; read again only when it
// changed).
const followInterval = time.Second

type followMsg struct{}

// follow starts looking at the history's JSONL when the history is open
// and nothing looks yet.
func (a *app) follow() tea.Cmd {
	if a.views.history == nil && a.views.shards == nil || a.followTicking || a.followEvery <= 0 {
		return nil
	}
	a.followTicking = true
	return a.followTick()
}

func (a *app) followTick() tea.Cmd {
	return tea.Tick(a.followEvery, func(time.Time) tea.Msg { return followMsg{} })
}

// stamp is what says a file changed: its size and modification time.
type stamp struct {
	size int64
	mod  time.Time
}

func fileStamp(path string) stamp {
	fi, err := os.Stat(path)
	if err != nil {
		return stamp{}
	}
	return stamp{fi.Size(), fi.ModTime()}
}

// onFollow reads the history again when its JSONL changed, and keeps
// ticking while the history is open.
func (a *app) onFollow() tea.Cmd {
	if a.views.shards != nil {
		a.valid = false // the time left counts down between reads
		return tea.Batch(a.shardsRead(false), a.followTick())
	}
	if a.views.history == nil {
		a.followTicking = false
		return nil
	}
	return tea.Batch(a.followRead(), a.followTick())
}

// followRead is the command that reads the history's JSONL again when it
// changed since it was last read (nil when it did not).
func (a *app) followRead() tea.Cmd {
	h := a.views.history
	path := h.Path()
	now := fileStamp(path)
	if now == a.followed {
		return nil
	}
	a.followed = now
	return safeCmd(func() tea.Msg {
		runs, err := history.Read(path)
		return applyMsg(func(a *app) {
			if a.views.history == h {
				h.Reload(runs, err)
			}
		})
	})
}

// historyKey hands a key to the history, or to the view under its tab:
// the opened run's (read-only) or the comparison.
func (a *app) historyKey(msg tea.KeyMsg) tea.Cmd {
	v := &a.views
	h := v.history
	if a.show && key.Matches(msg, keys.Save) && h.Tab != history.Compared {
		return a.exportRun() // the one thing show writes, when asked
	}
	act, mine := h.Key(msg)
	if !mine {
		switch h.Tab {
		case history.Opened:
			switch {
			case !a.pastOpen():
				return nil
			case key.Matches(msg, keys.Open):
				act = keys.ActDetail
			case key.Matches(msg, keys.Filter):
				act = keys.ActFilter
			case key.Matches(msg, keys.ABView):
				a.openAB()
				return nil
			default:
				act = readOnly(a.pastView().Key(msg, false))
			}
		case history.Compared:
			if v.cmp != nil {
				v.cmp.Key(msg)
			}
			return nil
		}
	}
	switch act {
	case keys.ActClose:
		if a.show {
			return a.quit() // the history is all there is
		}
		if v.fromSetup {
			a.screen = screenSetup
		}
		*v = views{}
	case keys.ActDetail:
		a.openDetail()
	case keys.ActFilter:
		v.filter = runview.NewFilterInput(a.focusTable().Filter().String())
	case keys.ActResume:
		return a.continueRun()
	case keys.ActCompare:
		return a.compareCmd()
	default:
		return a.do(act)
	}
	return nil
}

// readOnly keeps the actions a past run's view may take: none that would
// start, edit, pause or save a sweep.
func readOnly(act keys.Action) keys.Action {
	switch act {
	case keys.ActQuit, keys.ActHelp:
		return act
	}
	return keys.ActNone
}

// compareCmd shows the Compare tab and returns the command that compares
// the two marked runs (the older as the baseline) off the UI goroutine.
func (a *app) compareCmd() tea.Cmd {
	h := a.views.history
	h.Tab, a.views.cmp = history.Compared, nil
	old, cur, ok := h.Marked()
	if !ok {
		return nil
	}
	h.Note = fmt.Sprintf("comparing run %d with run %d…", cur.ID, old.ID)
	path, shown, st := h.Path(), h.Shown(), a.st
	return safeCmd(func() tea.Msg {
		c := comparison.New(path, shown, old.ID, cur.ID, history.Picture(cur), st)
		return applyMsg(func(a *app) {
			if a.views.history == h && h.Note != "" {
				a.views.cmp, h.Note = c, ""
			}
		})
	})
}

// openDetail opens the detail of the focused table's selected row.
func (a *app) openDetail() {
	t := a.focusTable()
	s, what := a.focusSweep()
	if !t.Laid() && s != nil {
		// Never drawn (a screen too small for the table): order its rows
		// now so the cursor means a config.
		t.Layout(s, s.Version, max(40, a.width-4), 10, a.haveBaseline() && t == &a.runv.Table)
	}
	i := t.Cursor()
	if s == nil || i < 0 || i >= len(t.Configs()) {
		a.setStatus("no result selected: the table is empty", false)
		return
	}
	r, ok := s.Results[t.Configs()[i]]
	if !ok {
		return
	}
	var base *compare.BaselineEntry
	if e, ok := s.Ratios[r.Config]; ok {
		base = &e
	}
	a.views.detail = detail.New(*r, base, what, a.st)
}

// newSweep goes back to the setup form, prefilled with the run's
// settings. A running sweep is stopped first, after a confirmation; the
// run keeps its results in the history either way, and esc on the form
// returns to it.
func (a *app) newSweep() tea.Cmd {
	if a.sw.Active() {
		a.prompt = &prompt{
			text:  fmt.Sprintf("Stop run %d and set up a new sweep? Every result finished so far stays in the history.", a.sw.RunID),
			onYes: func(a *app) tea.Cmd { return a.toSetup() },
			onNo:  func(a *app) tea.Cmd { a.setStatus("new sweep cancelled", false); return nil },
		}
		return nil
	}
	return a.toSetup()
}

// toSetup finishes the run (stopped, recorded, saved, released) and shows
// the setup form with its settings. The run stays on screen behind the
// form: esc goes back to it.
func (a *app) toSetup() tea.Cmd {
	cmd := a.retire(a.run)
	a.setup = setup.New(specFor(a.run), a.st)
	a.screen = screenSetup
	a.views = views{}
	a.setStatus(fmt.Sprintf("run %d stays in the history (h); to compare with it, give %s as the baseline",
		a.sw.RunID, store.PathsFor(a.outDir()).JSONL), false)
	return cmd
}

// continueRun continues the unfinished run under the history's cursor in
// the same output directory, under its own run id: a session resuming it
// with the engine its results were measured with and its baseline.
func (a *app) continueRun() tea.Cmd {
	r, ok := a.views.history.Selected()
	switch {
	case !ok:
		return nil
	case a.show:
		return a.do(keys.ActResume) // refused: read-only
	case r.Resumable == nil:
		a.setStatus(fmt.Sprintf("run %d has nothing left to measure", r.ID), false)
		return nil
	case a.sw != nil && a.sw.Active() && r.ID == a.sw.RunID:
		a.setStatus(fmt.Sprintf("run %d is the one measuring now: it continues by itself (esc shows it)", r.ID), false)
		return nil
	case a.sw != nil && a.sw.Active():
		a.setStatus(fmt.Sprintf("run %d is still measuring: stop it (n) before continuing run %d", a.sw.RunID, r.ID), true)
		return nil
	case a.opening != nil:
		a.setStatus("a run is being opened: wait for it", false)
		return nil
	}
	base := a.opt.Spec
	if a.run != nil {
		base = a.run.spec
	}
	res := *r.Resumable
	a.views = views{}
	return a.startSpec(resumeSpec(base, res))
}

// viewBody draws the open workbench view in w×bodyH with its key help,
// or reports false when none is open.
func (a *app) viewBody(w, h, bodyH int) (string, keys.Set, bool) {
	v := a.views
	switch {
	case v.cmdline != nil:
		return v.cmdline.View(a.st, w, bodyH), keys.Set{Short: []key.Binding{keys.Brief(keys.Back, "close")}}, true
	case v.detail != nil:
		v.detail.SetSize(w, bodyH)
		return v.detail.View(), keys.DetailSet(), true
	case v.ab != nil:
		if s, _ := a.focusSweep(); s != nil {
			v.ab.Set(s.Plan.Grid, s.ABComparison())
		}
		v.ab.SetSize(w, bodyH)
		return v.ab.View(), keys.ABSet(), true
	case v.shards != nil:
		if v.filter != nil {
			body := a.shardsBody(w, h, bodyH-1)
			return theme.Fit(body, w, bodyH-1) + "\n" + theme.Cut(v.filter.View(), w), keys.FilterSet(), true
		}
		return a.shardsBody(w, h, bodyH), keys.ShardsSet(), true
	case v.filter != nil && v.history == nil:
		body := a.runBody(w, h, bodyH-1)
		return body + "\n" + theme.Cut(v.filter.View(), w), keys.FilterSet(), true
	case v.history != nil:
		body := a.historyBody(w, bodyH)
		if v.filter != nil {
			body = theme.Fit(body, w, bodyH-1) + "\n" + theme.Cut(v.filter.View(), w)
			return body, keys.FilterSet(), true
		}
		if a.show && v.history.Tab == history.Runs {
			return body, keys.ShowListSet(), true
		}
		return body, keys.HistorySet(v.history.Tab == history.Opened, v.history.Tab == history.Compared), true
	}
	return "", keys.Set{}, false
}

// detailStep is the row a key in the detail moves to: -1, +1, or 0.
func detailStep(msg tea.KeyMsg) int {
	switch {
	case key.Matches(msg, keys.PrevRow):
		return -1
	case key.Matches(msg, keys.NextRow):
		return 1
	}
	return 0
}

// historyBody draws the history in w×h: its tabs, then the list, the
// opened run (read-only, with the run view's own panes) or the comparison.
func (a *app) historyBody(w, h int) string {
	v := a.views
	hist := v.history
	bh := h - 1
	switch hist.Tab {
	case history.Opened:
		_, s := hist.Opened()
		if s == nil {
			return hist.TabsLine() + "\n" + a.st.Subtle.Render("no run opened: choose one in the list and press enter")
		}
		return hist.TabsLine() + "\n" + a.pastView().Draw(s, a.now(), false, false, w, bh, bh)
	case history.Compared:
		if v.cmp == nil {
			return hist.TabsLine() + "\n" + a.st.Subtle.Render(hist.Note)
		}
		v.cmp.SetSize(w, bh)
		return hist.TabsLine() + "\n" + v.cmp.View()
	}
	hist.SetSize(w, h)
	return hist.View()
}
