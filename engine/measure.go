package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/hcbench/hcbench/engine/hc"
	"github.com/hcbench/hcbench/engine/stats"
	"github.com/hcbench/hcbench/engine/worker"
)

// The measurement model (README "Timing"). A config is measured
// independently several times, each measurement in a different worker
// process, one measurement at a time. A measurement is one run of the
// reference's benchmark_once (one seed): warm-up, then rounds of a fixed
// batch of epochs at each depth. Its estimate is the median of its rounds.
// A config's measurements are spread over seconds: the sweep keeps a set of
// configs in flight and measures them in cycles, each cycle making the next
// measurement of every config in flight (schedule.go), so that what varies
// over time on the machine varies between a config's measurements. A
// config is final, and reported, after its last measurement. Headline
// computes the headline from the measurements' estimates: their median,
// with an interval (stats.MedianInterval) about what a rerun would see. Rounds inside one
// measurement are correlated and are never treated as independent samples.
const (
	// minMeasurements: each repeat is split into parts measured in
	// different processes until a config has at least this many
	// measurements, at the same total measuring time. With nine, one
	// measurement caught in a slow (or fast) moment barely moves the
	// median, the t quantile is 2.31 (4.30 with 3), and in cycles of
	// cycleTarget a config is spread over ~3.6 s: the machine's contention
	// comes and goes on 0.5–2 s scales.
	minMeasurements = 9
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
	// ciLevel is the confidence of the headline's interval.
	ciLevel = stats.DefaultConfidence
	// slowFactor: a round slower than this many times the headline counts
	// in Result.Outliers (a stall: the process was descheduled or the
	// machine busy).
	slowFactor = 2
)

// errStopped reports a sweep stopped mid-config; the partial config is dropped.
var errStopped = errors.New("stopped")

// Split says how a plan's repeats become measurements: each repeat in
// parts pieces, measured in different worker processes.
func Split(repeats int) (parts, measurements int) {
	parts = max(1, (minMeasurements+repeats-1)/repeats)
	return parts, repeats * parts
}

// runBuffers is everything one run of a config holds in memory: the input
// series and the model's workspace (which holds the target and all buffers).
type runBuffers struct {
	x     []float64
	chain *hc.Chain
	ws    *hc.Workspace
}

func newRunBuffers(policy string, c Config) (*runBuffers, error) {
	pol, err := hc.NewPolicy(policy)
	if err != nil {
		return nil, err
	}
	chain, err := hc.NewChain(hc.ReferenceBackends(), c.D, c.K, pol, hc.CoherenceVariance)
	if err != nil {
		return nil, err
	}
	x := make([]float64, c.T*c.D)
	ws, err := hc.NewWorkspace(chain, c.T, x, nil)
	if err != nil {
		return nil, err
	}
	return &runBuffers{x: x, chain: chain, ws: ws}, nil
}

// PeakBytes is the memory one run of c holds: the input series, the target
// and every buffer of the model. It is exact and deterministic (unlike the
// reference's tracemalloc peak, which also counts Python's temporaries), and
// is what Result.MemPeakBytesMax reports.
func PeakBytes(p Plan, c Config) (int64, error) {
	b, err := newRunBuffers(p.Policy, c)
	if err != nil {
		return 0, err
	}
	return b.bytes(), nil
}

func (b *runBuffers) bytes() int64 { return b.ws.Bytes() }

// timed runs n epochs at depth d and returns how long they took together
// and the (identical) metrics of the last one.
func (b *runBuffers) timed(d, n int) (took time.Duration, m hc.Metrics) {
	b.chain.SetDepth(d)
	start := time.Now()
	for e := 0; e < n; e++ {
		m = b.ws.Epoch()
	}
	return time.Since(start), m
}

// MainIfWorker turns the process into a Go worker when worker.EnvVar is
// "go": it serves the protocol on stdin/stdout and exits. Call it first
// thing in main, and in the TestMain of test binaries that run sweeps (they
// re-execute themselves as workers).
func MainIfWorker() {
	if os.Getenv(worker.EnvVar) != "go" {
		return
	}
	if err := ServeWorker(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "hcbench worker:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// ServeWorker is the Go worker: it measures requests with this package's
// engine (see worker.Serve and PROTOCOL.md).
func ServeWorker(in *os.File, out *os.File) error {
	hello := worker.Hello{Engine: "go", EngineVersion: buildVersion(), Details: map[string]string{
		"go_version": runtime.Version(),
	}}
	if rev := BuildRevision(); rev != "" {
		hello.Details["revision"] = rev
	}
	return worker.Serve(in, out, hello, measureRequest)
}

// buildVersion is the main module's version, "(devel)" when built from a checkout.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Main.Version
	}
	return ""
}

