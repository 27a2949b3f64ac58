package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/gofrs/flock"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/launch"
	"github.com/hcbench/hcbench/engine/pyworker/pyworkertest"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/report/store/storetest"
	"github.com/spf13/pflag"
)

// The run's life in the workbench, as issue 20 asks it of both front
// doors: n then esc returns to where you were, the directory is held only
// while a run writes, a config dropped while in flight is not recorded,
// and the command the workbench copies is the session's.

// realModel is a model whose runs are real sessions (report/session on
// the real engine), at 120×40.
func realModel(t *testing.T, o topts) Model {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the real engine")
	}
	m, _ := testModel(t, o)
	m.a.open = openSession
	return update(m, size(120, 40))
}

// pump reads the run's updates as the program does, to their end, calling
// each after every batch (it may press keys), then hands the run's end to
// the model as the finish command would.
func pump(t *testing.T, m Model, each func(Model, []session.Update) Model) Model {
	t.Helper()
	for {
		msg, ok := m.a.drainCmd(m.a.run)().(updatesMsg)
		if !ok {
			t.Fatal("the drain did not return updates")
		}
		m = update(m, msg)
		if each != nil {
			m = each(m, msg.updates)
		}
		if msg.closed {
			break
		}
	}
	run := m.a.run
	return update(m, finishedMsg{run: run, out: run.finish()}, frameMsg{})
}

