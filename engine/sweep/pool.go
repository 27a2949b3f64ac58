package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"slices"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/worker"
)

// errStopped reports a sweep stopped mid-config; the partial config is dropped.
var errStopped = errors.New("stopped")

const (
	// maxWorkers bounds the worker processes of a sweep: measurement j of
	// a config is made by worker j % workers, so a config's measurements
	// are each in a different process when there are at most this many
	// (Split gives 9 or 10 unless repeats are more) and the open-file
	// limit allows them (PoolSize).
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
	size    int // workers at most (PoolSize)
	clients []*worker.Client
}

// The open files hcbench needs, by which the open-file limit (ulimit -n)
// bounds the workers of a sweep. Measured on Linux: a sweep with 9
// workers held 47 files — 9 process handles (pidfds), 28 pipes, the
// output directory's lock and JSONL, the runtime's cgroup files, its
// poller and /dev/null.
const (
	// filesPerWorker are held for each running worker: the pipes to its
	// stdin, from its stdout and from its stderr, and a process handle.
	filesPerWorker = 4
	// filesToStart are needed for a moment to start one: the worker's
	// ends of its three pipes and exec's status pipe.
	filesToStart = 5
	// filesOwn are hcbench's own beyond those open when it checks before
	// a run (PoolSize): the output directory's lock and JSONL, a report
	// being written, a baseline being read, the terminal.
	filesOwn = 8
	// filesDuring are those it may open while the sweep runs, beyond
	// those open when the sweep starts: a report being written, the JSONL
	// reopened.
	filesDuring = 4
	// filesUnknown is taken as open now where the system cannot say.
	filesUnknown = 16
)

// PoolSize is how many worker processes a sweep of p runs: one per
// measurement of a config, at most 12, and no more than the open-file
// limit (ulimit -n) leaves room for. note, when the limit makes them fewer
// than the plan would use, says so (a config's measurements then share
// processes); the error, when not even one fits, names the limit and
// what a run needs.
func PoolSize(p bench.Plan) (n int, note string, err error) {
	return poolSize(p, worker.CurrentLimits(), filesOwn)
}

// poolSize is PoolSize under limits l, own being the files hcbench may
// open beside its workers from now on.
func poolSize(p bench.Plan, l worker.Limits, own int) (n int, note string, err error) {
	_, measurements := bench.Split(p.Repeats)
	want := min(maxWorkers, measurements)
	if l.OpenFiles <= 0 {
		return want, "", nil
	}
	open := l.FilesOpen
	if open < 0 {
		open = filesUnknown
	}
	fixed := open + own + filesToStart
	all := fixed + want*filesPerWorker
	n = min(want, (l.OpenFiles-fixed)/filesPerWorker)
	switch {
	case n < 1:
		return 0, "", fmt.Errorf("the open-file limit (ulimit -n) is %d, too low to run a worker process: hcbench needs %d open files (%d with its %d workers); raise it, e.g. ulimit -n %d",
			l.OpenFiles, fixed+filesPerWorker, all, want, roundUp(all))
	case n < want:
		procs := "worker processes"
		if n == 1 {
			procs = "worker process"
		}
		note = fmt.Sprintf("note: the open-file limit (ulimit -n %d) leaves room for %d %s, not %d: some of a config's %d measurements share a process; ulimit -n %d allows all",
			l.OpenFiles, n, procs, want, measurements, roundUp(all))
	}
	return n, note, nil
}

// roundUp is n rounded up to a round number to suggest.
func roundUp(n int) int {
	step := 16
	if n > 256 {
		step = 256
	}
	return (n + step - 1) / step * step
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

	// For the measurements' limits (see epoch).
	perUnit  float64    // the slowest seconds per unit of work seen
	est      *Estimator // calibrated on first use
	estTried bool
}

func newMeasurer(r *Runner, o Options, workers int) *measurer {
	start := o.Worker
	opt := o.WorkerOptions
	if start == nil {
		start = selfWorker
		if opt.Name == "" {
			opt.Name = "go worker"
		}
	}
	if opt.Name == "" {
		opt.Name = "worker"
	}
	return &measurer{r: r, pool: pool{start: start, opt: opt, size: workers}, sched: o.sched.orDefaults()}
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
	cl, err := m.client(m.r.ctx, j%m.pool.size)
	if err != nil {
		if m.r.stopping() {
			return errStopped
		}
		return err
	}
	req.Epoch = m.epoch(f, cl.Hello().Engine)
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
		return fmt.Errorf("%s (pid %d) measuring %s seed %d: its run: %w", m.pool.opt.Name, cl.Pid(), c, req.Seed, err)
	}
	if len(run.Depths) != len(res.Depths) {
		return fmt.Errorf("%s (pid %d) measuring %s seed %d: its run has %d depths, want %d", m.pool.opt.Name, cl.Pid(), c, req.Seed, len(run.Depths), len(res.Depths))
	}
	m.learn(c, out.Samples)
	if h := cl.Hello(); res.Engine == "" {
		res.Engine, res.EngineVersion, res.EngineDetails = h.Engine, h.EngineVersion, h.Details
		res.MemKind = out.MemKind
	}
	if res.Batch == 0 { // the first measurement calibrated the config's batch
		res.Batch = out.Batch
	}
	res.AddMeasurement(out.Samples)
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

// pythonSlowdown: before any epoch of a Python engine was timed, one is
// taken as this many times the Go port's as the Estimator calibrated it
// here (measured: 500–1,800 times, README "Performance"), so that the
// first measurement of a Python sweep gets a limit to match.
const pythonSlowdown = 10000

// epoch estimates one epoch of f's config in a worker of engine, for the
// measurement's limit (worker.Limit): the slowest round of the config's
// measurements so far; else the slowest rate of work (per unit of
// T×D×(K+1)) any config showed in this sweep; for the Go engine never
// less than the calibrated Estimator says, and for another engine with
// nothing timed yet, pythonSlowdown times that.
func (m *measurer) epoch(f *flight, engine string) time.Duration {
	if len(f.res.Samples) > 0 {
		return fromSeconds(slices.Max(f.res.Samples))
	}
	c := f.res.Config
	learned := fromSeconds(m.perUnit * work(c))
	var guess float64
	if e := m.estimator(); e != nil {
		guess = e.Epoch(c).Seconds()
	}
	switch {
	case engine == bench.EngineGo:
		return max(learned, fromSeconds(guess))
	case learned > 0:
		return learned
	}
	return fromSeconds(guess * pythonSlowdown)
}

// learn keeps the slowest rate of work of c's measurement, whose rounds
// took samples (seconds per epoch).
func (m *measurer) learn(c bench.Config, samples []float64) {
	if len(samples) > 0 {
		m.perUnit = max(m.perUnit, slices.Max(samples)/work(c))
	}
}

// estimator is the sweep's calibrated Estimator, made on first use; nil
// when it cannot be.
func (m *measurer) estimator() *Estimator {
	if !m.estTried {
		m.estTried = true
		m.est, _ = NewEstimator(m.r.Plan())
	}
	return m.est
}

// fromSeconds converts seconds to a Duration, saturating far below
// overflow.
func fromSeconds(s float64) time.Duration {
	return time.Duration(min(max(0, s)*float64(time.Second), math.MaxInt64/4))
}
