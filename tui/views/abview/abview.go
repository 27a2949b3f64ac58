// Package abview is the workbench's A/B view of a sweep with --vs: variant
// B against A config by config, as report/compare's CompareAB makes it —
// a diverging heatmap of the ratios B/A (faster one way, slower the
// other, "=" within the --same-within margin; glyphs carry the direction
// and size, so it reads with NO_COLOR), then a table with both headlines,
// the ratio and its interval, the verdict and the pairs, filling in live
// as configs finish.
package abview

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/tui/widgets/heatmap"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/scroll"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// Model is the A/B view of one sweep.
type Model struct {
	grid bench.Grid
	vs   bench.Variant
	ab   *compare.AB // nil until a config of both variants finished
	axes heatmap.Axes
	sc   scroll.Model
	st   theme.Styles
	w, h int
}

// New is the A/B view of a sweep of grid whose variant B is vs.
func New(grid bench.Grid, vs bench.Variant, st theme.Styles) *Model {
	sc := scroll.New(scroll.KeyMap{Up: keys.Up, Down: keys.Down, PageUp: keys.PageUp, PageDown: keys.PageDown, Home: keys.Home, End: keys.End}, st.Subtle)
	return &Model{grid: grid, vs: vs, st: st, sc: sc}
}

// Set takes the comparison so far (the session's, corrected anew as each
// config finishes) and the grid, which a live edit may have changed.
func (m *Model) Set(grid bench.Grid, ab *compare.AB) { m.grid, m.ab = grid, ab }

// SetSize sets the size View draws in.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

func (m *Model) Init() tea.Cmd { return nil }

// Update scrolls the table; a cycles the heatmap's axes; esc closes.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		return m, m.Key(k).Cmd()
	}
	return m, nil
}

// Key handles a key: esc closes the view (keys.ActClose).
func (m *Model) Key(msg tea.KeyMsg) keys.Action {
	switch {
	case key.Matches(msg, keys.Back):
		return keys.ActClose
	case key.Matches(msg, keys.Axes):
		m.axes = m.axes.Next()
		return keys.ActNone
	}
	m.sc.Update(msg)
	return keys.ActNone
}

// Scroll moves the table by n lines (the wheel).
func (m *Model) Scroll(n int) { m.sc.Scroll(n) }

// View draws the title, the summary line, the heatmap and the table.
func (m *Model) View() string {
	st, w, h := m.st, m.w, m.h
	parts := []string{st.PaneTitle.Render(theme.Cut("A/B: variant B is --vs "+m.vs.String()+" (esc: back, a: axes)", w))}
	if m.ab == nil || len(m.ab.Entries) == 0 {
		parts = append(parts, st.Subtle.Render(theme.Wrap("No config has both variants yet: each appears here as it finishes.", w)))
		return strings.Join(parts, "\n")
	}
	parts = append(parts, st.Value.Render(theme.Wrap(report.DescribeAB(*m.ab, m.vs), w)))
	rowName, _, _ := m.axes.Names()
	heatH := min(len(heatmap.AxisValues(m.grid, rowName)), heatmap.MaxRows) + 3
	if h-len(parts)-heatH < 6 {
		heatH = 0 // the table matters more
	}
	if heatH > 0 {
		parts = append(parts, m.heat(w, heatH-1)...)
	}
	used := 0
	for _, p := range parts {
		used += strings.Count(p, "\n") + 1
	}
	return strings.Join(parts, "\n") + "\n" + m.sc.Window(m.tableLines(w), h-used)
}

// Glyphs of the diverging scale, from much faster to much slower; the
// middle one is "within the margin".
var Glyphs = [...]string{"▼▼ ", "▽  ", "=  ", "△  ", "▲▲ "}

// level places a ratio on the diverging scale: within ±margin is the
// middle; beyond four margins the ends.
func level(r, margin float64) int {
	l := math.Log(r)
	lo, hi := math.Log(1-margin), math.Log(1+margin)
	switch {
	case l <= 4*lo:
		return 0
	case l < lo:
		return 1
	case l <= hi:
		return 2
	case l < 4*hi:
		return 3
	}
	return 4
}

// style is a level's colour: faster good, slower an error, within the
// margin subtle.
func (m *Model) style(lv int) lipgloss.Style {
	switch {
	case lv < 2:
		return m.st.Good
	case lv > 2:
		return m.st.ErrText
	}
	return m.st.Subtle
}

