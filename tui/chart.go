package tui

import (
	"math"
	"strconv"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/canvas/graph"
	"github.com/NimbleMarkets/ntcharts/linechart"
	"github.com/hcbench/hcbench/report"
)

// renderChart draws time per epoch over the configs in sweep order: x is the
// config's position in the grid (1-based, as the table's # column), y the
// mean epoch time with readable units on the axis. Finished configs are
// joined by a braille line; configs not yet run leave a gap the line spans.
func renderChart(s *sweep, st styles, w, h int) string {
	if w < 16 || h < 4 {
		return ""
	}
	type pt struct{ x, y float64 }
	pts := make([]pt, 0, len(s.results))
	maxY := 0.0
	for i, c := range s.order {
		r, ok := s.results[c]
		if !ok || !(r.TimeEpochMean >= 0) || math.IsInf(r.TimeEpochMean, 0) {
			continue
		}
		pts = append(pts, pt{float64(i), r.TimeEpochMean})
		maxY = math.Max(maxY, r.TimeEpochMean)
	}
	if maxY == 0 {
		maxY = 1e-6 // an empty chart still gets a labelled axis
	}
	maxX := float64(max(1, len(s.order)-1))
	xLabel := func(_ int, v float64) string { return strconv.Itoa(int(math.Round(v)) + 1) }
	yLabel := func(_ int, v float64) string { return report.FormatSeconds(v) }
	ySteps := 2
	if h < 8 {
		ySteps = h - 2 // just the ends: labels need room to differ
	}
	lc := linechart.New(w, h, 0, maxX, 0, maxY*1.1,
		linechart.WithXYSteps(6, ySteps),
		linechart.WithStyles(st.chartAxis, st.chartLabel, st.chartLine),
		linechart.WithXLabelFormatter(xLabel),
		linechart.WithYLabelFormatter(yLabel),
	)
	lc.DrawXYAxisAndLabel()
	if lc.GraphWidth() <= 0 || lc.GraphHeight() <= 0 {
		return lc.View()
	}
	// One braille grid for all segments: a grid per segment (what
	// DrawBrailleLine does) costs a full-canvas pass each, too slow for a
	// thousand configs at frame rate.
	bg := graph.NewBrailleGrid(lc.GraphWidth(), lc.GraphHeight(), lc.MinX(), lc.MaxX(), lc.MinY(), lc.MaxY())
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
	graph.DrawBraillePatterns(&lc.Canvas, canvas.Point{X: lc.Origin().X + 1, Y: 0}, bg.BraillePatterns(), st.chartLine)
	return lc.View()
}
