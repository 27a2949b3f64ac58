package tui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
)

// largePlan is issue 14's 10,000-config grid: -D 3..300:3 -K 2..101 -T 8.
func largePlan() bench.Plan {
	p := bench.DefaultPlan()
	p.Grid.Dims, _ = bench.ParseList("3..300:3")
	p.Grid.Branches, _ = bench.ParseList("2..101")
	p.Grid.SeqLens = []int{8}
	p.Depths, p.Repeats = []int{1}, 1
	return p
}

// largeModel is a 120×40 model whose sweep of largePlan has finished n
// configs.
func largeModel(t testing.TB, n int) Model {
	p := largePlan()
	m, started := testModel(t, topts{Plan: p, StartNow: true, OutDir: ".benchmarks"})
	m = update(m, size(120, 40), startMsg{})
	<-started
	evs := sweepEvents(p, n, n < p.Grid.Size())
	if n == p.Grid.Size() {
		evs = append(evs, sweep.Event{Kind: sweep.SweepFinished, Done: n, Total: n})
	}
	for len(evs) > 0 {
		k := min(len(evs), maxBatch)
		m = update(m, updatesMsg{run: m.a.run, updates: asUpdates(evs[:k]...)})
		evs = evs[k:]
	}
	return update(m, frameMsg{})
}

// TestGoldenLarge pins the 10,000-config sweep at 120×40: the heatmap bins
// both axes into ranges with whole labels, every cell shows a glyph, the
// table keeps rows, the chart draws a curve.
func TestGoldenLarge(t *testing.T) {
	m := largeModel(t, largePlan().Grid.Size())
	v := m.a.render()
	checkFits(t, v, 120, 40)
	for _, want := range []string{"D=3–", "D\\K", "2–12", "90–101", "Results (10000)", "column medians"} {
		if !strings.Contains(v, want) {
			t.Errorf("large view lacks %q:\n%s", want, v)
		}
	}
	if bad := regexp.MustCompile(`D=\d+–\d+[^ \d]`).FindString(v); bad != "" {
		t.Errorf("row label %q runs into its cells:\n%s", bad, v)
	}
	if strings.Contains(v, "more rows") || strings.Contains(v, "K=1 ") {
		t.Errorf("heatmap cut rows or labels:\n%s", v)
	}
	if rows := strings.Count(v, " T=8 "); rows < 5 {
		t.Errorf("table shows %d rows, want ≥ 5:\n%s", rows, v)
	}
	teatest.RequireEqualOutput(t, []byte(v))
}

// benchFrames feeds one new result per frame into a 10,000-config sweep,
// the clock moving step per frame, and draws each frame.
func benchFrames(b *testing.B, step time.Duration) {
	p := largePlan()
	cs := p.Grid.Configs()
	n := min(b.N, len(cs)-1)
	next := len(cs) - n - 1
	m := largeModel(b, next)
	clk := &clock{}
	m.a.now = clk.now
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := cs[next+i%n]
		clk.set(time.Duration(i+1) * step)
		m = update(m, updatesMsg{run: m.a.run, updates: asUpdates(sweep.Event{Kind: sweep.ConfigFinished, Config: c,
			Done: next + i%n + 1, Total: len(cs), Result: synthResult(c, p)})}, frameMsg{})
		_ = m.View()
	}
}

// BenchmarkFrameLarge is the TUI's cost per frame (20 per second) while a
// 10,000-config sweep delivers a result every frame: what the screen takes
// from the machine the engine measures on.
func BenchmarkFrameLarge(b *testing.B) { benchFrames(b, frameInterval) }

// BenchmarkRedrawLarge is the cost of one full redraw of that sweep's
// result panes (heatmap, chart, table, summary).
func BenchmarkRedrawLarge(b *testing.B) { benchFrames(b, time.Second) }

// A click on a heatmap cell under a label on the second (staggered) header
// line filters to that label's bin, not its left neighbour's.
func TestMouseStaggeredHeatmapCell(t *testing.T) {
	m := largeModel(t, largePlan().Grid.Size())
	v := m.View()
	_, ly := find(t, v, "13–23") // on the second header line
	lx, _ := find(t, strings.Split(v, "\n")[ly], "13–23")
	_, dy := find(t, v, "D=126–150")
	m = update(m, click(lx+1, dy))
	if f := m.a.runv.Table.Filter().String(); !strings.EqualFold(f, "d=126..150 k=13..23") {
		t.Errorf("filter after a click under 13–23: %q", f)
	}
}
