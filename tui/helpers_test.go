package tui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/launch"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/report/store/storetest"
	"github.com/hcbench/hcbench/tui/views/setup"
	"github.com/muesli/termenv"
)

// Tests draw without colour so views compare as plain text.
func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// testEpoch is the fixed clock the views are drawn with.
var testEpoch = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeSession stands in for a report/session run whose updates the test
// writes: it records what a session records (measured configs of the
// grid, not those dropped from it) and ends as a session ends, but
// measures nothing and writes no file. Opened by fakeOpen.
type fakeSession struct {
	mu       sync.Mutex
	id       int64
	spec     session.Spec
	plan     bench.Plan
	prior    []bench.Result
	notes    []string
	ch       chan session.Update
	results  []bench.Result // as session.Results: the grid's, in the order recorded
	grids    []bench.Grid   // SetGrid's, in order
	paused   bool
	started  bool
	stopped  bool
	ended    bool // ch closed
	finished bool
	closed   bool
	saves    int
	basePath string
	base     []bench.Result
	out      session.Outcome
	onStart  func(*fakeSession) // tells the test the run started
}

// fakeOpen opens a fake session of spec: a new run as run id, or
// the recorded run spec.ResumeID continues (its results as prior), with
// spec's baseline read as the session reads it.
func fakeOpen(spec session.Spec, id int64) (*fakeSession, error) {
	if err := spec.Plan.Validate(); err != nil {
		return nil, err
	}
	f := &fakeSession{id: id, spec: spec, plan: spec.Plan, ch: make(chan session.Update, 1<<16)}
	if f.spec.Out == "" {
		f.spec.Out = session.DefaultOut
	}
	if spec.Resume {
		recs, err := storetest.ReadJSONL(store.PathsFor(setup.Resolve(spec.WorkDir, f.spec.Out)).JSONL)
		if err != nil {
			return nil, err
		}
		var mine []store.Record
		for _, r := range recs {
			if r.RunID == spec.ResumeID {
				mine = append(mine, r)
			}
		}
		res, ok := store.FindResumable(mine, nil)
		if !ok {
			return nil, errors.New("fake: nothing to resume")
		}
		f.id, f.plan, f.prior = res.RunID, res.Plan, res.Results
		f.results = append(f.results, res.Results...)
		f.notes = append(f.notes, fmt.Sprintf("resuming run %d in %s: %d of %d configs already done",
			res.RunID, store.PathsFor(f.spec.Out).JSONL, len(res.Results), res.Plan.Grid.Size()))
		if spec.Baseline == "" {
			spec.Baseline = res.Baseline
		}
	}
	if spec.Baseline != "" {
		rec, err := compare.LoadRecordedRun(setup.Resolve(spec.WorkDir, spec.Baseline))
		base := rec.Results
		if err != nil {
			return nil, err
		}
		f.basePath, f.base = spec.Baseline, base
	}
	return f, nil
}

func (f *fakeSession) ID() int64             { return f.id }
func (f *fakeSession) Prior() []bench.Result { return f.prior }
func (f *fakeSession) Notes() []string       { return f.notes }
func (f *fakeSession) Paths() store.Paths    { return store.PathsFor(f.spec.Out) }
func (f *fakeSession) Engine() launch.Spec   { return f.spec.Engine }
func (f *fakeSession) Baseline() (string, []bench.Result) {
	return f.basePath, f.base
}
func (f *fakeSession) Plan() bench.Plan { f.mu.Lock(); defer f.mu.Unlock(); return f.plan }

func (f *fakeSession) Comparison() *compare.Baseline {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.comparisonLocked()
}

func (f *fakeSession) comparisonLocked() *compare.Baseline {
	if f.base == nil {
		return nil
	}
	b := compare.CompareBaseline(f.basePath, f.base, f.results)
	return &b
}

// Command spells the run as the session does (the real one is tested
// against the session in session_test.go).
func (f *fakeSession) Command(resume bool) string {
	words := []string{"hcbench", "--" + session.FlagHeadless}
	if resume {
		words[1] = "--" + session.FlagResume
	}
	words = append(words, bench.Args(f.Plan())...)
	words = append(words, f.spec.Engine.Args()...)
	if f.basePath != "" {
		words = append(words, "--"+session.FlagBaseline, f.basePath)
	}
	if f.spec.Out != session.DefaultOut {
		words = append(words, "-o", f.spec.Out)
	}
	return bench.CommandLine(words...)
}

