package tui

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report"
)

const (
	altScreenOn  = "\x1b[?1049h"
	altScreenOff = "\x1b[?1049l"
)

// TestRunInterruptedByContext: a cancelled context (how the caller passes
// on SIGINT, SIGTERM and SIGHUP) stops the sweep; Run saves the reports,
// leaves the alternate screen and reports the run as interrupted.
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
		for !nonEmpty(report.PathsFor(dir).JSONL) {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	var screen bytes.Buffer
	out, err := Run(ctx, Options{Plan: p, OutDir: dir, StartNow: true, Input: strings.NewReader(""), Output: &screen})
	if err != nil {
		t.Fatal(err)
	}
	if !out.Interrupted || out.SaveErr != nil || len(out.Results) == 0 || len(out.Results) == 12 {
		t.Fatalf("interrupted=%v saveErr=%v results=%d", out.Interrupted, out.SaveErr, len(out.Results))
	}
	if out.Paths.Dir != dir || !fileExists(out.Paths.CSV) || !fileExists(out.Paths.ScalingPNG) {
		t.Errorf("reports not saved in %s: %+v", dir, out.Paths)
	}
	s := screen.String()
	if !strings.Contains(s, altScreenOn) || strings.LastIndex(s, altScreenOff) < strings.LastIndex(s, altScreenOn) {
		t.Error("the alternate screen was not left")
	}
}

// TestRunRecoversPanic: a panic inside the program is recovered; the
// reports are saved, the terminal restored and the panic returned.
func TestRunRecoversPanic(t *testing.T) {
	orig := newSweeper
	defer func() { newSweeper = orig }()
	newSweeper = func(context.Context, bench.Plan, sweep.Options) (sweeper, error) { panic("boom") }

	dir := t.TempDir()
	var screen bytes.Buffer
	out, err := Run(context.Background(), Options{Plan: bench.DefaultPlan(), OutDir: dir, StartNow: true,
		Input: strings.NewReader(""), Output: &screen})
	if err == nil || !strings.Contains(err.Error(), "panic: boom") {
		t.Fatalf("err = %v, want the panic", err)
	}
	if out.SaveErr != nil || !fileExists(out.Paths.CSV) {
		t.Errorf("reports not saved after the panic: %v", out.SaveErr)
	}
	s := screen.String()
	if !strings.Contains(s, altScreenOn) || strings.LastIndex(s, altScreenOff) < strings.LastIndex(s, altScreenOn) {
		t.Error("the terminal was not restored after the panic")
	}
}

// TestRunPanicInCommand: a panic in a command's goroutine (here the engine
// event source) is caught the same way.
func TestRunPanicInCommand(t *testing.T) {
	orig := newSweeper
	defer func() { newSweeper = orig }()
	newSweeper = func(_ context.Context, p bench.Plan, _ sweep.Options) (sweeper, error) {
		return panicSweeper{newFakeSweeper(p)}, nil
	}
	var screen bytes.Buffer
	out, err := Run(context.Background(), Options{Plan: bench.DefaultPlan(), OutDir: t.TempDir(), StartNow: true,
		Input: strings.NewReader(""), Output: &screen})
	if err == nil || !strings.Contains(err.Error(), "panic: events") {
		t.Fatalf("err = %v, want the panic", err)
	}
	if out.SaveErr != nil {
		t.Error(out.SaveErr)
	}
}

func nonEmpty(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Size() > 0
}

type panicSweeper struct{ *fakeSweeper }

func (panicSweeper) Events() <-chan sweep.Event { panic("events") }

func TestResumeOffer(t *testing.T) {
	p := bench.DefaultPlan()
	cs := p.Grid.Configs()
	record := func(t *testing.T, dir string, id int64, n int) {
		rec, err := report.NewRecorder(report.Meta{RunID: id, Plan: p, Version: "test"}, dir, nil)
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
		m, started := testModel(t, Options{Plan: p, OutDir: dir, StartNow: true})
		m = update(m, size(120, 40))
		if v := m.View(); !strings.Contains(v, "continue run 42 (5/12 done: -D 3,6 -K 3,5,9 -T 48,96") {
			t.Fatalf("no resume offer:\n%s", v)
		}
		m = update(m, keyMsg("y"))
		f := <-started
		if len(f.prior) != 5 || m.a.sw.runID != 42 {
			t.Fatalf("resumed with %d prior results as run %d", len(f.prior), m.a.sw.runID)
		}
		if v := m.View(); !strings.Contains(v, "5/12") {
			t.Errorf("resumed run does not show 5/12:\n%s", v)
		}
	})
	t.Run("no", func(t *testing.T) {
		dir := t.TempDir()
		record(t, dir, 42, 5)
		m, started := testModel(t, Options{Plan: p, OutDir: dir, StartNow: true})
		m = update(m, size(50, 15), keyMsg("n"))
		f := <-started
		if len(f.prior) != 0 || m.a.sw.runID == 42 {
			t.Fatalf("'n' resumed anyway: %d prior, run %d", len(f.prior), m.a.sw.runID)
		}
	})
	t.Run("whatever the flags", func(t *testing.T) {
		other := p
		other.Seed = 124
		other.Grid = bench.Grid{Dims: []int{9}, Branches: []int{2}, SeqLens: []int{8}}
		for name, opt := range map[string]Options{
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
