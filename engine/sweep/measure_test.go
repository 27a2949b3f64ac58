package sweep

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/worker"
)

// TestMeasuredInWorkers: a config is measured nine times, each in its own
// worker process, with one batch for all, and the headline is within its
// interval.
func TestMeasuredInWorkers(t *testing.T) {
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{3}, Branches: []int{3}, SeqLens: []int{48}}
	p.Timing = bench.Timing{MinTime: time.Millisecond, MinEpochs: 5}
	r, err := Start(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := finished(collect(t, r))
	if err := r.Wait(); err != nil || len(res) != 1 {
		t.Fatalf("sweep: %v, %d results", err, len(res))
	}
	x := res[0]
	if len(x.Measurements) != 9 || len(x.Runs) != 3 {
		t.Fatalf("%d measurements, %d runs; want 9 and 3", len(x.Measurements), len(x.Runs))
	}
	if x.Engine != "go" || x.MemKind != "buffers" || x.Batch < 1 || !(x.CILevel >= 0.95) {
		t.Errorf("engine %q, mem %q, batch %d, level %v", x.Engine, x.MemKind, x.Batch, x.CILevel)
	}
	if !(x.TimeEpochCILow <= x.TimeEpochMedian && x.TimeEpochMedian <= x.TimeEpochCIHigh) || !(x.TimeEpochCILow > 0) {
		t.Errorf("headline %v outside [%v, %v]", x.TimeEpochMedian, x.TimeEpochCILow, x.TimeEpochCIHigh)
	}
	epochs := 0
	for i, run := range x.Runs {
		if run.Seed != p.Seed+uint64(i) {
			t.Errorf("run %d seed %d", i, run.Seed)
		}
		for _, d := range run.Depths {
			epochs += d.Epochs
			if d.Epochs%x.Batch != 0 || d.Epochs < p.Timing.MinEpochs {
				t.Errorf("run %d depth %d: %d epochs with batch %d", i, d.Depth, d.Epochs, x.Batch)
			}
		}
	}
	if epochs != x.EpochsMeasured {
		t.Errorf("runs hold %d epochs, EpochsMeasured %d", epochs, x.EpochsMeasured)
	}
}

// TestWorkerCrashFailsSweep: a worker that dies mid-measurement fails the
// sweep with an error naming the config and quoting the worker's stderr.
func TestWorkerCrashFailsSweep(t *testing.T) {
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{3}, Branches: []int{5}, SeqLens: []int{48}}
	p.Timing = fast
	crashing := func() (*exec.Cmd, error) {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), crashEnv+"=1")
		return cmd, nil
	}
	r, err := Start(context.Background(), p, Options{Worker: crashing, WorkerOptions: worker.Options{Name: "test worker"}})
	if err != nil {
		t.Fatal(err)
	}
	evs := collect(t, r)
	last := evs[len(evs)-1]
	if last.Kind != SweepFailed || r.Wait() == nil {
		t.Fatalf("sweep ended with %v", last.Kind)
	}
	for _, want := range []string{"D=3 K=5 T=48", "test worker", "exit status 2", "out of memory"} {
		if !strings.Contains(last.Err.Error(), want) {
			t.Errorf("error %q does not say %q", last.Err, want)
		}
	}
}

// TestWorkerWithoutHook: a process started as a Go worker that runs a
// sweep instead of serving (its main, or TestMain, does not call
// measure.MainIfWorker first) refuses to start workers of its own: each
// would start more. The sweep fails with a plain error.
func TestWorkerWithoutHook(t *testing.T) {
	t.Setenv(worker.EnvVar, "go")
	if _, err := selfWorker(); !errors.Is(err, errUnservedWorker) {
		t.Fatalf("selfWorker as an unserved worker: %v", err)
	}
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{3}, Branches: []int{3}, SeqLens: []int{8}}
	p.Timing = fast
	r, err := Start(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	evs := collect(t, r)
	last := evs[len(evs)-1]
	if last.Kind != SweepFailed {
		t.Fatalf("sweep ended with %v, want SweepFailed", last.Kind)
	}
	msg := last.Err.Error()
	if !strings.Contains(msg, "cannot start a worker process") {
		t.Errorf("error %q does not say that a worker could not start", msg)
	}
	for _, hint := range []string{"MainIfWorker", "TestMain", worker.EnvVar} {
		if strings.Contains(msg, hint) {
			t.Errorf("error %q shows a user the developer's hint %q", msg, hint)
		}
	}
}

// TestPauseBetweenMeasurementsResumed: a pause that reaches a worker just
// after its last round stays with that worker (the protocol keeps a pause
// across measurements). Once the sweep resumes — its Resume having gone to
// no worker — handing that worker the next measurement must resume it, or
// the sweep holds for ever (the live-edit test hung this way under -race).
func TestPauseBetweenMeasurementsResumed(t *testing.T) {
	cmd, err := selfWorker()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background() // a hang is the failure; go test's -timeout reports it
	c, err := worker.Start(ctx, cmd, worker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := &Runner{}
	r.wake = sync.NewCond(&r.mu)
	// The sweep pauses while c is still active but done measuring, then
	// the measurement ends and the sweep resumes with no worker active.
	r.setActive(c)
	r.Pause()
	r.setActive(nil)
	r.Resume()
	if !c.Paused() {
		t.Fatal("the worker should still hold the pause the sweep sent it")
	}
	r.setActive(c) // the next measurement
	if c.Paused() {
		t.Fatal("setActive left the worker paused while the sweep runs")
	}
	req := worker.Request{Config: worker.Config{D: 3, K: 3, T: 8}, Seed: 1, Policy: bench.PolicyMean, Depths: []int{1},
		TimeMin: 0.001, MinEpochs: 2, MaxRounds: 10, Warmup: 1}
	if _, err := c.Measure(ctx, req, nil); err != nil {
		t.Fatalf("the next measurement: %v", err)
	}
}