func (f *fakeSession) Start(context.Context) error {
	f.mu.Lock()
	f.started = true
	f.mu.Unlock()
	if f.onStart != nil {
		f.onStart(f)
	}
	return nil
}

func (f *fakeSession) Updates() <-chan session.Update { return f.ch }

func (f *fakeSession) SetGrid(g bench.Grid) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		return sweep.ErrSweepOver
	}
	f.grids = append(f.grids, g)
	f.plan.Grid = g
	kept := f.results[:0:0]
	for _, r := range f.results {
		if g.Contains(r.Config) {
			kept = append(kept, r)
		}
	}
	f.results = kept
	return nil
}

func (f *fakeSession) Pause()         { f.mu.Lock(); f.paused = true; f.mu.Unlock() }
func (f *fakeSession) Resume()        { f.mu.Lock(); f.paused = false; f.mu.Unlock() }
func (f *fakeSession) IsPaused() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.paused }

// send records an update as the session does — a measured config of the
// grid before anyone sees it, one dropped from the grid not at all — and
// queues it.
func (f *fakeSession) send(u session.Update) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		return
	}
	if u.Kind == sweep.ConfigFinished && u.Result != nil && !u.Reused {
		if !f.plan.Grid.Contains(u.Result.Config) {
			u.Dropped = true
		} else if !u.Dropped {
			f.results = append(f.results, *u.Result)
			u.Comparison = f.comparisonLocked()
		}
	}
	f.ch <- u
}

// events sends sweep events as updates.
func (f *fakeSession) events(evs ...sweep.Event) {
	for _, ev := range evs {
		f.send(session.Update{Event: ev})
	}
}

// end sends the sweep's final event and closes the updates, as a session
// does when its sweep ends.
func (f *fakeSession) end(kind sweep.EventKind) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		return
	}
	done := 0
	for _, r := range f.results {
		if f.plan.Grid.Contains(r.Config) {
			done++
		}
	}
	select {
	case f.ch <- session.Update{Event: sweep.Event{Kind: kind, Done: done, Total: f.plan.Grid.Size()}}:
	default: // full (a flood): the updates end without it, as when Finish read it
	}
	close(f.ch)
	f.ended = true
}

// sendOr queues u unrecorded unless stop comes first (a flood's sender;
// it must be done before the session ends).
func (f *fakeSession) sendOr(u session.Update, stop <-chan struct{}) bool {
	select {
	case f.ch <- u:
		return true
	case <-stop:
		return false
	}
}

// finish ends the sweep as finished.
func (f *fakeSession) finish() { f.end(sweep.SweepFinished) }

// closeUpdates closes the updates after a final event the test sent.
func (f *fakeSession) closeUpdates() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.ended {
		close(f.ch)
		f.ended = true
	}
}

func (f *fakeSession) Stop() {
	f.mu.Lock()
	f.stopped = true
	f.mu.Unlock()
	f.end(sweep.SweepCancelled)
}

func (f *fakeSession) Save() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.finished {
		return store.ErrRunEnded
	}
	f.saves++
	return nil
}

