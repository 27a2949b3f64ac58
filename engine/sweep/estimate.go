package sweep

import (
	"math"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/measure"
)

// calibration is the config whose epoch time, measured here in a few
// milliseconds, is scaled to estimate larger ones.
var calibration = bench.Config{D: 16, K: 16, T: 256}

// Estimator says roughly how long configs take on this machine, before
// they run: the measured epoch time of a small config, scaled by the work
// per epoch (T×D×(K+1): every step makes K futures of D values and reduces
// them). For planning only — it tells microseconds from minutes — never a
// measurement.
type Estimator struct {
	plan    bench.Plan
	perUnit float64 // nanoseconds per unit of work
}

// NewEstimator calibrates on this machine at p's deepest depth.
func NewEstimator(p bench.Plan) (*Estimator, error) {
	depth := 1
	for _, d := range p.Depths {
		depth = max(depth, d)
	}
	const n = 20
	took, err := measure.EpochTime(p.Policy, calibration, depth, n)
	if err != nil {
		return nil, err
	}
	return &Estimator{plan: p, perUnit: float64(took) / work(calibration)}, nil
}

func work(c bench.Config) float64 { return float64(c.T) * float64(c.D) * float64(c.K+1) }

// Epoch is the estimated time of one epoch of c.
func (e *Estimator) Epoch(c bench.Config) time.Duration {
	return time.Duration(min(e.perUnit*work(c), math.MaxInt64/4))
}

// Config is a lower bound on the time to measure c: every measurement runs,
// at each depth, the warm-up epochs and then at least its share of
// Timing.MinEpochs and Timing.MinTime (a repeat is measured in parts).
func (e *Estimator) Config(c bench.Config) time.Duration { return MinConfigTime(e.plan, e.Epoch(c)) }

// Grid is a lower bound on the time to measure every config of the plan's
// grid that has no result in done.
func (e *Estimator) Grid(done map[bench.Config]bool) time.Duration {
	var sum float64
	for _, c := range e.plan.Grid.Configs() {
		if !done[c] {
			sum += float64(e.Config(c))
		}
	}
	return time.Duration(min(sum, math.MaxInt64/4))
}

// MinConfigTime is a lower bound on the time to measure one config whose
// epoch takes epoch (see Estimator.Config).
func MinConfigTime(p bench.Plan, epoch time.Duration) time.Duration {
	_, measurements := bench.Split(p.Repeats)
	_, minTime, minEpochs := partTiming(p)
	perDepth := float64(warmupEpochs)*float64(epoch) +
		max(float64(minTime), float64(max(1, minEpochs))*float64(epoch))
	t := float64(measurements) * float64(len(p.Depths)) * perDepth
	return time.Duration(min(t, math.MaxInt64/4))
}
