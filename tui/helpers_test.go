package tui

import (
	"context"
	"math"
	"os"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/muesli/termenv"
)

// Tests draw without colour so views compare as plain text.
func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// testClock is the fixed clock the views are drawn with.
var testEpoch = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeSweeper is an engine stand-in whose events the test writes.
type fakeSweeper struct {
	mu     sync.Mutex
	ch     chan sweep.Event
	plan   bench.Plan
	paused bool
	grids  []bench.Grid
	done   chan struct{}
	once   sync.Once
	prior  []bench.Result // Options.Prior it was started with
}

func newFakeSweeper(p bench.Plan) *fakeSweeper {
	return &fakeSweeper{ch: make(chan sweep.Event, 1<<16), plan: p, done: make(chan struct{})}
}

func (f *fakeSweeper) Events() <-chan sweep.Event { return f.ch }
func (f *fakeSweeper) SetGrid(g bench.Grid) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.grids = append(f.grids, g)
	f.plan.Grid = g
	return nil
}
func (f *fakeSweeper) Pause()         { f.mu.Lock(); f.paused = true; f.mu.Unlock() }
func (f *fakeSweeper) Resume()        { f.mu.Lock(); f.paused = false; f.mu.Unlock() }
func (f *fakeSweeper) IsPaused() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.paused }
func (f *fakeSweeper) Cancel() {
	f.once.Do(func() {
		f.ch <- sweep.Event{Kind: sweep.SweepCancelled}
		close(f.ch)
		close(f.done)
	})
}
func (f *fakeSweeper) Plan() bench.Plan      { f.mu.Lock(); defer f.mu.Unlock(); return f.plan }
func (f *fakeSweeper) Done() <-chan struct{} { return f.done }

// finish ends the fake sweep as the engine does: final event, then close.
func (f *fakeSweeper) finish(total int) {
	f.once.Do(func() {
		f.ch <- sweep.Event{Kind: sweep.SweepFinished, Done: total, Total: total}
		close(f.ch)
		close(f.done)
	})
}

// synthResult makes a deterministic result with plausible numbers: time
// grows like D^0.3 K^0.5 T.
func synthResult(c bench.Config, p bench.Plan) *bench.Result {
	t := 2e-7 * math.Pow(float64(c.D), 0.3) * math.Pow(float64(c.K), 0.5) * float64(c.T)
	return &bench.Result{
		Config: c, Depths: p.Depths, Repeats: p.Repeats, Policy: p.Policy,
		TimeEpochMean: t, TimeEpochStd: t * 0.03, TimeEpochMedian: t,
		TimeEpochCILow: t * 0.98, TimeEpochCIHigh: t * 1.02,
		Samples:        []float64{t * 0.99, t, t * 1.01, t, t * 1.02, t * 0.98},
		Measurements:   []float64{t * 0.99, t, t * 1.01, t, t * 1.02, t * 0.98},
		EpochsMeasured: 90, RMSEMean: 0.19 + 0.0007*float64(c.D) - 0.0002*float64(c.K),
		RobustnessMean: 0.96 + 0.0005*float64(c.K), TotalMean: 0.03,
		MemPeakBytesMax: int64(c.D * c.K * c.T * 48), TimeElapsed: 0.05 + t*400,
		Runs: []bench.Run{{Seed: p.Seed}},
	}
}

// sweepEvents are the events of a sweep over the first n configs of p's
// grid, then, if running, the start of the next one mid-way.
func sweepEvents(p bench.Plan, n int, running bool) []sweep.Event {
	cs := p.Grid.Configs()
	total := len(cs)
	evs := []sweep.Event{{Kind: sweep.SweepStarted, Total: total}}
	for i := 0; i < n; i++ {
		evs = append(evs,
			sweep.Event{Kind: sweep.ConfigStarted, Config: cs[i], Done: i, Total: total},
			sweep.Event{Kind: sweep.ConfigFinished, Config: cs[i], Done: i + 1, Total: total, Result: synthResult(cs[i], p)})
	}
	if running && n < total {
		evs = append(evs,
			sweep.Event{Kind: sweep.ConfigStarted, Config: cs[n], Done: n, Total: total},
			sweep.Event{Kind: sweep.Progress, Config: cs[n], Repeat: 1, Depth: 2, Fraction: 0.45, Done: n, Total: total})
	}
	return evs
}

// testModel builds a model with the fixed clock and fake engines; the
// fakes it starts are sent on the returned channel.
func testModel(t testing.TB, opt Options) (Model, chan *fakeSweeper) {
	t.Helper()
	if opt.OutDir == "" {
		opt.OutDir = t.TempDir()
	}
	if opt.WorkDir == "" {
		opt.WorkDir = t.TempDir() // a relative OutDir never lands in the package directory
	}
	if opt.Plan.Repeats == 0 {
		opt.Plan = bench.DefaultPlan()
	}
	m := NewModel(opt)
	m.a.now = func() time.Time { return testEpoch }
	m.a.busy = func() string { return "" } // views must not depend on the machine's load
	started := make(chan *fakeSweeper, 16)
	m.a.start = func(_ context.Context, p bench.Plan, o sweep.Options) (sweeper, error) {
		f := newFakeSweeper(p)
		f.prior = o.Prior
		started <- f
		return f, nil
	}
	return m, started
}

// update sends msgs through Update, ignoring the commands (the tests that
// need them run a real program).
func update(m Model, msgs ...tea.Msg) Model {
	for _, msg := range msgs {
		nm, _ := m.Update(msg)
		m = nm.(Model)
	}
	return m
}

// feed hands events to the model as one drained batch, then lets a frame
// pass so the view is redrawn.
func feed(m Model, evs ...sweep.Event) Model {
	return update(m, eventsMsg{run: m.a.run, events: evs}, frameMsg{})
}

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
