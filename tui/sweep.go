package tui

import (
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
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
type runState struct {
	runID int64
	plan  bench.Plan
	order []bench.Config       // current grid, sweep order
	index map[bench.Config]int // position in order

	results map[bench.Config]*bench.Result
	// contended and measured count the results' measurements left out as
	// contended and all of them (addResult keeps them; the progress pane
	// shows them every frame).
	contended, measured int
	finished            []bench.Config // finish order, including configs later dropped from the grid
	noisy               map[bench.Config]string
	ratios              map[bench.Config]report.BaselineEntry // against the baseline, when there is one

	// The progress fields mirror tr, engine's one progress reckoning.
	tr       *sweep.Tracker
	started  time.Time // when the model started the sweep
	clock    time.Time // the latest event's time: tr's clock
	running  *bench.Config
	repeat   int
	depth    int
	fraction float64

	done, total int
	paused      bool
	phase       runPhase
	err         error

	// version changes whenever results or the grid change: the panes that
	// depend on them cache their drawing per version.
	version int
}

func newSweep(runID int64, plan bench.Plan, prior []bench.Result, started time.Time) *runState {
	s := &runState{
		runID:   runID,
		results: make(map[bench.Config]*bench.Result),
		noisy:   make(map[bench.Config]string),
		ratios:  make(map[bench.Config]report.BaselineEntry),
		tr:      sweep.NewTracker(prior),
		started: started,
		clock:   started,
	}
	s.setPlan(plan)
	for i := range prior {
		s.addResult(&prior[i])
	}
	s.total = len(s.order)
	s.done = s.countDone()
	return s
}

func (s *runState) setPlan(p bench.Plan) {
	s.plan = p
	s.order = p.Grid.Configs()
	s.index = make(map[bench.Config]int, len(s.order))
	for i, c := range s.order {
		s.index[c] = i
	}
	s.version++
}

func (s *runState) countDone() int {
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
func (s *runState) addResult(r *bench.Result) bool {
	if _, ok := s.results[r.Config]; ok {
		return false
	}
	s.results[r.Config] = r
	s.contended += r.Contended
	s.measured += len(r.Measurements)
	s.finished = append(s.finished, r.Config)
	if noisy, why := noiseOf(r); noisy {
		s.noisy[r.Config] = why
	}
	s.version++
	return true
}

// apply folds one engine event, received at now, into the picture. The
// progress is the tracker's. An event without a time (a test's synthetic
// one) counts as happening now, and its sweep as started with the sweep.
func (s *runState) apply(ev sweep.Event, now time.Time) {
	if ev.Time.IsZero() {
		ev.Time = now
		if ev.Kind == sweep.SweepStarted {
			ev.Time = s.started
		}
	}
	s.tr.Apply(ev)
	s.clock = ev.Time
	s.done, s.total, s.paused = s.tr.Done, s.tr.Total, s.tr.Paused
	s.running = nil
	if s.tr.Running {
		c := s.tr.Config
		s.running = &c
	}
	s.repeat, s.depth, s.fraction = s.tr.Repeat, s.tr.Depth, s.tr.Fraction
	switch ev.Kind {
	case sweep.ConfigFinished:
		if ev.Result != nil {
			s.addResult(ev.Result)
		}
	case sweep.SweepFinished:
		s.phase = phaseFinished
	case sweep.SweepCancelled:
		s.phase = phaseCancelled
	case sweep.SweepFailed:
		s.phase, s.err = phaseFailed, ev.Err
	}
}

// stop ends the sweep without an engine event (its channel closed early,
// or it could not start).
func (s *runState) stop(phase runPhase, err error, now time.Time) {
	s.apply(sweep.Event{Kind: sweep.SweepCancelled, Time: now, Done: s.done, Total: s.total}, now)
	s.phase, s.err = phase, err
}

// elapsedAt is the run's wall time so far (a resumed run's earlier time
// included), stopped when the sweep ended.
func (s *runState) elapsedAt(now time.Time) time.Duration { return s.tr.Elapsed(now) }

// resultList returns the finished results: the grid's in sweep order, then
// those no longer in the grid in finish order (as engine.Runner.Results).
func (s *runState) resultList() []bench.Result {
	out := make([]bench.Result, 0, len(s.results))
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
func (s *runState) gridResults() []*bench.Result {
	out := make([]*bench.Result, 0, len(s.results))
	for _, c := range s.order {
		if r, ok := s.results[c]; ok {
			out = append(out, r)
		}
	}
	return out
}

// inGrid reports whether c is in the current grid: results of configs an
// edit dropped stay in the JSONL but not in the run's picture.
func (s *runState) inGrid(c bench.Config) bool {
	_, ok := s.index[c]
	return ok
}

func (s *runState) active() bool { return s.phase == phaseRunning }

// eta is the tracker's estimate of the time left; before anything was
// measured it falls back on the plan's lower bound (false).
func (s *runState) eta() (time.Duration, bool) {
	if d, ok := s.tr.ETA(s.clock); ok {
		return d, true
	}
	return estimateDuration(s.plan, s.total-s.done), false
}

// estimateDuration is the lower bound on the measuring time of n configs:
// every depth of every repeat is timed for at least Timing.MinTime.
func estimateDuration(p bench.Plan, n int) time.Duration {
	return time.Duration(n) * time.Duration(p.Repeats) * time.Duration(len(p.Depths)) * p.Timing.MinTime
}
