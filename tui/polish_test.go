package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/tui/views/runview"
	"github.com/hcbench/hcbench/tui/widgets/chart"
	"github.com/hcbench/hcbench/tui/widgets/heatmap"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// Tests for issue 14's items, numbered as there.

// tableRows counts the results table's rows in a view (lines holding a
// config and a time).
func tableRows(v string) int {
	return len(regexp.MustCompile(`(?m)^│ [ ›]\d+\s+D=\d+ K=\d+ T=\d+\s`).FindAllString(v, -1)) +
		len(regexp.MustCompile(`(?m)^[ ›]\d+\s+D=\d+ K=\d+ T=\d+\s`).FindAllString(v, -1))
}

// 1: at 80×24 a finished sweep keeps at least three table rows, also for a
// 192-config grid; the footer keeps r and o; a cut line ends in "…".
func TestItem1TableAt80x24(t *testing.T) {
	ref := bench.DefaultPlan()
	big := bench.DefaultPlan()
	big.Grid.Dims, _ = bench.ParseList("2..8:2")
	big.Grid.Branches, _ = bench.ParseList("2..9")
	big.Grid.SeqLens, _ = bench.ParseList("16..96:16")
	for _, p := range []bench.Plan{ref, big} {
		n := p.Grid.Size()
		m, started := testModel(t, topts{Plan: p, StartNow: true})
		m = update(m, size(80, 24), startMsg{})
		<-started
		m = feed(m, append(sweepEvents(p, n, false), sweep.Event{Kind: sweep.SweepFinished, Done: n, Total: n})...)
		m.a.setStatus("✓ reports saved to .benchmarks (JSONL, CSV, Markdown, PNG/SVG figures)", false)
		v := m.View()
		checkFits(t, v, 80, 24)
		if r := tableRows(v); r < 3 {
			t.Errorf("%d configs: %d table rows at 80×24, want ≥ 3:\n%s", n, r, v)
		}
		lines := strings.Split(v, "\n")
		footer := lines[len(lines)-1]
		for _, k := range []string{"enter detail", "h history", "/ filter", "n new", "c cmd", "z zoom", "o sort", "q quit", "? help"} {
			if !strings.Contains(footer, k) {
				t.Errorf("footer lacks %q: %q", k, footer)
			}
		}
	}
	m, _ := startedModel(t, 50, 15, sweepEvents(ref, 3, true)...)
	if h := strings.Split(m.View(), "\n")[0]; !strings.HasSuffix(h, "…") {
		t.Errorf("cut header should end in …: %q", h)
	}
}

// 2: results an edit drops from the grid leave the table, the summary and
// the heatmap (they stay in the JSONL, which the session records).
func TestItem2DroppedResultsExcluded(t *testing.T) {
	p := bench.DefaultPlan()
	m, f := startedModel(t, 120, 40, sweepEvents(p, 6, false)...) // all of D=3
	m = update(m, keyMsg("e"), keyMsg("ctrl+u"), keyMsg("6,9"), keyMsg("enter"))
	if len(f.grids) != 1 {
		t.Fatalf("edit not applied: %v", f.grids)
	}
	np := f.Plan()
	m = update(m, updatesMsg{run: m.a.run, updates: asUpdates(sweep.Event{Kind: sweep.PlanChanged, Done: 0, Total: 12}), plan: &np}, frameMsg{})
	v := m.View()
	if strings.Contains(v, "D=3 K=") || strings.Contains(v, "D=3 ") {
		t.Errorf("dropped D=3 results still shown:\n%s", v)
	}
	if !strings.Contains(v, "Results (0)") || !strings.Contains(v, "no results yet") {
		t.Errorf("table count or summary counts dropped results:\n%s", v)
	}
}

// 3 and 11: nothing is created before a sweep starts (the checks of the
// directory as it is typed are the setup view's tests).
func TestItem3OutDirChecked(t *testing.T) {
	work := t.TempDir()
	file := filepath.Join(work, "afile")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// Launch, type a new directory, quit: nothing exists.
	m, started := testModel(t, topts{OutDir: "out", WorkDir: work})
	m = update(m, size(80, 24))
	for range 8 {
		m = update(m, keyMsg("tab")) // to the output dir
	}
	m = update(m, keyMsg("ctrl+u"), keyMsg("elsewhere"))
	_, cmd := m.Update(keyMsg("esc"))
	if cmd == nil || len(started) != 0 {
		t.Fatal("esc on setup should quit without starting")
	}
	for _, d := range []string{"out", "elsewhere", ".benchmarks"} {
		if fileExists(filepath.Join(work, d)) {
			t.Errorf("%s was created before any sweep started", d)
		}
	}
}

