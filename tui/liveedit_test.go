package tui

import (
	"bytes"
	"context"
	"regexp"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/report/store/storetest"
)

// countingSession passes a real session's updates on, counting per config
// how often it was measured (ConfigStarted) and reused, and keeping the
// first Result each ConfigFinished carried.
type countingSession struct {
	runSession
	out chan session.Update
	log *eventLog
}

type eventLog struct {
	mu     sync.Mutex
	starts map[bench.Config]int
	reused map[bench.Config]int
	first  map[bench.Config]*bench.Result
}

func newEventLog() *eventLog {
	return &eventLog{starts: map[bench.Config]int{}, reused: map[bench.Config]int{}, first: map[bench.Config]*bench.Result{}}
}

func (l *eventLog) open(ctx context.Context, spec session.Spec) (runSession, error) {
	s, err := openSession(ctx, spec)
	if err != nil {
		return nil, err
	}
	return &countingSession{runSession: s, out: make(chan session.Update, 1<<16), log: l}, nil
}

func (c *countingSession) Start(ctx context.Context) error {
	if err := c.runSession.Start(ctx); err != nil {
		return err
	}
	l := c.log
	go func() {
		defer close(c.out)
		for u := range c.runSession.Updates() {
			l.mu.Lock()
			switch {
			case u.Kind == sweep.ConfigStarted:
				l.starts[u.Config]++
			case u.Kind == sweep.ConfigFinished && u.Reused:
				l.reused[u.Config]++
			case u.Kind == sweep.ConfigFinished:
				if _, ok := l.first[u.Config]; !ok {
					l.first[u.Config] = u.Result
				}
			}
			l.mu.Unlock()
			c.out <- u
		}
	}()
	return nil
}

func (c *countingSession) Updates() <-chan session.Update { return c.out }

// output accumulates a test program's output so several waits can look at
// all of it.
type output struct {
	tm  *teatest.TestModel
	buf bytes.Buffer
}

