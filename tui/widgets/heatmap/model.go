package heatmap

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// KeyMap are the keys a heatmap answers: the next metric, the next axes.
type KeyMap struct{ Metric, Axes key.Binding }

// Model is a heatmap as a tea.Model: the metric and axes chosen, changed
// by its keys, over a source drawn at a size.
type Model struct {
	Metric Metric
	Axes   Axes
	keys   KeyMap
	st     Styles

	src      Source
	baseline bool // the ratio metric is offered
	w, h     int
}

// New is a heatmap of the median time over D×K.
func New(keys KeyMap, st Styles) *Model { return &Model{keys: keys, st: st} }

// SetSource sets what is drawn, and whether it has a baseline (which adds
// the ratio to the metrics).
func (m *Model) SetSource(src Source, baseline bool) {
	m.src, m.baseline = src, baseline
	if !baseline && m.Metric == Ratio {
		m.Metric = Time
	}
}

// SetSize sets the size View draws in.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

func (m *Model) Init() tea.Cmd { return nil }

// Update cycles the metric or the axes on their keys.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, m.keys.Metric):
			m.Metric = m.Metric.Next(m.baseline)
		case key.Matches(k, m.keys.Axes):
			m.Axes = m.Axes.Next()
		}
	}
	return m, nil
}

// View draws the source at the size set.
func (m *Model) View() string {
	if m.src == nil {
		return ""
	}
	return m.Draw(m.src, m.w, m.h)
}

// Draw draws src in w×h with the model's metric and axes.
func (m *Model) Draw(src Source, w, h int) string { return Render(src, m.Metric, m.Axes, m.st, w, h) }

// Title names what the model shows.
func (m *Model) Title() string { return Title(m.Metric, m.Axes) }

// Hit reads a click on a drawn heatmap (its lines, colour stripped, drawn
// with axes a): on row line row (0 is the header) at cell column x, it
// returns the filter terms that select the cell's configs ("D=3 K=5"; a
// binned cell "D=2..11 K=3..5"; on a row label the row alone), or false
// when the click is on no cell (the header, the legend) or outside the
// heatmap's columns (x < 0, or past the end of its row): a click is placed
// by both of its coordinates.
func Hit(lines []string, a Axes, x, row int) ([]string, bool) {
	if row < 0 || row >= len(lines) || x < 0 || x >= len([]rune(lines[row])) {
		return nil, false
	}
	rowName, colName, _ := a.Names()
	rowLabel := firstField(lines[row])
	if !strings.HasPrefix(rowLabel, rowName+"=") {
		return nil, false // the header or a legend line
	}
	terms := []string{rangeTerm(rowLabel)}
	if col, ok := columnAt(lines, rowName, x); ok {
		if !strings.Contains(col, "=") {
			col = colName + "=" + col
		}
		terms = append(terms, rangeTerm(col))
	}
	return terms, true
}

func firstField(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// rangeTerm turns a heatmap label into a filter term: "D=2–11" → "D=2..11".
func rangeTerm(label string) string { return strings.Replace(label, "–", "..", 1) }

// columnAt is the column label over cell column x. The header is the
// heatmap's first line, and its second when the labels are staggered over
// two lines (a line that is not a row): of the labels starting at or before
// x on either, the one starting last.
func columnAt(heat []string, rowName string, x int) (string, bool) {
	label, at, ok := headerLabelAt([]rune(heat[0]), x)
	if len(heat) > 1 && !strings.HasPrefix(strings.TrimSpace(heat[1]), rowName+"=") {
		if l2, at2, ok2 := headerLabelAt([]rune(heat[1]), x); ok2 && (!ok || at2 > at) {
			return l2, true
		}
	}
	return label, ok
}

// headerLabelAt is the column label of a heatmap header line covering cell
// column x: the last label starting at or before x, the corner excepted,
// and where it starts.
func headerLabelAt(head []rune, x int) (string, int, bool) {
	label, found, start := "", false, 0
	for i := 0; i < len(head); {
		if head[i] == ' ' {
			i++
			continue
		}
		j := i
		for j < len(head) && head[j] != ' ' {
			j++
		}
		if i > 0 && i <= x {
			label, found, start = string(head[i:j]), true, i
		}
		i = j
	}
	if !found || strings.Contains(label, "\\") {
		return "", 0, false
	}
	return label, start, true
}
