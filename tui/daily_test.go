package tui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/store"
)

// The workbench for daily use: clicks placed by both coordinates, zoom,
// position indicators, the filter's list syntax, the header's engine, the
// status queue.

// TestMouseChartIsNoHeatmapCell: a click inside the line chart, on the
// line of a heatmap row, sets no filter (the heatmap is beside the chart
// from 100 columns); a click on a cell of that row still filters to it.
func TestMouseChartIsNoHeatmapCell(t *testing.T) {
	for _, s := range []struct{ w, h int }{{120, 40}, {100, 30}} {
		m := workbench(t, s.w, s.h)
		v := m.View()
		_, dy := find(t, v, "D=6 ")
		line := []rune(strings.Split(v, "\n")[dy])
		if !strings.Contains(string(line[:s.w/2]), "│") {
			t.Fatalf("%dx%d: no chart beside the heatmap:\n%s", s.w, s.h, v)
		}
		for _, x := range []int{3, s.w / 4, s.w/2 - 2} {
			m = update(m, click(x, dy))
			if f := m.a.runv.Table.Filter().String(); f != "" {
				t.Fatalf("%dx%d: a click on the chart at (%d,%d) set the filter %q", s.w, s.h, x, dy, f)
			}
		}
		_, ky := find(t, v, "K=5")
		kx, _ := find(t, strings.Split(v, "\n")[ky], "K=5")
		m = update(m, click(kx+1, dy))
		if f := m.a.runv.Table.Filter().String(); f != "D=6 K=5" {
			t.Fatalf("%dx%d: a click on cell D=6 K=5 filters %q", s.w, s.h, f)
		}
	}
}

// TestFilterSaysNoMatch: a filter that keeps nothing says so, and a
// verdict filter without a baseline says why it cannot match.
func TestFilterSaysNoMatch(t *testing.T) {
	for _, s := range sizes[:2] {
		m := workbench(t, s.w, s.h)
		m = press(m, "/", "D=4", "enter")
		v := m.View()
		checkFits(t, v, s.w, s.h)
		mustContain(t, v, "Results (0)", "no match for", "D=4")
		m = press(m, "/", "ctrl+u", "slower", "enter")
		mustContain(t, m.View(), "needs a baseline", "this run has none")
		m = press(m, "/", "ctrl+u", "K=3..", "enter")
		mustContain(t, m.View(), "no match: K=3..")
		m = press(m, "/", "ctrl+u", "K=9,3", "enter")
		mustContain(t, m.View(), "Results (8)")
	}
}

// TestTablePositionAndVisibleSort: a table that does not show every row
// says which rows it shows; o sorts only by the columns on screen.
func TestTablePositionAndVisibleSort(t *testing.T) {
	for _, s := range []struct{ w, h int }{{80, 24}, {60, 20}} {
		m := workbench(t, s.w, s.h)
		mustContain(t, m.View(), "rows 1–")
		m = press(m, "end")
		v := m.View()
		if !strings.Contains(v, "–12 of 12") {
			t.Errorf("%dx%d: no position after end:\n%s", s.w, s.h, v)
		}
		hdr := ""
		for _, l := range strings.Split(v, "\n") {
			if strings.Contains(l, "config") && strings.Contains(l, "median") {
				hdr = l
			}
		}
		for i := 0; i < 12; i++ {
			m = press(m, "o")
			m.View()
			name := m.a.runv.Table.SortName()
			title := map[string]string{"median time/epoch": "median", "robustness": "robust", "outliers": "outl"}[name]
			if title == "" {
				title = name
			}
			if !strings.Contains(hdr, title) {
				t.Fatalf("%dx%d: o sorts by %q, not on screen:\n%s", s.w, s.h, name, hdr)
			}
		}
	}
}

// TestZoom: z gives the table, then the chart, then the heatmap the whole
// body, and a fourth z shows every pane again; the history's opened run
// zooms alike.
func TestZoom(t *testing.T) {
	for _, s := range sizes {
		m := workbench(t, s.w, s.h)
		m = press(m, "z")
		v := m.View()
		checkFits(t, v, s.w, s.h)
		mustContain(t, v, "z 1/3 table")
		if s.h >= 24 {
			mustContain(t, v, "D=3 K=3 T=48", "D=6 K=9 T=96") // every row: the table has the screen
		} else {
			mustContain(t, v, "rows 1–11 of 12")
		}
		m = press(m, "z")
		mustContain(t, m.View(), "z 2/3 chart")
		m = press(m, "z")
		v = m.View()
		checkFits(t, v, s.w, s.h)
		mustContain(t, v, "z 3/3 heatmap", "D=6", "K=9")
		if strings.Contains(v, "Results (") {
			t.Errorf("%s: zoomed heatmap still shows the table:\n%s", s.name, v)
		}
		m = press(m, "z")
		if v := m.View(); strings.Contains(v, "z 3/3") || strings.Contains(v, "z 1/3") {
			t.Errorf("%s: a fourth z should show every pane", s.name)
		}
	}
}

