package engine

import (
	"errors"
	"math"
	"time"

	"github.com/hcbench/hcbench/engine/hc"
	"github.com/hcbench/hcbench/engine/stats"
)

// maxRoundsPerRepeat bounds the samples kept per repeat: when epochs are so
// fast that the minimum time would need more rounds, each round times a
// batch of epochs per depth instead of one.
const maxRoundsPerRepeat = 1000

// ciLevel is the confidence of the median's interval.
const ciLevel = 0.95

// errStopped reports a sweep stopped mid-config; the partial config is dropped.
var errStopped = errors.New("stopped")

// runBuffers is everything one run of a config holds in memory: the input
// series and the model's workspace (which holds the target and all buffers).
type runBuffers struct {
	x     []float64
	chain *hc.Chain
	ws    *hc.Workspace
}

func newRunBuffers(p Plan, c Config) (*runBuffers, error) {
	pol, err := hc.NewPolicy(p.Policy)
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
	b, err := newRunBuffers(p, c)
	if err != nil {
		return 0, err
	}
	return b.bytes(), nil
}

func (b *runBuffers) bytes() int64 { return b.ws.Bytes() }

// timed runs n epochs at depth d and returns when they started, how long
// they took together and the (identical) metrics of the last one.
func (b *runBuffers) timed(d, n int) (start time.Time, took time.Duration, m hc.Metrics) {
	b.chain.SetDepth(d)
	start = time.Now()
	for e := 0; e < n; e++ {
		m = b.ws.Epoch()
	}
	return start, time.Since(start), m
}

// measurer measures configs for a Runner.
type measurer struct{ r *Runner }

func newMeasurer(r *Runner) *measurer { return &measurer{r: r} }

// measure runs every repeat of config c and aggregates them as the
// reference does: each field is the mean over repeats of the per-run value.
func (m *measurer) measure(p Plan, c Config) (*Result, error) {
	start := time.Now()
	buf, err := newRunBuffers(p, c)
	if err != nil {
		return nil, err
	}
	res := &Result{Config: c, Depths: append([]int(nil), p.Depths...), Repeats: p.Repeats, Policy: p.Policy}
	for rep := 0; rep < p.Repeats; rep++ {
		seed := p.Seed + uint64(rep)
		FillSeries(buf.x, c.T, c.D, seed)
		run, samples, epochs, err := m.measureRun(buf, p, c, rep)
		if err != nil {
			return nil, err
		}
		run.Seed = seed
		res.Runs = append(res.Runs, run)
		res.Samples = append(res.Samples, samples...)
		res.EpochsMeasured += epochs
	}
	aggregate(res)
	s := stats.Summarize(res.Samples, ciLevel)
	res.TimeEpochMedian, res.TimeEpochCILow, res.TimeEpochCIHigh = s.Median, s.CILow, s.CIHigh
	res.Outliers = s.Outliers
	res.TimeElapsed = time.Since(start).Seconds()
	return res, nil
}

// measureRun is the reference's benchmark_once for one seed, with proper
// timing: per depth one warm-up epoch (which also gives the quality figures:
// parameters never change, so every epoch computes the same numbers), then
// rounds of one epoch (or one batch) at each depth in turn until the
// measuring time reaches MinTime per depth and MinEpochs epochs per depth.
// Interleaving the depths spreads any drift of the machine over all of them.
func (m *measurer) measureRun(b *runBuffers, p Plan, c Config, rep int) (Run, []float64, int, error) {
	nd := len(p.Depths)
	met := make([]hc.Metrics, nd)
	var warm time.Duration
	for i, d := range p.Depths {
		if !m.r.hold() {
			return Run{}, nil, 0, errStopped
		}
		_, dt, mt := b.timed(d, 1)
		met[i] = mt
		warm += dt
	}
	target := p.Timing.MinTime * time.Duration(nd)
	batch := 1
	if warm > 0 {
		if est := int64(target / warm); est > maxRoundsPerRepeat {
			batch = int((est + maxRoundsPerRepeat - 1) / maxRoundsPerRepeat)
		}
	}
	sums := make([]time.Duration, nd)
	var samples []float64
	var measured time.Duration
	var lastEmit time.Time
	rounds := 0
	progress := func(done time.Duration, epochs int) float64 {
		frac := 1.0
		if target > 0 {
			frac = math.Min(1, float64(done)/float64(target))
		}
		if p.Timing.MinEpochs > 0 {
			frac = math.Min(frac, float64(epochs)/float64(p.Timing.MinEpochs))
		}
		return (float64(rep) + frac) / float64(p.Repeats)
	}
	for measured < target || rounds*batch < p.Timing.MinEpochs {
		var round time.Duration
		for i, d := range p.Depths {
			if !m.r.hold() {
				return Run{}, nil, 0, errStopped
			}
			t0, dt, _ := b.timed(d, batch)
			sums[i] += dt
			round += dt
			// Progress names the depth just measured. Throttled here, with
			// the clock reading the timing took anyway, so the engine
			// does not queue an event per epoch.
			if now := t0.Add(dt); now.Sub(lastEmit) >= progressInterval {
				lastEmit = now
				m.r.emit(Event{Kind: Progress, Config: c, Repeat: rep, Depth: d,
					Fraction: progress(measured+round, rounds*batch)})
			}
		}
		rounds++
		measured += round
		samples = append(samples, round.Seconds()/float64(batch*nd))
	}
	n := float64(rounds * batch)
	times := make([]float64, nd)
	for i := range times {
		times[i] = sums[i].Seconds() / n
	}
	run := depthAggregate(p.Depths, times, met, c.T)
	run.MemPeakBytes = b.bytes()
	for i := range run.Depths {
		run.Depths[i].Epochs = rounds * batch
	}
	return run, samples, rounds * batch * nd, nil
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
