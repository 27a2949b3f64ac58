package tui

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/tui/views/detail"
	"github.com/hcbench/hcbench/tui/views/runview"
	"github.com/hcbench/hcbench/tui/widgets/heatmap"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

var sizes = []struct {
	name string
	w, h int
}{{"120x40", 120, 40}, {"80x24", 80, 24}, {"50x15", 50, 15}}

func size(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// checkFits fails when the view is larger than the terminal.
func checkFits(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) > h {
		t.Errorf("view has %d lines, terminal %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("line %d is %d wide, terminal %d: %q", i+1, lw, w, l)
		}
	}
}

// startedModel is a model at size w×h running the default plan on a fake
// engine, with the given events already folded in.
func startedModel(t *testing.T, w, h int, evs ...sweep.Event) (Model, *fakeSession) {
	t.Helper()
	m, started := testModel(t, topts{StartNow: true})
	m = update(m, size(w, h), startMsg{})
	f := <-started
	return feed(m, evs...), f
}

func TestSetupPrefilledFromPlan(t *testing.T) {
	p := bench.DefaultPlan()
	p.Grid.Dims = []int{2, 4, 8}
	p.Depths = []int{1, 2}
	p.Repeats = 5
	p.Seed = 7
	p.Policy = bench.PolicyMedian
	m, _ := testModel(t, topts{Plan: p, OutDir: "out-here"})
	for _, s := range sizes {
		m = update(m, size(s.w, s.h))
		v := m.View()
		checkFits(t, v, s.w, s.h)
		for _, want := range []string{"2,4,8", "3,5,9", "48,96", "1,2", "out-here", "median", "18 configs", "est. "} {
			if !strings.Contains(v, want) {
				t.Errorf("%s: setup view lacks %q:\n%s", s.name, want, v)
			}
		}
	}
}

func TestSetupValidatesInline(t *testing.T) {
	m, started := testModel(t, topts{})
	m = update(m, size(120, 40), keyMsg("tab")) // to K
	m = update(m, keyMsg("ctrl+u"), keyMsg("1,3"))
	v := m.View()
	// The engine's own message, as the CLI prints it.
	if !strings.Contains(v, "✗ K: K=1 is out of range: each value must be in 2..") {
		t.Errorf("no range error for K=1:\n%s", v)
	}
	m = update(m, keyMsg("ctrl+u"), keyMsg("3..1"))
	v = m.View()
	if !strings.Contains(v, `✗ K: range end 1 is below its start 3`) {
		t.Errorf("no ParseList error for 3..1:\n%s", v)
	}
	m = update(m, keyMsg("enter"))
	if m.a.screen != screenSetup || len(started) != 0 {
		t.Fatal("an invalid form started a sweep")
	}
	// Fixing the field clears the error and updates the live count.
	m = update(m, keyMsg("ctrl+u"), keyMsg("3..12:3"))
	v = m.View()
	if strings.Contains(v, "✗") || !strings.Contains(v, "16 configs") {
		t.Errorf("K=3..12:3 should give 16 configs without errors:\n%s", v)
	}
	m = update(m, keyMsg("enter"))
	if m.a.screen != screenRun || len(started) != 1 {
		t.Fatal("enter on a valid form did not start the sweep")
	}
	f := <-started
	if got := f.Plan().Grid.Branches; !slices.Equal(got, []int{3, 6, 9, 12}) {
		t.Errorf("sweep started with K=%v", got)
	}
}

func TestSetupRepeatsSeedPolicyChecked(t *testing.T) {
	m, _ := testModel(t, topts{})
	m = update(m, size(120, 40))
	for range 4 {
		m = update(m, keyMsg("tab")) // to repeats
	}
	m = update(m, keyMsg("ctrl+u"), keyMsg("0"))
	if v := m.View(); !strings.Contains(v, "out of range: repeats must be in 1..65536") {
		t.Errorf("repeats=0 accepted:\n%s", v)
	}
	m = update(m, keyMsg("ctrl+u"), keyMsg("2"), keyMsg("tab"), keyMsg("tab"), keyMsg("tab")) // to policy
	// Policy is a choice: typing does nothing, → and ← cycle.
	m = update(m, keyMsg("best"))
	if got := m.a.setup.Form().Value("policy"); got != bench.PolicyMean {
		t.Errorf("typing changed the policy to %q", got)
	}
	m = update(m, tea.KeyMsg{Type: tea.KeyRight})
	if v := m.View(); !strings.Contains(v, "‹ median ›") {
		t.Errorf("→ should choose median:\n%s", v)
	}
	m = update(m, tea.KeyMsg{Type: tea.KeyLeft}, tea.KeyMsg{Type: tea.KeyLeft})
	if got := m.a.setup.Form().Value("policy"); got != bench.PolicyMinRisk {
		t.Errorf("← ← from median: policy %q, want minrisk", got)
	}
}

