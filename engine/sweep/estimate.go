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

// Epoch is the estimated time of one epoch of c. The calibration runs the
// Go port: a Python run's epoch is the cost model's (ModelEpoch).
func (e *Estimator) Epoch(c bench.Config) time.Duration {
	if e.plan.EngineName() == bench.EnginePython {
		return ModelEpoch(e.plan, c)
	}
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

// speed is an engine's cost model for Forecast, before anything runs: an
// epoch of c takes T×(perStep + perUnit×D×(K+1)) nanoseconds, and each
// measurement costs call more (the worker's round trip, setting the model
// up, its share of starting the workers).
type speed struct {
	perStep, perUnit float64 // nanoseconds
	call             time.Duration
}

// The engines' speeds, measured on this project's 2-core VM (busy):
// the Go port's reference grid took 6.75 µs (D=3 K=3 T=48) to 37 µs
// (D=6 K=9 T=96) per epoch and 1.5 s in all (0.72 s with --min-time 0);
// the Python reference's 7–28 ms per epoch (150–290 µs per step) and 59 s
// in all.
var (
	goSpeed     = speed{perStep: 80, perUnit: 5, call: 4 * time.Millisecond}
	pythonSpeed = speed{perStep: 200_000, perUnit: 1_200, call: 250 * time.Millisecond}
)

func speedOf(p bench.Plan) speed {
	if p.EngineName() == bench.EnginePython {
		return pythonSpeed
	}
	return goSpeed
}

// ModelEpoch is the cost model's time of one epoch of c under p's engine.
func ModelEpoch(p bench.Plan, c bench.Config) time.Duration {
	s := speedOf(p)
	ns := float64(c.T) * (s.perStep + s.perUnit*float64(c.D)*float64(c.K+1))
	return time.Duration(min(ns, math.MaxInt64/4))
}

// Forecast is how long measuring configs under p takes, as a range around
// the plan's own schedule at the cost model's epoch time (every
// measurement, at each depth, its warm-up and then its share of min-time
// or of the least epochs, whichever is longer; and each measurement's
// round trip): from 0.9× it (a measurement may stop a little short of its
// share) to 1.9× (what a busy machine, stalls, batches and reports add).
// Checked against the reference grid's measured durations (Go at three
// --min-time, Python), each end within 2× of them.
func Forecast(p bench.Plan, configs []bench.Config) (low, high time.Duration) {
	_, measurements := bench.Split(p.Repeats)
	call := float64(speedOf(p).call) * float64(measurements)
	var sum float64
	for _, c := range configs {
		sum += float64(MinConfigTime(p, ModelEpoch(p, c))) + call
	}
	sum = min(sum, math.MaxInt64/4)
	return time.Duration(0.9 * sum), time.Duration(min(1.9*sum, math.MaxInt64/4))
}