// 11: min-time and baseline are fields; a long value keeps its ✗ visible
// at 50 columns.
func TestItem11SetupFields(t *testing.T) {
	m, _ := testModel(t, topts{})
	m = update(m, size(50, 15))
	for range 6 {
		m = update(m, keyMsg("tab")) // to min-time
	}
	m = update(m, keyMsg("ctrl+u"), keyMsg("10 parsecs"))
	v := m.View()
	checkFits(t, v, 50, 15)
	if !strings.Contains(v, "not a duration") {
		t.Errorf("bad min-time not reported:\n%s", v)
	}
	m = update(m, keyMsg("ctrl+u"), keyMsg("250ms"))
	p, _, err := m.a.setup.Plan()
	if err != nil || p.Timing.MinTime != 250*time.Millisecond {
		t.Errorf("min-time 250ms: %v %v", p.Timing.MinTime, err)
	}
	m = update(m, keyMsg("tab"), keyMsg("tab"), keyMsg("tab")) // to baseline
	m = update(m, keyMsg("no/such/file.jsonl"))
	if v := m.View(); !strings.Contains(v, "does not exist") {
		t.Errorf("missing baseline not reported:\n%s", v)
	}
	m = update(m, keyMsg("ctrl+u"))
	m = update(m, keyMsg("shift+tab"))                        // not a binding: stays
	m.a.setup.Form().Move(-8)                                 // to D
	m = update(m, keyMsg(",1,2,3,4,5,6,7,8,9,10,11,12,13,x")) // long, and wrong
	v = m.View()
	checkFits(t, v, 50, 15)
	line := ""
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "D  dims") {
			line = l
		}
	}
	if !strings.Contains(line, "✗") {
		t.Errorf("✗ not visible on the D line at 50 columns: %q\n%s", line, v)
	}
	if !strings.Contains(v, "esc quit") {
		t.Errorf("the key help gave way to the error at 50×15:\n%s", v)
	}
}

// 5: a partial cell shows "~" also where the heatmap has no room for values.
func TestItem5PartialInCompactHeatmap(t *testing.T) {
	p := bench.DefaultPlan()
	p.Grid.Branches, _ = bench.ParseList("2..11")
	s := runstate.New(1, p, nil, testEpoch)
	s.AddResult(synthResult(bench.Config{D: 3, K: 2, T: 48}, p)) // T=96 not yet
	v := heatmap.Render(s, heatmap.Time, heatmap.DK, runview.HeatStyles(theme.New()), 40, 6)
	if !strings.Contains(strings.Split(v, "\n")[1], "~") {
		t.Errorf("partial cell without ~:\n%s", v)
	}
}