func TestRunViewInProgress(t *testing.T) {
	for _, s := range sizes {
		t.Run(s.name, func(t *testing.T) {
			p := bench.DefaultPlan()
			m, _ := startedModel(t, s.w, s.h, sweepEvents(p, 7, true)...)
			v := m.View()
			checkFits(t, v, s.w, s.h)
			for _, want := range []string{"7/12", "D=3", "D=6", "K=3", "K=5", "K=9", "▶ running", "elapsed", "ETA", "D=6 K=3 T=96"} {
				if !strings.Contains(v, want) {
					t.Errorf("run view lacks %q:\n%s", want, v)
				}
			}
			if s.w >= 100 && !strings.Contains(v, "depth 2") {
				t.Errorf("run view lacks the running depth:\n%s", v)
			}
			// Pending cells: D=6 K=5 and D=6 K=9 have no result yet.
			if !strings.Contains(v, string(heatmap.PendingGlyph)+string(heatmap.PendingGlyph)) {
				t.Errorf("no pending cells:\n%s", v)
			}
		})
	}
}

func TestRunViewEveryPaneAt120x40(t *testing.T) {
	p := bench.DefaultPlan()
	m, _ := startedModel(t, 120, 40, sweepEvents(p, 12, false)...)
	v := m.View()
	for _, want := range []string{"Progress", "Median time/epoch vs config #", "Heatmap: median time/epoch · D×K · avg over T", "Results (12)", "Summary",
		"- Fastest config :", "- Slowest config :", "- Scaling fit    :", "time/epoch", "RMSE", "q quit"} {
		if !strings.Contains(v, want) {
			t.Errorf("lacks %q:\n%s", want, v)
		}
	}
	// Each glyph level appears in the legend, readable without colour.
	for _, g := range heatmap.Glyphs {
		if !strings.Contains(v, "["+string(g)+"]") {
			t.Errorf("legend lacks glyph %q:\n%s", g, v)
		}
	}
}

func TestReflowsAtAnySize(t *testing.T) {
	p := bench.DefaultPlan()
	m, _ := startedModel(t, 120, 40, sweepEvents(p, 5, true)...)
	for _, sz := range [][2]int{{50, 15}, {60, 20}, {80, 24}, {100, 30}, {200, 60}, {20, 5}, {1, 1}, {120, 40}} {
		m = update(m, size(sz[0], sz[1]))
		checkFits(t, m.View(), sz[0], sz[1])
	}
}

func TestMetricCycles(t *testing.T) {
	p := bench.DefaultPlan()
	m, _ := startedModel(t, 120, 40, sweepEvents(p, 12, false)...)
	want := []string{"RMSE", "robustness", "memory", "median time/epoch"}
	for _, w := range want {
		m = update(m, keyMsg("m"))
		if v := m.View(); !strings.Contains(v, "Heatmap: "+w+" ·") {
			t.Errorf("after m: want metric %q:\n%s", w, v)
		}
	}
	// A baseline adds the ratio.
	mb, started := testModel(t, topts{StartNow: true, Baseline: []bench.Result{*synthResult(bench.Config{D: 3, K: 3, T: 48}, p)}})
	mb = update(mb, size(120, 40), startMsg{})
	<-started
	for range 4 {
		mb = update(mb, keyMsg("m"))
	}
	if v := mb.View(); !strings.Contains(v, "Heatmap: ratio vs baseline") {
		t.Errorf("no ratio metric with a baseline:\n%s", v)
	}
}

