package worker

import (
	"math"
	"time"
)

// A worker that talks is not necessarily measuring: the Python worker's
// heartbeat thread repeats its progress every second whatever its main
// thread does, so a forward_epoch that never returns would keep it
// "alive" for ever. Liveness is progress: each measurement must deliver
// its result within a limit derived from what it was planned to take
// (Planned), LimitSlack times that and at least Options.MinLimit
// (DefaultMinLimit), or its worker is killed as hung. Paused time does
// not count.
const (
	// DefaultMinLimit is the least time a measurement is given, however
	// short its plan: room for a loaded machine, a cold start, a slow
	// first import.
	DefaultMinLimit = 2 * time.Minute
	// LimitSlack multiplies a measurement's planned length.
	LimitSlack = 10
	// setupEpochs is the time, in epochs per depth, that a measurement
	// spends beside its warm-up and rounds: the Python worker's traced pass
	// (one epoch per depth under tracemalloc, measured at 3.7 times an
	// untraced one) and building the series and the model.
	setupEpochs = 5
)

// Planned is how long req should take in a worker, given epoch, an
// estimate of one epoch of its config (its mean over the depths; 0 when
// unknown): per depth, the warm-up and setup epochs, then the rounds as the
// worker fixes them (docs/protocol.md, "Measuring one run": at least
// time_min of measuring per depth and min_epochs epochs, a whole batch per
// round). With no estimate, only the measuring time is known.
func Planned(req Request, epoch time.Duration) time.Duration {
	nd := float64(max(1, len(req.Depths)))
	e := max(0, epoch.Seconds())
	perRound := nd * e // one epoch at each depth
	target := max(0, req.TimeMin) * nd
	batch := float64(req.Batch)
	if batch <= 0 {
		batch = 1
		if perRound > 0 {
			batch = max(1, math.Ceil(target/perRound/float64(max(1, req.MaxRounds))))
		}
	}
	rounds := math.Ceil(float64(max(1, req.MinEpochs)) / batch)
	if perRound > 0 {
		rounds = max(rounds, min(float64(max(1, req.MaxRounds)), math.Ceil(target/(batch*perRound))))
	}
	t := perRound*float64(max(1, req.Warmup)+setupEpochs) + max(target, rounds*batch*perRound)
	return seconds(t)
}

// Limit is how long req may take before its worker counts as hung:
// LimitSlack times Planned, at least floor (DefaultMinLimit when ≤ 0).
func Limit(req Request, floor time.Duration) time.Duration {
	if floor <= 0 {
		floor = DefaultMinLimit
	}
	return max(floor, seconds(LimitSlack*Planned(req, req.Epoch).Seconds()))
}

// seconds converts to a Duration, saturating far below overflow.
func seconds(s float64) time.Duration {
	const most = float64(math.MaxInt64 / 4)
	return time.Duration(min(s*float64(time.Second), most))
}
