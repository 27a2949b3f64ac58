package tui

import (
	"fmt"
	"math"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/report"
)

// compareModel shows two recorded runs compared by report's comparison —
// the one the baseline and `hcbench compare` use: per config the ratio
// new/old with its interval, p-value and verdict, the geometric mean over
// the configs, and a heatmap of the ratios.
type compareModel struct {
	old, cur pastRun
	b        report.Baseline
	s        *sweep // the newer run, holding the ratios the heatmap draws
	axes     axes
	sc       scroller
}

func newCompare(path string, old, cur pastRun) *compareModel {
	label := fmt.Sprintf("%s@%d", path, old.id)
	b := report.CompareBaseline(label, old.results, cur.results)
	s := pastSweep(cur)
	for _, e := range b.Entries {
		s.ratios[e.Config] = e
	}
	return &compareModel{old: old, cur: cur, b: b, s: s}
}

// Update scrolls the table; a cycles the heatmap's axes.
func (c *compareModel) Update(msg tea.KeyMsg) {
	if msg.String() == "a" {
		c.axes = c.axes.next()
		return
	}
	c.sc.key(msg)
}

// verdict is an entry's verdict in words.
func verdict(e report.BaselineEntry) string {
	switch {
	case e.Slower():
		return "slower"
	case e.Faster():
		return "faster"
	case math.IsNaN(e.Cmp.P):
		return "?"
	}
	return "~"
}

// geomeanLine is the comparison's summary: the geometric mean of the
// ratios with its interval and the verdict counts.
func geomeanLine(b report.Baseline) string {
	if len(b.Entries) == 0 {
		return "no config is in both runs (same D, K, T and depths)"
	}
	var s strings.Builder
	fmt.Fprintf(&s, "geomean ratio %s", report.FormatRatio(b.GeoMeanRatio))
	if !math.IsNaN(b.GeoMeanCILow) {
		fmt.Fprintf(&s, " (95%% CI %s–%s)", report.FormatRatio(b.GeoMeanCILow), report.FormatRatio(b.GeoMeanCIHigh))
	}
	fmt.Fprintf(&s, ", %d faster, %d slower, %d unchanged of %d matched", b.Faster, b.Slower, b.Unchanged, len(b.Entries))
	if b.Unmatched > 0 {
		fmt.Fprintf(&s, "; %d not in the older run", b.Unmatched)
	}
	return s.String()
}

// View draws the comparison in w×h: what is compared, the geomean line, the
// ratio heatmap and the per-config table (scrolled).
func (c *compareModel) View(st styles, w, h int) string {
	head := []string{
		st.paneTitle.Render(truncate(fmt.Sprintf("run %d (new) vs run %d (old, the baseline)", c.cur.id, c.old.id), w)),
		truncate(st.value.Render(geomeanLine(c.b)), w),
	}
	heatH := 0
	if len(c.b.Entries) > 0 {
		rowName, _, _ := c.axes.names()
		heatH = min(len(axisValues(c.s.plan.Grid, rowName)), maxHeatRows) + 3
		if h-len(head)-heatH-1 < 5 {
			heatH = 0 // the table matters more
		}
	}
	parts := head
	if heatH > 0 {
		parts = append(parts, st.subtle.Render(truncate("Heatmap: "+heatmapTitle(metricRatio, c.axes)+" (a: axes)", w)),
			renderHeatmap(c.s, metricRatio, c.axes, st, w, heatH-1))
	}
	used := 0
	for _, p := range parts {
		used += strings.Count(p, "\n") + 1
	}
	rows := c.tableLines(st, w)
	return strings.Join(parts, "\n") + "\n" + c.sc.window(rows, h-used, st)
}

// tableLines are the per-config comparison, in the newer run's order.
func (c *compareModel) tableLines(st styles, w int) []string {
	// What matters first (ratio and verdict), so a narrow screen keeps it.
	head := padRight("config", 16) + padRight("ratio", 9) + padRight("verdict", 9) + padRight("95% CI", 18) +
		padRight("p", 9) + padRight("old", 10) + "new"
	out := []string{st.tableHeader.UnsetPadding().Render(truncate(head, w))}
	for _, e := range c.b.Entries {
		ci := "–"
		if !math.IsNaN(e.Cmp.CILow) {
			ci = report.FormatRatio(e.Cmp.CILow) + "–" + report.FormatRatio(e.Cmp.CIHigh)
		}
		p := "–"
		if !math.IsNaN(e.Cmp.P) {
			p = pText(e.Cmp.P)
		}
		oldR, newR := c.find(c.old, e), c.find(c.cur, e)
		l := padRight(e.Config.String(), 16) + padRight(report.FormatRatio(e.Cmp.Ratio), 9) + padRight(verdict(e), 9) +
			padRight(ci, 18) + padRight(p, 9) + padRight(oldR, 10) + newR
		out = append(out, truncate(l, w))
	}
	return out
}

// find is the headline of e's config in run r.
func (c *compareModel) find(r pastRun, e report.BaselineEntry) string {
	for i := range r.results {
		if r.results[i].Config == e.Config {
			return report.FormatSeconds(r.results[i].TimeEpochMedian)
		}
	}
	return "–"
}