func TestAxesCycle(t *testing.T) {
	p := bench.DefaultPlan()
	m, _ := startedModel(t, 120, 40, sweepEvents(p, 12, false)...)
	m = update(m, keyMsg("a"))
	v := m.View()
	if !strings.Contains(v, "D×T · avg over K") || !strings.Contains(v, "T=48") || !strings.Contains(v, "T=96") {
		t.Errorf("a: want D×T:\n%s", v)
	}
	m = update(m, keyMsg("a"))
	v = m.View()
	if !strings.Contains(v, "K×T · avg over D") || !regexp.MustCompile(`K=9\s`).MatchString(v) {
		t.Errorf("a a: want K×T:\n%s", v)
	}
	m = update(m, keyMsg("a"))
	if !strings.Contains(m.View(), "D×K · avg over T") {
		t.Error("a cycles back to D×K")
	}
}

func TestHeatmapAverageAndLevels(t *testing.T) {
	p := bench.DefaultPlan()
	s := runstate.New(1, p, nil, testEpoch)
	for _, c := range p.Grid.Configs()[:12] {
		s.AddResult(synthResult(c, p))
	}
	v := heatmap.Render(s, heatmap.Time, heatmap.DK, runview.HeatStyles(theme.New()), 60, 10)
	// D=3 K=3 averages T=48 and T=96: 2e-7·3^0.3·3^0.5·72.
	want := bench.FormatSeconds(2e-7 * 1.390389 * 1.732051 * 72)
	if !strings.Contains(v, want) {
		t.Errorf("D=3 K=3 cell should show %s:\n%s", want, v)
	}
	// Fastest cell is the lowest level (blank), slowest the densest.
	if !strings.Contains(v, "███") {
		t.Errorf("no top-level cell:\n%s", v)
	}
}

func TestPauseKey(t *testing.T) {
	p := bench.DefaultPlan()
	m, f := startedModel(t, 120, 40, sweepEvents(p, 3, true)...)
	m = update(m, keyMsg("p"))
	if !f.IsPaused() {
		t.Fatal("p did not pause the engine")
	}
	m = feed(m, sweep.Event{Kind: sweep.Paused})
	if v := m.View(); !strings.Contains(v, "⏸ paused") {
		t.Errorf("no paused state:\n%s", v)
	}
	m = update(m, keyMsg("p"))
	if f.IsPaused() {
		t.Fatal("second p did not resume")
	}
	m = feed(m, sweep.Event{Kind: sweep.Resumed})
	if v := m.View(); !strings.Contains(v, "▶ running") {
		t.Errorf("not running after resume:\n%s", v)
	}
}

func TestTableSorts(t *testing.T) {
	p := bench.DefaultPlan()
	m, _ := startedModel(t, 120, 40, sweepEvents(p, 12, false)...)
	m = update(m, keyMsg("o"), keyMsg("o")) // # → config → median time
	v := m.View()
	if !strings.Contains(v, "sorted by median time/epoch, ascending") {
		t.Fatalf("o: not sorted by time:\n%s", v)
	}
	rows := m.a.runv.Table.Rows()
	if rows[0][1] != "D=3 K=3 T=48" || rows[len(rows)-1][1] != "D=6 K=9 T=96" {
		t.Errorf("time order: first %v last %v", rows[0], rows[len(rows)-1])
	}
	m = update(m, keyMsg("O"))
	v = m.View() // rows are rebuilt when drawn
	rows = m.a.runv.Table.Rows()
	if rows[0][1] != "D=6 K=9 T=96" {
		t.Errorf("reversed: first %v", rows[0])
	}
	if !strings.Contains(v, "descending") {
		t.Error("no descending in the title")
	}
}

func TestHelpKey(t *testing.T) {
	p := bench.DefaultPlan()
	m, _ := startedModel(t, 120, 40, sweepEvents(p, 2, true)...)
	m = update(m, keyMsg("?"))
	v := m.View()
	for _, want := range []string{"Keys", "run/restart", "edit grid", "pause", "save", "metric", "axes", "sort", "quit", "dropped ones not yet run are skipped"} {
		if !strings.Contains(v, want) {
			t.Errorf("full help lacks %q:\n%s", want, v)
		}
	}
	m = update(m, keyMsg("?"))
	if strings.Contains(m.View(), "(? or esc closes)") {
		t.Error("? did not close the help")
	}
}

