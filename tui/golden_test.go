package tui

import (
	"bytes"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hcbench/hcbench/engine/bench"
)

// clock is a settable fixed clock, safe to move from the test while the
// program reads it.
type clock struct{ offset atomic.Int64 }

func (c *clock) now() time.Time      { return testEpoch.Add(time.Duration(c.offset.Load())) }
func (c *clock) set(d time.Duration) { c.offset.Store(int64(d)) }
func waitText(s string) func([]byte) bool {
	return func(b []byte) bool { return bytes.Contains(b, []byte(s)) }
}

// goldenModel runs a model in a test program at w×h with the fixed clock,
// writing under a temporary WorkDir so the report paths read ".benchmarks".
func goldenModel(t *testing.T, startNow bool, w, h int) (*teatest.TestModel, chan *fakeSession, *clock) {
	m, started := testModel(t, topts{StartNow: startNow, OutDir: ".benchmarks", WorkDir: t.TempDir(), Version: "test"})
	clk := &clock{}
	m.a.now = clk.now
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	return tm, started, clk
}

// finalView quits the program and returns its last screen, drawn afresh
// from the final state (the program's own output is a stream of diffs).
func finalView(t *testing.T, tm *teatest.TestModel) []byte {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	m := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	return []byte(m.a.render())
}

var waitLong = teatest.WithDuration(10 * time.Second)

// TestGolden pins the three screens a user sees — setup, a run in progress,
// a finished run — at the rich and the smallest supported size. Run with
// -update to regenerate testdata/TestGolden/*.golden.
func TestGolden(t *testing.T) {
	p := bench.DefaultPlan()
	for _, s := range sizes {
		t.Run("setup_"+s.name, func(t *testing.T) {
			tm, _, _ := goldenModel(t, false, s.w, s.h)
			teatest.WaitFor(t, tm.Output(), waitText("configs"), waitLong)
			teatest.RequireEqualOutput(t, finalView(t, tm))
		})
		t.Run("running_"+s.name, func(t *testing.T) {
			tm, started, clk := goldenModel(t, true, s.w, s.h)
			f := <-started
			clk.set(4200 * time.Millisecond)
			for _, ev := range sweepEvents(p, 7, true) {
				f.events(ev)
			}
			teatest.WaitFor(t, tm.Output(), waitText("repeat 2/3"), waitLong)
			teatest.RequireEqualOutput(t, finalView(t, tm))
		})
		t.Run("finished_"+s.name, func(t *testing.T) {
			tm, started, clk := goldenModel(t, true, s.w, s.h)
			f := <-started
			clk.set(9100 * time.Millisecond)
			for _, ev := range sweepEvents(p, 12, false) {
				f.events(ev)
			}
			f.finish()
			teatest.WaitFor(t, tm.Output(), waitText("reports saved"), waitLong)
			teatest.RequireEqualOutput(t, finalView(t, tm))
		})
	}
}
