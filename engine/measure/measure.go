package measure

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/hc"
	"github.com/hcbench/hcbench/engine/stats"
	"github.com/hcbench/hcbench/engine/worker"
)

// runBuffers is everything one run of a config holds in memory: the input
// series and the model's workspace (which holds the target and all buffers).
type runBuffers struct {
	x     []float64
	chain *hc.Chain
	ws    *hc.Workspace
}

func newRunBuffers(policy string, c bench.Config) (*runBuffers, error) {
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

// bytes is the memory the run holds: the input series, the target and
// every buffer of the model. It is exact and deterministic (unlike the
// reference's tracemalloc peak, which also counts Python's temporaries),
// and is what the run reports as its MemPeakBytes.
func (b *runBuffers) bytes() int64 { return b.ws.Bytes() }

// EpochTime is the mean time of one epoch of c at depth, over n epochs
// run in this process after three warm ones: a quick calibration for
// estimates, not a measurement.
func EpochTime(policy string, c bench.Config, depth, n int) (time.Duration, error) {
	b, err := newRunBuffers(policy, c)
	if err != nil {
		return 0, err
	}
	b.timed(depth, 3)
	took, _ := b.timed(depth, max(1, n))
	return took / time.Duration(max(1, n)), nil
}

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

// ServeWorker is the Go worker: it speaks the worker protocol on in and
// out (worker.Serve; docs/protocol.md) and measures each request with
// Measure, until in reaches EOF.
func ServeWorker(in io.Reader, out io.Writer) error {
	return worker.Serve(in, out, Hello(), Measure)
}

// Hello is what the Go worker says about itself in its handshake.
func Hello() worker.Hello {
	hello := worker.Hello{Engine: "go", EngineVersion: buildVersion(), Details: map[string]string{
		"go_version": runtime.Version(),
	}, Features: []string{worker.FeatureVs}}
	if rev := BuildRevision(); rev != "" {
		hello.Details["revision"] = rev
	}
	return hello
}

// buildVersion is the main module's version, "(devel)" when built from a
// checkout.
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

// Measure is the Go worker's handler of one measure request (a
// worker.MeasureFunc): the reference's benchmark_once for one seed with
// proper timing. Per depth req.Warmup untimed epochs (the first gives the
// quality figures: parameters never change, so every epoch computes the
// same numbers); then the batch and the number of rounds are fixed
// (docs/protocol.md, "Measuring one run"), so a stall cannot shorten the
// measurement; then rounds of one batch at each depth in turn.
// Interleaving the depths spreads any drift of the machine over all of
// them. It holds between rounds when the parent pauses (ctl.Hold).
//
// A sweep keeps up to a dozen workers, idle most of the time: after a
// measurement whose buffers exceed releaseAbove, the worker returns its
// heap to the OS, so idle workers do not each hold a big config's memory.
// That happens before the result is sent, while the parent waits for it:
// no other worker measures meanwhile, and no timed region is in it.
func Measure(req worker.Request, ctl *worker.Control) (worker.Result, error) {
	var (
		res  worker.Result
		held int64
		err  error
	)
	atRandomStackDepth(rand.IntN(stackSteps), func() { res, held, err = measureRun(req, ctl) })
	if held > releaseAbove {
		freeOSMemory() // the run's buffers are unreachable now
	}
	return res, err
}

// Placement. How fast the same epoch runs depends on where the measuring
// goroutine's stack lies relative to the heap buffers (the tanh kernels
// keep their packing buffers on the stack; a few offsets in 64 make them
// alias the data in the L1 cache and cost 15–40% — measured with a sweep
// of stack offsets on this project's VM). A Go process's layout is
// deterministic, so every worker of one build would sit at the same
// offset, and a whole build could read 13–27% slow next to go test -bench
// (one did). Each measurement therefore runs at a random stack depth: the
// placement varies between measurements as pyperf's does between
// processes, an unlucky one is an outlier the contention rule and the
// median absorb, and the headline describes the code, not one layout.
const (
	// stackSteps × the frame of descend (≥ 64 bytes) spans more than the
	// 4 KiB over which cache sets and store-to-load aliasing repeat.
	stackSteps = 96
)

// atRandomStackDepth runs f below depth extra frames of descend.
func atRandomStackDepth(depth int, f func()) { descend(depth, f) }

// descend recurses depth times, each frame at least 64 bytes, then runs f.
//
//go:noinline
func descend(depth int, f func()) byte {
	var frame [64]byte
	if depth > 0 {
		frame[depth%64] = descend(depth-1, f)
		return frame[(depth+1)%64]
	}
	f()
	return frame[0]
}

// releaseAbove is the size of a run's buffers above which the worker
// returns memory to the OS after it (see Measure).
const releaseAbove = 64 << 20

// freeOSMemory is debug.FreeOSMemory (a variable for a test).
var freeOSMemory = debug.FreeOSMemory

// measureRun is Measure's measurement; held is the size of the
// buffers it allocated (0 if none). With req.Vs it measures variant B too,
// in the same rounds (see measurePair).
func measureRun(req worker.Request, ctl *worker.Control) (_ worker.Result, held int64, _ error) {
	c := bench.Config{D: req.Config.D, K: req.Config.K, T: req.Config.T}
	if err := (bench.Grid{Dims: []int{c.D}, Branches: []int{c.K}, SeqLens: []int{c.T}}).Validate(); err != nil {
		return worker.Result{}, held, err
	}
	if err := bench.ValidateDepths(req.Depths); err != nil {
		return worker.Result{}, held, err
	}
	vars := []*variant{{policy: req.Policy}}
	if req.Vs != nil {
		if req.Vs.QMLHC != "" {
			return worker.Result{}, held, fmt.Errorf("vs.qmlhc=%q: the Go worker measures its own port, not a qml-hcs checkout", req.Vs.QMLHC)
		}
		vars = append(vars, &variant{policy: cmp.Or(req.Vs.Policy, req.Policy)})
	}
	for _, v := range vars {
		b, err := newRunBuffers(v.policy, c)
		if err != nil {
			return worker.Result{}, held, err
		}
		v.b = b
		held += b.bytes()
		FillSeries(b.x, c.T, c.D, req.Seed)
	}
	nd := len(req.Depths)
	// Warm-up: the variants take turns epoch by epoch, so that neither
	// meets the machine warmer than the other.
	w := make([][]float64, len(vars))
	for i := range w {
		w[i] = make([]float64, max(1, req.Warmup))
	}
	for _, v := range vars {
		v.met, v.warm = make([]hc.Metrics, nd), make([]float64, nd)
	}
	for i, d := range req.Depths {
		for k := range w[0] {
			for vi, v := range vars {
				if !ctl.Hold() {
					return worker.Result{}, held, worker.ErrStopped
				}
				dt, m := v.b.timed(d, 1)
				if k == 0 {
					v.met[i] = m
				}
				w[vi][k] = dt.Seconds()
			}
		}
		for vi, v := range vars {
			v.warm[i] = stats.Median(w[vi])
		}
	}
	// One batch and one number of rounds for both variants, from both
	// warm-ups, so that every round has its pair of the same size (the
	// epochs per round change the time per epoch a little: a pair of
	// rounds of different batches would not compare like with like).
	var warm []float64
	for _, v := range vars {
		warm = append(warm, v.warm...)
	}
	batch, rounds := plan(req, warm)
	for _, v := range vars {
		v.sums = make([]time.Duration, nd)
		v.samples = make([]float64, 0, rounds)
	}
	// Rounds: each depth's batch of every variant in turn. Two variants
	// take turns batch by batch, so that the two halves of a pair are a
	// batch apart, and alternate which goes first (AB, BA, AB, … over
	// the depths and rounds), so that neither always follows the other.
	nv := len(vars)
	round := make([]time.Duration, nv)
	for r := 0; r < rounds; r++ {
		if !ctl.Hold() {
			return worker.Result{}, held, worker.ErrStopped
		}
		clear(round)
		for i, d := range req.Depths {
			for k := range nv {
				vi := (r + i + k) % nv
				dt, _ := vars[vi].b.timed(d, batch)
				vars[vi].sums[i] += dt
				round[vi] += dt
				ctl.Progress(d, (float64(r)+float64(i*nv+k+1)/float64(nd*nv))/float64(rounds))
			}
		}
		for vi, v := range vars {
			v.samples = append(v.samples, round[vi].Seconds()/float64(batch*nd))
		}
	}
	runs := make([]json.RawMessage, len(vars))
	for vi, v := range vars {
		n := float64(rounds * batch)
		times := make([]float64, nd)
		for i := range times {
			times[i] = v.sums[i].Seconds() / n
		}
		run := bench.AggregateDepths(req.Depths, times, v.met, c.T)
		run.Seed = req.Seed
		run.MemPeakBytes = v.b.bytes()
		for i := range run.Depths {
			run.Depths[i].Epochs = rounds * batch
		}
		raw, err := json.Marshal(run)
		if err != nil {
			return worker.Result{}, held, err
		}
		runs[vi] = raw
	}
	out := worker.Result{Batch: batch, Rounds: rounds, Samples: vars[0].samples, Run: runs[0], MemKind: "buffers"}
	if len(vars) == 2 {
		out.Vs = &worker.VsResult{Samples: vars[1].samples, Run: runs[1], MemKind: "buffers"}
	}
	return out, held, nil
}

// variant is one variant of a measurement: its buffers, warm-up times
// and figures per depth, and its rounds.
type variant struct {
	policy  string
	b       *runBuffers
	met     []hc.Metrics
	warm    []float64
	sums    []time.Duration
	samples []float64
}

// plan fixes a measurement's batch and number of rounds from the median
// warm-up epoch time of each depth (docs/protocol.md, "Measuring one run").
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
