// Package heatmap is the workbench's heatmap widget: a Metric of a run's
// results over two of the grid's Axes, averaged over the third, drawn with
// a glyph per level (so it reads without colour) and a legend; cells bin
// consecutive values when the Axes do not fit. It also reads a drawn
// heatmap back, for the mouse.
package heatmap

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
)

// Glyphs encode a cell's level by density, so the heatmap reads without
// colour (NO_COLOR, monochrome terminals, text captures).
var Glyphs = [...]rune{' ', '░', '▒', '▓', '█'}

const PendingGlyph = '·'

// Source is the run a heatmap draws: its grid, the grid's configs in
// sweep order, the finished results of the grid, and each config's ratio
// to the baseline (false without one).
type Source interface {
	Grid() bench.Grid
	Configs() []bench.Config
	GridResults() []*bench.Result
	Ratio(bench.Config) (float64, bool)
}

// Styles are what a heatmap is drawn with: a style per level (cool to
// hot), pending cells, and subtle text.
type Styles struct {
	Levels  [len(Glyphs)]lipgloss.Style
	Pending lipgloss.Style
	Subtle  lipgloss.Style
}

// MaxRows is the most rows a heatmap draws; more values are binned.
const MaxRows = 12

// Metric is a per-config quantity the heatmap can show.
type Metric int

const (
	Time Metric = iota
	RMSE
	Robustness
	Memory
	Ratio // only offered with a baseline
)

var metricNames = [...]string{"median time/epoch", "RMSE", "robustness", "memory", "ratio vs baseline"}

func (m Metric) String() string { return metricNames[m] }

// next cycles through the metrics, the ratio only when a baseline is given.
func (m Metric) Next(haveBaseline bool) Metric {
	n := Metric(len(metricNames))
	if !haveBaseline {
		n = Ratio
	}
	return (m + 1) % n
}

// value reads the metric of one result; ratios come from the source's
// comparison with the baseline.
func (m Metric) value(r *bench.Result, src Source) (float64, bool) {
	switch m {
	case Time:
		return r.TimeEpochMedian, true
	case RMSE:
		return r.RMSEMean, true
	case Robustness:
		return r.RobustnessMean, true
	case Memory:
		return float64(r.MemPeakBytesMax), true
	case Ratio:
		v, ok := src.Ratio(r.Config)
		if !ok || !(v > 0) || math.IsInf(v, 0) {
			return 0, false
		}
		return v, true
	}
	return 0, false
}

// formatPrec is format with extra decimals for the scores.
func (m Metric) formatPrec(v float64, extra int) string {
	switch m {
	case RMSE:
		return strconv.FormatFloat(v, 'f', 4+extra, 64)
	case Robustness:
		return strconv.FormatFloat(v, 'f', 3+extra, 64)
	}
	return m.format(v)
}

func (m Metric) format(v float64) string {
	switch m {
	case Time:
		return bench.FormatSeconds(v)
	case RMSE:
		return fmt.Sprintf("%.4f", v)
	case Robustness:
		return fmt.Sprintf("%.3f", v)
	case Memory:
		return bench.FormatBytes(int64(math.Round(v)))
	case Ratio:
		return compare.FormatRatio(v)
	}
	return fmt.Sprint(v)
}

// combine averages a cell's values over the third axis: arithmetic for
// times and scores, geometric for ratios (a 2× and a 0.5× cancel out).
func (m Metric) combine(sum float64, n int) float64 {
	if m == Ratio {
		return math.Exp(sum / float64(n))
	}
	return sum / float64(n)
}

func (m Metric) accumulate(v float64) float64 {
	if m == Ratio {
		return math.Log(v)
	}
	return v
}

// Axes is the pair of grid axes the heatmap lays out as rows × columns.
type Axes int

const (
	DK Axes = iota
	DT
	KT
	numAxes
)

var axisLetters = [numAxes][3]string{{"D", "K", "T"}, {"D", "T", "K"}, {"K", "T", "D"}}

func (a Axes) Next() Axes { return (a + 1) % numAxes }

// Names returns the row, column and averaged-over axis letters.
func (a Axes) Names() (row, col, third string) {
	l := axisLetters[a]
	return l[0], l[1], l[2]
}

func (a Axes) String() string {
	r, c, _ := a.Names()
	return r + "×" + c
}

func AxisValues(g bench.Grid, name string) []int {
	switch name {
	case "D":
		return g.Dims
	case "K":
		return g.Branches
	}
	return g.SeqLens
}