func TestShortHelpKeepsQuitWhenNarrow(t *testing.T) {
	p := bench.DefaultPlan()
	m, _ := startedModel(t, 50, 15, sweepEvents(p, 2, true)...)
	lines := strings.Split(m.View(), "\n")
	last := lines[len(lines)-1]
	for _, want := range []string{"q quit", "? help", "p pause"} {
		if !strings.Contains(last, want) {
			t.Errorf("help line %q lacks %q", last, want)
		}
	}
}

func TestEditorAppliesLive(t *testing.T) {
	p := bench.DefaultPlan()
	m, f := startedModel(t, 120, 40, sweepEvents(p, 7, true)...)
	m = update(m, keyMsg("e"))
	if m.a.editor == nil {
		t.Fatal("e did not open the editor")
	}
	m = update(m, keyMsg("tab"), keyMsg("tab"), keyMsg("ctrl+u"), keyMsg("48,96,144"))
	v := m.View()
	if !strings.Contains(v, "18 configs: 7 done · 11 to run · 0 queued dropped") {
		t.Errorf("editor preview:\n%s", v)
	}
	// The sweep stays visible under the editor.
	if !strings.Contains(v, "7/12") {
		t.Errorf("progress hidden by the editor:\n%s", v)
	}
	m = update(m, keyMsg("enter"))
	if len(f.grids) != 1 || !slices.Equal(f.grids[0].SeqLens, []int{48, 96, 144}) {
		t.Fatalf("SetGrid got %v", f.grids)
	}
	// The engine confirms; the panes re-layout on the new grid.
	m = update(m, updatesMsg{run: m.a.run, updates: asUpdates(sweep.Event{Kind: sweep.PlanChanged, Done: 7, Total: 18}), plan: ptr(f.Plan())}, frameMsg{})
	v = m.View()
	if !strings.Contains(v, "7/18") {
		t.Errorf("no 7/18 after the edit:\n%s", v)
	}
	m = update(m, keyMsg("a"))
	if v := m.View(); !strings.Contains(v, "T=144") {
		t.Errorf("heatmap lacks the new T=144 column:\n%s", v)
	}
}

func TestEditorRejectsBadGrid(t *testing.T) {
	p := bench.DefaultPlan()
	m, f := startedModel(t, 120, 40, sweepEvents(p, 2, true)...)
	m = update(m, keyMsg("e"), keyMsg("tab"), keyMsg("ctrl+u"), keyMsg("1"), keyMsg("enter"))
	if len(f.grids) != 0 {
		t.Fatal("a bad grid reached the engine")
	}
	if v := m.View(); !strings.Contains(v, "K=1 is out of range") {
		t.Errorf("no error for K=1:\n%s", v)
	}
	m = update(m, keyMsg("esc"))
	if m.a.editor != nil {
		t.Error("esc did not close the editor")
	}
}

func ptr[T any](v T) *T { return &v }

// Keys typed faster than the terminal is read come as one message; each is
// still a command.
func TestFastKeysSplit(t *testing.T) {
	p := bench.DefaultPlan()
	m, _ := startedModel(t, 120, 40, sweepEvents(p, 12, false)...)
	m = update(m, keyMsg("am"))
	if v := m.View(); !strings.Contains(v, "Heatmap: RMSE · D×T") {
		t.Errorf("'am' in one message was not a then m:\n%s", v)
	}
	m = update(m, keyMsg("??"))
	if m.a.helpView.open {
		t.Error("'??' should open and close the help")
	}
}

func TestHeatmapSingleValueLegend(t *testing.T) {
	p := bench.DefaultPlan()
	s := runstate.New(1, p, nil, testEpoch)
	s.AddResult(synthResult(p.Grid.Configs()[0], p))
	v := heatmap.Render(s, heatmap.Time, heatmap.DK, runview.HeatStyles(theme.New()), 60, 6)
	if !strings.Contains(v, "(all equal)") || !strings.Contains(v, "pending") {
		t.Errorf("single-value legend:\n%s", v)
	}
}

// Overlays (editor, help, prompt) fit the smallest and the rich screen.
func TestOverlaysFit(t *testing.T) {
	p := bench.DefaultPlan()
	for _, s := range sizes {
		for _, keys := range [][]string{{"e"}, {"?"}, {"r"}} {
			m, _ := startedModel(t, s.w, s.h, sweepEvents(p, 4, true)...)
			m = update(m, keyMsg(keys[0]))
			v := m.View()
			checkFits(t, v, s.w, s.h)
			if keys[0] == "r" && !strings.Contains(v, "Restart the sweep") {
				t.Errorf("%s: r while running should ask first:\n%s", s.name, v)
			}
		}
	}
}