// heat draws the ratios B/A over the view's axes, each cell the geometric
// mean over the third axis and its glyph; its lines fit h.
func (m *Model) heat(w, h int) []string {
	rowName, colName, third := m.axes.Names()
	rows, cols := heatmap.AxisValues(m.grid, rowName), heatmap.AxisValues(m.grid, colName)
	type cell struct {
		sum      float64
		n, total int
	}
	nr := max(1, min(len(rows), h-2, heatmap.MaxRows))
	labelW := 0
	rowStart := bins(len(rows), nr)
	for k := 0; k+1 < len(rowStart); k++ {
		labelW = max(labelW, len(binLabel(rows, rowStart, k)))
	}
	labelW += len(rowName) + 2
	const valW = 10 // "▲▲ 1.03×~" and a space
	cellW := valW
	if labelW+len(cols)*cellW > w {
		cellW = 3 // glyphs only
	}
	nc := max(1, min(len(cols), (w-labelW)/cellW))
	colStart := bins(len(cols), nc)
	grid := make([][]cell, len(rowStart)-1)
	for i := range grid {
		grid[i] = make([]cell, len(colStart)-1)
	}
	find := func(vals, start []int, v int) int {
		for k := 0; k+1 < len(start); k++ {
			for _, x := range vals[start[k]:start[k+1]] {
				if x == v {
					return k
				}
			}
		}
		return -1
	}
	for _, c := range m.grid.Configs() {
		i, j := find(rows, rowStart, heatmap.AxisOf(c, rowName)), find(cols, colStart, heatmap.AxisOf(c, colName))
		if i < 0 || j < 0 {
			continue
		}
		grid[i][j].total++
		if e, ok := m.ab.Lookup(c); ok && e.Cmp.Ratio > 0 && !math.IsInf(e.Cmp.Ratio, 0) {
			grid[i][j].sum += math.Log(e.Cmp.Ratio)
			grid[i][j].n++
		}
	}
	title := fmt.Sprintf("B/A · %s×%s · geo-mean over %s · ▼▼ ▽ faster  = within ±%g%%  △ ▲▲ slower", rowName, colName, third, m.ab.Margin*100)
	out := []string{m.st.Subtle.Render(theme.Cut(title, w))}
	head := strings.Repeat(" ", labelW)
	for k := 0; k+1 < len(colStart); k++ {
		head += theme.Pad(colName+"="+binLabel(cols, colStart, k), cellW)
	}
	out = append(out, m.st.Subtle.Render(theme.Cut(head, w)))
	for i := range grid {
		line := m.st.Subtle.Render(theme.Pad(rowName+"="+binLabel(rows, rowStart, i), labelW))
		for j := range grid[i] {
			c := grid[i][j]
			if c.n == 0 {
				line += m.st.Pending.Render(theme.Pad("·", cellW))
				continue
			}
			r := math.Exp(c.sum / float64(c.n))
			lv := level(r, m.ab.Margin)
			txt := Glyphs[lv]
			if cellW == valW {
				txt += compare.FormatRatio(r)
				if c.n < c.total {
					txt += "~" // partial: the third axis not all done
				}
			}
			line += m.style(lv).Render(theme.Pad(txt, cellW))
		}
		out = append(out, theme.Cut(line, w))
	}
	return out
}

// bins splits n values into nb runs of consecutive ones: bin k holds
// [start[k], start[k+1]).
func bins(n, nb int) []int {
	nb = max(1, min(n, nb))
	start := make([]int, nb+1)
	for k := range start {
		start[k] = k * n / nb
	}
	return start
}

// binLabel names a bin by its values: "10" or "2–11".
func binLabel(vals, start []int, k int) string {
	lo, hi := vals[start[k]], vals[start[k+1]-1]
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

// tableLines are the per-config comparison in grid order, what matters
// first (the ratio and verdict) so that a narrow screen keeps it.
func (m *Model) tableLines(w int) []string {
	st := m.st
	head := theme.Pad("config", 16) + theme.Pad("B/A [CI] level", 31) + theme.Pad("verdict", 8) + theme.Pad("A", 9) +
		theme.Pad("B", 9) + theme.Pad("p (Holm)", 10) + "pairs"
	out := []string{st.TableHeader.UnsetPadding().Render(theme.Cut(head, w))}
	for _, e := range m.ab.Entries {
		p := "–"
		if !math.IsNaN(e.PAdj) {
			p = runstate.PText(e.PAdj)
		}
		ci := compare.FormatRatioCI(e.Cmp)
		if e.Cmp.Level > 0 {
			ci += " " + bench.FormatLevel(e.Cmp.Level)
		}
		pairs := fmt.Sprint(e.Pairs)
		if e.Contended > 0 {
			pairs += fmt.Sprintf(" (+%d contended)", e.Contended)
		}
		verdict := e.Verdict
		lv := 2
		if e.Cmp.Ratio > 0 && !math.IsInf(e.Cmp.Ratio, 0) {
			lv = level(e.Cmp.Ratio, m.ab.Margin)
		}
		if verdict == compare.VerdictUnchanged || verdict == compare.VerdictTooFew {
			lv = 2 // no colour for what was not shown
		}
		l := theme.Pad(e.Config.String(), 16) + theme.Pad(ci, 30) + " " + m.style(lv).Render(theme.Pad(verdict, 8)) +
			theme.Pad(bench.FormatSeconds(report.Headline(e.A)), 9) + theme.Pad(bench.FormatSeconds(report.Headline(e.B)), 9) +
			theme.Pad(p, 10) + pairs
		out = append(out, theme.Cut(l, w))
	}
	return out
}
