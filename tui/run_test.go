package tui

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/store"
)

const (
	altScreenOn  = "\x1b[?1049h"
	altScreenOff = "\x1b[?1049l"
)

// TestRunInterruptedByContext: a cancelled context (how the caller passes
// on SIGINT, SIGTERM and SIGHUP) stops the sweep; Run finishes the run —
// reports saved — leaves the alternate screen and returns the outcome,
// stopped.
func TestRunInterruptedByContext(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real engine")
	}
	p := bench.DefaultPlan()
	p.Timing.MinTime = 5 * time.Millisecond
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Cancel once the first result is on disk.
		for !nonEmpty(store.PathsFor(dir).JSONL) {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	var screen bytes.Buffer
	out, err := Run(ctx, Options{Spec: session.Spec{Plan: p, PlanGiven: true, Out: dir}, StartNow: true,
		Input: strings.NewReader(""), Output: &screen})
	if err != nil {
		t.Fatal(err)
	}
	if out == nil || !out.Stopped || out.SaveErr != nil || len(out.Results) == 0 || len(out.Results) == 12 {
		t.Fatalf("outcome %+v", out)
	}
	if out.Paths.Dir != dir || !fileExists(out.Paths.CSV) || !fileExists(out.Paths.ScalingPNG) {
		t.Errorf("reports not saved in %s: %+v", dir, out.Paths)
	}
	s := screen.String()
	if !strings.Contains(s, altScreenOn) || strings.LastIndex(s, altScreenOff) < strings.LastIndex(s, altScreenOn) {
		t.Error("the alternate screen was not left")
	}
}

// panicStart is a fake session whose Start panics.
type panicStart struct{ *fakeSession }

func (panicStart) Start(context.Context) error { panic("boom") }

// withOpen replaces the sessions Run opens for the test.
func withOpen(t *testing.T, open openFunc) {
	orig := openSession
	openSession = open
	t.Cleanup(func() { openSession = orig })
}

// TestRunRecoversPanic: a panic inside the program is recovered; the run
// is finished, the terminal restored and the panic returned.
func TestRunRecoversPanic(t *testing.T) {
	var opened *fakeSession
	withOpen(t, func(_ context.Context, spec session.Spec) (runSession, error) {
		f, err := fakeOpen(spec, 1)
		opened = f
		return panicStart{f}, err
	})
	var screen bytes.Buffer
	_, err := Run(context.Background(), Options{Spec: session.Spec{Plan: bench.DefaultPlan(), Out: t.TempDir()}, StartNow: true,
		Input: strings.NewReader(""), Output: &screen})
	if err == nil || !strings.Contains(err.Error(), "panic: boom") {
		t.Fatalf("err = %v, want the panic", err)
	}
	s := screen.String()
	if !strings.Contains(s, altScreenOn) || strings.LastIndex(s, altScreenOff) < strings.LastIndex(s, altScreenOn) {
		t.Error("the terminal was not restored after the panic")
	}
	if opened == nil || !opened.closed && !opened.finished {
		t.Error("the opened session was neither closed nor finished")
	}
}

// TestRunPanicInCommand: a panic in a command's goroutine (here opening
// the session) is caught the same way.
func TestRunPanicInCommand(t *testing.T) {
	withOpen(t, func(context.Context, session.Spec) (runSession, error) { panic("open") })
	var screen bytes.Buffer
	out, err := Run(context.Background(), Options{Spec: session.Spec{Plan: bench.DefaultPlan(), Out: t.TempDir()}, StartNow: true,
		Input: strings.NewReader(""), Output: &screen})
	if err == nil || !strings.Contains(err.Error(), "panic: open") {
		t.Fatalf("err = %v, want the panic", err)
	}
	if out != nil {
		t.Errorf("outcome %+v for a run that never opened", out)
	}
}

func nonEmpty(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Size() > 0
}

func TestResumeOffer(t *testing.T) {
	p := bench.DefaultPlan()
	cs := p.Grid.Configs()
	record := func(t *testing.T, dir string, id int64, n int) {
		rec, err := store.NewRecorder(store.Meta{RunID: id, Plan: p, Version: "test"}, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs[:n] {
			if err := rec.Add(*synthResult(c, p)); err != nil {
				t.Fatal(err)
			}
		}
		rec.Close()
	}

	t.Run("yes", func(t *testing.T) {
		dir := t.TempDir()
		record(t, dir, 41, 12)
		record(t, dir, 42, 5)
		m, started := testModel(t, topts{Plan: p, OutDir: dir, StartNow: true})
		m = update(m, size(120, 40))
		if v := m.View(); !strings.Contains(v, "continue run 42 (5/12 done: -D 3,6 -K 3,5,9 -T 48,96") {
			t.Fatalf("no resume offer:\n%s", v)
		}
		m = update(m, keyMsg("y"))
		f := <-started
		if len(f.prior) != 5 || m.a.sw.RunID != 42 {
			t.Fatalf("resumed with %d prior results as run %d", len(f.prior), m.a.sw.RunID)
		}
		if v := m.View(); !strings.Contains(v, "5/12") {
			t.Errorf("resumed run does not show 5/12:\n%s", v)
		}
	})
	t.Run("no", func(t *testing.T) {
		dir := t.TempDir()
		record(t, dir, 42, 5)
		m, started := testModel(t, topts{Plan: p, OutDir: dir, StartNow: true})
		m = update(m, size(50, 15), keyMsg("n"))
		f := <-started
		if len(f.prior) != 0 || m.a.sw.RunID == 42 {
			t.Fatalf("'n' resumed anyway: %d prior, run %d", len(f.prior), m.a.sw.RunID)
		}
	})
	t.Run("whatever the flags", func(t *testing.T) {
		other := p
		other.Seed = 124
		other.Grid = bench.Grid{Dims: []int{9}, Branches: []int{2}, SeqLens: []int{8}}
		for name, opt := range map[string]topts{
			"finished run":   {Plan: p},
			"other seed":     {Plan: other},
			"other min-time": {Plan: bench.Plan{Grid: p.Grid, Depths: p.Depths, Repeats: p.Repeats, Seed: p.Seed, Policy: p.Policy, Timing: bench.Timing{MinTime: time.Second, MinEpochs: 5}}},
		} {
			dir := t.TempDir()
			finished := name == "finished run"
			record(t, dir, 42, map[bool]int{true: 12, false: 5}[finished])
			opt.OutDir = dir
			m, started := testModel(t, opt)
			switch {
			case finished && m.a.prompt != nil:
				t.Errorf("%s: offered %q", name, m.a.prompt.text)
			case !finished && m.a.prompt == nil:
				t.Errorf("%s: the unfinished run was not offered", name)
			case !finished:
				// Yes continues the recorded run with its own settings.
				m = update(m, keyMsg("y"))
				f := <-started
				if got := f.Plan(); got.Seed != p.Seed || got.Timing != p.Timing || len(f.prior) != 5 {
					t.Errorf("%s: resumed with seed %d, %v and %d prior; want the run's", name, got.Seed, got.Timing, len(f.prior))
				}
			}
		}
	})
}
