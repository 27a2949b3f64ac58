package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofrs/flock"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report"
)

// typeOutDir moves the setup form to the output-dir field and types dir.
func typeOutDir(m Model, dir string) Model {
	for f := m.a.setup.form; f.fields[f.focus].name != "out"; {
		m = update(m, keyMsg("tab"))
	}
	return update(m, keyMsg("ctrl+u"), keyMsg(dir))
}

// TestTypedDirLockedLikeOut: a directory typed into the form that another
// hcbench is writing is refused on screen when Enter starts the sweep, and
// nothing is written there.
func TestTypedDirLockedLikeOut(t *testing.T) {
	work := t.TempDir()
	b := filepath.Join(work, "B")
	if err := os.Mkdir(b, 0o755); err != nil {
		t.Fatal(err)
	}
	other := flock.New(report.PathsFor(b).Lock) // the headless run's lock
	if ok, err := other.TryLock(); !ok || err != nil {
		t.Fatal(ok, err)
	}
	defer other.Close()

	m, started := testModel(t, Options{OutDir: "A", WorkDir: work})
	m = update(m, size(120, 40))
	m = typeOutDir(m, b)
	m = update(m, keyMsg("enter"))
	if v := m.View(); !strings.Contains(v, "another hcbench is writing "+b) {
		t.Errorf("no refusal on screen:\n%s", v)
	}
	if m.a.screen != screenSetup || len(started) != 0 {
		t.Error("the sweep started in a locked directory")
	}
	if _, err := os.Stat(report.PathsFor(b).JSONL); !os.IsNotExist(err) {
		t.Errorf("the refused workbench created the JSONL in B (%v)", err)
	}

	// Once B is free, the same Enter starts there.
	other.Close()
	m = update(m, keyMsg("enter"))
	if m.a.screen != screenRun || len(started) != 1 {
		t.Fatal("the sweep did not start once B was free")
	}
	m.a.rec.Close()
}

// TestNothingCreatedBeforeTheSweep: launching the workbench and quitting
// from the form leaves the output directory uncreated (issue 14 #11).
func TestNothingCreatedBeforeTheSweep(t *testing.T) {
	work := t.TempDir()
	m, _ := testModel(t, Options{OutDir: "out", WorkDir: work})
	m = update(m, size(80, 24), keyMsg("esc"))
	out := m.a.finish()
	if out.Started {
		t.Error("the outcome says a sweep started")
	}
	if _, err := os.Stat(filepath.Join(work, "out")); !os.IsNotExist(err) {
		t.Errorf("the output directory exists before any sweep (%v)", err)
	}
}

// TestQuitMidRunOutcome: q while the sweep runs gives an interrupted
// outcome with done of total, so the caller prints "interrupted: N of M".
func TestQuitMidRunOutcome(t *testing.T) {
	p := bench.DefaultPlan()
	m, started := testModel(t, Options{Plan: p, StartNow: true})
	m = update(m, size(120, 40), startMsg{})
	f := <-started
	for _, ev := range sweepEvents(p, 5, true) {
		f.ch <- ev // recorded when drained, as from the engine
	}
	m = update(m, keyMsg("q"))
	f.finish(5)
	out := m.a.finish()
	if !out.Interrupted || !out.Started || out.Done != 5 || out.Total != 12 || len(out.Results) != 5 {
		t.Errorf("outcome interrupted=%v started=%v %d of %d, %d results; want interrupted, 5 of 12",
			out.Interrupted, out.Started, out.Done, out.Total, len(out.Results))
	}
}
