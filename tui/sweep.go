package tui

import (
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/session"
)

// runPhase is where the sweep stands, as the screen shows it.
type runPhase int

const (
	phaseRunning runPhase = iota
	phaseFinished
	phaseCancelled
	phaseFailed
)

// runState is the workbench's picture of one run, built only from the
// session's updates so that the screen never asks anything on the draw
// path.
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
	noisy               map[bench.Config]string

	// baseline: the run is compared with one; cmp is the comparison so
	// far (report/compare's one computation, made by the session), ratios
	// its entries by config.
	baseline bool
	cmp      *compare.Baseline
	ratios   map[bench.Config]compare.BaselineEntry

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
		ratios:  make(map[bench.Config]compare.BaselineEntry),
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
	if noisy, why := noiseOf(r); noisy {
		s.noisy[r.Config] = why
	}
	s.version++
	return true
}

// setComparison takes the run's comparison with its baseline as the
// session made it: every verdict is corrected anew as configs finish.
func (s *runState) setComparison(b *compare.Baseline) {
	s.cmp = b
	s.ratios = make(map[bench.Config]compare.BaselineEntry, len(b.Entries))
	for _, e := range b.Entries {
		s.ratios[e.Config] = e
	}
	s.baseline = true
	s.version++
}

// apply folds one update, received at now, into the picture. The progress
// is the tracker's. A config that finished after an edit dropped it from
// the grid is not recorded (Dropped), so it is not shown either. An event
// without a time (a test's synthetic one) counts as happening now, and its
// sweep as started with the sweep.
func (s *runState) apply(u session.Update, now time.Time) {
	ev := u.Event
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
		if ev.Result != nil && !u.Dropped {
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
	s.apply(session.Update{Event: sweep.Event{Kind: sweep.SweepCancelled, Time: now, Done: s.done, Total: s.total}}, now)
	s.phase, s.err = phase, err
}

// elapsedAt is the run's wall time so far (a resumed run's earlier time
// included), stopped when the sweep ended.
func (s *runState) elapsedAt(now time.Time) time.Duration { return s.tr.Elapsed(now) }

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

// Grid, Configs, GridResults, Ratio and Result make the run a
// heatmap.Source and a chart.Source.
func (s *runState) Grid() bench.Grid             { return s.plan.Grid }
func (s *runState) Configs() []bench.Config      { return s.order }
func (s *runState) GridResults() []*bench.Result { return s.gridResults() }
func (s *runState) Ratio(c bench.Config) (float64, bool) {
	e, ok := s.ratios[c]
	return e.Cmp.Ratio, ok
}

func (s *runState) Result(c bench.Config) (*bench.Result, bool) {
	r, ok := s.results[c]
	return r, ok
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

// estimateDuration is the lower bound on the measuring time of n configs
// (the sweep's, without calibrating: each part of a repeat measures at
// least its share of min-time at every depth).
func estimateDuration(p bench.Plan, n int) time.Duration {
	return time.Duration(n) * sweep.MinConfigTime(p, 0)
}