func (f *fakeSession) Finish() session.Outcome {
	f.mu.Lock()
	if f.finished {
		defer f.mu.Unlock()
		return f.out
	}
	f.mu.Unlock()
	f.Stop()
	for range f.ch {
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	res := append([]bench.Result(nil), f.results...)
	out := session.Outcome{RunID: f.id, Plan: f.plan, Engine: f.spec.Engine, Paths: store.PathsFor(f.spec.Out),
		Results: res, Started: f.started, Done: len(res), Total: f.plan.Grid.Size(),
		ReportsWritten: len(res) > 0, Comparison: f.comparisonLocked(), BaselinePath: f.basePath}
	out.Stopped = f.stopped && out.Done < out.Total
	f.finished = true
	f.mu.Unlock()
	out.Continue, out.Rerun = f.Command(true), f.Command(false)
	f.mu.Lock()
	f.out = out
	return out
}

func (f *fakeSession) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
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

// asUpdates wraps events as a session delivers them.
func asUpdates(evs ...sweep.Event) []session.Update {
	us := make([]session.Update, len(evs))
	for i, ev := range evs {
		us[i] = session.Update{Event: ev}
	}
	return us
}

// topts are the tests' model options, in the terms of the form and the
// flags; testModel turns them into Options (a baseline given as results
// is written to a JSONL first, as the session reads a baseline from one).
type topts struct {
	Plan          bench.Plan
	OutDir        string
	WorkDir       string
	StartNow      bool
	Baseline      []bench.Result
	BaselinePath  string
	Version       string
	QMLHC, Python string
}

func (o topts) options(t testing.TB) Options {
	t.Helper()
	if o.OutDir == "" {
		o.OutDir = t.TempDir()
	}
	if o.WorkDir == "" {
		o.WorkDir = t.TempDir() // a relative OutDir never lands in the package directory
	}
	if o.Plan.Repeats == 0 {
		o.Plan = bench.DefaultPlan()
	}
	spec := session.Spec{Plan: o.Plan, PlanGiven: true, Out: o.OutDir, WorkDir: o.WorkDir, Version: o.Version,
		Engine: launch.Spec{Engine: o.Plan.EngineName(), QMLHC: o.QMLHC, Python: o.Python}}
	if o.Baseline != nil {
		name := o.BaselinePath
		if name == "" {
			name = "base.jsonl"
		}
		writeBaseline(t, setup.Resolve(o.WorkDir, name), o.Plan, o.Baseline)
		spec.Baseline = name
	} else if o.BaselinePath != "" {
		spec.Baseline = o.BaselinePath
	}
	return Options{Spec: spec, StartNow: o.StartNow}
}

// writeBaseline writes results as one recorded run's JSONL at path.
func writeBaseline(t testing.TB, path string, p bench.Plan, rs []bench.Result) {
	t.Helper()
	dir := t.TempDir()
	rec, err := store.NewRecorder(store.Meta{RunID: 7, Plan: p, Version: "test"}, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if err := rec.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(store.PathsFor(dir).JSONL)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// testModel builds a model with the fixed clock and fake sessions; the
// sessions it starts are sent on the returned channel.
func testModel(t testing.TB, o topts) (Model, chan *fakeSession) {
	t.Helper()
	m := NewModel(o.options(t))
	m.a.now = func() time.Time { return testEpoch }
	opened := make(chan *fakeSession, 16)
	id := testEpoch.Unix() // the first run's; each new run the next second's
	m.a.open = func(_ context.Context, spec session.Spec) (runSession, error) {
		f, err := fakeOpen(spec, id)
		id++
		if err != nil {
			return nil, err
		}
		f.onStart = func(f *fakeSession) { opened <- f }
		return f, nil
	}
	return m, opened
}

// update sends msgs through Update, ignoring the commands (the tests that
// need them run a real program) but one: a message that asks for a run
// to be opened gets the session at once, as the program's command would
// bring it.
func update(m Model, msgs ...tea.Msg) Model {
	for _, msg := range msgs {
		before := m.a.opening
		nm, _ := m.Update(msg)
		m = nm.(Model)
		if op := m.a.opening; op != nil && op != before {
			m = opened(m, op)
		}
	}
	return m
}

// opened opens op's session here, as its command would, and hands it to
// the model.
func opened(m Model, op *opening) Model {
	op.s, op.err = m.a.open(context.Background(), op.spec)
	close(op.done)
	return update(m, openedMsg{op})
}

// fake is the run on screen's fake session.
func fake(m Model) *fakeSession { return m.a.run.s.(*fakeSession) }

// drain reads the run's queued updates as the program's command does and
// hands them to the model; the queue must not be empty.
func drain(m Model) Model {
	return update(m, m.a.drainCmd(m.a.run)())
}

// feed sends events through the run's fake session (recorded as a session
// records them) and hands them to the model as one drained batch, then
// lets a frame pass so the view is redrawn.
func feed(m Model, evs ...sweep.Event) Model {
	if len(evs) == 0 {
		return update(m, frameMsg{})
	}
	fake(m).events(evs...)
	return update(drain(m), frameMsg{})
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

// tinyPlan measures in a few hundred milliseconds on the real engine.
func tinyPlan(dims ...int) bench.Plan {
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: dims, Branches: []int{2}, SeqLens: []int{8}}
	p.Depths = []int{1}
	p.Repeats = 1
	p.Timing = bench.Timing{MinTime: 0, MinEpochs: 1}
	return p
}