// BuildRevision is the VCS revision the binary was built from ("" when the
// build has none, e.g. test binaries), with "+dirty" for uncommitted changes.
func BuildRevision() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev != "" && dirty {
		rev += "+dirty"
	}
	return rev
}

// measureRequest is one measurement in the worker process: the reference's
// benchmark_once for one seed with proper timing. Per depth warmupEpochs
// untimed epochs (the first gives the quality figures: parameters never
// change, so every epoch computes the same numbers); then the batch and
// the number of rounds are fixed (PROTOCOL.md), so a stall cannot shorten
// the measurement; then rounds of one batch at each depth in turn.
// Interleaving the depths spreads any drift of the machine over all of them.
//
// A sweep keeps up to maxWorkers workers, idle most of the time: after a
// measurement whose buffers exceed releaseAbove, the worker returns its
// heap to the OS, so idle workers do not each hold a big config's memory.
// That happens before the result is sent, while the parent waits for it:
// no other worker measures meanwhile, and no timed region is in it.
func measureRequest(req worker.Request, ctl *worker.Control) (worker.Result, error) {
	res, held, err := measureRun(req, ctl)
	if held > releaseAbove {
		freeOSMemory() // the run's buffers are unreachable now
	}
	return res, err
}

// releaseAbove is the size of a run's buffers above which the worker
// returns memory to the OS after it (see measureRequest).
const releaseAbove = 64 << 20

// freeOSMemory is debug.FreeOSMemory (a variable for a test).
var freeOSMemory = debug.FreeOSMemory

// measureRun is measureRequest's measurement; held is the size of the
// buffers it allocated (0 if none).
func measureRun(req worker.Request, ctl *worker.Control) (_ worker.Result, held int64, _ error) {
	c := Config{D: req.Config.D, K: req.Config.K, T: req.Config.T}
	if err := (Grid{Dims: []int{c.D}, Branches: []int{c.K}, SeqLens: []int{c.T}}).Validate(); err != nil {
		return worker.Result{}, held, err
	}
	if err := checkAxis("depth", req.Depths, 1, MaxDepth); err != nil {
		return worker.Result{}, held, err
	}
	b, err := newRunBuffers(req.Policy, c)
	if err != nil {
		return worker.Result{}, held, err
	}
	held = b.bytes()
	FillSeries(b.x, c.T, c.D, req.Seed)
	nd := len(req.Depths)
	met := make([]hc.Metrics, nd)
	warm := make([]float64, nd)
	w := make([]float64, max(1, req.Warmup))
	for i, d := range req.Depths {
		for k := range w {
			if !ctl.Hold() {
				return worker.Result{}, held, worker.ErrStopped
			}
			dt, m := b.timed(d, 1)
			if k == 0 {
				met[i] = m
			}
			w[k] = dt.Seconds()
		}
		warm[i] = stats.Median(w)
	}
	batch, rounds := plan(req, warm)

	sums := make([]time.Duration, nd)
	samples := make([]float64, 0, rounds)
	for r := 0; r < rounds; r++ {
		if !ctl.Hold() {
			return worker.Result{}, held, worker.ErrStopped
		}
		var round time.Duration
		for i, d := range req.Depths {
			dt, _ := b.timed(d, batch)
			sums[i] += dt
			round += dt
			ctl.Progress(d, (float64(r)+float64(i+1)/float64(nd))/float64(rounds))
		}
		samples = append(samples, round.Seconds()/float64(batch*nd))
	}
	n := float64(rounds * batch)
	times := make([]float64, nd)
	for i := range times {
		times[i] = sums[i].Seconds() / n
	}
	run := depthAggregate(req.Depths, times, met, c.T)
	run.Seed = req.Seed
	run.MemPeakBytes = b.bytes()
	for i := range run.Depths {
		run.Depths[i].Epochs = rounds * batch
	}
	raw, err := json.Marshal(run)
	if err != nil {
		return worker.Result{}, held, err
	}
	return worker.Result{Batch: batch, Rounds: rounds, Samples: samples, Run: raw, MemKind: "buffers"}, held, nil
}

