package sweep

import (
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/stats"
	"github.com/hcbench/hcbench/engine/worker"
)

// The schedule: a sweep keeps a set of configs in flight and measures in
// cycles. A cycle makes the next measurement of every config in flight,
// alternating the direction between cycles; measurement j of a config goes
// to worker j % workers (PoolSize). A config is final, and reported, right
// after its last measurement, and new configs are admitted from the grid after
// each cycle, so the set slides along the grid and results stream one (or
// a few) at a time. Admission aims at cycles of about cycleTarget, judged
// from the measurements' own durations: a config's n measurements then
// spread over about n cycles, seconds in which the machine's contention
// (which comes and goes on 0.5–2 s scales here) can change between them
// rather than within one. An interruption loses the configs in flight.
const (
	// cycleTarget is the wanted duration of a cycle.
	cycleTarget = 400 * time.Millisecond
	// maxInFlight caps the configs in flight (the work an interruption
	// loses, and the results held in memory unreported).
	maxInFlight = 64
)

// schedule holds the schedule's constants; a zero field means the
// default. Tests set them to make admission independent of timing.
type schedule struct {
	target time.Duration // cycleTarget
	cap    int           // maxInFlight
}

func (s schedule) orDefaults() schedule {
	if s.target <= 0 {
		s.target = cycleTarget
	}
	if s.cap <= 0 {
		s.cap = maxInFlight
	}
	return s
}

// admission is how many configs to admit after a cycle, given next, the
// time the configs still in flight (inFlight of them) took in it, and per,
// the mean duration of a measurement in it (for configs not measured
// yet): enough that the next cycle lasts about s.target. At most
// ceil(window/n) are admitted at once, window being the number of configs
// a cycle holds, so that configs admitted together do not all finish
// together; never more than s.cap in flight, and never none when nothing
// is in flight.
func (s schedule) admission(next, per time.Duration, inFlight, n int) int {
	window := s.cap
	k := s.cap
	if per > 0 {
		window = max(1, min(s.cap, int(s.target/per)))
		k = int((s.target - next + per/2) / per) // rounded: the cycle ends near the target
	}
	k = min(k, (window+n-1)/max(1, n), s.cap-inFlight)
	if inFlight == 0 {
		k = max(k, 1)
	}
	return max(0, k)
}

// flight is a config in flight: its result so far and how to measure it.
type flight struct {
	res       *bench.Result
	req       worker.Request // for every measurement, but the seed and batch
	seed      uint64         // the plan's: repeat r uses seed+r
	parts     int            // measurements per repeat (Split)
	total     int            // measurements in all
	done      int            // measurements made
	runParts  []bench.Run    // of the repeat being assembled
	runPartsB []bench.Run    // B's, in an A/B sweep
	busy      time.Duration  // measuring time, pauses excluded
	last      time.Duration  // the last measurement's
	cycles    []int          // the cycle of each measurement
}

// partTiming is the timing of one measurement of p: each of a repeat's
// parts gets its share of the repeat's time and epochs.
func partTiming(p bench.Plan) (parts int, minTime time.Duration, minEpochs int) {
	parts, _ = bench.Split(p.Repeats)
	return parts, p.Timing.MinTime / time.Duration(parts), (p.Timing.MinEpochs + parts - 1) / parts
}

func newFlight(p bench.Plan, c bench.Config) *flight {
	_, total := bench.Split(p.Repeats)
	parts, minTime, minEpochs := partTiming(p)
	// Each part gets its share of the repeat's time, epochs and rounds.
	req := worker.Request{
		Config:    worker.Config{D: c.D, K: c.K, T: c.T},
		Policy:    p.Policy,
		Depths:    slices.Clone(p.Depths),
		TimeMin:   minTime.Seconds(),
		MinEpochs: minEpochs,
		MaxRounds: max(1, maxRoundsPerRepeat/parts),
		Warmup:    warmupEpochs,
	}
	return &flight{
		res:   &bench.Result{Config: c, Depths: slices.Clone(p.Depths), Repeats: p.Repeats, Policy: p.Policy},
		req:   req,
		seed:  p.Seed,
		parts: parts,
		total: total,
	}
}

// inFlight is Event.InFlight now: the measured share of the configs in flight.
func (m *measurer) inFlight() float64 {
	var s float64
	for _, f := range m.flights {
		if f.done < f.total {
			s += float64(f.done) / float64(f.total)
		}
	}
	return s
}