// 6 and 14: column labels are never cut into another number; axes that
// do not fit are binned into labelled ranges.
func TestItem6LabelsWholeOrBinned(t *testing.T) {
	p := bench.DefaultPlan()
	p.Grid.Branches, _ = bench.ParseList("2..11")
	s := runstate.New(1, p, nil, testEpoch)
	for _, c := range p.Grid.Configs() {
		s.AddResult(synthResult(c, p))
	}
	for _, w := range []int{20, 30, 46, 60, 100} {
		v := heatmap.Render(s, heatmap.Time, heatmap.DK, runview.HeatStyles(theme.New()), w, 8)
		// The header is every line above the first row (labels may be
		// staggered over two lines).
		var head []string
		for _, l := range strings.Split(v, "\n") {
			if strings.HasPrefix(l, "D=") {
				break
			}
			head = append(head, l)
		}
		header := strings.Join(head, " ")
		labels := strings.Fields(strings.NewReplacer("D\\K", "", "K=", "").Replace(header))
		seen := map[string]bool{}
		for _, l := range labels {
			if !regexp.MustCompile(`^(\d+|\d+–\d+)$`).MatchString(l) {
				t.Errorf("w=%d: label %q is not a value or range: %q", w, l, header)
			}
			if seen[l] {
				t.Errorf("w=%d: label %q twice: %q", w, l, header)
			}
			seen[l] = true
			for _, part := range strings.Split(l, "–") {
				if !s.Plan.Grid.Contains(bench.Config{D: 3, K: atoi(part), T: 48}) {
					t.Errorf("w=%d: label %q names K=%s, not in the grid", w, l, part)
				}
			}
		}
		covered := map[int]bool{}
		for _, l := range labels {
			lo, hi, _ := strings.Cut(l, "–")
			if hi == "" {
				hi = lo
			}
			for k := atoi(lo); k <= atoi(hi); k++ {
				covered[k] = true
			}
		}
		if len(covered) != 10 {
			t.Errorf("w=%d: labels cover %d of K=2..11: %q", w, len(covered), header)
		}
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// 7: o reaches every column, and the sort arrow follows the whole title.
func TestItem7SortEveryColumn(t *testing.T) {
	p := bench.DefaultPlan()
	m, _ := startedModel(t, 120, 40, sweepEvents(p, 12, false)...)
	seen := map[string]bool{}
	for range 10 { // every column, once round
		v := m.View()
		m2 := regexp.MustCompile(`sorted by ([^,]+), ascending`).FindStringSubmatch(v)
		if m2 == nil {
			t.Fatalf("no sort in title:\n%s", v)
		}
		seen[m2[1]] = true
		if !regexp.MustCompile(`(#|config|median|±CI|RMSE|robust|memory|outl|epochs)↑`).MatchString(v) {
			t.Errorf("sorted by %s: arrow not after a whole title:\n%s", m2[1], v)
		}
		m = update(m, keyMsg("o"))
	}
	for _, want := range []string{"#", "config", "median time/epoch", "±CI", "RMSE", "robustness", "memory", "outliers", "epochs"} {
		if !seen[want] {
			t.Errorf("o never sorted by %s (saw %v)", want, seen)
		}
	}
}

// 8: no ETA while paused; elapsed stops when the sweep has ended.
func TestItem8TimesWhilePausedAndDone(t *testing.T) {
	p := bench.DefaultPlan()
	m, f := startedModel(t, 120, 40, sweepEvents(p, 3, true)...)
	m = feed(m, sweep.Event{Kind: sweep.Paused})
	if v := m.View(); !strings.Contains(v, "ETA on hold while paused") {
		t.Errorf("paused view:\n%s", v)
	}
	clk := &clock{}
	m.a.now = clk.now
	clk.set(5 * time.Second)
	f.finish()
	m = update(m, m.a.drainCmd(m.a.run)(), frameMsg{})
	before := regexp.MustCompile(`elapsed \S+`).FindString(m.View())
	clk.set(time.Hour)
	m = update(m, frameMsg{}, size(120, 40))
	if after := regexp.MustCompile(`elapsed \S+`).FindString(m.View()); after != before || before == "" {
		t.Errorf("elapsed moved after the sweep ended: %q then %q", before, after)
	}
}

// 10: statuses clear once stale; the legend's bounds differ; p-values are
// never 0.00; the chart's ticks are evenly spaced whole numbers up to the
// last config.
func TestItem10NoStaleText(t *testing.T) {
	p := bench.DefaultPlan()
	m, _ := startedModel(t, 120, 40, sweepEvents(p, 3, true)...)
	m = update(m, keyMsg("p"))
	if !strings.Contains(m.View(), statusPausing) {
		t.Fatal("no pausing status")
	}
	m = feed(m, sweep.Event{Kind: sweep.Paused})
	v := m.View()
	if strings.Contains(v, statusPausing) || !strings.Contains(v, "p resume") {
		t.Errorf("paused: stale status or footer:\n%s", v)
	}
	m = update(m, keyMsg("p"))
	m = feed(m, sweep.Event{Kind: sweep.Resumed})
	if v := m.View(); strings.Contains(v, statusResuming) || !strings.Contains(v, "p pause") {
		t.Errorf("resumed: stale status or footer:\n%s", v)
	}
	m = update(m, keyMsg("r"))
	if m.a.prompt == nil || regexp.MustCompile(`\d+ results`).MatchString(m.a.prompt.text) {
		t.Errorf("restart prompt should carry no count that goes stale: %+v", m.a.prompt)
	}

	s := runstate.New(1, p, nil, testEpoch)
	for i, c := range p.Grid.Configs() {
		r := synthResult(c, p)
		r.RobustnessMean = 0.9641 + 0.0001*float64(i%3)
		s.AddResult(r)
	}
	legend := heatmap.Render(s, heatmap.Robustness, heatmap.DK, runview.HeatStyles(theme.New()), 100, 8)
	bounds := regexp.MustCompile(`[<≤]([0-9.]+)`).FindAllStringSubmatch(legend, -1)
	seen := map[string]bool{}
	for _, b := range bounds {
		if seen[b[1]] {
			t.Errorf("legend bound %s repeats:\n%s", b[1], legend)
		}
		seen[b[1]] = true
	}
	for p, want := range map[float64]string{0.0001: "p<0.001", 0.004: "p=0.004", 0.2: "p=0.20"} {
		if got := runstate.PText(p); got != want {
			t.Errorf("runstate.PText(%v) = %q, want %q", p, got, want)
		}
	}
	sw := runstate.New(1, p, nil, testEpoch)
	for _, c := range p.Grid.Configs() {
		sw.AddResult(synthResult(c, p))
	}
	drawn, _ := chart.Draw(sw, chart.Styles{}, 40, 10)
	lines := strings.Split(drawn, "\n")
	ticks := strings.Fields(lines[len(lines)-1])
	if len(ticks) < 2 || ticks[len(ticks)-1] != "12" {
		t.Errorf("chart ticks %v should end at 12:\n%s", ticks, drawn)
	}
}

// 12: the selected row is marked without colour; an idle screen stops
// ticking; the help lists the table's paging keys.
func TestItem12Smaller(t *testing.T) {
	p := bench.DefaultPlan()
	m, f := startedModel(t, 120, 40, sweepEvents(p, 4, false)...)
	if !regexp.MustCompile(`(?m)^│ ›1\s+D=3 K=3 T=48`).MatchString(m.View()) {
		t.Errorf("selected row not marked:\n%s", m.View())
	}
	m = update(m, keyMsg("j"))
	if !regexp.MustCompile(`(?m)^│ ›2\s+D=3 K=3 T=96`).MatchString(m.View()) {
		t.Errorf("marker did not follow the cursor:\n%s", m.View())
	}
	if _, cmd := m.Update(frameMsg{}); cmd == nil {
		t.Error("a running sweep should keep the frames coming")
	}
	f.finish()
	m = update(m, m.a.drainCmd(m.a.run)(), frameMsg{})
	if _, cmd := m.Update(frameMsg{}); cmd != nil {
		t.Error("a finished, unchanged screen still ticks")
	}
	// The full help keeps every key at every size: narrow screens get
	// more rows, not cut columns.
	for _, sz := range sizes {
		m, _ := startedModel(t, sz.w, sz.h, sweepEvents(p, 4, true)...)
		m = update(m, keyMsg("?"))
		v := m.View()
		checkFits(t, v, sz.w, sz.h)
		for _, k := range []string{"run/restart", "pgup", "pgdn", "home", "end", "reverse", "quit"} {
			if !strings.Contains(v, k) {
				t.Errorf("%s: help lacks %q:\n%s", sz.name, k, v)
			}
		}
	}
}

// 14: the 10,000-config table scrolls.
func TestItem14LargeTableScrolls(t *testing.T) {
	m := largeModel(t, largePlan().Grid.Size())
	_ = m.View() // sizes the table, as the program does before any key
	m = update(m, tea.KeyMsg{Type: tea.KeyPgDown}, tea.KeyMsg{Type: tea.KeyPgDown})
	if v := m.View(); strings.Contains(v, "›1 ") || !regexp.MustCompile(`(?m)^│ ›\d{2}\s+D=`).MatchString(v) {
		t.Errorf("pgdown did not scroll:\n%s", v)
	}
	m = update(m, tea.KeyMsg{Type: tea.KeyEnd})
	if v := m.View(); !strings.Contains(v, "›10000 ") {
		t.Errorf("end did not reach row 10000:\n%s", v)
	}
}