// The session's comparison with the baseline is shown in the table (with
// the Holm-adjusted p), the summary and the heatmap.
func TestBaselineRatioShown(t *testing.T) {
	p := bench.DefaultPlan()
	var base []bench.Result
	for _, c := range p.Grid.Configs() {
		r := synthResult(c, p)
		for i := range r.Samples {
			r.Samples[i] /= 2
		}
		r.Measurements = append([]float64(nil), r.Measurements...)
		for i := range r.Measurements {
			r.Measurements[i] /= 2
		}
		r.TimeEpochMean /= 2
		base = append(base, *r)
	}
	m, started := testModel(t, topts{StartNow: true, Baseline: base, BaselinePath: "base.jsonl"})
	m = update(m, size(120, 40), startMsg{})
	f := <-started
	for _, ev := range sweepEvents(p, 12, false) {
		f.events(ev)
	}
	for len(m.a.sw.Results) < 12 {
		m = update(m, m.a.drainCmd(m.a.run)())
	}
	m = update(m, frameMsg{})
	v := m.View()
	for _, want := range []string{"vs base", "2.00× p<0.001", "- Baseline       : geomean ratio 2.00×", "0 faster, 12 slower, 0 unchanged of 12 matched"} {
		if !strings.Contains(v, want) {
			t.Errorf("lacks %q:\n%s", want, v)
		}
	}
	for range 4 {
		m = update(m, keyMsg("m"))
	}
	if v := m.View(); !strings.Contains(v, "Heatmap: ratio vs baseline · D×K") || !strings.Contains(v, "2.00×") {
		t.Errorf("heatmap ratio:\n%s", v)
	}
}

// TestSessionNotesShown: what the session says about the opening — a busy
// machine, the engine, a resume — is on screen, as headless runs print it
// on stderr.
func TestSessionNotesShown(t *testing.T) {
	m, _ := testModel(t, topts{StartNow: true})
	open := m.a.open
	m.a.open = func(ctx context.Context, spec session.Spec) (runSession, error) {
		s, err := open(ctx, spec)
		if f, ok := s.(*fakeSession); ok {
			f.notes = []string{"warning: the machine is busy (1-minute load average 3.00 ≥ 2 CPUs)", "engine: python — qml-hcs 1.0"}
		}
		return s, err
	}
	m = update(m, size(120, 40), startMsg{})
	// Each note on a line of its own: the engine's does not overwrite the
	// warning, which stays shown as one.
	mustContain(t, m.View(), "warning: the machine is busy (1-minute load average 3.00 ≥ 2 CPUs)\n", "engine: python — qml-hcs 1.0")
	if len(m.a.statusPrev) != 1 || !m.a.statusPrev[0].err {
		t.Errorf("the warning is not kept as one: %+v", m.a.statusPrev)
	}
}

// TestBaselineVerdictsCorrected: the workbench's verdicts are the run's
// comparison with the baseline as headless runs and hcbench compare make
// it — Holm-corrected over every config compared so far — not a test of
// each config alone. A 1.6% slowdown that one config's test calls
// significant is "~" once twelve configs share the correction.
func TestBaselineVerdictsCorrected(t *testing.T) {
	p := bench.DefaultPlan()
	var base, cur []bench.Result
	for _, c := range p.Grid.Configs() {
		b := synthResult(c, p)
		b.Measurements = []float64{1, 1.01, 0.99, 1, 1.01, 0.99}
		for i := range b.Measurements {
			b.Measurements[i] *= b.TimeEpochMedian
		}
		bench.Headline(b)
		n := *b
		n.Measurements = append([]float64(nil), b.Measurements...)
		for i := range n.Measurements {
			n.Measurements[i] *= 1.016
		}
		bench.Headline(&n)
		base, cur = append(base, *b), append(cur, n)
	}
	if alone := compare.CompareBaseline("base.jsonl", base, cur[:1]).Entries[0]; !alone.Slower() {
		t.Fatalf("the data must make one config alone significant: %+v", alone.Cmp)
	}
	want := compare.CompareBaseline("base.jsonl", base, cur)
	if want.Slower != 0 {
		t.Fatalf("the data must make the corrected comparison call no config slower: %d", want.Slower)
	}
	m, started := testModel(t, topts{StartNow: true, Baseline: base, BaselinePath: "base.jsonl"})
	m = update(m, size(120, 40), startMsg{})
	f := <-started
	cs := p.Grid.Configs()
	f.events(sweep.Event{Kind: sweep.SweepStarted, Total: len(cs)})
	for i := range cs {
		f.events(sweep.Event{Kind: sweep.ConfigFinished, Config: cs[i], Done: i + 1, Total: len(cs), Result: &cur[i]})
	}
	for len(m.a.sw.Results) < len(cs) {
		m = update(m, m.a.drainCmd(m.a.run)())
	}
	for _, e := range want.Entries {
		got, ok := m.a.sw.Ratios[e.Config]
		if !ok || got.Verdict != e.Verdict || got.PAdj != e.PAdj {
			t.Errorf("%s: workbench %q (p adj %v), compare %q (p adj %v)", e.Config, got.Verdict, got.PAdj, e.Verdict, e.PAdj)
		}
	}
}

