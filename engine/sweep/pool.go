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
	vs      *Vs   // an A/B sweep's variant B (nil: none)
	poolB   *pool // B's workers, when they are not A's (Vs.Worker)
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
	m := &measurer{r: r, pool: pool{start: start, opt: opt, size: workers}, sched: o.sched.orDefaults(), vs: o.Vs}
	if o.Vs != nil && o.Vs.InWorker == nil {
		optB := o.Vs.WorkerOptions
		if optB.Name == "" {
			optB.Name = "variant B worker"
		}
		m.poolB = &pool{start: o.Vs.Worker, opt: optB, size: workers}
	}
	return m
}

// client returns worker i of p, starting it (and any before it) when
// needed, or restarting it when it died.
func (p *pool) client(ctx context.Context, i int) (*worker.Client, error) {
	for len(p.clients) <= i {
		p.clients = append(p.clients, nil)
	}
	if c := p.clients[i]; c != nil {
		select {
		case <-c.Done():
		default:
			return c, nil
		}
	}
	cmd, err := p.start()
	if err != nil {
		return nil, fmt.Errorf("cannot start a worker process: %w", err)
	}
	c, err := worker.Start(ctx, cmd, p.opt)
	if err != nil {
		return nil, err
	}
	p.clients[i] = c
	return c, nil
}

// close ends every worker.
func (p *pool) close() {
	for _, c := range p.clients {
		if c != nil {
			_ = c.Close()
		}
	}
	p.clients = nil
}

// close ends every worker of the sweep.
func (m *measurer) close() {
	m.pool.close()
	if m.poolB != nil {
		m.poolB.close()
	}
}

// measureOne makes the next measurement of f's config (f.done) with req
// and adds it to f's result — in an A/B sweep variant B's too, paired
// (pair.go). base is the Event.InFlight before it.
func (m *measurer) measureOne(f *flight, req worker.Request, base float64) error {
	j := f.done
	if j == 0 && !m.r.hold(&Event{Kind: ConfigStarted, Config: f.res.Config, InFlight: base}) {
		return errStopped
	}
	switch {
	case m.vs == nil:
		out, cl, err := m.measureIn(&m.pool, f, f.res, req, base, 0, 1)
		if err != nil {
			return err
		}
		return m.add(f, f.res, &f.runParts, cl, out.Batch, out.MemKind, out.Samples, out.Run, req.Seed)
	case m.vs.InWorker != nil:
		return m.measurePairInWorker(f, req, base)
	default:
		return m.measurePairInTwo(f, req, base)
	}
}

// measureIn makes one measurement with req in worker f.done of p, for
// res (the variant's result so far, whose rounds bound the measurement's
// time limit unless req.Epoch is set), reporting progress as the share
// [from, from+share) of the measurement.
func (m *measurer) measureIn(p *pool, f *flight, res *bench.Result, req worker.Request, base, from, share float64) (worker.Result, *worker.Client, error) {
	j, c := f.done, f.res.Config
	if !m.r.hold(nil) {
		return worker.Result{}, nil, errStopped
	}
	cl, err := p.client(m.r.ctx, j%p.size)
	if err != nil {
		if m.r.stopping() {
			return worker.Result{}, nil, errStopped
		}
		return worker.Result{}, nil, err
	}
	if req.Epoch == 0 {
		req.Epoch = m.epoch(res, cl.Hello().Engine)
	}
	m.r.setActive(cl)
	out, err := cl.Measure(m.r.ctx, req, func(pr worker.Progress) {
		frac := from + share*pr.Fraction
		m.r.emit(Event{Kind: Progress, Config: c, Repeat: j / f.parts, Depth: pr.Depth,
			Fraction: (float64(j) + frac) / float64(f.total), InFlight: base + frac/float64(f.total)})
	})
	m.r.setActive(nil)
	if err != nil {
		if m.r.stopping() || errors.Is(err, worker.ErrStopped) {
			return worker.Result{}, nil, errStopped
		}
		return worker.Result{}, nil, err
	}
	return out, cl, nil
}

// add adds one measurement — its rounds' samples and its run — to res,
// the result of f's config for one variant, whose repeat being assembled
// is parts.
func (m *measurer) add(f *flight, res *bench.Result, parts *[]bench.Run, cl *worker.Client, batch int, memKind string, samples []float64, raw json.RawMessage, seed uint64) error {
	c := res.Config
	var run bench.Run
	if err := json.Unmarshal(raw, &run); err != nil {
		return fmt.Errorf("%s (pid %d) measuring %s seed %d: its run: %w", cl.Name(), cl.Pid(), c, seed, err)
	}
	if len(run.Depths) != len(res.Depths) {
		return fmt.Errorf("%s (pid %d) measuring %s seed %d: its run has %d depths, want %d", cl.Name(), cl.Pid(), c, seed, len(run.Depths), len(res.Depths))
	}
	m.learn(c, samples)
	if h := cl.Hello(); res.Engine == "" {
		res.Engine, res.EngineVersion, res.EngineDetails = h.Engine, h.EngineVersion, h.Details
		res.MemKind = memKind
	}
	if res.Batch == 0 { // the first measurement calibrated the config's batch
		res.Batch = batch
	}
	res.AddMeasurement(samples)
	for _, d := range run.Depths {
		res.EpochsMeasured += d.Epochs
	}
	*parts = append(*parts, run)
	if len(*parts) == f.parts {
		res.Runs = append(res.Runs, bench.MergeParts(res.Depths, *parts, c.T))
		*parts = nil
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
func (m *measurer) epoch(res *bench.Result, engine string) time.Duration {
	if len(res.Samples) > 0 {
		return fromSeconds(slices.Max(res.Samples))
	}
	c := res.Config
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