// plan fixes a measurement's batch and number of rounds from the median
// warm-up epoch time of each depth (PROTOCOL.md, "Measuring one run").
func plan(req worker.Request, warm []float64) (batch, rounds int) {
	perRound := 0.0 // one epoch at each depth
	for _, w := range warm {
		perRound += w
	}
	target := req.TimeMin * float64(len(warm)) // seconds of measuring, all depths
	maxRounds := max(1, req.MaxRounds)
	batch = req.Batch
	if batch <= 0 {
		batch = 1
		if perRound > 0 {
			batch = max(1, int(math.Ceil(target/perRound/float64(maxRounds))))
		}
	}
	rounds = maxRounds
	if perRound > 0 {
		rounds = min(maxRounds, int(math.Ceil(target/(float64(batch)*perRound))))
	}
	minRounds := (max(1, req.MinEpochs) + batch - 1) / batch
	return batch, max(rounds, minRounds)
}

// depthAggregate fills a Run the way benchmark_once aggregates its depths:
// numpy means and population standard deviations.
func depthAggregate(depths []int, times []float64, met []hc.Metrics, T int) Run {
	nd := len(depths)
	var run Run
	fwd := make([]float64, nd)
	tot := make([]float64, nd)
	rmse := make([]float64, nd)
	over := make([]float64, nd)
	rob := make([]float64, nd)
	scratch := make([]float64, nd)
	for i, d := range depths {
		fwd[i] = times[i] / float64(T)
		tot[i], rmse[i], over[i], rob[i] = met[i].Total, met[i].RMSE, met[i].Overshoot, met[i].Robustness
		run.Depths = append(run.Depths, DepthResult{Depth: d, TimeEpochMean: times[i],
			Total: met[i].Total, Task: met[i].Task, Consistency: met[i].Consistency, Coherence: met[i].Coherence,
			RMSE: met[i].RMSE, Overshoot: met[i].Overshoot, Robustness: met[i].Robustness})
	}
	run.TimeEpochMean, run.TimeEpochStd = hc.Mean(times), hc.Std(times, scratch)
	run.TimeForwardMean, run.TimeForwardStd = hc.Mean(fwd), hc.Std(fwd, scratch)
	run.TotalMean, run.TotalStd = hc.Mean(tot), hc.Std(tot, scratch)
	run.RMSEMean, run.RMSEStd = hc.Mean(rmse), hc.Std(rmse, scratch)
	run.OvershootMean = hc.Mean(over)
	run.RobustnessMean = hc.Mean(rob)
	return run
}

// mergeParts joins the runs of one repeat measured in parts (same seed, so
// the same quality figures) into one Run: each depth's time is the mean
// over all its measured epochs.
func mergeParts(depths []int, parts []Run, T int) Run {
	if len(parts) == 1 {
		return parts[0]
	}
	nd := len(depths)
	times := make([]float64, nd)
	met := make([]hc.Metrics, nd)
	epochs := make([]int, nd)
	for i := range depths {
		var sum float64
		for _, p := range parts {
			dr := p.Depths[i]
			sum += dr.TimeEpochMean * float64(dr.Epochs)
			epochs[i] += dr.Epochs
		}
		times[i] = sum / float64(max(1, epochs[i]))
		d := parts[0].Depths[i]
		met[i] = hc.Metrics{Total: d.Total, Task: d.Task, Consistency: d.Consistency, Coherence: d.Coherence,
			RMSE: d.RMSE, Overshoot: d.Overshoot, Robustness: d.Robustness}
	}
	run := depthAggregate(depths, times, met, T)
	run.Seed = parts[0].Seed
	run.MemPeakBytes = parts[0].MemPeakBytes
	for i := range run.Depths {
		run.Depths[i].Epochs = epochs[i]
	}
	return run
}

