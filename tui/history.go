package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/tui/views/comparison"
	"github.com/hcbench/hcbench/tui/views/runview"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// pastRun is one run recorded in the output directory's JSONL.
type pastRun struct {
	id        int64
	started   time.Time // the run id's second: when the run started
	plan      bench.Plan
	gridKnown bool           // the records carry the grid (older files do not)
	results   []bench.Result // the last record of each config, in first-record order
	done      int            // configs of the grid with a result
	machine   store.Machine
	engine    string
	// resumable is the run as a resume continues it (nil when it has
	// nothing left to measure, or no grid on record).
	resumable *store.Resumable
}

func (r pastRun) complete() bool { return r.gridKnown && r.done >= r.plan.Grid.Size() }

func (r pastRun) status() string {
	if !r.gridKnown {
		return fmt.Sprintf("%d recorded", len(r.results)) // no grid on record: done of what is unknown
	}
	word := "partial"
	if r.complete() {
		word = "complete"
	}
	return fmt.Sprintf("%s %d/%d", word, r.done, r.plan.Grid.Size())
}

// readHistory lists the runs of the JSONL at path, newest first (by each
// run's last record: a resumed run appends under its old id). It reads
// with report's reader, tolerating a torn last line as --resume does.
func readPastRuns(path string) ([]pastRun, error) {
	recs, _, err := store.ReadJSONLRepair(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	byRun := store.Runs(recs)
	last := map[int64]int{}
	first := map[int64]store.Record{}
	grid := map[int64]*bench.Grid{}
	recsOf := map[int64][]store.Record{}
	var order []int64
	for i, r := range recs {
		if _, ok := last[r.RunID]; !ok {
			order = append(order, r.RunID)
			first[r.RunID] = r
		}
		last[r.RunID] = i
		recsOf[r.RunID] = append(recsOf[r.RunID], r)
		if r.Grid != nil {
			grid[r.RunID] = r.Grid
		}
	}
	slices.SortStableFunc(order, func(a, b int64) int { return last[b] - last[a] })
	out := make([]pastRun, 0, len(order))
	for _, id := range order {
		f := first[id]
		pr := pastRun{id: id, started: time.Unix(id, 0).UTC(), machine: f.Machine, engine: f.Engine, results: byRun[id]}
		if pr.engine == "" {
			pr.engine = "go"
		}
		pr.plan = bench.Plan{Depths: f.Depths, Repeats: f.Repeats, Seed: f.Seed, Policy: f.Policy, Timing: f.Timing}
		if f.Engine == bench.EnginePython {
			pr.plan.Engine = bench.EnginePython // continued with the engine it was measured with
		}
		if g := grid[id]; g != nil {
			pr.plan.Grid, pr.gridKnown = *g, true
			for _, r := range pr.results {
				if g.Contains(r.Config) {
					pr.done++
				}
			}
		} else {
			pr.plan.Grid = gridOf(pr.results)
			pr.done = len(pr.results)
		}
		// What a resume of it continues: report/store's reading, the one
		// --resume and the session use.
		if res, ok := store.FindResumable(recsOf[id], nil); ok {
			pr.resumable = &res
		}
		out = append(out, pr)
	}
	return out, nil
}

// gridOf is the smallest grid holding every result's config.
func gridOf(rs []bench.Result) bench.Grid {
	var g bench.Grid
	add := func(v *[]int, x int) {
		if !slices.Contains(*v, x) {
			*v = append(*v, x)
		}
	}
	for _, r := range rs {
		add(&g.Dims, r.D)
		add(&g.Branches, r.K)
		add(&g.SeqLens, r.T)
	}
	slices.Sort(g.Dims)
	slices.Sort(g.Branches)
	slices.Sort(g.SeqLens)
	return g
}

// historyTab is which of the history's views is shown.
type historyTab int

const (
	tabRuns historyTab = iota
	tabRun
	tabCompare
	numTabs
)

// historyModel browses every run in the output directory: a list, one run
// opened read-only (its table, heatmap and summary), and the comparison of
// two marked runs.
type historyModel struct {
	path    string // the JSONL on disk
	shown   string // the JSONL as the user typed its directory
	out     string // the directory as typed
	runs    []pastRun
	err     error
	loading bool // the JSONL is being read, off the UI goroutine
	cursor  int
	top     int // first list row shown
	marked  []int64

	tab     historyTab
	open    *pastRun
	openS   *runstate.Run // the opened run as the run view draws it
	view    *runview.Model
	cmp     *comparison.Model
	st      theme.Styles
	cmpNote string // why there is no comparison yet
}

// newHistory opens the history of the JSONL at path and returns the
// command that reads it: a long history never holds up the screen.
func newHistory(path, out string, st theme.Styles) (*historyModel, tea.Cmd) {
	h := &historyModel{path: path, shown: store.PathsFor(out).JSONL, out: out, view: runview.New(st), loading: true, st: st}
	return h, safeCmd(func() tea.Msg {
		runs, err := readPastRuns(path)
		return applyMsg(func(a *app) {
			if a.views.history == h {
				h.runs, h.err, h.loading = runs, err, false
			}
		})
	})
}

// selected is the run under the cursor.
func (h *historyModel) selected() (pastRun, bool) {
	if h.cursor < 0 || h.cursor >= len(h.runs) {
		return pastRun{}, false
	}
	return h.runs[h.cursor], true
}

func (h *historyModel) move(n int) {
	h.cursor = max(0, min(len(h.runs)-1, h.cursor+n))
}

// Update handles a key on the history; the app carries out what it asks.
func (h *historyModel) Update(msg tea.KeyMsg, haveBaseline bool) keys.Action {
	switch {
	case key.Matches(msg, keys.Quit):
		return keys.ActQuit
	case key.Matches(msg, keys.Help):
		return keys.ActHelp
	case key.Matches(msg, keys.Tab):
		h.setTab((h.tab + 1) % numTabs)
		return keys.ActNone
	case key.Matches(msg, keys.Back):
		if h.tab != tabRuns {
			h.tab = tabRuns
			return keys.ActNone
		}
		return keys.ActClose
	}
	switch h.tab {
	case tabRun:
		if h.openS == nil {
			return keys.ActNone
		}
		if key.Matches(msg, keys.Open) {
			return keys.ActDetail
		}
		if key.Matches(msg, keys.Filter) {
			return keys.ActFilter
		}
		return readOnly(h.view.Key(msg, false))
	case tabCompare:
		if h.cmp != nil {
			h.cmp.Key(msg)
		}
		return keys.ActNone
	}
	switch {
	case key.Matches(msg, keys.Up):
		h.move(-1)
	case key.Matches(msg, keys.Down):
		h.move(1)
	case key.Matches(msg, keys.PageUp):
		h.move(-10)
	case key.Matches(msg, keys.PageDown):
		h.move(10)
	case key.Matches(msg, keys.Home):
		h.cursor = 0
	case key.Matches(msg, keys.End):
		h.cursor = max(0, len(h.runs)-1)
	case key.Matches(msg, keys.Open):
		h.openSelected()
	case key.Matches(msg, keys.Mark):
		h.toggleMark()
	case key.Matches(msg, keys.Compare):
		return keys.ActCompare
	case key.Matches(msg, keys.Resume):
		return keys.ActResume
	}
	return keys.ActNone
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

func (h *historyModel) setTab(t historyTab) {
	h.tab = t
	if t == tabRun && h.open == nil {
		h.openSelected()
	}
}

// openSelected shows the run under the cursor read-only.
func (h *historyModel) openSelected() {
	r, ok := h.selected()
	if !ok {
		return
	}
	h.open = &r
	h.openS = pastSweep(r)
	h.view = runview.New(h.st)
	h.tab = tabRun
}

// pastSweep is a recorded run as the run view draws it: finished, or
// stopped when part of its grid has no result.
func pastSweep(r pastRun) *runstate.Run {
	s := runstate.New(r.id, r.plan, r.results, r.started)
	s.Phase = runstate.Stopped
	if r.complete() || !r.gridKnown {
		s.Phase = runstate.Finished
	}
	return s
}

func (h *historyModel) toggleMark() {
	r, ok := h.selected()
	if !ok {
		return
	}
	if i := slices.Index(h.marked, r.id); i >= 0 {
		h.marked = slices.Delete(h.marked, i, i+1)
		return
	}
	h.marked = append(h.marked, r.id)
	if len(h.marked) > 2 {
		h.marked = h.marked[len(h.marked)-2:] // the two marked last
	}
}

func (h *historyModel) find(id int64) (pastRun, bool) {
	for _, r := range h.runs {
		if r.id == id {
			return r, true
		}
	}
	return pastRun{}, false
}

// compareCmd shows the compare tab and returns the command that compares
// the two marked runs (the older as the baseline) off the UI goroutine.
func (h *historyModel) compareCmd() tea.Cmd {
	h.tab, h.cmp = tabCompare, nil
	if len(h.marked) != 2 {
		h.cmpNote = "mark two runs in the list (space or x), then press c"
		return nil
	}
	a, _ := h.find(h.marked[0])
	b, _ := h.find(h.marked[1])
	old, cur := a, b
	if a.started.After(b.started) || (a.started.Equal(b.started) && a.id > b.id) {
		old, cur = b, a
	}
	h.cmpNote = fmt.Sprintf("comparing run %d with run %d…", cur.id, old.id)
	path, shown, st := h.path, h.shown, h.st
	return safeCmd(func() tea.Msg {
		c := comparison.New(path, shown, old.id, cur.id, pastSweep(cur), st)
		return applyMsg(func(app *app) {
			if app.views.history == h && h.cmpNote != "" {
				h.cmp, h.cmpNote = c, ""
			}
		})
	})
}

// View draws the history in w×h: the tabs, then the tab's view.
func (h *historyModel) View(st theme.Styles, now time.Time, w, height int) string {
	tabs := h.tabsLine(st)
	body := ""
	bh := height - 1
	switch h.tab {
	case tabRuns:
		body = h.listView(st, w, bh)
	case tabRun:
		if h.openS == nil {
			body = st.Subtle.Render("no run opened: choose one in the list and press enter")
		} else {
			body = h.view.Draw(h.openS, now, false, false, w, bh, bh)
		}
	case tabCompare:
		if h.cmp == nil {
			body = st.Subtle.Render(h.cmpNote)
		} else {
			h.cmp.SetSize(w, bh)
			body = h.cmp.View()
		}
	}
	return tabs + "\n" + body
}

// tabNames are the tabs as drawn; brackets mark the open one without colour.
func (h *historyModel) tabNames() []string {
	run := "Run"
	if h.open != nil {
		run = fmt.Sprintf("Run %d", h.open.id)
	}
	return []string{fmt.Sprintf("Runs (%d)", len(h.runs)), run, "Compare"}
}

func (h *historyModel) tabsLine(st theme.Styles) string {
	var parts []string
	for i, n := range h.tabNames() {
		if historyTab(i) == h.tab {
			parts = append(parts, st.PaneTitle.Render("["+n+"]"))
		} else {
			parts = append(parts, st.Subtle.Render(" "+n+" "))
		}
	}
	return strings.Join(parts, " ")
}

// tabAt is the tab drawn at column x of the tabs line.
func (h *historyModel) tabAt(x int) (historyTab, bool) {
	pos := 0
	for i, n := range h.tabNames() {
		w := lipgloss.Width(n) + 2
		if x >= pos && x < pos+w {
			return historyTab(i), true
		}
		pos += w + 1
	}
	return 0, false
}

// listView is the runs, newest first, one line each.
func (h *historyModel) listView(st theme.Styles, w, height int) string {
	if h.err != nil {
		// Named as the user typed the directory, like everything else here.
		return st.ErrText.Render(theme.Wrap("✗ "+strings.ReplaceAll(h.err.Error(), h.path, h.shown), w))
	}
	if h.loading {
		return st.Subtle.Render("reading " + h.shown + "…")
	}
	if len(h.runs) == 0 {
		return st.Subtle.Render("no runs recorded in " + h.shown + " yet")
	}
	head := "   " + theme.Pad("run", 12) + theme.Pad("status", 16) + theme.Pad("grid", 24) + theme.Pad("date (UTC)", 18) + "engine · machine · settings"
	lines := []string{st.TableHeader.UnsetPadding().Render(theme.Cut(head, w))}
	// A run with something left to measure says how to continue it, here
	// and from a shell (the spelling of every printed command).
	cont := ""
	if r, ok := h.selected(); ok && r.resumable != nil {
		cont = theme.Wrap(fmt.Sprintf("u continues run %d here · from a shell: %s", r.id, continueCommand(*r.resumable, h.out)), w)
	}
	contH := 0
	if cont != "" {
		contH = lipgloss.Height(cont)
	}
	rows := max(1, height-3-contH)
	if h.cursor < h.top {
		h.top = h.cursor
	}
	if h.cursor >= h.top+rows {
		h.top = h.cursor - rows + 1
	}
	h.top = max(0, min(h.top, len(h.runs)-rows))
	for i := h.top; i < min(len(h.runs), h.top+rows); i++ {
		r := h.runs[i]
		// A cursor column and a mark column, so both read without colour.
		mark := "  "
		if i == h.cursor {
			mark = "› "
		}
		if slices.Contains(h.marked, r.id) {
			mark = mark[:len(mark)-1] + "✓"
		}
		mark += " "
		g := r.plan.Grid
		grid := fmt.Sprintf("D=%s K=%s T=%s", bench.FormatList(g.Dims), bench.FormatList(g.Branches), bench.FormatList(g.SeqLens))
		cpu := r.machine.CPU
		if cpu == "" {
			cpu = r.machine.OS + "/" + r.machine.Arch
		}
		settings := fmt.Sprintf("%s · %s · depths %s · %d rep · seed %d · %s · %v", r.engine, cpu,
			bench.FormatList(r.plan.Depths), r.plan.Repeats, r.plan.Seed, r.plan.Policy, r.plan.Timing.MinTime)
		line := mark + theme.Pad(fmt.Sprint(r.id), 12) + theme.Pad(r.status(), 16) + theme.Pad(theme.Cut(grid, 23), 24) +
			theme.Pad(r.started.UTC().Format("2006-01-02 15:04"), 18) + settings
		line = theme.Cut(line, w)
		if i == h.cursor {
			line = st.TableSelected.UnsetTransform().Render(line)
		}
		lines = append(lines, line)
	}
	lines = append(lines, "", st.Subtle.Render(theme.Cut(fmt.Sprintf("%d runs in %s · newest first", len(h.runs), h.shown), w)))
	if cont != "" {
		lines = append(lines, st.Subtle.Render(cont))
	}
	return strings.Join(lines, "\n")
}
