package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine"
	"github.com/hcbench/hcbench/report"
)

// heatGlyphs encode a cell's level by density, so the heatmap reads without
// colour (NO_COLOR, monochrome terminals, text captures).
var heatGlyphs = [...]rune{' ', '░', '▒', '▓', '█'}

const pendingGlyph = '·'

// metric is a per-config quantity the heatmap can show.
type metric int

const (
	metricTime metric = iota
	metricRMSE
	metricRobustness
	metricMemory
	metricRatio // only offered with a baseline
)

var metricNames = [...]string{"time/epoch", "RMSE", "robustness", "memory", "ratio vs baseline"}

func (m metric) String() string { return metricNames[m] }

// next cycles through the metrics, the ratio only when a baseline is given.
func (m metric) next(haveBaseline bool) metric {
	n := metric(len(metricNames))
	if !haveBaseline {
		n = metricRatio
	}
	return (m + 1) % n
}

// value reads the metric of one result; ratios come from the baseline
// comparisons the sweep holds.
func (m metric) value(r *engine.Result, s *sweep) (float64, bool) {
	switch m {
	case metricTime:
		return r.TimeEpochMean, true
	case metricRMSE:
		return r.RMSEMean, true
	case metricRobustness:
		return r.RobustnessMean, true
	case metricMemory:
		return float64(r.MemPeakBytesMax), true
	case metricRatio:
		e, ok := s.ratios[r.Config]
		if !ok || !(e.Cmp.Ratio > 0) || math.IsInf(e.Cmp.Ratio, 0) {
			return 0, false
		}
		return e.Cmp.Ratio, true
	}
	return 0, false
}

func (m metric) format(v float64) string {
	switch m {
	case metricTime:
		return report.FormatSeconds(v)
	case metricRMSE:
		return fmt.Sprintf("%.4f", v)
	case metricRobustness:
		return fmt.Sprintf("%.3f", v)
	case metricMemory:
		return fmtBytes(int64(math.Round(v)))
	case metricRatio:
		return report.FormatRatio(v)
	}
	return fmt.Sprint(v)
}

// combine averages a cell's values over the third axis: arithmetic for
// times and scores, geometric for ratios (a 2× and a 0.5× cancel out).
func (m metric) combine(sum float64, n int) float64 {
	if m == metricRatio {
		return math.Exp(sum / float64(n))
	}
	return sum / float64(n)
}

func (m metric) accumulate(v float64) float64 {
	if m == metricRatio {
		return math.Log(v)
	}
	return v
}

// axes is the pair of grid axes the heatmap lays out as rows × columns.
type axes int

const (
	axesDK axes = iota
	axesDT
	axesKT
	numAxes
)

var axisLetters = [numAxes][3]string{{"D", "K", "T"}, {"D", "T", "K"}, {"K", "T", "D"}}

func (a axes) next() axes { return (a + 1) % numAxes }

// names returns the row, column and averaged-over axis letters.
func (a axes) names() (row, col, third string) {
	l := axisLetters[a]
	return l[0], l[1], l[2]
}

func (a axes) String() string {
	r, c, _ := a.names()
	return r + "×" + c
}

func axisValues(g engine.Grid, name string) []int {
	switch name {
	case "D":
		return g.Dims
	case "K":
		return g.Branches
	}
	return g.SeqLens
}

func axisOf(c engine.Config, name string) int {
	switch name {
	case "D":
		return c.D
	case "K":
		return c.K
	}
	return c.T
}

type heatCell struct {
	sum      float64
	n        int
	expected int // configs of the grid that fall in the cell
}

// heatmapTitle names what the heatmap shows, e.g. "time/epoch · D×K · mean over T".
func heatmapTitle(m metric, a axes) string {
	_, _, third := a.names()
	avg := "mean"
	if m == metricRatio {
		avg = "geo-mean"
	}
	return fmt.Sprintf("%s · %s · %s over %s", m, a, avg, third)
}