// waitFor polls the screen every 2ms until re matches, or fails after d.
func (o *output) waitFor(t *testing.T, re *regexp.Regexp, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		b := make([]byte, 1<<16)
		for {
			n, _ := o.tm.Output().Read(b)
			if n == 0 {
				break
			}
			o.buf.Write(b[:n])
		}
		if re.Match(o.buf.Bytes()) {
			o.buf.Reset() // later waits look at later output
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q on screen after %v; last output:\n%s", re, d, tail(o.buf.String(), 3000))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func typeKeys(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
}

// editToT144 opens the editor, replaces the T field and applies.
func editToT144(tm *teatest.TestModel) {
	typeKeys(tm, "e", "tab", "tab", "ctrl+u")
	tm.Type("48,96,144")
	typeKeys(tm, "enter")
}

// liveEditModel runs the reference grid on the real engine with a short
// min-time, through the Model in a test program.
func liveEditModel(t *testing.T, minTime time.Duration) (*teatest.TestModel, *output, *eventLog, string) {
	p := bench.DefaultPlan()
	p.Timing.MinTime = minTime
	dir := t.TempDir()
	m := NewModel(Options{Spec: session.Spec{Plan: p, PlanGiven: true, Out: dir, Version: "test"}, StartNow: true})
	log := newEventLog()
	m.a.open = log.open
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	return tm, &output{tm: tm}, log, dir
}

// checkEighteen checks the end state of both live-edit tests: 18 results,
// each config measured exactly once, the results kept being the ones first
// reported, and 18 lines of the run in the JSONL.
func checkEighteen(t *testing.T, final Model, log *eventLog, dir string) {
	t.Helper()
	a := final.a
	if n := len(a.sw.Results); n != 18 {
		t.Fatalf("%d results, want 18", n)
	}
	g := a.sw.Plan.Grid
	if len(g.SeqLens) != 3 || g.SeqLens[2] != 144 {
		t.Fatalf("final grid %+v lacks T=144", g)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	for _, c := range g.Configs() {
		if n := log.starts[c]; n != 1 {
			t.Errorf("%s measured %d times, want once", c, n)
		}
		if a.sw.Results[c] != log.first[c] {
			t.Errorf("%s: the result kept is not the one first measured", c)
		}
	}
	recs, err := storetest.ReadJSONL(store.PathsFor(dir).JSONL)
	if err != nil {
		t.Fatal(err)
	}
	runs := store.Runs(recs)
	if len(runs) != 1 || len(recs) != 18 {
		t.Errorf("JSONL has %d lines in %d runs, want 18 in 1", len(recs), len(runs))
	}
}

var (
	reSomeDone  = regexp.MustCompile(`\b([1-9]|1[01])/12\b`)
	rePaused    = regexp.MustCompile(`⏸ paused|✓ finished`)
	reAllDone18 = regexp.MustCompile(`18/18[\s\S]*✓ finished|✓ finished[\s\S]*18/18`)
)

// TestLiveEditAddsT144MidRun is the proof of live editing: the
// reference grid runs, T=144 is added through the editor while it runs,
// the sweep ends with 18 results and none of the first 12 is measured again.
func TestLiveEditAddsT144MidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real engine")
	}
	tm, out, log, dir := liveEditModel(t, 5*time.Millisecond)
	out.waitFor(t, reSomeDone, 30*time.Second)
	// Pausing first makes "mid-run" certain on a busy machine; the edit
	// works the same on a sweep that is not paused.
	typeKeys(tm, "p")
	out.waitFor(t, rePaused, 10*time.Second)
	log.mu.Lock()
	before := len(log.first)
	log.mu.Unlock()
	if before == 12 {
		t.Fatal("the sweep ended before the edit: the test could not edit mid-run")
	}
	editToT144(tm)
	typeKeys(tm, "p")
	out.waitFor(t, reAllDone18, 60*time.Second)
	typeKeys(tm, "q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(Model)
	checkEighteen(t, final, log, dir)
	log.mu.Lock()
	defer log.mu.Unlock()
	if n := len(log.reused); n != 0 {
		t.Errorf("%d configs reported reused: a live edit keeps the same runner", n)
	}
	t.Logf("edited after %d of 12 configs", before)
}

// TestEditAfterRunEnded: a run that has ended keeps its grid — it has
// released its directory and writes nothing again — and e says how to
// measure another grid.
func TestEditAfterRunEnded(t *testing.T) {
	p := bench.DefaultPlan()
	m, f := startedModel(t, 120, 40, append(sweepEvents(p, 12, false), sweep.Event{Kind: sweep.SweepFinished, Done: 12, Total: 12})...)
	m = update(m, keyMsg("e"))
	if m.a.editor != nil || len(f.grids) != 0 {
		t.Fatal("e opened the editor over an ended run")
	}
	mustContain(t, m.View(), "has ended: its grid stays as it was; n sets up a new sweep")
}

// TestQuitSavesReports: q during a sweep stops the engine, saves the
// reports and quits; the outcome says it was interrupted.
func TestQuitSavesReports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real engine")
	}
	tm, out, _, dir := liveEditModel(t, 5*time.Millisecond)
	out.waitFor(t, reSomeDone, 30*time.Second)
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(Model)
	a := final.a
	if out := a.run.out; !a.run.finished || out.SaveErr != nil || !out.Stopped || !out.ReportsWritten {
		t.Fatalf("finished=%v saveErr=%v stopped=%v reports=%v", a.run.finished, out.SaveErr, out.Stopped, out.ReportsWritten)
	}
	recs, err := storetest.ReadJSONL(store.PathsFor(dir).JSONL)
	if err != nil || len(recs) == 0 {
		t.Fatalf("JSONL: %d records, %v", len(recs), err)
	}
	for _, f := range []string{store.PathsFor(dir).CSV, store.PathsFor(dir).Markdown, store.PathsFor(dir).TimesPNG} {
		if !fileExists(f) {
			t.Errorf("%s not written", f)
		}
	}
}