// TestNewThenEscReturns: after a finished run, n opens the form and esc
// comes back to the finished run's view — not out of the program — and q
// then leaves with that run's outcome (the summary cmd prints).
func TestNewThenEscReturns(t *testing.T) {
	m := workbench(t, 120, 40)
	m = update(m, finishedMsg{run: m.a.run, out: m.a.run.finish()})
	id := m.a.sw.RunID
	m = press(m, "n")
	if m.a.screen != screenSetup {
		t.Fatal("n did not open the form")
	}
	nm, cmd := m.Update(keyMsg("esc"))
	m = nm.(Model)
	if m.a.screen != screenRun || m.a.quitting || cmd != nil {
		t.Fatalf("esc after n did not return to the run (screen %v, quitting %v)", m.a.screen, m.a.quitting)
	}
	mustContain(t, m.View(), "✓ finished", "12/12", "Results (12)")
	if m.a.sw.RunID != id {
		t.Errorf("back on run %d, want %d", m.a.sw.RunID, id)
	}
	_, cmd = m.Update(keyMsg("q"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Error("q on the finished run did not quit at once")
	}
	out := m.a.finish()
	if out == nil || out.RunID != id || out.Done != 12 {
		t.Errorf("outcome %+v, want run %d's", out, id)
	}

	// While it runs: n asks, stops it, and esc comes back to it stopped.
	p := bench.DefaultPlan()
	m, f := startedModel(t, 120, 40, sweepEvents(p, 3, true)...)
	m = press(m, "n", "y")
	if !f.stopped || m.a.screen != screenSetup {
		t.Fatal("n, y did not stop the run and open the form")
	}
	m = update(drain(m), keyMsg("esc"))
	mustContain(t, m.View(), "■ stopped", "3/12")
	if out := m.a.finish(); out == nil || !out.Stopped || out.Done != 3 {
		t.Errorf("outcome %+v, want the stopped run's", out)
	}

	// With no run before, esc on the form leaves.
	m, _ = testModel(t, topts{})
	if _, cmd := m.Update(keyMsg("esc")); cmd == nil || cmd() != tea.Quit() {
		t.Error("esc on the first form did not quit")
	}
}

// TestFinishedRunReleasesItsDirectory: once a run has ended the workbench
// holds no lock on its directory — another hcbench may write there — and
// writes nothing again: with the directory removed, s and q recreate
// nothing.
func TestFinishedRunReleasesItsDirectory(t *testing.T) {
	work := t.TempDir()
	m := realModel(t, topts{Plan: tinyPlan(2), OutDir: "out", WorkDir: work})
	m = update(m, startMsg{})
	if m.a.run == nil {
		t.Fatalf("no run started:\n%s", m.View())
	}
	m = pump(t, m, nil)
	dir := filepath.Join(work, "out")
	mustContain(t, m.View(), "✓ finished", "✓ reports saved to out")
	lk := flock.New(filepath.Join(dir, store.FileLock))
	if ok, err := lk.TryLock(); !ok || err != nil {
		t.Fatalf("the finished run still holds %s (%v)", dir, err)
	}
	lk.Close()

	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	m = press(m, "s")
	mustContain(t, m.View(), "has ended: its reports were saved to out when it ended")
	_, cmd := m.Update(keyMsg("q"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Error("q on the finished run did not quit at once")
	}
	if out := m.a.finish(); out == nil || !out.Complete() {
		t.Errorf("outcome %+v", out)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s was recreated after the run ended (%v)", dir, err)
	}
}

// TestDroppedInFlightNotRecorded: a config dropped from the grid while it
// is measured finishes but is not recorded (report/session's rule), and
// every view agrees — the progress counts, the table, the summary, the
// heatmap, the history and the outcome. The edit comes the moment the
// config starts, on the real engine, so it is in flight: it has every one
// of its measurements ahead of it (a second of measuring time).
func TestDroppedInFlightNotRecorded(t *testing.T) {
	p := tinyPlan(2, 3, 4)
	p.Timing.MinTime = bench.DefaultPlan().Timing.MinTime * 100 // 1s
	work := t.TempDir()
	m := realModel(t, topts{Plan: p, OutDir: "out", WorkDir: work})
	m = update(m, startMsg{})
	drop := bench.Config{D: 2, K: 2, T: 8}
	edited, dropped := false, false
	m = pump(t, m, func(m Model, us []session.Update) Model {
		for _, u := range us {
			if u.Kind == sweep.ConfigStarted && u.Config == drop && !edited {
				edited = true
				m = press(m, "e", "ctrl+u")
				m = update(m, keyMsg("3,4"), keyMsg("enter"))
				mustContain(t, m.View(), "grid applied")
			}
			if u.Kind == sweep.ConfigFinished && u.Result != nil && u.Result.Config == drop {
				if !u.Dropped {
					t.Fatalf("%s finished without being dropped: the edit came too late", drop)
				}
				dropped = true
			}
		}
		return m
	})
	if !edited || !dropped {
		t.Fatalf("edited %v, dropped %v", edited, dropped)
	}
	checkDropped(t, m, drop, 2)

	// The history reads the same from the JSONL: two records, complete.
	recs, err := storetest.ReadJSONL(filepath.Join(work, "out", store.FileJSONL))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || slices.ContainsFunc(recs, func(r store.Record) bool { return r.Config == drop }) {
		t.Errorf("the JSONL holds %d records (%v), want the 2 of the grid", len(recs), recs)
	}
	m = press(m, "h")
	mustContain(t, m.View(), "complete 2/2")
	if out := m.a.run.out; out.Done != 2 || out.Total != 2 || out.Dropped != 1 || len(out.Results) != 2 {
		t.Errorf("outcome %d of %d, %d dropped, %d results; want 2 of 2, 1 dropped", out.Done, out.Total, out.Dropped, len(out.Results))
	}
}

// checkDropped checks that config c is nowhere in the run view of m,
// whose grid has n configs, all done.
func checkDropped(t *testing.T, m Model, c bench.Config, n int) {
	t.Helper()
	if _, ok := m.a.sw.Results[c]; ok {
		t.Errorf("%s is in the run's picture", c)
	}
	if m.a.sw.Done != n || m.a.sw.Total != n {
		t.Errorf("progress %d/%d, want %d/%d", m.a.sw.Done, m.a.sw.Total, n, n)
	}
	// The screen but its status lines (which may say it was dropped).
	m.a.setStatus("", false)
	v := m.View()
	if strings.Contains(v, c.String()) {
		t.Errorf("%s is on screen:\n%s", c, v)
	}
	if row := fmt.Sprintf("D=%d ", c.D); strings.Contains(m.a.runv.HeatView(), row) {
		t.Errorf("the heatmap has a row %q:\n%s", row, m.a.runv.HeatView())
	}
	if !slices.Equal(m.a.runv.Table.Configs(), m.a.sw.Plan.Grid.Configs()) {
		t.Errorf("table rows %v, want the grid's %v", m.a.runv.Table.Configs(), m.a.sw.Plan.Grid.Configs())
	}
}

// TestDroppedInFlightSynthetic is the same rule on a fake session, to the
// letter: D=3 is dropped while D=3 K=3 T=48 is in flight; it finishes,
// unrecorded, and the views count the D=6 half of the grid only.
func TestDroppedInFlightSynthetic(t *testing.T) {
	p := bench.DefaultPlan()
	cs := p.Grid.Configs()
	m, f := startedModel(t, 120, 40, sweep.Event{Kind: sweep.SweepStarted, Total: 12},
		sweep.Event{Kind: sweep.ConfigStarted, Config: cs[0], Total: 12})
	m = press(m, "e", "ctrl+u")
	m = update(m, keyMsg("6"), keyMsg("enter"))
	np := f.Plan()
	m = update(m, updatesMsg{run: m.a.run, updates: asUpdates(sweep.Event{Kind: sweep.PlanChanged, Total: 6}), plan: &np})
	evs := []sweep.Event{{Kind: sweep.ConfigFinished, Config: cs[0], Result: synthResult(cs[0], p), Total: 6}}
	for i, c := range cs[6:] {
		evs = append(evs, sweep.Event{Kind: sweep.ConfigFinished, Config: c, Result: synthResult(c, p), Done: i + 1, Total: 6})
	}
	m = feed(m, append(evs, sweep.Event{Kind: sweep.SweepFinished, Done: 6, Total: 6})...)
	checkDropped(t, m, cs[0], 6)
	if len(f.results) != 6 {
		t.Errorf("%d recorded, want 6", len(f.results))
	}
}

// TestCommandIsTheSessions: c shows (and copies) the session's own rerun
// command, with every setting that applies — the engine, its checkout and
// interpreter, the baseline, the directory — and the flags read it back
// as the same plan and engine; once the run has ended, the outcome's.
func TestCommandIsTheSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the fake python")
	}
	py := pyworkertest.FakePython(t)
	t.Setenv("FAKE_PYTHON_MODE", "ok")
	t.Setenv("FAKE_PYTHON_PIDS", "")
	qmlhc := qmlhcDir(t)
	work := t.TempDir()
	p := tinyPlan(2, 3)
	p.Seed = 9
	p.Timing.MinEpochs = bench.DefaultPlan().Timing.MinEpochs // no flag spells another
	base := []bench.Result{*synthResult(bench.Config{D: 2, K: 2, T: 8}, p)}
	p.Engine = bench.EnginePython
	// The session reads the baseline as given (not in Spec.WorkDir): an
	// absolute path here.
	oldRun := filepath.Join(work, "old run.jsonl")
	m := realModel(t, topts{Plan: p, OutDir: "my out", WorkDir: work, Baseline: base, BaselinePath: oldRun, QMLHC: qmlhc, Python: py})
	m = press(m, "enter")
	if m.a.run == nil {
		t.Fatalf("no run started:\n%s", m.View())
	}
	m = press(m, "c")
	want := m.a.run.s.Command(false)
	if got := m.a.views.cmdline.line; got != want {
		t.Errorf("c shows %q\nthe session's %q", got, want)
	}
	for _, w := range []string{"--engine python", "--qmlhc " + qmlhc, "--python " + py, "--baseline '" + oldRun + "'", "-o 'my out'", "--seed 9"} {
		if !strings.Contains(want, w) {
			t.Errorf("the command lacks %q: %s", w, want)
		}
	}
	// Read back by the flags' own parsers: the same plan and engine.
	args := shellWords(t, want)
	fs := pflag.NewFlagSet("hcbench", pflag.ContinueOnError)
	var pf bench.PlanFlags
	var ef launch.Flags
	pf.Register(fs)
	ef.Register(fs)
	fs.Bool("headless", false, "")
	out := fs.StringP("out", "o", "", "")
	baseline := fs.String("baseline", "", "")
	if err := fs.Parse(args[1:]); err != nil {
		t.Fatal(err)
	}
	gotPlan, err := pf.Plan()
	if err != nil {
		t.Fatal(err)
	}
	gotEngine, err := ef.Spec()
	if err != nil {
		t.Fatal(err)
	}
	gotPlan.Engine = gotEngine.Name()
	if wp := m.a.run.s.Plan(); !slices.Equal(gotPlan.Grid.Dims, wp.Grid.Dims) || gotPlan.Seed != wp.Seed ||
		gotPlan.Timing != wp.Timing || gotPlan.Repeats != wp.Repeats || gotPlan.EngineName() != bench.EnginePython {
		t.Errorf("the command reads back as %+v, want %+v", gotPlan, wp)
	}
	if gotEngine != m.a.run.s.Engine() || *out != "my out" || *baseline != oldRun {
		t.Errorf("read back engine %+v out %q baseline %q", gotEngine, *out, *baseline)
	}

	m = press(m, "x")
	m = pump(t, m, nil)
	m = press(m, "c")
	if got, rerun := m.a.views.cmdline.line, m.a.run.out.Rerun; got != rerun || got != want {
		t.Errorf("after the end c shows %q, the outcome's rerun is %q, want %q", got, rerun, want)
	}
}

// shellWords splits a command line as a POSIX shell would for the quoting
// bench.ShellQuote writes (words in single quotes, '\” for a quote).
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	in, have := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'':
			in, have = !in, true
		case c == '\\' && !in && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
		case c == ' ' && !in:
			if have || cur.Len() > 0 {
				words = append(words, cur.String())
			}
			cur.Reset()
			have = false
		default:
			cur.WriteByte(c)
		}
	}
	if in {
		t.Fatalf("unterminated quote in %q", line)
	}
	if have || cur.Len() > 0 {
		words = append(words, cur.String())
	}
	return words
}
