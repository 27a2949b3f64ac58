package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofrs/flock"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/store"
)

// typeOutDir moves the setup form to the output-dir field and types dir.
func typeOutDir(m Model, dir string) Model {
	for f := m.a.setup.Form(); f.Fields[f.Focus].Name != "out"; {
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
	other := flock.New(store.PathsFor(b).Lock) // the headless run's lock
	if ok, err := other.TryLock(); !ok || err != nil {
		t.Fatal(ok, err)
	}
	defer other.Close()

	m, started := testModel(t, topts{Plan: tinyPlan(2), OutDir: "A", WorkDir: work})
	m.a.open = openSession // the real session: it takes the lock
	m = update(m, size(120, 40))
	m = typeOutDir(m, b)
	m = update(m, keyMsg("enter"))
	// The refusal names the path, so it wraps where the temporary
	// directory's length puts it: compare the words, not the lines.
	if v := strings.Join(strings.Fields(m.View()), " "); !strings.Contains(v, "another hcbench is writing") || !strings.Contains(v, "wait for it to finish or choose another --out") {
		t.Errorf("no refusal on screen:\n%s", m.View())
	}
	if m.a.screen != screenSetup || m.a.run != nil || len(started) != 0 {
		t.Error("the sweep started in a locked directory")
	}
	if _, err := os.Stat(store.PathsFor(b).JSONL); !os.IsNotExist(err) {
		t.Errorf("the refused workbench created the JSONL in B (%v)", err)
	}

	// Once B is free, the same Enter starts there.
	other.Close()
	m = update(m, keyMsg("enter"))
	if m.a.screen != screenRun || m.a.run == nil {
		t.Fatalf("the sweep did not start once B was free:\n%s", m.View())
	}
	m.a.run.finish()
}

// TestNothingCreatedBeforeTheSweep: launching the workbench and quitting
// from the form leaves the output directory uncreated (issue 14 #11).
func TestNothingCreatedBeforeTheSweep(t *testing.T) {
	work := t.TempDir()
	m, _ := testModel(t, topts{OutDir: "out", WorkDir: work})
	m = update(m, size(80, 24), keyMsg("esc"))
	if out := m.a.finish(); out != nil {
		t.Errorf("an outcome %+v without a run", out)
	}
	if _, err := os.Stat(filepath.Join(work, "out")); !os.IsNotExist(err) {
		t.Errorf("the output directory exists before any sweep (%v)", err)
	}
}

// TestQuitMidRunOutcome: q while the sweep runs gives a stopped outcome
// with done of total, so the caller prints "interrupted: N of M".
func TestQuitMidRunOutcome(t *testing.T) {
	p := bench.DefaultPlan()
	m, started := testModel(t, topts{Plan: p, StartNow: true})
	m = update(m, size(120, 40), startMsg{})
	f := <-started
	f.events(sweepEvents(p, 5, true)...) // recorded as the session records them
	m = update(m, keyMsg("q"))
	if !f.stopped {
		t.Error("q did not stop the session")
	}
	out := m.a.finish()
	if out == nil || !out.Stopped || !out.Started || out.Done != 5 || out.Total != 12 || len(out.Results) != 5 {
		t.Errorf("outcome %+v; want stopped, 5 of 12", out)
	}
}