// TestHelpListsEveryKey: ? lists every key of the run view, those the
// footer has no room for included.
func TestHelpListsEveryKey(t *testing.T) {
	m := workbench(t, 80, 24)
	m = press(m, "?")
	v := m.View()
	for _, k := range []string{"enter", "h", "/", "n", "c", "z", "r", "e", "p", "s", "m", "a", "o", "O", "q"} {
		if !strings.Contains(v, k+" ") {
			t.Errorf("help lacks %q:\n%s", k, v)
		}
	}
}

// TestHistoryFromSetup: h on the setup form (on a grid field) opens the
// history of the directory the form names; esc returns to the form. On a
// text field h is typed.
func TestHistoryFromSetup(t *testing.T) {
	work := t.TempDir()
	writeHistory(t, filepath.Join(work, "res"), bench.DefaultPlan(), fixtureRun{id: idOld, scale: 1}, fixtureRun{id: idNew, scale: 1.1})
	m, _ := testModel(t, topts{OutDir: "res", WorkDir: work})
	m = update(m, size(80, 24))
	if m.a.prompt != nil {
		m = press(m, "n")
	}
	m = press(m, "h")
	v := m.View()
	checkFits(t, v, 80, 24)
	mustContain(t, v, "Runs (2)", "complete 12/12")
	m = press(m, "esc")
	mustContain(t, m.View(), "set up a sweep")
	if m.a.screen != screenSetup {
		t.Fatal("esc in the history should return to the setup form")
	}
}

// TestShowFollowsLive: hcbench show on a run another hcbench is still
// writing shows its new results as the JSONL grows, labels it "writing",
// and keeps the opened run's view (its zoom) while it grows.
func TestShowFollowsLive(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	p := bench.DefaultPlan()
	writeHistory(t, dir, p, fixtureRun{id: idOld, scale: 1}, fixtureRun{id: idNew, scale: 1, done: 3})
	m := showModel(t, dir, 120, 40)
	mustContain(t, m.View(), "partial 3/12")
	m = press(m, "enter", "z") // the newest run opened, its table zoomed
	mustContain(t, m.View(), "Results (3)")

	writeHistory(t, dir, p, fixtureRun{id: idOld, scale: 1}, fixtureRun{id: idNew, scale: 1, done: 7})
	m = run(m, m.a.followRead())
	v := m.View()
	mustContain(t, v, "Results (7)", "z 1/3 table", "D=6 K=3 T=48")
	m = press(m, "z", "z", "z")
	mustContain(t, m.View(), "being written by another hcbench", "7/12")
	m = press(m, "esc")
	mustContain(t, m.View(), "writing 7/12")
	if cmd := m.a.followRead(); cmd != nil {
		t.Error("an unchanged JSONL is read again")
	}

	writeHistory(t, dir, p, fixtureRun{id: idOld, scale: 1}, fixtureRun{id: idNew, scale: 1})
	m = run(m, m.a.followRead())
	mustContain(t, m.View(), "complete 12/12")
	if strings.Contains(m.View(), "writing") {
		t.Errorf("a complete run is still labelled writing:\n%s", m.View())
	}
}

// TestHistoryLabelsOwnRun: the run this workbench is measuring reads
// "measuring 3/12" in the history, and u on it says it goes on by itself.
func TestHistoryLabelsOwnRun(t *testing.T) {
	p := bench.DefaultPlan()
	m, _ := startedModel(t, 120, 40, sweepEvents(p, 3, true)...)
	// What the recorder has written of it so far.
	writeHistory(t, m.a.resolve(m.a.outDir()), p, fixtureRun{id: m.a.sw.RunID, scale: 1, done: 3})
	m = press(m, "h")
	v := m.View()
	mustContain(t, v, "measuring 3/12")
	m = press(m, "u")
	mustContain(t, m.View(), "is the one measuring now")
}