// TestDetailNamesContendedMeasurements: the detail view says which
// measurements were left out of the median as contended.
func TestDetailNamesContendedMeasurements(t *testing.T) {
	p := bench.DefaultPlan()
	c := p.Grid.Configs()[0]
	r := synthResult(c, p)
	r.Measurements = []float64{18.1e-6, 24.2e-6, 18.5e-6, 24.5e-6, 19.3e-6, 24.6e-6, 18.5e-6, 24.8e-6, 25.6e-6}
	bench.Headline(r)
	d := detail.New(*r, nil, "run 1", theme.New())
	lines := strings.Join(d.Content(120, 40), "\n")
	if !strings.Contains(lines, "5 ran more than 15% above the fastest") || !strings.Contains(lines, "it is made of 18.1µs") {
		t.Errorf("detail does not name the contended measurements:\n%s", lines)
	}
}

// TestProgressNamesContention: the progress pane says how many
// measurements were left out as contended, as the headless summary does.
func TestProgressNamesContention(t *testing.T) {
	p := bench.DefaultPlan()
	m, started := testModel(t, topts{Plan: p, StartNow: true})
	m = update(m, size(120, 40), startMsg{})
	f := <-started
	cs := p.Grid.Configs()
	f.events(sweep.Event{Kind: sweep.SweepStarted, Total: len(cs)})
	r := synthResult(cs[0], p)
	r.Measurements = []float64{18.1e-6, 24.2e-6, 18.5e-6, 24.5e-6, 19.3e-6, 24.6e-6, 18.5e-6, 24.8e-6, 25.6e-6}
	bench.Headline(r)
	m = feed(m, sweep.Event{Kind: sweep.ConfigFinished, Config: cs[0], Done: 1, Total: len(cs), Result: r})
	if v := m.View(); !strings.Contains(v, "5 of 9 measurements contended, left out") {
		t.Errorf("no contention in the progress pane:\n%s", v)
	}
}

// TestTableFollowsTheComparison: the vs base cells follow the session's
// comparison as it changes (Holm's correction changes every adjusted p as
// configs finish), not the first one a row was drawn with.
func TestTableFollowsTheComparison(t *testing.T) {
	p := bench.DefaultPlan()
	var base []bench.Result
	for _, c := range p.Grid.Configs() {
		r := synthResult(c, p)
		for i := range r.Measurements {
			r.Measurements[i] /= 1.05
		}
		bench.Headline(r)
		base = append(base, *r)
	}
	m, started := testModel(t, topts{StartNow: true, Baseline: base})
	m = update(m, size(120, 40), startMsg{})
	<-started
	evs := sweepEvents(p, 12, false)
	m = feed(m, evs[:3]...) // the first config
	m.View()
	first := m.a.runv.Table.Rows()[0][4]
	m = feed(m, evs[3:]...)
	m.View()
	got := m.a.runv.Table.Rows()[0][4]
	want := runview.RatioText(m.a.sw, p.Grid.Configs()[0])
	if got != want || got == first {
		t.Errorf("first row's vs base: %q after all twelve (%q after one), want %q", got, first, want)
	}
}
