// Package chart is the workbench's line chart: the median time per epoch
// of a run's configs in sweep order, in braille dots (ntcharts), with a
// log axis when the times span more than a decade and column medians when
// there are more configs than dot columns.
package chart

import (
	"math"
	"slices"
	"strconv"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/canvas/graph"
	"github.com/NimbleMarkets/ntcharts/linechart"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
)

// pt is a point of the chart: config position, median time.
type pt struct{ x, y float64 }

// Source is what a chart draws: the configs in sweep order and the
// result of each that has one.
type Source interface {
	Configs() []bench.Config
	Result(bench.Config) (*bench.Result, bool)
}

// Styles are the chart's axis, labels and line.
type Styles struct{ Axis, Label, Line lipgloss.Style }

// Title names what a chart of n configs, w cells wide, shows; with more
// configs than the chart has dots across, each dot column is the median
// of the configs in it.
func Title(n, w int, logY bool) string {
	t := "Median time/epoch vs config #"
	if logY {
		t += " · log y"
	}
	if n > 2*max(1, w-10) {
		t += " · column medians"
	}
	return t
}

// Draw draws median time per epoch over the configs in sweep order:
// x is the config's position in the grid (1-based, as the table's #
// column), y the median epoch time with readable units on the axis.
// Finished configs are joined by a braille line; configs not yet run leave
// a gap the line spans. When there are more configs than dot columns, each
// column shows the median of its configs, so a large sweep draws a curve
// instead of a wall of zigzags.
// It also says whether the y axis is logarithmic.
func Draw(src Source, st Styles, w, h int) (string, bool) {
	if w < 16 || h < 4 {
		return "", false
	}
	order := src.Configs()
	pts := make([]pt, 0, len(order))
	maxY := 0.0
	for i, c := range order {
		r, ok := src.Result(c)
		if !ok || !(r.TimeEpochMedian >= 0) || math.IsInf(r.TimeEpochMedian, 0) {
			continue
		}
		pts = append(pts, pt{float64(i + 1), r.TimeEpochMedian})
		maxY = math.Max(maxY, r.TimeEpochMedian)
	}
	if maxY == 0 {
		maxY = 1e-6 // an empty chart still gets a labelled axis
	}
	n := len(order)
	minX, maxX := 1.0, float64(max(2, n))
	yLabel := func(_ int, v float64) string { return bench.FormatSeconds(v) }
	loY, hiY := 0.0, maxY*1.1
	logY := false
	if minY := minPositive(pts); minY > 0 && maxY/minY > logSpan {
		logY = true
		// Times over more than a decade: a log axis keeps the small
		// configs from lying flat on the floor.
		for i := range pts {
			pts[i].y = math.Log10(math.Max(pts[i].y, minY))
		}
		loY, hiY = math.Log10(minY)-0.05, math.Log10(maxY)+0.05
		yLabel = func(_ int, v float64) string { return bench.FormatSeconds(math.Pow(10, v)) }
	}
	ySteps := 2
	if h < 8 {
		ySteps = h - 2 // just the ends: labels need room to differ
	}
	lc := linechart.New(w, h, minX, maxX, loY, hiY,
		linechart.WithXYSteps(1, ySteps),
		linechart.WithStyles(st.Axis, st.Label, st.Line),
		// The x labels are drawn below at whole config numbers.
		linechart.WithXLabelFormatter(func(int, float64) string { return "" }),
		linechart.WithYLabelFormatter(yLabel),
	)
	lc.DrawXYAxisAndLabel()
	gw := lc.GraphWidth()
	if gw <= 0 || lc.GraphHeight() <= 0 {
		return lc.View(), logY
	}
	// Braille dot column of x (two per cell), as the grid below maps it.
	dotCol := func(x float64) int {
		return int(math.Round((x - minX) / (maxX - minX) * float64(2*gw-1)))
	}
	drawXTicks(&lc, n, gw, func(x int) int { return lc.Origin().X + 1 + dotCol(float64(x))/2 }, st)

	if n > 2*gw {
		// One point per dot column: the median of the configs in it.
		var binned []pt
		var ys []float64
		col := -1
		flush := func() {
			if len(ys) > 0 {
				binned = append(binned, pt{minX + float64(col)*(maxX-minX)/float64(2*gw-1), median(ys)})
			}
			ys = ys[:0]
		}
		for _, p := range pts {
			if c := dotCol(p.x); c != col {
				flush()
				col = c
			}
			ys = append(ys, p.y)
		}
		flush()
		pts = binned
	}
	// One braille grid for all segments: a grid per segment (what
	// DrawBrailleLine does) costs a full-canvas pass each, too slow for a
	// thousand configs at frame rate.
	bg := graph.NewBrailleGrid(gw, lc.GraphHeight(), lc.MinX(), lc.MaxX(), lc.MinY(), lc.MaxY())
	for i, p := range pts {
		gp := bg.GridPoint(canvas.Float64Point{X: p.x, Y: p.y})
		if i == 0 {
			bg.Set(gp)
			continue
		}
		prev := bg.GridPoint(canvas.Float64Point{X: pts[i-1].x, Y: pts[i-1].y})
		for _, q := range graph.GetLinePoints(prev, gp) {
			bg.Set(q)
		}
	}
	graph.DrawBraillePatterns(&lc.Canvas, canvas.Point{X: lc.Origin().X + 1, Y: 0}, bg.BraillePatterns(), st.Line)
	return lc.View(), logY
}

