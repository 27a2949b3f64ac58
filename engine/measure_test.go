package engine

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/worker"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct{ repeats, parts, total int }{
		{1, 9, 9}, {2, 5, 10}, {3, 3, 9}, {4, 3, 12}, {5, 2, 10}, {9, 1, 9}, {10, 1, 10},
	} {
		if p, n := Split(tc.repeats); p != tc.parts || n != tc.total {
			t.Errorf("Split(%d) = %d, %d; want %d, %d", tc.repeats, p, n, tc.parts, tc.total)
		}
	}
}

func TestPlanBatchAndRounds(t *testing.T) {
	for _, tc := range []struct {
		name          string
		req           worker.Request
		warm          []float64
		batch, rounds int
	}{
		// 3 depths of 1µs, 10ms each: 30,000 epochs per depth would need
		// 500·60 rounds; batches of 20 keep it at the cap.
		{"fast", worker.Request{TimeMin: 0.01, MinEpochs: 3, MaxRounds: 500}, []float64{1e-6, 1e-6, 1e-6}, 20, 500},
		{"slow", worker.Request{TimeMin: 0.01, MinEpochs: 3, MaxRounds: 500}, []float64{0.1, 0.1, 0.1}, 1, 3},
		{"middle", worker.Request{TimeMin: 0.01, MinEpochs: 3, MaxRounds: 500}, []float64{1e-4, 2e-4, 3e-4}, 1, 50},
		{"given batch", worker.Request{TimeMin: 0.01, MinEpochs: 3, MaxRounds: 500, Batch: 7}, []float64{1e-6, 1e-6, 1e-6}, 7, 500},
		{"min epochs", worker.Request{TimeMin: 0, MinEpochs: 9, MaxRounds: 500, Batch: 4}, []float64{1e-6}, 4, 3},
		{"zero time", worker.Request{TimeMin: 0.01, MinEpochs: 1, MaxRounds: 10}, []float64{0}, 1, 10},
	} {
		b, r := plan(tc.req, tc.warm)
		if b != tc.batch || r != tc.rounds {
			t.Errorf("%s: plan = batch %d, %d rounds; want %d, %d", tc.name, b, r, tc.batch, tc.rounds)
		}
	}
}

func TestMergeParts(t *testing.T) {
	a := Run{Seed: 5, MemPeakBytes: 100, Depths: []DepthResult{{Depth: 1, Epochs: 10, TimeEpochMean: 1, RMSE: 0.2}, {Depth: 2, Epochs: 10, TimeEpochMean: 2, RMSE: 0.3}}}
	b := Run{Seed: 5, MemPeakBytes: 100, Depths: []DepthResult{{Depth: 1, Epochs: 30, TimeEpochMean: 3, RMSE: 0.2}, {Depth: 2, Epochs: 10, TimeEpochMean: 4, RMSE: 0.3}}}
	m := mergeParts([]int{1, 2}, []Run{a, b}, 4)
	// Depth 1: (10·1 + 30·3)/40 = 2.5; depth 2: 3. Mean 2.75.
	if m.Depths[0].TimeEpochMean != 2.5 || m.Depths[1].TimeEpochMean != 3 || m.TimeEpochMean != 2.75 ||
		m.Depths[0].Epochs != 40 || m.Seed != 5 || m.MemPeakBytes != 100 || m.RMSEMean != 0.25 || m.TimeForwardMean != 2.75/4 {
		t.Errorf("merged = %+v", m)
	}
}

