package sweep

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/worker"
)

func TestPoolSize(t *testing.T) {
	plan := func(repeats int) bench.Plan {
		p := bench.DefaultPlan()
		p.Repeats = repeats
		return p
	}
	// 10 files open: 23 before any worker (10 + 8 own + 5 to start one).
	tests := []struct {
		name    string
		repeats int
		limits  worker.Limits
		want    int
		note    []string // in the note ("" when none is wanted)
		err     []string // in the error
	}{
		{"unknown limit", 3, worker.Limits{FilesOpen: -1}, 9, nil, nil},
		{"plenty", 3, worker.Limits{OpenFiles: 20000, FilesOpen: 10}, 9, nil, nil},
		{"twelve at most", 4, worker.Limits{OpenFiles: 20000, FilesOpen: 10}, 12, nil, nil},
		{"just enough", 3, worker.Limits{OpenFiles: 23 + 9*4, FilesOpen: 10}, 9, nil, nil},
		{"short", 3, worker.Limits{OpenFiles: 48, FilesOpen: 10}, 6,
			[]string{"open-file limit (ulimit -n 48) leaves room for 6 worker processes, not 9", "9 measurements share", "ulimit -n 64 allows all"}, nil},
		{"open files unknown", 3, worker.Limits{OpenFiles: 48, FilesOpen: -1}, 4, []string{"room for 4 worker processes"}, nil},
		{"one", 1, worker.Limits{OpenFiles: 27, FilesOpen: 10}, 1, []string{"room for 1 worker process, not 9"}, nil},
		{"none", 3, worker.Limits{OpenFiles: 26, FilesOpen: 10}, 0, nil,
			[]string{"the open-file limit (ulimit -n) is 26, too low to run a worker process", "needs 27 open files (59 with its 9 workers)", "ulimit -n 64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, note, err := poolSize(plan(tt.repeats), tt.limits, filesOwn)
			if n != tt.want {
				t.Errorf("%d workers, want %d", n, tt.want)
			}
			if (note != "") != (tt.note != nil) {
				t.Errorf("note %q", note)
			}
			for _, w := range tt.note {
				if !strings.Contains(note, w) {
					t.Errorf("note %q does not say %q", note, w)
				}
			}
			if (err != nil) != (tt.err != nil) {
				t.Fatalf("err = %v", err)
			}
			for _, w := range tt.err {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// TestFewerWorkersWhenFilesAreShort: under an open-file limit that leaves
// room for two workers, a sweep measures in two processes and finishes;
// with no room for one it is refused before it starts.
func TestFewerWorkersWhenFilesAreShort(t *testing.T) {
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{3}, Branches: []int{3}, SeqLens: []int{8, 16}}
	p.Depths, p.Timing = []int{1}, fast
	short := worker.Limits{OpenFiles: 10 + filesDuring + filesToStart + 2*filesPerWorker, FilesOpen: 10}
	start, log, _ := testWorker(t, 0, "")
	r, err := Start(context.Background(), p, Options{Worker: start, limits: func() worker.Limits { return short }})
	if err != nil {
		t.Fatal(err)
	}
	res := finished(collect(t, r))
	if err := r.Wait(); err != nil || len(res) != 2 {
		t.Fatalf("sweep: %v, %d results; want both configs", err, len(res))
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	pids := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		pids[strings.Fields(l)[0]] = true
	}
	if len(pids) != 2 {
		t.Errorf("measured in %d processes, want the 2 the limit leaves room for", len(pids))
	}

	none := worker.Limits{OpenFiles: 20, FilesOpen: 10}
	if _, err := Start(context.Background(), p, Options{Worker: start, limits: func() worker.Limits { return none }}); err == nil ||
		!strings.Contains(err.Error(), "ulimit -n") {
		t.Errorf("Start under a limit with no room for a worker: %v, want a refusal naming the limit", err)
	}
}

// TestEpochEstimate: a measurement's limit comes from its config's own
// rounds once it has some, else from the slowest rate of work seen, else
// from the calibration (for Python, many times the Go port's).
func TestEpochEstimate(t *testing.T) {
	p := bench.DefaultPlan()
	r := &Runner{plan: p}
	m := &measurer{r: r}
	small, big := bench.Config{D: 3, K: 3, T: 48}, bench.Config{D: 6, K: 3, T: 96}
	fresh := func(c bench.Config) *bench.Result { return newFlight(p, c).res }

	goGuess := m.epoch(fresh(small), bench.EngineGo)
	pyGuess := m.epoch(fresh(small), bench.EnginePython)
	if goGuess <= 0 || pyGuess < goGuess*pythonSlowdown/2 {
		t.Fatalf("before anything was timed: go %v, python %v; want the calibration and %d× it", goGuess, pyGuess, pythonSlowdown)
	}
	// A python measurement of the small config: 5ms epochs at most.
	m.learn(small, []float64{0.004, 0.005})
	if got, want := m.epoch(fresh(big), bench.EnginePython), 20*time.Millisecond; got != want {
		t.Errorf("python, learned: %v for a config of 4× the work, want %v", got, want)
	}
	if got := m.epoch(fresh(big), bench.EngineGo); got != 20*time.Millisecond {
		t.Errorf("go, learned slower than calibrated: %v, want the learned 20ms", got)
	}
	f := fresh(big)
	f.Samples = []float64{0.001, 0.003, 0.002}
	if got := m.epoch(f, bench.EnginePython); got != 3*time.Millisecond {
		t.Errorf("with its own rounds: %v, want their slowest, 3ms", got)
	}
}