// TestShowExportsWhenAsked: s in hcbench show asks before writing a run's
// reports; n writes nothing, y writes the CSV, Markdown, benchstat file
// and figures of that run, and never touches the JSONL.
func TestShowExportsWhenAsked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	writeHistory(t, dir, bench.DefaultPlan(), fixtureRun{id: idOld, scale: 1}, fixtureRun{id: idNew, scale: 1.1})
	before := snapshot(t, dir)
	m := showModel(t, dir, 80, 24)
	m = press(m, "j", "s") // the older run
	mustContain(t, screenWords(m.View()), fmt.Sprintf("Write the reports of run %d", idOld))
	m = press(m, "n")
	if after := snapshot(t, dir); len(after) != len(before) {
		t.Fatalf("n wrote files: %d before, %d after", len(before), len(after))
	}
	m = press(m, "s")
	nm, cmd := m.Update(keyMsg("y"))
	m = run(nm.(Model), cmd)
	mustContain(t, screenWords(m.View()), fmt.Sprintf("run %d's reports written", idOld))
	paths := store.PathsFor(dir)
	after := snapshot(t, dir)
	if after[paths.JSONL] != before[paths.JSONL] {
		t.Error("the JSONL changed")
	}
	for _, f := range []string{paths.CSV, paths.Markdown, paths.Bench, paths.TimesPNG} {
		if _, ok := after[f]; !ok {
			t.Errorf("%s not written", f)
		}
	}
	if !strings.Contains(after[paths.CSV], fmt.Sprint(idOld)) || strings.Contains(after[paths.CSV], fmt.Sprint(idNew)) {
		t.Errorf("the CSV is not run %d's:\n%.300s", idOld, after[paths.CSV])
	}
}

// TestHeaderNamesEngine: the run view's header names the engine (and the
// variant of an A/B sweep), at every size the grid fits; hcbench show
// names the opened run's.
func TestHeaderNamesEngine(t *testing.T) {
	for _, s := range sizes[:2] {
		m := workbench(t, s.w, s.h)
		if h := strings.Split(m.View(), "\n")[0]; !strings.Contains(h, " · go · D=") {
			t.Errorf("%s: header lacks the engine: %q", s.name, h)
		}
	}
	p := bench.DefaultPlan()
	p.Engine = bench.EnginePython
	if got := engineText(p); got != "python" {
		t.Errorf("engineText = %q", got)
	}
	p.Vs = bench.Variant{Policy: bench.PolicyMinRisk}
	if got := engineText(p); got != "python vs policy=minrisk" {
		t.Errorf("engineText = %q", got)
	}
	dir := filepath.Join(t.TempDir(), "res")
	writeHistory(t, dir, bench.DefaultPlan(), fixtureRun{id: idOld, scale: 1})
	m := showModel(t, dir, 120, 40)
	m = press(m, "enter")
	if h := strings.Split(m.View(), "\n")[0]; !strings.Contains(h, fmt.Sprintf("run %d · go · read-only", idOld)) {
		t.Errorf("show's header lacks the opened run's engine: %q", h)
	}
}

// TestStatusQueues: a status line does not overwrite the one before it:
// the earlier stays above (two at most), a repeated one is not doubled,
// and clearing clears them all.
func TestStatusQueues(t *testing.T) {
	m := workbench(t, 120, 40)
	m.a.setStatus("warning: the machine is busy", true)
	m.a.setStatus("engine: python", false)
	v := m.View()
	mustContain(t, v, "warning: the machine is busy\n", "engine: python")
	m.a.setStatus("three", false)
	m.a.setStatus("four", false)
	v = m.View()
	mustContain(t, v, "engine: python\n", "three\n", "four")
	if strings.Contains(v, "machine is busy") {
		t.Errorf("more than three status lines:\n%s", v)
	}
	checkFits(t, v, 120, 40)
	m.a.setStatus("", false)
	if strings.Contains(m.View(), "three") {
		t.Error("clearing the status left lines")
	}
}

// TestProgressSaysWhatItCounts: the bar's count is of configs, its share
// of measurements; a noisy config's reason wraps at 120 columns instead of
// being cut.
func TestProgressSaysWhatItCounts(t *testing.T) {
	m := workbench(t, 120, 40)
	mustContain(t, m.View(), "12/12 configs · 100% of measurements")
	m = workbench(t, 80, 24)
	mustContain(t, m.View(), "12/12 configs · 100% measured")

	m = workbench(t, 120, 40)
	c := m.a.sw.Order[1]
	m.a.sw.Noisy[c] = "95% CI ±7.0% over 7 measurements, 2 contended left out; 11% of rounds stalled (a tail of slow rounds) and more words to pass 120 columns"
	m.a.sw.Version++
	m.a.valid = false
	v := m.View()
	mustContain(t, screenWords(v), "more words to pass 120 columns · rerun on a quieter machine or add --repeats")
	checkFits(t, v, 120, 40)
}

