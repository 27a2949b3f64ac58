package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/stats"
	"github.com/hcbench/hcbench/engine/worker"
)

// errStopped reports a sweep stopped mid-config; the partial config is dropped.
var errStopped = errors.New("stopped")

const (
	// maxWorkers bounds the worker processes of a sweep: measurement j of
	// a config is made by worker j % maxWorkers, so a config's
	// measurements are each in a different process when there are at most
	// this many (Split gives 9 or 10 unless repeats are more).
	maxWorkers = 12
	// maxRoundsPerRepeat bounds the rounds (samples) of a repeat; a part of
	// a split repeat gets its share. When epochs are so fast that the
	// minimum time would need more rounds, each round times a batch of
	// epochs per depth instead of one.
	maxRoundsPerRepeat = 1000
	// warmupEpochs are run (untimed) at each depth before measuring: the
	// first is cold (page faults, caches); the median of them calibrates
	// the batch.
	warmupEpochs = 3
)

// pool is a sweep's worker processes, started on first use.
type pool struct {
	start   func() (*exec.Cmd, error)
	opt     worker.Options
	clients []*worker.Client
}

// errUnservedWorker: this process was started as a Go worker (worker.EnvVar
// is "go") and yet runs a sweep. Were it to start workers, each would do
// the same and start more. For a developer, it means that the program's
// main (or a test binary's TestMain) does not call measure.MainIfWorker
// first; a user sees only that a worker could not start.
var errUnservedWorker = errors.New("this process was started as a worker and cannot start workers of its own")

// selfWorker is the default worker command: this program re-executing
// itself as a Go worker.
func selfWorker() (*exec.Cmd, error) {
	if os.Getenv(worker.EnvVar) == "go" {
		return nil, errUnservedWorker
	}
	return worker.SelfCommand()
}

// measurer measures configs for a Runner in worker processes.
type measurer struct {
	common  commonMode
	r       *Runner
	pool    pool
	sched   schedule
	flights []*flight // in flight, in admission order
}

func newMeasurer(r *Runner, o Options) *measurer {
	start := o.Worker
	if start == nil {
		start = selfWorker
	}
	opt := o.WorkerOptions
	if opt.Name == "" {
		opt.Name = "worker"
	}
	return &measurer{r: r, pool: pool{start: start, opt: opt}, sched: o.sched.orDefaults()}
}

// client returns worker i, starting it (and any before it) when needed,
// or restarting it when it died.
func (m *measurer) client(ctx context.Context, i int) (*worker.Client, error) {
	for len(m.pool.clients) <= i {
		m.pool.clients = append(m.pool.clients, nil)
	}
	if c := m.pool.clients[i]; c != nil {
		select {
		case <-c.Done():
		default:
			return c, nil
		}
	}
	cmd, err := m.pool.start()
	if err != nil {
		return nil, fmt.Errorf("cannot start a worker process: %w", err)
	}
	c, err := worker.Start(ctx, cmd, m.pool.opt)
	if err != nil {
		return nil, err
	}
	m.pool.clients[i] = c
	return c, nil
}

// close ends every worker.
func (m *measurer) close() {
	for _, c := range m.pool.clients {
		if c != nil {
			_ = c.Close()
		}
	}
	m.pool.clients = nil
}

// measureOne makes the next measurement of f's config (f.done) with req
// and adds it to f's result. base is the Event.InFlight before it.
func (m *measurer) measureOne(f *flight, req worker.Request, base float64) error {
	res, j := f.res, f.done
	c := res.Config
	var start *Event
	if j == 0 {
		start = &Event{Kind: ConfigStarted, Config: c, InFlight: base}
	}
	if !m.r.hold(start) {
		return errStopped
	}
	cl, err := m.client(m.r.ctx, j%maxWorkers)
	if err != nil {
		if m.r.stopping() {
			return errStopped
		}
		return err
	}
	m.r.setActive(cl)
	out, err := cl.Measure(m.r.ctx, req, func(pr worker.Progress) {
		m.r.emit(Event{Kind: Progress, Config: c, Repeat: j / f.parts, Depth: pr.Depth,
			Fraction: (float64(j) + pr.Fraction) / float64(f.total), InFlight: base + pr.Fraction/float64(f.total)})
	})
	m.r.setActive(nil)
	if err != nil {
		if m.r.stopping() || errors.Is(err, worker.ErrStopped) {
			return errStopped
		}
		return err
	}
	var run bench.Run
	if err := json.Unmarshal(out.Run, &run); err != nil {
		return fmt.Errorf("worker's run: %w", err)
	}
	if len(run.Depths) != len(res.Depths) {
		return fmt.Errorf("worker's run has %d depths, want %d", len(run.Depths), len(res.Depths))
	}
	if h := cl.Hello(); res.Engine == "" {
		res.Engine, res.EngineVersion, res.EngineDetails = h.Engine, h.EngineVersion, h.Details
		res.MemKind = out.MemKind
	}
	if res.Batch == 0 { // the first measurement calibrated the config's batch
		res.Batch = out.Batch
	}
	res.Samples = append(res.Samples, out.Samples...)
	res.Measurements = append(res.Measurements, stats.Median(out.Samples))
	for _, d := range run.Depths {
		res.EpochsMeasured += d.Epochs
	}
	f.runParts = append(f.runParts, run)
	if len(f.runParts) == f.parts {
		res.Runs = append(res.Runs, bench.MergeParts(res.Depths, f.runParts, c.T))
		f.runParts = nil
	}
	return nil
}