// sweep measures the runner's configs in cycles until the grid has none
// left. It returns errStopped when the sweep is stopped; on another error,
// the config it happened on. Configs in flight then stay unfinished.
func (m *measurer) sweep() (bench.Config, error) {
	admit := 1 // the first config alone: its measurement times the cycles after it
	for cycle := 0; ; cycle++ {
		if admit > 0 {
			cs, p, ok := m.r.admit(admit)
			if !ok {
				return bench.Config{}, errStopped
			}
			for _, c := range cs {
				m.flights = append(m.flights, newFlight(p, c))
			}
		}
		if len(m.flights) == 0 {
			return bench.Config{}, nil
		}
		order := slices.Clone(m.flights)
		if cycle%2 == 1 {
			slices.Reverse(order)
		}
		var spent time.Duration
		n := 0
		for _, f := range order {
			if err := m.measureNext(f); err != nil {
				return f.res.Config, err
			}
			f.cycles = append(f.cycles, cycle)
			spent += f.last
			n = max(n, f.total)
			if f.done == f.total {
				bench.Aggregate(f.res)
				m.common.add(f)
				f.res.SharedSpread = m.common.spread(cycle)
				bench.Headline(f.res)
				f.res.TimeElapsed = f.busy.Seconds()
				finishVs(f)
				m.r.finish(f.res, m.inFlight())
			}
		}
		m.flights = slices.DeleteFunc(m.flights, func(f *flight) bool { return f.done == f.total })
		var next time.Duration
		for _, f := range m.flights {
			next += f.last
		}
		admit = m.sched.admission(next, spent/time.Duration(len(order)), len(m.flights), n)
	}
}

// commonMode follows what the configs measured in the same cycle share:
// the machine's speed at that moment. Each finished config adds, for each
// of its measurements in the headline, its deviation (log) from its
// headline to that measurement's cycle; a cycle's median deviation is the
// machine's offset then, and the spread of those offsets over the run's
// cycles is how much the machine's common speed wanders (Result.SharedSpread).
// Measured on this project's VM: configs' headlines shift between
// back-to-back runs by 0.3–0.8% each beyond what they share, but whole runs
// shift by up to 2%, all configs alike — which no config's own spread shows.
type commonMode struct {
	dev map[int][]float64 // cycle → deviations
}

// commonWindow: cycles older than this many are forgotten (a long sweep's
// machine may change; the memory stays bounded).
const commonWindow = 256

// minPerCycle and minCycles: a cycle's offset needs this many configs,
// and the spread this many cycles.
const (
	minPerCycle = 3
	minCycles   = 3
)

func (c *commonMode) add(f *flight) {
	if c.dev == nil {
		c.dev = map[int][]float64{}
	}
	kept, _ := bench.HeadlineMeasurements(*f.res)
	if len(kept) == 0 || len(f.cycles) != len(f.res.Measurements) {
		return
	}
	med := stats.Median(kept)
	top := kept[len(kept)-1]
	for j, v := range f.res.Measurements {
		if v > 0 && v <= top {
			c.dev[f.cycles[j]] = append(c.dev[f.cycles[j]], math.Log(v/med))
		}
	}
}

// spread is the standard deviation of the cycles' offsets, at cycle now.
func (c *commonMode) spread(now int) float64 {
	var offs []float64
	for cy, d := range c.dev {
		if cy < now-commonWindow {
			delete(c.dev, cy)
			continue
		}
		if len(d) >= minPerCycle {
			offs = append(offs, stats.Median(d))
		}
	}
	if len(offs) < minCycles {
		return 0
	}
	return stat.StdDev(offs, nil)
}

// measureNext makes f's next measurement, timing it without the pauses.
func (m *measurer) measureNext(f *flight) error {
	base := m.inFlight()
	req := f.req
	req.Seed = f.seed + uint64(f.done/f.parts)
	req.Batch = f.res.Batch // 0 at first: that measurement calibrates it
	paused, t0 := m.r.pausedTime(), time.Now()
	err := m.measureOne(f, req, base)
	f.last = max(0, time.Since(t0)-(m.r.pausedTime()-paused))
	f.busy += f.last
	if err != nil {
		return err
	}
	f.done++
	return nil
}