// TestMeasuredInWorkers: a config is measured nine times, each in its own
// worker process, with one batch for all, and the headline is within its
// interval.
func TestMeasuredInWorkers(t *testing.T) {
	p := DefaultPlan()
	p.Grid = Grid{Dims: []int{3}, Branches: []int{3}, SeqLens: []int{48}}
	p.Timing = Timing{MinTime: time.Millisecond, MinEpochs: 5}
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
	p := DefaultPlan()
	p.Grid = Grid{Dims: []int{3}, Branches: []int{5}, SeqLens: []int{48}}
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

func TestHeadlineSlowRounds(t *testing.T) {
	res := Result{Measurements: []float64{1, 1, 1}, Samples: []float64{1, 1.9, 2.1, 5, 0.5}}
	Headline(&res)
	if res.TimeEpochMedian != 1 || res.Outliers != 2 || res.CILevel != 0.95 || res.TimeEpochCILow != 1 {
		t.Errorf("%+v", res)
	}
	one := Result{Measurements: []float64{2}}
	Headline(&one)
	if one.TimeEpochMedian != 2 || !math.IsNaN(one.TimeEpochCILow) || one.CILevel != 0 {
		t.Errorf("one measurement: %+v", one)
	}
}

// TestWorkerWithoutHook: a worker child that did not serve refuses to
// start workers of its own (no fork bomb), and the parent's error says
// what is missing.
func TestWorkerWithoutHook(t *testing.T) {
	t.Setenv(worker.EnvVar, "go")
	if _, err := selfWorker(); err == nil || !strings.Contains(err.Error(), "MainIfWorker") {
		t.Errorf("selfWorker as an unserved worker: %v", err)
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
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang fails, never blocks CI
	defer cancel()
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
	req := worker.Request{Config: worker.Config{D: 3, K: 3, T: 8}, Seed: 1, Policy: PolicyMean, Depths: []int{1},
		TimeMin: 0.001, MinEpochs: 2, MaxRounds: 10, Warmup: 1}
	if _, err := c.Measure(ctx, req, nil); err != nil {
		t.Fatalf("the next measurement: %v", err)
	}
}

// TestWorkerReleasesBigHeaps: after a measurement whose buffers exceed
// releaseAbove (82 MiB here), the worker returns its memory to the OS;
// after a small one it does not.
func TestWorkerReleasesBigHeaps(t *testing.T) {
	var released atomic.Int32
	old := freeOSMemory
	freeOSMemory = func() { released.Add(1) }
	defer func() { freeOSMemory = old }()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	served := make(chan error, 1)
	go func() {
		served <- worker.Serve(inR, outW, worker.Hello{Engine: "go"}, measureRequest)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	lines.Buffer(nil, 64<<20)
	lines.Scan() // hello
	for i, tc := range []struct {
		c    Config
		want int32
	}{{Config{D: 3, K: 3, T: 8}, 0}, {Config{D: 8, K: 2, T: 200000}, 1}} {
		if b, _ := PeakBytes(DefaultPlan(), tc.c); (b > releaseAbove) != (tc.want == 1) {
			t.Fatalf("%v holds %d bytes: not the case tested", tc.c, b)
		}
		fmt.Fprintf(inW, `{"type":"measure","id":%d,"config":{"D":%d,"K":%d,"T":%d},"seed":1,"policy":"mean","depths":[1],"time_min":0,"min_epochs":1,"max_rounds":1,"warmup":1}`+"\n",
			i+1, tc.c.D, tc.c.K, tc.c.T)
		for lines.Scan() && !strings.Contains(lines.Text(), `"type":"result"`) {
			if strings.Contains(lines.Text(), `"type":"error"`) {
				t.Fatalf("%v: %s", tc.c, lines.Text())
			}
		}
		if got := released.Load(); got != tc.want {
			t.Errorf("after %v: memory released %d times, want %d", tc.c, got, tc.want)
		}
	}
	inW.Close()
	if err := <-served; err != nil {
		t.Error(err)
	}
}

// TestHeadlineLeavesOutContention: measurements on a contended CPU (here
// 1.34× slower, as on this project's VM) do not make the headline; they
// are counted, and the headline's interval is about the free-CPU cluster.
func TestHeadlineLeavesOutContention(t *testing.T) {
	res := Result{Measurements: []float64{18.2, 18.3, 24.5, 18.3, 24.6, 18.4, 24.4, 18.3, 24.9}}
	Headline(&res)
	if res.TimeEpochMedian != 18.3 || res.Contended != 4 || !(res.TimeEpochCIHigh < 18.6) || !(res.TimeEpochCILow > 18.0) {
		t.Errorf("headline %v [%v, %v], %d contended; want 18.3 within 18.0–18.6 and 4", res.TimeEpochMedian, res.TimeEpochCILow, res.TimeEpochCIHigh, res.Contended)
	}
	kept, n := HeadlineMeasurements(res)
	if n != 4 || len(kept) != 5 {
		t.Errorf("HeadlineMeasurements: %v, %d", kept, n)
	}
}
