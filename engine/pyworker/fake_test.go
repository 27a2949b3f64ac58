package pyworker

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/pyworker/pyworkertest"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/engine/worker"
)

// The protocol's failure paths against internal/fakepython, a worker
// written in Go that stands in for python: these run everywhere, no Python
// needed.

var (
	fakeOnce sync.Once
	fakeDir  string
	fakePath string
	fakeErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fakeDir != "" {
		os.RemoveAll(fakeDir)
	}
	os.Exit(code)
}

// fakePython builds internal/fakepython once per test binary.
func fakePython(t *testing.T) string {
	t.Helper()
	fakeOnce.Do(func() {
		if fakeDir, fakeErr = os.MkdirTemp("", "hcbench-fakepython-"); fakeErr != nil {
			return
		}
		fakePath, fakeErr = pyworkertest.BuildFakePython(fakeDir)
	})
	if fakeErr != nil {
		t.Fatal(fakeErr)
	}
	return fakePath
}

// fakeSetup is a Setup whose interpreter is fakepython in mode; the pids of
// its workers are written to the returned directory.
func fakeSetup(t *testing.T, mode string) (Setup, string) {
	t.Helper()
	pids := t.TempDir()
	t.Setenv("FAKE_PYTHON_MODE", mode)
	t.Setenv("FAKE_PYTHON_PIDS", pids)
	s, err := Resolve(fakePython(t), checkout(t))
	if err != nil {
		t.Fatal(err)
	}
	return s, pids
}

// workerPids are the pids the fake workers wrote.
func workerPids(t *testing.T, dir string) []int {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// checkNoneLeft fails when a worker process is still running.
func checkNoneLeft(t *testing.T, dir string) {
	t.Helper()
	pids := workerPids(t, dir)
	if len(pids) == 0 {
		t.Fatal("no worker wrote its pid: the fake never ran")
	}
	for _, pid := range pids {
		if processAlive(pid) {
			t.Errorf("worker pid %d is still running after the sweep ended", pid)
		}
	}
}

// runSweep runs a two-config plan with the fake and returns the configs
// that finished and the sweep's error.
func runSweep(t *testing.T, s Setup, opt worker.Options) ([]bench.Config, error) {
	t.Helper()
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{3}, Branches: []int{3}, SeqLens: []int{16, 24}}
	p.Depths, p.Repeats, p.Engine = []int{1, 2}, 1, bench.EnginePython
	r, err := sweep.Start(context.Background(), p, sweep.Options{
		Worker:        func() (*exec.Cmd, error) { return s.Command(), nil },
		WorkerOptions: opt,
	})
	if err != nil {
		t.Fatal(err)
	}
	var done []bench.Config
	for ev := range r.Events() {
		if ev.Kind == sweep.ConfigFinished {
			done = append(done, ev.Config)
			if ev.Result.Engine != "python" || ev.Result.MemKind != "tracemalloc" || ev.Result.EngineDetails["numpy"] != "1.24.2" {
				t.Errorf("result says engine %q mem_kind %q details %v: want the worker's hello", ev.Result.Engine, ev.Result.MemKind, ev.Result.EngineDetails)
			}
		}
	}
	// Wait returns once the sweep has ended its workers.
	return done, r.Wait()
}

func TestFakeWorkerFailures(t *testing.T) {
	first := bench.Config{D: 3, K: 3, T: 16}
	tests := []struct {
		mode string
		opt  worker.Options // its Name is "python worker"
		done int            // configs finished before the failure
		want []string       // in the error
	}{
		{"ok", worker.Options{}, 2, nil},
		{"nonumpy", worker.Options{}, 0, []string{"python worker cannot start", "numpy is not installed"}},
		{"importerror", worker.Options{}, 0, []string{"python worker cannot start", "importing qmlhc", "scipy"}},
		{"crash", worker.Options{}, 1, []string{"python worker", "D=3 K=3 T=24", "Segmentation fault"}},
		{"hang", worker.Options{Timeout: time.Second}, 1, []string{"python worker", "D=3 K=3 T=24", "said nothing for 1s", "hung"}},
		{"badjson", worker.Options{}, 1, []string{"python worker", "D=3 K=3 T=24", "not JSON", "numpy warning printed on stdout"}},
		// Its heartbeat goes on while its measurement never ends (issue 21:
		// a forward_epoch that never returns): killed at the limit.
		{"stuck", worker.Options{MinLimit: 100 * time.Millisecond}, 1,
			[]string{"python worker", "D=3 K=3 T=24 seed", "no result after", "forward_epoch made no progress", "killed"}},
		// It closes its stdout and runs on: said so, not "signal: killed".
		{"closeout", worker.Options{}, 0, []string{"python worker", "D=3 K=3 T=16 seed", "closed its output without an answer", "stderr: fakepython: closing stdout"}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			s, pids := fakeSetup(t, tt.mode)
			tt.opt.Name = "python worker"
			done, err := runSweep(t, s, tt.opt)
			if len(done) != tt.done || (tt.done > 0 && done[0] != first) {
				t.Errorf("finished %v, want the first %d config(s) kept", done, tt.done)
			}
			if tt.want == nil {
				if err != nil {
					t.Fatalf("sweep failed: %v", err)
				}
			} else {
				if err == nil {
					t.Fatal("sweep succeeded, want a failure")
				}
				t.Logf("error: %v", err)
				for _, w := range tt.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %q", err, w)
					}
				}
				if strings.Contains(err.Error(), "signal: killed") {
					t.Errorf("error %q blames the kill hcbench did itself", err)
				}
			}
			checkNoneLeft(t, pids)
		})
	}
}

// TestFakeWorkerCancel: cancelling a sweep (what SIGINT, SIGTERM and q do)
// while a worker measures ends every worker.
func TestFakeWorkerCancel(t *testing.T) {
	s, pids := fakeSetup(t, "slow")
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{3}, Branches: []int{3}, SeqLens: []int{16}}
	p.Depths, p.Repeats, p.Engine = []int{1}, 1, bench.EnginePython
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, err := sweep.Start(ctx, p, sweep.Options{
		Worker:        func() (*exec.Cmd, error) { return s.Command(), nil },
		WorkerOptions: worker.Options{Name: "python worker"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var last sweep.EventKind
	for ev := range r.Events() {
		if ev.Kind == sweep.Progress {
			cancel()
		}
		last = ev.Kind
	}
	r.Wait()
	if last != sweep.SweepCancelled {
		t.Errorf("last event %v, want SweepCancelled", last)
	}
	checkNoneLeft(t, pids)
}
