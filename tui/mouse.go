package tui

import (
	"regexp"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/tui/views/history"
	"github.com/hcbench/hcbench/tui/views/runview"
	"github.com/hcbench/hcbench/tui/widgets/heatmap"
)

// The mouse: the wheel scrolls the table and the lists, a click selects a
// table row (a second click on it opens its detail), sorts by a header,
// shows a heatmap cell's configs (as a table filter), or picks a history
// tab. Every one of these has a key too.
//
// Clicks are placed by reading the screen last drawn rather than by
// recomputing the layout: a row is found by the config written on it, a
// heatmap cell by the heatmap's own header and row labels. So the panes
// keep their layout code to themselves, and a click can never disagree
// with what the user sees.

var configRe = regexp.MustCompile(`D=(\d+) K=(\d+) T=(\d+)`)

// onMouse handles one mouse event.
func (a *app) onMouse(msg tea.MouseMsg) tea.Cmd {
	if a.prompt != nil || a.helpView.open || a.editor != nil || a.screen != screenRun || (a.sw == nil && a.views.history == nil && a.views.shards == nil) {
		return nil
	}
	v := &a.views
	wheel := 0
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		wheel = -1
	case tea.MouseButtonWheelDown:
		wheel = 1
	}
	if wheel != 0 {
		a.scroll(wheel)
		return nil
	}
	if msg.Button != tea.MouseButtonLeft || msg.Action != tea.MouseActionPress {
		return nil
	}
	switch {
	case v.cmdline != nil:
		v.cmdline = nil
		return nil
	case v.detail != nil, v.filter != nil, v.ab != nil:
		return nil
	case v.history != nil:
		return a.clickHistory(msg.X, msg.Y)
	}
	a.clickScreen(msg.X, msg.Y)
	return nil
}

// scroll moves what the wheel is over by n rows.
func (a *app) scroll(n int) {
	v := &a.views
	switch {
	case v.detail != nil:
		v.detail.Scroll(n)
	case v.ab != nil:
		v.ab.Scroll(n)
	case v.history != nil && v.history.Tab == history.Runs:
		v.history.Move(n)
	case v.history != nil && v.history.Tab == history.Compared && v.cmp != nil:
		v.cmp.Scroll(n)
	default:
		t := a.focusTable()
		if n < 0 {
			t.MoveUp(-n)
		} else {
			t.MoveDown(n)
		}
	}
}

// clickHistory handles a click on the history: its tabs line, a run in
// the list (twice opens it), or the opened run's screen.
func (a *app) clickHistory(x, y int) tea.Cmd {
	h := a.views.history
	const tabsY = 1 // under the title line
	if y == tabsY {
		if t, ok := h.TabAt(x); ok {
			h.SetTab(t)
		}
		return nil
	}
	switch h.Tab {
	case history.Runs:
		h.Click(y - tabsY - 1) // the list's header line is under the tabs
	case history.Opened:
		if a.pastOpen() {
			a.clickScreen(x, y)
		}
	}
	return nil
}

// clickScreen reads the clicked line of the last drawing: a table header
// sorts, a config selects its row (or opens the selected one), a heatmap
// cell filters the table to that cell's configs.
func (a *app) clickScreen(x, y int) {
	lines := strings.Split(a.view, "\n")
	if y < 0 || y >= len(lines) {
		return
	}
	line := ansi.Strip(lines[y])
	t := a.focusTable()
	if a.clickHeader(t, line, x) {
		return
	}
	if a.clickHeat(lines, x, y) {
		return
	}
	for _, m := range configRe.FindAllStringSubmatchIndex(line, -1) {
		// The config nearest the click on the line (the chart and heatmap
		// never write one, the table and summary do).
		c := bench.Config{D: cellInt(line[m[2]:m[3]]), K: cellInt(line[m[4]:m[5]]), T: cellInt(line[m[6]:m[7]])}
		for i, rc := range t.Configs() {
			if rc != c {
				continue
			}
			if t.Cursor() == i {
				a.openDetail()
			} else {
				t.SetCursor(i)
			}
			return
		}
	}
}

func cellInt(s string) int { n, _ := strconv.Atoi(s); return n }

// clickHeader sorts by the column whose title was clicked (again: the
// other way).
func (a *app) clickHeader(t *runview.Table, line string, x int) bool {
	if !t.IsHeader(line) {
		return false
	}
	x0 := ansi.StringWidth(line[:strings.Index(line, "#")]) - 1 // the cell's left padding
	if i, ok := t.HeaderAt(x0, x); ok {
		t.SortBy(i)
	}
	return true
}

// clickHeat finds the heatmap on the screen by its header line and, when
// (x, y) falls on one of its cells, filters the table to that cell's
// configs ("D=3 K=5"; a binned cell "D=2..11 K=3..5"). A click on a row
// label filters by the row alone.
func (a *app) clickHeat(lines []string, x, y int) bool {
	heat := strings.Split(ansi.Strip(a.focusView().HeatView()), "\n")
	if len(heat) < 2 || strings.TrimSpace(heat[0]) == "" {
		return false
	}
	head := strings.TrimRight(heat[0], " ")
	for y0 := max(0, y-len(heat)); y0 < y; y0++ {
		s := ansi.Strip(lines[y0])
		i := strings.Index(s, head)
		if i < 0 {
			continue
		}
		x0 := ansi.StringWidth(s[:i])
		row := y - y0
		if row >= len(heat) {
			return false
		}
		terms, ok := heatmap.Hit(heat, a.focusAxes(), x-x0, row)
		if !ok {
			return false
		}
		t := a.focusTable()
		t.SetFilter(runview.ParseFilter(strings.Join(terms, " ")))
		a.setStatus("showing "+strings.Join(terms, " ")+" (a heatmap cell) · / edits the filter, esc in it clears", false)
		return true
	}
	return false
}

// focusAxes are the axes of the heatmap in focus.
func (a *app) focusAxes() heatmap.Axes { return a.focusView().Heat.Axes }