// aggregate sets a Result's reference fields to the mean over its runs, as
// the reference's sweep does (np.mean over the repeats).
func aggregate(res *Result) {
	n := len(res.Runs)
	col := func(f func(Run) float64) float64 {
		v := make([]float64, n)
		for i, r := range res.Runs {
			v[i] = f(r)
		}
		return hc.Mean(v)
	}
	res.TimeEpochMean = col(func(r Run) float64 { return r.TimeEpochMean })
	res.TimeEpochStd = col(func(r Run) float64 { return r.TimeEpochStd })
	res.TimeForwardMean = col(func(r Run) float64 { return r.TimeForwardMean })
	res.TimeForwardStd = col(func(r Run) float64 { return r.TimeForwardStd })
	res.TotalMean = col(func(r Run) float64 { return r.TotalMean })
	res.TotalStd = col(func(r Run) float64 { return r.TotalStd })
	res.RMSEMean = col(func(r Run) float64 { return r.RMSEMean })
	res.RMSEStd = col(func(r Run) float64 { return r.RMSEStd })
	res.OvershootMean = col(func(r Run) float64 { return r.OvershootMean })
	res.RobustnessMean = col(func(r Run) float64 { return r.RobustnessMean })
	// Peak memory is deterministic, so every run has the same; the max is
	// the reference's name for it.
	for _, r := range res.Runs {
		res.MemPeakBytesMax = max(res.MemPeakBytesMax, r.MemPeakBytes)
	}
}

// Contention: a measurement more than contentionSlack above the config's
// fastest was slowed by contention and is left out of the headline, when
// at least minUncontended measurements are near the fastest
// (stats.Uncontended). 15% lies well above the 1–3% that measurements on a
// free CPU differ by and well below the 1.3–1.6× a contended CPU costs on
// this project's VM.
const (
	contentionSlack = 0.15
	minUncontended  = 3
)

// HeadlineMeasurements are the measurements the headline of r is made of —
// those not slowed by contention, sorted — and how many were left out.
// Comparisons and the benchstat file use the same ones.
func HeadlineMeasurements(r Result) (kept []float64, contended int) {
	return stats.Uncontended(r.Measurements, contentionSlack, minUncontended)
}

// Unsettled reports whether r's measurements spread beyond contentionSlack
// of its fastest without minUncontended of them near it: the config was
// measured on a contended CPU nearly throughout (or its speed really varies
// that much), so there is no steady cluster for its headline to rest on.
// Its headline is then the median of all its measurements, which the share
// of contended ones moves, and comparisons make no verdict on it.
func Unsettled(r Result) bool {
	kept, contended := HeadlineMeasurements(r)
	return contended == 0 && len(kept) > 1 && kept[len(kept)-1] > kept[0]*(1+contentionSlack)
}

// Headline sets the headline and its interval from res.Measurements, and
// the slow-round count from res.Samples (see the measurement model above).
// Exported so that reports can recompute it for records of other tools.
func Headline(res *Result) {
	kept, contended := HeadlineMeasurements(*res)
	res.Contended = contended
	e := stats.MedianInterval(kept, ciLevel, res.SharedSpread)
	res.TimeEpochMedian, res.TimeEpochCILow, res.TimeEpochCIHigh, res.CILevel = e.Centre, e.CILow, e.CIHigh, e.Level
	res.Outliers = 0
	for _, s := range res.Samples {
		if s > slowFactor*res.TimeEpochMedian {
			res.Outliers++
		}
	}
}

// pool is a sweep's worker processes, started on first use.
type pool struct {
	self    bool // start is selfWorker
	start   func() (*exec.Cmd, error)
	opt     worker.Options
	clients []*worker.Client
}

// selfWorker is the default worker command: this program re-executing
// itself. A program that is itself such a worker but did not serve (its
// main or TestMain lacks MainIfWorker) must not start workers in turn:
// each would start more.
func selfWorker() (*exec.Cmd, error) {
	if os.Getenv(worker.EnvVar) == "go" {
		return nil, errors.New("this program was started as a Go worker but did not serve: its main (or TestMain) must call engine.MainIfWorker first")
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
	return &measurer{r: r, pool: pool{self: o.Worker == nil, start: start, opt: opt}, sched: o.sched.orDefaults()}
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
		return nil, err
	}
	c, err := worker.Start(ctx, cmd, m.pool.opt)
	if err != nil {
		if m.pool.self {
			err = fmt.Errorf("%w (the worker is this program re-executed with %s=go: does its main, or TestMain, call engine.MainIfWorker?)", err, worker.EnvVar)
		}
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
	if !m.r.hold() {
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
	var run Run
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
		res.Runs = append(res.Runs, mergeParts(res.Depths, f.runParts, c.T))
		f.runParts = nil
	}
	return nil
}
