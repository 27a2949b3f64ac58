// Package history is the workbench's history: every run recorded in the
// output directory's JSONL, newest first (read with report/store's reader,
// as --resume reads it), with marks for a comparison, the tabs over it —
// the list, one run opened read-only, the comparison of the two marked —
// and the command that continues an unfinished run. The opened run and
// the comparison are drawn by their own views (runview, comparison); the
// workbench puts them under these tabs.

package history

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
	"github.com/hcbench/hcbench/engine/launch"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// Run is one run recorded in the output directory's JSONL.
type Run struct {
	ID        int64
	Started   time.Time // the run id's second: when the run started
	Plan      bench.Plan
	GridKnown bool           // the records carry the grid (older files do not)
	Results   []bench.Result // the last record of each config, in first-record order
	Done      int            // configs of the grid with a result
	Machine   store.Machine
	Engine    string
	// Resumable is the run as a resume continues it (nil when it has
	// nothing left to measure, or no grid on record).
	Resumable *store.Resumable
}

// Complete: every config of the run's recorded grid has a result.
func (r Run) Complete() bool { return r.GridKnown && r.Done >= r.Plan.Grid.Size() }

// Status is "complete 12/12", "partial 5/12", or "7 recorded" without a grid.
func (r Run) Status() string {
	if !r.GridKnown {
		return fmt.Sprintf("%d recorded", len(r.Results)) // no grid on record: done of what is unknown
	}
	word := "partial"
	if r.Complete() {
		word = "complete"
	}
	return fmt.Sprintf("%s %d/%d", word, r.Done, r.Plan.Grid.Size())
}

