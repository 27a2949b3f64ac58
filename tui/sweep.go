package tui

import (
	"time"

	"github.com/hcbench/hcbench/engine"
	"github.com/hcbench/hcbench/report"
)

// runPhase is where the sweep stands, as the screen shows it.
type runPhase int

const (
	phaseRunning runPhase = iota
	phaseFinished
	phaseCancelled
	phaseFailed
)

// sweep is the TUI's picture of one run, built only from engine events so
// that the screen never asks the engine anything on the draw path.
type sweep struct {
	runID int64
	plan  engine.Plan
	order []engine.Config       // current grid, sweep order
	index map[engine.Config]int // position in order

	results  map[engine.Config]*engine.Result
	finished []engine.Config // finish order, including configs later dropped from the grid
	noisy    map[engine.Config]string
	ratios   map[engine.Config]report.BaselineEntry // against the baseline, when there is one

	running  *engine.Config
	repeat   int
	depth    int
	fraction float64

	done, total int
	started     time.Time // wall clock at start (the model's clock)
	ended       time.Time // zero while the sweep runs
	paused      bool
	phase       runPhase
	err         error

	// measured sums the wall time of configs measured in this session (not
	// reused), for the ETA.
	measured     int
	measuredTime float64

	// version changes whenever results or the grid change: the panes that
	// depend on them cache their drawing per version.
	version int
}

func newSweep(runID int64, plan engine.Plan, prior []engine.Result, started time.Time) *sweep {
	s := &sweep{
		runID:   runID,
		results: make(map[engine.Config]*engine.Result),
		noisy:   make(map[engine.Config]string),
		ratios:  make(map[engine.Config]report.BaselineEntry),
		started: started,
	}
	s.setPlan(plan)
	for i := range prior {
		s.addResult(&prior[i])
	}
	s.total = len(s.order)
	s.done = s.countDone()
	return s
}

func (s *sweep) setPlan(p engine.Plan) {
	s.plan = p
	s.order = p.Grid.Configs()
	s.index = make(map[engine.Config]int, len(s.order))
	for i, c := range s.order {
		s.index[c] = i
	}
	s.version++
}

func (s *sweep) countDone() int {
	n := 0
	for _, c := range s.order {
		if _, ok := s.results[c]; ok {
			n++
		}
	}
	return n
}

// addResult keeps the first result of a config: a result the engine reports
// again as reused is the same measurement, so the one already held stays.
func (s *sweep) addResult(r *engine.Result) bool {
	if _, ok := s.results[r.Config]; ok {
		return false
	}
	s.results[r.Config] = r
	s.finished = append(s.finished, r.Config)
	if noisy, why := noiseOf(r); noisy {
		s.noisy[r.Config] = why
	}
	s.version++
	return true
}

// apply folds one engine event, received at now, into the picture.
func (s *sweep) apply(ev engine.Event, now time.Time) {
	switch ev.Kind {
	case engine.SweepStarted, engine.PlanChanged:
		s.done, s.total = ev.Done, ev.Total
	case engine.ConfigStarted:
		c := ev.Config
		s.running, s.repeat, s.depth, s.fraction = &c, 0, 0, 0
	case engine.Progress:
		c := ev.Config
		s.running, s.repeat, s.depth, s.fraction = &c, ev.Repeat, ev.Depth, ev.Fraction
	case engine.ConfigFinished:
		s.done, s.total = ev.Done, ev.Total
		if s.running != nil && *s.running == ev.Config {
			s.running = nil
		}
		if ev.Result != nil && s.addResult(ev.Result) && !ev.Reused {
			s.measured++
			s.measuredTime += ev.Result.TimeElapsed
		}
	case engine.Paused:
		s.paused = true
	case engine.Resumed:
		s.paused = false
	case engine.SweepFinished:
		s.phase, s.running, s.paused, s.ended = phaseFinished, nil, false, now
		s.done, s.total = ev.Done, ev.Total
	case engine.SweepCancelled:
		s.phase, s.running, s.ended = phaseCancelled, nil, now
	case engine.SweepFailed:
		s.phase, s.running, s.err, s.ended = phaseFailed, nil, ev.Err, now
	}
}

// elapsedAt is the wall time of the sweep so far (pauses included).
func (s *sweep) elapsedAt(now time.Time) time.Duration {
	if !s.ended.IsZero() {
		now = s.ended
	}
	return max(0, now.Sub(s.started))
}

// resultList returns the finished results: the grid's in sweep order, then
// those no longer in the grid in finish order (as engine.Runner.Results).
func (s *sweep) resultList() []engine.Result {
	out := make([]engine.Result, 0, len(s.results))
	for _, c := range s.order {
		if r, ok := s.results[c]; ok {
			out = append(out, *r)
		}
	}
	for _, c := range s.finished {
		if _, inGrid := s.index[c]; !inGrid {
			out = append(out, *s.results[c])
		}
	}
	return out
}

// gridResults returns pointers to the finished results of the current grid,
// in sweep order.
func (s *sweep) gridResults() []*engine.Result {
	out := make([]*engine.Result, 0, len(s.results))
	for _, c := range s.order {
		if r, ok := s.results[c]; ok {
			out = append(out, r)
		}
	}
	return out
}

// inGrid reports whether c is in the current grid: results of configs an
// edit dropped stay in the JSONL but not in the run's picture.
func (s *sweep) inGrid(c engine.Config) bool {
	_, ok := s.index[c]
	return ok
}

func (s *sweep) active() bool { return s.phase == phaseRunning }

// eta estimates the time left from the configs measured so far; before the
// first one it falls back on the plan's lower bound.
func (s *sweep) eta() (time.Duration, bool) {
	left := s.total - s.done
	if left <= 0 {
		return 0, true
	}
	if s.measured == 0 {
		return estimateDuration(s.plan, left), false
	}
	per := s.measuredTime / float64(s.measured)
	return time.Duration(per * float64(left) * float64(time.Second)), true
}

// estimateDuration is the lower bound on the measuring time of n configs:
// every depth of every repeat is timed for at least Timing.MinTime.
func estimateDuration(p engine.Plan, n int) time.Duration {
	return time.Duration(n) * time.Duration(p.Repeats) * time.Duration(len(p.Depths)) * p.Timing.MinTime
}