// TestEditorFitsWithoutEllipses: at 60×20 the grid editor's rows fit its
// box: none ends in "…" (its note wraps).
func TestEditorFitsWithoutEllipses(t *testing.T) {
	for _, s := range []struct{ w, h int }{{60, 20}, {50, 15}, {80, 24}} {
		m, _ := startedModel(t, s.w, s.h, sweepEvents(bench.DefaultPlan(), 3, true)...)
		m = press(m, "e")
		v := m.View()
		checkFits(t, v, s.w, s.h)
		for _, l := range strings.Split(v, "\n") {
			if strings.Contains(l, "… │") || strings.HasSuffix(strings.TrimRight(l, " "), "…│") {
				t.Errorf("%dx%d: an editor row is cut: %q\n%s", s.w, s.h, l, v)
			}
		}
		mustContain(t, screenWords(v), "results must stay comparable")
	}
}

// TestLongFieldShowsItsCut: a value longer than its input, scrolled to
// the cursor at its end, shows "…" where it was cut — the baseline field
// never reads "/qmlhc_benchmarks.jsonl" as if it were a path of its own.
func TestLongFieldShowsItsCut(t *testing.T) {
	m, _ := testModel(t, topts{BaselinePath: "/tmp/a/rather/long/directory/name/qmlhc_benchmarks.jsonl"})
	m = update(m, size(120, 40))
	if m.a.prompt != nil {
		m = press(m, "n")
	}
	for i := 0; i < 9; i++ {
		m = press(m, "down") // to the baseline field
	}
	v := m.View()
	line := ""
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "› baseline") {
			line = l
		}
	}
	if !strings.Contains(line, "…") || strings.Contains(line, " /qmlhc_benchmarks") {
		t.Errorf("the focused baseline field hides its cut: %q\n%s", line, v)
	}
}

// TestTmuxMouseByBothCoordinates: in the real binary at 120×40 (hcbench
// show on a recorded run, tmux sending the terminal's SGR mouse reports),
// a click inside the line chart, on the line of a heatmap row, sets no
// filter; a click on that row's K=9 cell filters the table to it.
func TestTmuxMouseByBothCoordinates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "results")
	writeHistory(t, dir, bench.DefaultPlan(), fixtureRun{id: idOld, scale: 1})
	before := snapshot(t, dir)
	p := startTmux(t, 120, 40, "show "+dir)
	p.waitFor("the history", time.Minute, has("Runs (1)"))
	p.send("Enter")
	screen := p.waitFor("the run's view", time.Minute, has("Results (12)", "K=9", "Median time/epoch"))
	lines := strings.Split(screen, "\n")
	row, kx := -1, -1
	for y, l := range lines {
		if i := strings.Index(l, "K=9"); i >= 0 && kx < 0 {
			kx = len([]rune(l[:i])) + 1
		}
		if strings.Contains(l, "│ D=6 ") && row < 0 {
			row = y
		}
	}
	if row < 0 || kx < 0 {
		t.Fatalf("no heatmap row D=6 or column K=9:\n%s", screen)
	}
	click := func(x, y int) { // 1-based, as the terminal reports
		p.send("-l", fmt.Sprintf("\x1b[<0;%d;%dM\x1b[<0;%d;%dm", x, y, x, y))
	}
	click(20, row+1) // inside the chart, on the D=6 row's line
	// The filter line opens with the filter in force: after the click, so
	// it shows what the click did — here nothing (its placeholder).
	p.send("/")
	got := p.waitFor("the filter line", 10*time.Second, has("/K=3,9 · D=3..12:3"))
	if strings.Contains(got, "/D=6") || strings.Contains(got, "filter D=6") {
		t.Errorf("the chart click set a filter:\n%s", got)
	}
	p.send("Escape")
	p.waitFor("the filter line closed", 10*time.Second, func(s string) bool { return !strings.Contains(s, "/K=3,9") })
	click(kx+1, row+1)
	got = p.waitFor("the cell's filter", 10*time.Second, has("filter D=6 K=9"))
	mustContain(t, got, "Results (2)")
	p.send("q")
	p.waitFor("hcbench to exit", time.Minute, has("hcbench-exit=0"))
	if after := snapshot(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("hcbench show changed its directory")
	}
}