// renderHeatmap draws the rows × columns grid of the metric within w×h:
// a label column, one cell per column value, and a legend. Cells without a
// result are drawn as pending; cells with only part of the third axis done
// are marked "~".
func renderHeatmap(s *sweep, m metric, a axes, st styles, w, h int) string {
	if w < 8 || h < 3 {
		return ""
	}
	rowName, colName, _ := a.names()
	rows := axisValues(s.plan.Grid, rowName)
	cols := axisValues(s.plan.Grid, colName)
	rowIdx := indexOf(rows)
	colIdx := indexOf(cols)

	cells := make([]heatCell, len(rows)*len(cols))
	for _, c := range s.order {
		i, j := rowIdx[axisOf(c, rowName)], colIdx[axisOf(c, colName)]
		cells[i*len(cols)+j].expected++
	}
	for _, r := range s.gridResults() {
		v, ok := m.value(r, s)
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		cell := &cells[rowIdx[axisOf(r.Config, rowName)]*len(cols)+colIdx[axisOf(r.Config, colName)]]
		cell.sum += m.accumulate(v)
		cell.n++
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	vals := make([]float64, len(cells))
	valW := 0
	for k, c := range cells {
		if c.n == 0 {
			continue
		}
		v := m.combine(c.sum, c.n)
		vals[k] = v
		lo, hi = math.Min(lo, v), math.Max(hi, v)
		txt := m.format(v)
		if c.n < c.expected {
			txt = "~" + txt
		}
		valW = max(valW, lipgloss.Width(txt))
	}

	labelW := 0
	for _, v := range rows {
		labelW = max(labelW, len(rowName)+1+len(fmt.Sprint(v)))
	}
	labelW++ // gap
	colLabelW := 0
	for _, v := range cols {
		colLabelW = max(colLabelW, len(colName)+1+len(fmt.Sprint(v)))
	}

	// Widest layout that fits: glyphs and values, then glyphs alone.
	avail := w - labelW
	glyphs, showVals := 3, true
	cellW := max(glyphs+1+valW, colLabelW) + 1
	if valW == 0 || len(cols)*cellW > avail {
		showVals = false
		cellW = max(2, min(4, avail/max(1, len(cols))))
		glyphs = cellW - 1
		if colLabelW+1 <= avail/max(1, len(cols)) {
			cellW = colLabelW + 1
			glyphs = min(4, cellW-1)
		}
	}
	shownCols := min(len(cols), max(1, avail/cellW))
	shownRows := min(len(rows), max(1, h-2)) // a header line and at least one legend line

	var b strings.Builder
	b.WriteString(strings.Repeat(" ", labelW))
	for j := 0; j < shownCols; j++ {
		b.WriteString(padRight(truncate(fmt.Sprintf("%s=%d", colName, cols[j]), cellW-1), cellW))
	}
	if shownCols < len(cols) {
		b.WriteString(st.subtle.Render(fmt.Sprintf("+%d", len(cols)-shownCols)))
	}
	for i := 0; i < shownRows; i++ {
		b.WriteByte('\n')
		label := fmt.Sprintf("%s=%d", rowName, rows[i])
		if i == shownRows-1 && shownRows < len(rows) {
			label = fmt.Sprintf("+%d", len(rows)-shownRows+1)
		}
		b.WriteString(padRight(label, labelW))
		if i == shownRows-1 && shownRows < len(rows) {
			b.WriteString(st.subtle.Render("more rows"))
			continue
		}
		for j := 0; j < shownCols; j++ {
			k := i*len(cols) + j
			c := cells[k]
			var cell string
			if c.n == 0 {
				cell = st.pending.Render(strings.Repeat(string(pendingGlyph), glyphs))
				if showVals {
					cell += strings.Repeat(" ", 1+valW)
				}
			} else {
				lvl := level(vals[k], lo, hi)
				cell = st.heat[lvl].Render(strings.Repeat(string(heatGlyphs[lvl]), glyphs))
				if showVals {
					txt := m.format(vals[k])
					if c.n < c.expected {
						txt = "~" + txt
					}
					cell += " " + padRight(txt, valW)
				}
			}
			b.WriteString(padRight(cell, cellW))
		}
	}
	b.WriteByte('\n')
	b.WriteString(heatLegend(m, lo, hi, st, w, h-1-shownRows))
	return b.String()
}

// heatLegend says what each glyph means in at most maxLines lines of w
// cells: every level's bound when there is room, else the two ends of the
// scale around the glyph ramp.
func heatLegend(m metric, lo, hi float64, st styles, w, maxLines int) string {
	tail := []string{st.pending.Render(string(pendingGlyph)) + " pending", "~ partial"}
	if math.IsInf(lo, 0) {
		return truncate(st.subtle.Render("no results yet  ")+strings.Join(tail, "  "), w)
	}
	n := len(heatGlyphs)
	if !(hi > lo) {
		mid := n / 2 // where level puts equal values
		one := "[" + st.heat[mid].Render(string(heatGlyphs[mid])) + "]=" + m.format(lo) + " (all equal)"
		lines := wrapItems(append([]string{one}, tail...), "  ", w)
		return strings.Join(lines[:min(len(lines), max(1, maxLines))], "\n")
	}
	items := make([]string, 0, n+len(tail))
	for i := range heatGlyphs {
		op := "<"
		if i == n-1 {
			op = "≤"
		}
		bound := lo + (hi-lo)*float64(i+1)/float64(n)
		items = append(items, "["+st.heat[i].Render(string(heatGlyphs[i]))+"]"+op+m.format(bound))
	}
	items = append(items, tail...)
	if lines := wrapItems(items, "  ", w); len(lines) <= maxLines {
		return strings.Join(lines, "\n")
	}
	var ramp strings.Builder
	for i, g := range heatGlyphs {
		ramp.WriteString(st.heat[i].Render(string(g)))
	}
	short := m.format(lo) + " [" + ramp.String() + "] " + m.format(hi)
	lines := wrapItems(append([]string{short}, tail...), "  ", w)
	return strings.Join(lines[:min(len(lines), max(1, maxLines))], "\n")
}

// wrapItems packs items into lines of at most w cells.
func wrapItems(items []string, sep string, w int) []string {
	var lines []string
	cur := ""
	for _, it := range items {
		switch {
		case cur == "":
			cur = it
		case lipgloss.Width(cur+sep+it) <= w:
			cur += sep + it
		default:
			lines = append(lines, cur)
			cur = it
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// level maps v in [lo, hi] to one of the glyph levels; all-equal values sit
// in the middle so a single result does not look extreme.
func level(v, lo, hi float64) int {
	n := len(heatGlyphs)
	if !(hi > lo) {
		return n / 2
	}
	l := int((v - lo) / (hi - lo) * float64(n))
	return min(n-1, max(0, l))
}

func indexOf(vs []int) map[int]int {
	m := make(map[int]int, len(vs))
	for i, v := range vs {
		if _, dup := m[v]; !dup {
			m[v] = i
		}
	}
	return m
}
