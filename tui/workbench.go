package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/tui/views/detail"
	"github.com/hcbench/hcbench/tui/views/runview"
	"github.com/hcbench/hcbench/tui/views/setup"
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
	history *historyModel
	filter  *runview.FilterInput
	cmdline *cmdlineModel
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
	case v.history != nil:
		switch act := v.history.Update(msg, a.haveBaseline()); act {
		case keys.ActClose:
			v.history = nil
		case keys.ActDetail:
			a.openDetail()
		case keys.ActFilter:
			v.filter = runview.NewFilterInput(a.focusTable().Filter().String())
		case keys.ActResume:
			return a.continueRun(), true
		case keys.ActCompare:
			return v.history.compareCmd(), true
		default:
			return a.do(act), true
		}
		return nil, true
	}
	if a.screen != screenRun || a.editor != nil || a.sw == nil {
		return nil, false
	}
	switch {
	case key.Matches(msg, keys.Open):
		a.openDetail()
	case key.Matches(msg, keys.History):
		h, cmd := newHistory(a.jsonlPath(), a.outDir(), a.st)
		v.history = h
		return cmd, true
	case key.Matches(msg, keys.Filter):
		v.filter = runview.NewFilterInput(a.runv.Table.Filter().String())
	case key.Matches(msg, keys.Command):
		line := a.runCommand()
		v.cmdline = &cmdlineModel{line: line, copied: a.clip != nil}
		return copyCmd(a.clip, line), true
	case key.Matches(msg, keys.New):
		return a.newSweep(), true
	default:
		return nil, false
	}
	return nil, true
}

// applyMsg carries the result of a view's work done off the UI goroutine
// (reading the history, comparing runs) as the change it makes.
type applyMsg func(*app)

// outDir is the output directory as typed: the run's on screen, else the
// flags'.
func (a *app) outDir() string {
	if a.run != nil {
		return setup.OutDir(a.run.spec)
	}
	return setup.OutDir(a.opt.Spec)
}

// jsonlPath is the output directory's history on disk.
func (a *app) jsonlPath() string { return store.PathsFor(a.resolve(a.outDir())).JSONL }

// focusTable is the table keys and filters go to: the history's opened run,
// or the live run's.
func (a *app) focusTable() *runview.Table {
	if h := a.views.history; h != nil && h.tab == tabRun && h.openS != nil {
		return &h.view.Table
	}
	return &a.runv.Table
}

// focusSweep is the sweep drawn in the focused table.
func (a *app) focusSweep() (*runstate.Run, string) {
	if h := a.views.history; h != nil && h.tab == tabRun && h.openS != nil {
		return h.openS, fmt.Sprintf("run %d (history, read-only)", h.open.id)
	}
	return a.sw, fmt.Sprintf("run %d", a.sw.RunID)
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
	r, ok := a.views.history.selected()
	switch {
	case !ok:
		return nil
	case r.resumable == nil:
		a.setStatus(fmt.Sprintf("run %d has nothing left to measure", r.id), false)
		return nil
	case a.sw != nil && a.sw.Active():
		a.setStatus(fmt.Sprintf("run %d is still measuring: stop it (n) before continuing run %d", a.sw.RunID, r.id), true)
		return nil
	case a.opening != nil:
		a.setStatus("a run is being opened: wait for it", false)
		return nil
	}
	base := a.opt.Spec
	if a.run != nil {
		base = a.run.spec
	}
	res := *r.resumable
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
	case v.filter != nil && v.history == nil:
		body := a.runBody(w, h, bodyH-1)
		return body + "\n" + theme.Cut(v.filter.View(), w), keys.FilterSet(), true
	case v.history != nil:
		body := v.history.View(a.st, a.now(), w, bodyH)
		if v.filter != nil {
			body = theme.Fit(body, w, bodyH-1) + "\n" + theme.Cut(v.filter.View(), w)
			return body, keys.FilterSet(), true
		}
		return body, keys.HistorySet(v.history.tab == tabRun, v.history.tab == tabCompare), true
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