// logSpan is the ratio of the largest to the smallest time above which the
// chart's y axis is logarithmic.
const logSpan = 10

func minPositive(pts []pt) float64 {
	lo := math.Inf(1)
	for _, p := range pts {
		if y := p.y; y > 0 {
			lo = math.Min(lo, y)
		}
	}
	if math.IsInf(lo, 1) {
		return 0
	}
	return lo
}

// drawXTicks labels the x axis at whole config numbers with an even step
// (1, 2, 5, 10, 20, 50, …) chosen so the labels do not crowd: 1, then every
// multiple of the step up to n.
func drawXTicks(lc *linechart.Model, n, gw int, colOf func(int) int, st Styles) {
	y := lc.Origin().Y + 1
	labelW := len(strconv.Itoa(n)) + 2
	step := tickStep(n, max(1, gw/labelW))
	ticks := []int{1}
	for x := step; x <= n; x += step {
		if x > 1 {
			ticks = append(ticks, x)
		}
	}
	next := 0 // first column free for a label
	for i, x := range ticks {
		s := strconv.Itoa(x)
		c := colOf(x)
		if i == 0 && len(ticks) > 1 && colOf(ticks[1]) < c+len(s)+1 {
			continue // 1 would touch the first step's label
		}
		c = min(c, lc.Canvas.Width()-len(s)) // the last label ends at the edge
		if c < next {
			continue
		}
		lc.Canvas.SetStringWithStyle(canvas.Point{X: c, Y: y}, s, st.Label)
		next = c + len(s) + 1
	}
}

// tickStep is the smallest of 1, 2, 5, 10, 20, 50, … that puts at most
// maxTicks ticks on 1..n.
func tickStep(n, maxTicks int) int {
	for step := 1; ; step *= 10 {
		for _, m := range []int{1, 2, 5} {
			if n/(step*m) <= maxTicks {
				return step * m
			}
		}
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	k := len(s) / 2
	if len(s)%2 == 1 {
		return s[k]
	}
	return (s[k-1] + s[k]) / 2
}

// Model is a chart as a tea.Model: no keys; it draws its source at its
// size and remembers whether that drawing has a log y axis.
type Model struct {
	st   Styles
	src  Source
	w, h int
	logY bool
}

// New is an empty chart.
func New(st Styles) *Model { return &Model{st: st} }

func (m *Model) SetSource(src Source) { m.src = src }
func (m *Model) SetSize(w, h int)     { m.w, m.h = w, h }

func (m *Model) Init() tea.Cmd                       { return nil }
func (m *Model) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }

// View draws the source at the size set.
func (m *Model) View() string {
	if m.src == nil {
		return ""
	}
	v, logY := Draw(m.src, m.st, m.w, m.h)
	m.logY = logY
	return v
}

// LogY says whether the last drawing has a log y axis.
func (m *Model) LogY() bool { return m.logY }