// Read lists the runs of the JSONL at path, newest first (by each
// run's last record: a resumed run appends under its old id). It reads
// with report's reader, tolerating a torn last line as --resume does.
func Read(path string) ([]Run, error) {
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
	out := make([]Run, 0, len(order))
	for _, id := range order {
		f := first[id]
		pr := Run{ID: id, Started: time.Unix(id, 0).UTC(), Machine: f.Machine, Engine: f.Engine, Results: byRun[id]}
		if pr.Engine == "" {
			pr.Engine = "go"
		}
		pr.Plan = bench.Plan{Depths: f.Depths, Repeats: f.Repeats, Seed: f.Seed, Policy: f.Policy, Timing: f.Timing,
			KeepRounds: f.KeepRounds} // a continued run records as it was recorded
		if f.Engine == bench.EnginePython {
			pr.Plan.Engine = bench.EnginePython // continued with the engine it was measured with
		}
		if g := grid[id]; g != nil {
			pr.Plan.Grid, pr.GridKnown = *g, true
			for _, r := range pr.Results {
				if g.Contains(r.Config) {
					pr.Done++
				}
			}
		} else {
			pr.Plan.Grid = gridOf(pr.Results)
			pr.Done = len(pr.Results)
		}
		// What a resume of it continues: report/store's reading, the one
		// --resume and the session use.
		if res, ok := store.FindResumable(recsOf[id], nil); ok {
			pr.Resumable = &res
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

// Picture is a recorded run as the run view draws it: finished, or
// stopped when part of its grid has no result.
func Picture(r Run) *runstate.Run {
	s := runstate.New(r.ID, r.Plan, r.Results, r.Started)
	s.Phase = runstate.Stopped
	if r.Complete() || !r.GridKnown {
		s.Phase = runstate.Finished
	}
	return s
}

// ContinueCommand is the command that continues the recorded run res in
// out from a shell: the spelling of every printed command (bench.Args,
// launch.Spec.Args), as the session's own Continue.
func ContinueCommand(res store.Resumable, out string) string {
	words := []string{"hcbench", "--" + session.FlagResume}
	words = append(words, bench.Args(res.Plan)...)
	if n := len(res.Results); n > 0 {
		words = append(words, launch.SpecOf(res.Results[n-1]).Args()...)
	}
	if res.Baseline != "" {
		words = append(words, "--"+session.FlagBaseline, res.Baseline)
	}
	if out != "" && out != session.DefaultOut {
		words = append(words, "-o", out)
	}
	return bench.CommandLine(words...)
}

// Tab is which of the history's tabs is shown.
type Tab int

const (
	Runs     Tab = iota // the list
	Opened              // one run, read-only
	Compared            // the two marked runs compared
	numTabs
)

// Model browses the runs.
type Model struct {
	path    string // the JSONL on disk
	shown   string // the JSONL as the user typed its directory
	out     string // the directory as typed
	runs    []Run
	err     error
	loading bool // the JSONL is being read, off the UI goroutine
	cursor  int
	top     int // first list row shown
	marked  []int64

	Tab   Tab
	open  *Run
	openS *runstate.Run // the opened run as the run view draws it
	// Note says why the Compared tab has no comparison (yet).
	Note string
	// ReadOnly: the workbench continues no run here (hcbench show); the
	// list says how to from a shell.
	ReadOnly bool
	// Live labels the runs being written now: "measuring" (this
	// workbench's own run) or "writing" (another hcbench's, followed).
	Live map[int64]string
	st   theme.Styles
	w, h int
}

// New is the history of the JSONL at path, in the directory out (as
// typed), being read (Loaded gives it its runs).
func New(path, out string, st theme.Styles) *Model {
	return &Model{path: path, shown: store.PathsFor(out).JSONL, out: out, loading: true, st: st}
}

// Path is the JSONL on disk.
func (h *Model) Path() string { return h.path }

// Shown is the JSONL as the user typed its directory.
func (h *Model) Shown() string { return h.shown }

// Loaded gives the history the runs read (or why they could not be).
func (h *Model) Loaded(runs []Run, err error) { h.runs, h.err, h.loading = runs, err, false }

// Reload gives the history the runs read again (the JSONL grew): the
// cursor stays on its run, the marks stay, and the opened run is drawn
// with its new results. A partial run that gained results is labelled
// "writing" until it is complete or stops growing; it returns whether
// any run did.
func (h *Model) Reload(runs []Run, err error) bool {
	if err != nil {
		return false // a torn write is read again at the next change
	}
	before := map[int64]int{}
	for _, r := range h.runs {
		before[r.ID] = len(r.Results)
	}
	sel, hadSel := h.Selected()
	grew := false
	live := map[int64]string{}
	for _, r := range runs {
		if n, ok := before[r.ID]; (!ok || len(r.Results) > n) && !r.Complete() && !h.loading {
			live[r.ID], grew = "writing", true
		}
		if h.Live[r.ID] == "measuring" {
			live[r.ID] = "measuring"
		}
	}
	h.runs, h.err, h.loading, h.Live = runs, nil, false, live
	for i, r := range runs {
		if hadSel && r.ID == sel.ID {
			h.cursor = i
		}
		if h.open != nil && r.ID == h.open.ID && len(r.Results) != len(h.open.Results) {
			r := r
			h.open, h.openS = &r, Picture(r)
			h.openS.Following = live[r.ID] == "writing"
		}
	}
	return grew
}

// status is r's status in the list: "writing 3/12" while it is being
// written, else r.Status().
func (h *Model) status(r Run) string {
	if l := h.Live[r.ID]; l != "" && !r.Complete() {
		return fmt.Sprintf("%s %d/%d", l, r.Done, r.Plan.Grid.Size())
	}
	return r.Status()
}

// Runs are the runs listed, newest first.
func (h *Model) Runs() []Run { return h.runs }

// Selected is the run under the cursor.
func (h *Model) Selected() (Run, bool) {
	if h.cursor < 0 || h.cursor >= len(h.runs) {
		return Run{}, false
	}
	return h.runs[h.cursor], true
}

// Cursor is the list row selected.
func (h *Model) Cursor() int { return h.cursor }

// Move moves the cursor n rows.
func (h *Model) Move(n int) {
	h.cursor = max(0, min(len(h.runs)-1, h.cursor+n))
}

// Opened is the run opened read-only and its picture (nil when none is).
func (h *Model) Opened() (*Run, *runstate.Run) { return h.open, h.openS }

// Key handles a key on the history: the tabs and the list. On the other
// tabs it takes only the tab keys and reports false for the others, which
// belong to the opened run's view or the comparison.
func (h *Model) Key(msg tea.KeyMsg) (keys.Action, bool) {
	switch {
	case key.Matches(msg, keys.Quit):
		return keys.ActQuit, true
	case key.Matches(msg, keys.Help):
		return keys.ActHelp, true
	case key.Matches(msg, keys.Tab):
		h.SetTab((h.Tab + 1) % numTabs)
		return keys.ActNone, true
	case key.Matches(msg, keys.Back):
		if h.Tab != Runs {
			h.Tab = Runs
			return keys.ActNone, true
		}
		return keys.ActClose, true
	}
	if h.Tab != Runs {
		return keys.ActNone, false
	}
	switch {
	case key.Matches(msg, keys.Up):
		h.Move(-1)
	case key.Matches(msg, keys.Down):
		h.Move(1)
	case key.Matches(msg, keys.PageUp):
		h.Move(-10)
	case key.Matches(msg, keys.PageDown):
		h.Move(10)
	case key.Matches(msg, keys.Home):
		h.cursor = 0
	case key.Matches(msg, keys.End):
		h.cursor = max(0, len(h.runs)-1)
	case key.Matches(msg, keys.Open):
		h.OpenSelected()
	case key.Matches(msg, keys.Mark):
		h.toggleMark()
	case key.Matches(msg, keys.Compare):
		return keys.ActCompare, true
	case key.Matches(msg, keys.Resume):
		return keys.ActResume, true
	}
	return keys.ActNone, true
}

// SetTab shows tab t (the Opened tab opens the selected run when none is).
func (h *Model) SetTab(t Tab) {
	h.Tab = t
	if t == Opened && h.open == nil {
		h.OpenSelected()
	}
}

// OpenSelected opens the run under the cursor read-only.
func (h *Model) OpenSelected() {
	r, ok := h.Selected()
	if !ok {
		return
	}
	h.open = &r
	h.openS = Picture(r)
	h.Tab = Opened
}

func (h *Model) toggleMark() {
	r, ok := h.Selected()
	if !ok {
		return
	}
	if i := slices.Index(h.marked, r.ID); i >= 0 {
		h.marked = slices.Delete(h.marked, i, i+1)
		return
	}
	h.marked = append(h.marked, r.ID)
	if len(h.marked) > 2 {
		h.marked = h.marked[len(h.marked)-2:] // the two marked last
	}
}

func (h *Model) find(id int64) (Run, bool) {
	for _, r := range h.runs {
		if r.ID == id {
			return r, true
		}
	}
	return Run{}, false
}

// Marked are the two runs marked, the older first, or false (and the
// Note says so) when two are not.
func (h *Model) Marked() (old, cur Run, ok bool) {
	if len(h.marked) != 2 {
		h.Note = "mark two runs in the list (space or x), then press c"
		return Run{}, Run{}, false
	}
	a, _ := h.find(h.marked[0])
	b, _ := h.find(h.marked[1])
	old, cur = a, b
	if a.Started.After(b.Started) || (a.Started.Equal(b.Started) && a.ID > b.ID) {
		old, cur = b, a
	}
	return old, cur, true
}

func (h *Model) Init() tea.Cmd { return nil }

// Update answers a key (Key); what it asks of the workbench comes back as
// a keys.ActionMsg.
func (h *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		act, _ := h.Key(k)
		return h, act.Cmd()
	}
	return h, nil
}

// SetSize sets the size View draws in.
func (h *Model) SetSize(w, height int) { h.w, h.h = w, height }

// View is the tabs line and, on the Runs tab, the list (the other tabs'
// bodies are their own views').
func (h *Model) View() string {
	body := ""
	if h.Tab == Runs {
		body = h.List(h.w, h.h-1)
	}
	return h.TabsLine() + "\n" + body
}

// tabNames are the tabs as drawn; brackets mark the open one without colour.
func (h *Model) tabNames() []string {
	run := "Run"
	if h.open != nil {
		run = fmt.Sprintf("Run %d", h.open.ID)
	}
	return []string{fmt.Sprintf("Runs (%d)", len(h.runs)), run, "Compare"}
}

// TabsLine is the line of tabs.
func (h *Model) TabsLine() string {
	st := h.st
	var parts []string
	for i, n := range h.tabNames() {
		if Tab(i) == h.Tab {
			parts = append(parts, st.PaneTitle.Render("["+n+"]"))
		} else {
			parts = append(parts, st.Subtle.Render(" "+n+" "))
		}
	}
	return strings.Join(parts, " ")
}

// TabAt is the tab drawn at column x of the tabs line.
func (h *Model) TabAt(x int) (Tab, bool) {
	pos := 0
	for i, n := range h.tabNames() {
		w := lipgloss.Width(n) + 2
		if x >= pos && x < pos+w {
			return Tab(i), true
		}
		pos += w + 1
	}
	return 0, false
}

// Click is a click on line y of the list (0 its header): a run is
// selected, or opened when it already is.
func (h *Model) Click(y int) {
	i := h.top + y - 1
	if y > 0 && i >= 0 && i < len(h.runs) {
		if i == h.cursor {
			h.OpenSelected()
		} else {
			h.cursor = i
		}
	}
}

// List is the runs in w×height, newest first, one line each.
func (h *Model) List(w, height int) string {
	st := h.st
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
	if r, ok := h.Selected(); ok && r.Resumable != nil {
		how := fmt.Sprintf("u continues run %d here · from a shell: ", r.ID)
		if h.ReadOnly {
			how = fmt.Sprintf("run %d continues from a shell: ", r.ID) // hcbench show continues nothing
		}
		cont = theme.Wrap(how+ContinueCommand(*r.Resumable, h.out), w)
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
		if slices.Contains(h.marked, r.ID) {
			mark = mark[:len(mark)-1] + "✓"
		}
		mark += " "
		g := r.Plan.Grid
		grid := fmt.Sprintf("D=%s K=%s T=%s", bench.FormatList(g.Dims), bench.FormatList(g.Branches), bench.FormatList(g.SeqLens))
		cpu := r.Machine.CPU
		if cpu == "" {
			cpu = r.Machine.OS + "/" + r.Machine.Arch
		}
		settings := fmt.Sprintf("%s · %s · depths %s · %d rep · seed %d · %s · %v", r.Engine, cpu,
			bench.FormatList(r.Plan.Depths), r.Plan.Repeats, r.Plan.Seed, r.Plan.Policy, r.Plan.Timing.MinTime)
		line := mark + theme.Pad(fmt.Sprint(r.ID), 12) + theme.Pad(h.status(r), 16) + theme.Pad(theme.Cut(grid, 23), 24) +
			theme.Pad(r.Started.UTC().Format("2006-01-02 15:04"), 18) + settings
		line = theme.Cut(line, w)
		if i == h.cursor {
			line = st.TableSelected.UnsetTransform().Render(line)
		}
		lines = append(lines, line)
	}
	foot := fmt.Sprintf("%s in %s · newest first", bench.Plural(len(h.runs), "run"), h.shown)
	if end := min(len(h.runs), h.top+rows); h.top > 0 || end < len(h.runs) {
		foot = fmt.Sprintf("rows %d–%d of %d · ", h.top+1, end, len(h.runs)) + foot
	}
	lines = append(lines, "", st.Subtle.Render(theme.Cut(foot, w)))
	if cont != "" {
		lines = append(lines, st.Subtle.Render(cont))
	}
	return strings.Join(lines, "\n")
}