func AxisOf(c bench.Config, name string) int {
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

// heatmapTitle names what the heatmap shows, e.g. "median time/epoch · D×K
// · avg over T".
func Title(m Metric, a Axes) string {
	_, _, third := a.Names()
	avg := "avg"
	if m == Ratio {
		avg = "geo-mean"
	}
	return fmt.Sprintf("%s · %s · %s over %s", m, a, avg, third)
}

// axisBins splits n axis values into nb runs of consecutive values (as
// equal as can be): bin k holds values [start[k], start[k+1]).
func axisBins(n, nb int) []int {
	nb = max(1, min(n, nb))
	start := make([]int, nb+1)
	for k := range start {
		start[k] = k * n / nb
	}
	return start
}

// binLabel names a bin by its values: "10" or "2–11".
func binLabel(vals []int, start []int, k int) string {
	lo, hi := vals[start[k]], vals[start[k+1]-1]
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d–%d", lo, hi)
}

func binLabelsWidth(vals, start []int) int {
	w := 0
	for k := 0; k+1 < len(start); k++ {
		w = max(w, lipgloss.Width(binLabel(vals, start, k)))
	}
	return w
}

// heatLayout is how the grid's Axes are laid out in the pane: one line or
// column per value when they fit, else runs of consecutive values ("bins",
// labelled by their range) so that every value is in some cell and no
// label is ever cut into another number.
type heatLayout struct {
	rowStart, colStart []int
	labelW             int  // row label column, gap included
	cellW, glyphs      int  // a cell's width and its glyph run
	showVals           bool // cells print their value beside the glyphs
	colPrefix          bool // column labels read "K=9"; else the corner names the axis
	stagger            bool // column labels alternate over two header lines
}

func layoutHeat(rowName, colName string, rows, cols []int, valW, w, h int) heatLayout {
	var l heatLayout
	// Rows: a header line and at least one legend line around them.
	l.rowStart, l.labelW = rowLayout(rowName, colName, rows, h-2)
	avail := max(1, w-l.labelW)
	full := axisBins(len(cols), len(cols))
	prefixed := len(colName) + 1 + binLabelsWidth(cols, full)
	bare := binLabelsWidth(cols, full)
	l.colStart = full
	switch {
	case valW > 0 && len(cols)*(max(4+valW, prefixed)+1) <= avail:
		l.cellW, l.glyphs, l.showVals, l.colPrefix = max(4+valW, prefixed)+1, 3, true, true
	case len(cols)*(prefixed+1) <= avail:
		l.cellW, l.colPrefix = prefixed+1, true
		l.glyphs = min(4, prefixed)
	case len(cols)*(bare+1) <= avail:
		l.cellW = bare + 1
		l.glyphs = min(4, bare)
	default:
		// Bins: as many as fit with their range labels on one line, or —
		// when that gives more, and there is a line to spare — with the
		// labels staggered over two lines, each over its own cell and
		// free to run into its neighbour's, whose label is on the other.
		nb1, cw1 := 0, 0
		for nb := min(len(cols), avail/2); nb >= 1; nb-- {
			st := axisBins(len(cols), nb)
			if lw := binLabelsWidth(cols, st); nb*(lw+1) <= avail || nb == 1 {
				nb1, cw1 = nb, lw+1
				break
			}
		}
		l.colStart, l.cellW = axisBins(len(cols), nb1), cw1
		if h-3 >= 2 {
			rs, rowW := rowLayout(rowName, colName, rows, h-3)
			avail2 := max(1, w-rowW)
			for nb := min(len(cols), avail2/3); nb > nb1; nb-- {
				st := axisBins(len(cols), nb)
				colW := binLabelsWidth(cols, st)
				last := lipgloss.Width(binLabel(cols, st, nb-1))
				if cw := max(3, (colW+3)/2); nb*cw <= avail2 && (nb-1)*cw+last <= avail2 {
					l.rowStart, l.labelW, l.colStart, l.cellW, l.stagger = rs, rowW, st, cw, true
					break
				}
			}
		}
		l.glyphs = min(4, l.cellW-1)
	}
	return l
}

// rowLayout bins the rows into at most n lines and measures their labels
// (the corner may read "D\K"), gap included.
func rowLayout(rowName, colName string, rows []int, n int) ([]int, int) {
	start := axisBins(len(rows), max(1, n))
	w := len(rowName) + 1 + binLabelsWidth(rows, start)
	return start, max(w, len(rowName)+1+len(colName)) + 1
}

// renderHeatmap draws the rows × columns grid of the Metric within w×h:
// a label column, one cell per column value (or per run of values when
// they do not fit), and a legend. Cells without a result are drawn as
// pending; cells with only part of their configs done are marked "~".
func Render(src Source, m Metric, a Axes, st Styles, w, h int) string {
	if w < 8 || h < 3 {
		return ""
	}
	rowName, colName, _ := a.Names()
	g := src.Grid()
	rows := AxisValues(g, rowName)
	cols := AxisValues(g, colName)
	rowIdx := indexOf(rows)
	colIdx := indexOf(cols)

	// Values per (row, column) value, before binning.
	fine := make([]heatCell, len(rows)*len(cols))
	for _, c := range src.Configs() {
		fine[rowIdx[AxisOf(c, rowName)]*len(cols)+colIdx[AxisOf(c, colName)]].expected++
	}
	for _, r := range src.GridResults() {
		v, ok := m.value(r, src)
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		cell := &fine[rowIdx[AxisOf(r.Config, rowName)]*len(cols)+colIdx[AxisOf(r.Config, colName)]]
		cell.sum += m.accumulate(v)
		cell.n++
	}
	// The values' width decides the layout; it is the same binned or not
	// for the formats used, so measure it on the fine cells.
	valW := 0
	for _, c := range fine {
		if len(cols)*8 > w {
			break // no room for values beside the glyphs: no need to measure them
		}
		if c.n > 0 {
			txt := m.format(m.combine(c.sum, c.n))
			if c.n < c.expected {
				txt = "~" + txt
			}
			valW = max(valW, lipgloss.Width(txt))
		}
	}
	l := layoutHeat(rowName, colName, rows, cols, valW, w, h)
	nr, nc := len(l.rowStart)-1, len(l.colStart)-1
	rowBin := binOf(l.rowStart)
	colBin := binOf(l.colStart)
	cells := make([]heatCell, nr*nc)
	for i := range rows {
		for j := range cols {
			f, c := fine[i*len(cols)+j], &cells[rowBin[i]*nc+colBin[j]]
			c.sum, c.n, c.expected = c.sum+f.sum, c.n+f.n, c.expected+f.expected
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	vals := make([]float64, len(cells))
	for k, c := range cells {
		if c.n > 0 {
			vals[k] = m.combine(c.sum, c.n)
			lo, hi = math.Min(lo, vals[k]), math.Max(hi, vals[k])
		}
	}

	// A spread the measurements cannot tell from noise is drawn flat (every
	// cell at the middle level) rather than stretched to full contrast.
	flat := flatReason(m, src, lo, hi)

	var b strings.Builder
	corner := ""
	if !l.colPrefix {
		corner = rowName + "\\" + colName
	}
	b.WriteString(pad(corner, l.labelW))
	if l.stagger {
		// Even bins' labels on the first line, odd ones' on the second,
		// each starting over its own cell.
		for line := 0; line < 2; line++ {
			if line == 1 {
				b.WriteString("\n" + strings.Repeat(" ", l.labelW))
			}
			at := 0 // cells written on this line
			for k := line; k < nc; k += 2 {
				b.WriteString(strings.Repeat(" ", (k*l.cellW)-at))
				label := binLabel(cols, l.colStart, k)
				b.WriteString(label)
				at = k*l.cellW + lipgloss.Width(label)
			}
		}
	}
	for k := 0; k < nc && !l.stagger; k++ {
		label := binLabel(cols, l.colStart, k)
		if l.colPrefix {
			label = colName + "=" + label
		}
		b.WriteString(pad(label, l.cellW))
	}
	for i := 0; i < nr; i++ {
		b.WriteByte('\n')
		b.WriteString(pad(rowName+"="+binLabel(rows, l.rowStart, i), l.labelW))
		for j := 0; j < nc; j++ {
			k := i*nc + j
			cellHi := hi
			if flat != "" {
				cellHi = lo // level() of equal ends: the middle
			}
			b.WriteString(pad(heatCellView(cells[k], vals[k], lo, cellHi, m, l, valW, st), l.cellW))
		}
	}
	b.WriteByte('\n')
	legendH := h - 1 - nr
	if l.stagger {
		legendH--
	}
	b.WriteString(heatLegend(m, lo, hi, flat, st, w, legendH))
	return b.String()
}

// flatScale is the relative spread under which cells are drawn flat.
const flatScale = 0.005

// flatReason says why the spread lo..hi is drawn flat, "" when it is not:
// below 0.5% of the values, or — for times — within the measurements' own
// interval (the median width of the results' confidence intervals).
func flatReason(m Metric, src Source, lo, hi float64) string {
	if !(hi > lo) || math.IsInf(lo, 0) {
		return ""
	}
	if rel := (hi - lo) / math.Max(math.Abs(lo), math.Abs(hi)); rel < flatScale {
		return fmt.Sprintf("spread %.2g%% < 0.5%%", rel*100)
	}
	if m != Time {
		return ""
	}
	var widths []float64
	for _, r := range src.GridResults() {
		if w := r.TimeEpochCIHigh - r.TimeEpochCILow; w > 0 && !math.IsInf(w, 0) {
			widths = append(widths, w)
		}
	}
	if len(widths) == 0 {
		return ""
	}
	slices.Sort(widths)
	if ci := widths[len(widths)/2]; hi-lo <= ci {
		return "spread within the measurements' interval (±" + bench.FormatSeconds(ci/2) + ")"
	}
	return ""
}

// heatCellView draws one cell: its glyph run (pending dots when empty), a
// "~" when only part of its configs are done — the last glyph gives way
// to it when the values are not shown — and the value when there is room.
func heatCellView(c heatCell, v, lo, hi float64, m Metric, l heatLayout, valW int, st Styles) string {
	if c.n == 0 {
		cell := st.Pending.Render(strings.Repeat(string(PendingGlyph), l.glyphs))
		if l.showVals {
			cell += strings.Repeat(" ", 1+valW)
		}
		return cell
	}
	lvl := level(v, lo, hi)
	partial := c.n < c.expected
	run := strings.Repeat(string(Glyphs[lvl]), l.glyphs)
	if partial && !l.showVals {
		run = strings.Repeat(string(Glyphs[lvl]), l.glyphs-1) + "~"
	}
	cell := st.Levels[lvl].Render(run)
	if l.showVals {
		txt := m.format(v)
		if partial {
			txt = "~" + txt
		}
		cell += " " + pad(txt, valW)
	}
	return cell
}

// binOf maps each value's index to its bin.
func binOf(start []int) []int {
	out := make([]int, start[len(start)-1])
	for k := 0; k+1 < len(start); k++ {
		for i := start[k]; i < start[k+1]; i++ {
			out[i] = k
		}
	}
	return out
}

// heatLegend says what each glyph means in at most maxLines lines of w
// cells: every level's bound when there is room, else the two ends of the
// scale around the glyph ramp.
func heatLegend(m Metric, lo, hi float64, flat string, st Styles, w, maxLines int) string {
	tail := []string{st.Pending.Render(string(PendingGlyph)) + " pending", "~ partial"}
	if math.IsInf(lo, 0) {
		return cut(st.Subtle.Render("no results yet  ")+strings.Join(tail, "  "), w)
	}
	n := len(Glyphs)
	if flat != "" {
		mid := n / 2
		rng := m.format(lo) + "–" + m.format(hi)
		if m.format(lo) == m.format(hi) {
			rng = m.formatPrec(lo, 3) + "–" + m.formatPrec(hi, 3)
		}
		one := "[" + st.Levels[mid].Render(string(Glyphs[mid])) + "]=" + rng + " · " + flat + ": shown flat"
		lines := wrapItems(append([]string{one}, tail...), "  ", w)
		return strings.Join(lines[:min(len(lines), max(1, maxLines))], "\n")
	}
	if !(hi > lo) {
		mid := n / 2 // where level puts equal values
		one := "[" + st.Levels[mid].Render(string(Glyphs[mid])) + "]=" + m.format(lo) + " (all equal)"
		lines := wrapItems(append([]string{one}, tail...), "  ", w)
		return strings.Join(lines[:min(len(lines), max(1, maxLines))], "\n")
	}
	if bounds, ok := legendBounds(m, lo, hi); ok {
		items := make([]string, 0, n+len(tail))
		for i := range Glyphs {
			op := "<"
			if i == n-1 {
				op = "≤"
			}
			items = append(items, "["+st.Levels[i].Render(string(Glyphs[i]))+"]"+op+bounds[i])
		}
		items = append(items, tail...)
		if lines := wrapItems(items, "  ", w); len(lines) <= maxLines {
			return strings.Join(lines, "\n")
		}
	}
	var ramp strings.Builder
	for i, g := range Glyphs {
		ramp.WriteString(st.Levels[i].Render(string(g)))
	}
	short := m.format(lo) + " [" + ramp.String() + "] " + m.format(hi)
	lines := wrapItems(append([]string{short}, tail...), "  ", w)
	return strings.Join(lines[:min(len(lines), max(1, maxLines))], "\n")
}

// legendBounds writes each level's upper bound with as many digits as it
// takes for no two to read the same (scores get up to three more
// decimals); false when they still would.
func legendBounds(m Metric, lo, hi float64) ([]string, bool) {
	n := len(Glyphs)
	for extra := 0; extra <= 3; extra++ {
		out := make([]string, n)
		seen := make(map[string]bool, n)
		for i := range out {
			out[i] = m.formatPrec(lo+(hi-lo)*float64(i+1)/float64(n), extra)
			seen[out[i]] = true
		}
		if len(seen) == n {
			return out, true
		}
		if m != RMSE && m != Robustness {
			break // units formats have fixed precision
		}
	}
	return nil, false
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
	n := len(Glyphs)
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

// pad pads s with spaces to width cells.
func pad(s string, width int) string { return lipgloss.PlaceHorizontal(width, lipgloss.Left, s) }

// cut cuts a line to width cells, ending it with "…".
func cut(s string, width int) string { return ansi.Truncate(s, width, "…") }
