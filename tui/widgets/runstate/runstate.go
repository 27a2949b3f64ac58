// Package runstate is the workbench's picture of one run — its plan, its
// results as they come, its progress as the sweep tracker reckons it, its
// comparison with a baseline — built only from report/session's updates,
// so that no view asks anything on the draw path; and what the screens say
// of a result (its interval as ±%, a p-value) the same way everywhere.
package runstate

import (
	"fmt"
	"github.com/hcbench/hcbench/report"
	"math"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/session"
)

// Phase is where the sweep stands, as the screen shows it.
type Phase int

const (
	Live Phase = iota
	Finished
	Stopped
	Failed
)

// Run is the workbench's picture of one run, built only from the
// session's updates so that the screen never asks anything on the draw
// path.
type Run struct {
	RunID int64
	Plan  bench.Plan
	Order []bench.Config       // current grid, sweep order
	index map[bench.Config]int // position in order

	Results map[bench.Config]*bench.Result
	// contended and measured count the results' measurements left out as
	// contended and all of them (addResult keeps them; the progress pane
	// shows them every frame).
	Contended, Measured int
	Noisy               map[bench.Config]string

	// baseline: the run is compared with one; cmp is the comparison so
	// far (report/compare's one computation, made by the session), Ratios
	// its entries by config.
	Baseline bool
	Cmp      *compare.Baseline
	Ratios   map[bench.Config]compare.BaselineEntry

	// ab is an A/B sweep's comparison (ABComparison), made at abVersion.
	ab        *compare.AB
	abVersion int

	// The progress fields mirror tr, engine's one progress reckoning.
	tr       *sweep.Tracker
	started  time.Time // when the model started the sweep
	clock    time.Time // the latest event's time: tr's clock
	Running  *bench.Config
	Repeat   int
	Depth    int
	Fraction float64

	Done, Total int
	Paused      bool
	Phase       Phase
	// Following: a recorded run another hcbench is still writing, drawn
	// from its JSONL as it grows (hcbench show).
	Following bool
	// Outside: a run measured elsewhere and followed from its files — a
	// sharded sweep's shards (hcbench show DIR). Its state line and times
	// are theirs, not the phase's and the tracker's (nil for others).
	Outside *Outside
	Err     error

	// Version changes whenever results or the grid change: the panes that
	// depend on them cache their drawing per version. Compared changes with
	// the comparison (what the ratio cells say).
	Version, Compared int
}

// Outside is what the run view's progress line says of a run measured
// elsewhere: its state in words, its elapsed time and the time left.
type Outside struct {
	State string // "● 2 of 3 shards running: followed live"
	// Since is when the run started recording, Until when it stopped
	// (zero while it goes on): the elapsed time is between them, or now.
	Since, Until time.Time
	// ETA is the time left as reckoned at ETAAt (0: none, or unknown while
	// nothing is measured); it counts down from there.
	ETA   time.Duration
	ETAAt time.Time
	Of    string // what the ETA is over: "all shards"
}

// Elapsed is the run's wall time at now (0 when unknown).
func (o *Outside) Elapsed(now time.Time) time.Duration {
	if o.Since.IsZero() {
		return 0
	}
	end := now
	if !o.Until.IsZero() {
		end = o.Until
	}
	return max(0, end.Sub(o.Since))
}

// Left is the time left at now, counted down from the ETA's reckoning.
func (o *Outside) Left(now time.Time) time.Duration {
	if o.ETA <= 0 {
		return 0
	}
	return max(0, o.ETA-max(0, now.Sub(o.ETAAt)))
}

func New(runID int64, plan bench.Plan, prior []bench.Result, started time.Time) *Run {
	s := &Run{
		RunID:   runID,
		Results: make(map[bench.Config]*bench.Result),
		Noisy:   make(map[bench.Config]string),
		Ratios:  make(map[bench.Config]compare.BaselineEntry),
		tr:      sweep.NewTracker(prior),
		started: started,
		clock:   started,
	}
	s.SetPlan(plan)
	for i := range prior {
		s.AddResult(&prior[i])
	}
	s.Total = len(s.Order)
	s.Done = s.countDone()
	return s
}

func (s *Run) SetPlan(p bench.Plan) {
	s.Plan = p
	s.Order = p.Grid.Configs()
	s.index = make(map[bench.Config]int, len(s.Order))
	for i, c := range s.Order {
		s.index[c] = i
	}
	s.Version++
}

func (s *Run) countDone() int {
	n := 0
	for _, c := range s.Order {
		if _, ok := s.Results[c]; ok {
			n++
		}
	}
	return n
}

// AddResult keeps the first result of a config: a result the engine reports
// again as reused is the same measurement, so the one already held stays.
func (s *Run) AddResult(r *bench.Result) bool {
	if _, ok := s.Results[r.Config]; ok {
		return false
	}
	s.Results[r.Config] = r
	s.Contended += r.Contended
	s.Measured += len(r.Measurements)
	if noisy, why := noiseOf(r); noisy {
		s.Noisy[r.Config] = why
	}
	s.Version++
	return true
}

// SetComparison takes the run's comparison with its baseline as the
// session made it: every verdict is corrected anew as configs finish.
func (s *Run) SetComparison(b *compare.Baseline) {
	s.Cmp = b
	s.Ratios = make(map[bench.Config]compare.BaselineEntry, len(b.Entries))
	for _, e := range b.Entries {
		s.Ratios[e.Config] = e
	}
	s.Baseline = true
	s.Version++
	s.Compared++
}

// Apply folds one update, received at now, into the picture. The progress
// is the tracker's. A config that finished after an edit dropped it from
// the grid is not recorded (Dropped), so it is not shown either. An event
// without a time (a test's synthetic one) counts as happening now, and its
// sweep as started with the sweep.
func (s *Run) Apply(u session.Update, now time.Time) {
	ev := u.Event
	if ev.Time.IsZero() {
		ev.Time = now
		if ev.Kind == sweep.SweepStarted {
			ev.Time = s.started
		}
	}
	s.tr.Apply(ev)
	s.clock = ev.Time
	s.Done, s.Total, s.Paused = s.tr.Done, s.tr.Total, s.tr.Paused
	s.Running = nil
	if s.tr.Running {
		c := s.tr.Config
		s.Running = &c
	}
	s.Repeat, s.Depth, s.Fraction = s.tr.Repeat, s.tr.Depth, s.tr.Fraction
	switch ev.Kind {
	case sweep.ConfigFinished:
		if ev.Result != nil && !u.Dropped {
			s.AddResult(ev.Result)
		}
	case sweep.SweepFinished:
		s.Phase = Finished
	case sweep.SweepCancelled:
		s.Phase = Stopped
	case sweep.SweepFailed:
		s.Phase, s.Err = Failed, ev.Err
	}
}

// Stop ends the sweep without a final update (its channel closed early,
// or it could not start).
func (s *Run) Stop(phase Phase, err error, now time.Time) {
	s.Apply(session.Update{Event: sweep.Event{Kind: sweep.SweepCancelled, Time: now, Done: s.Done, Total: s.Total}}, now)
	s.Phase, s.Err = phase, err
}

// ElapsedAt is the run's wall time so far (a resumed run's earlier time
// included), stopped when the sweep ended.
func (s *Run) ElapsedAt(now time.Time) time.Duration { return s.tr.Elapsed(now) }

// GridResults returns pointers to the finished results of the current grid,
// in sweep order.
func (s *Run) gridResults() []*bench.Result {
	out := make([]*bench.Result, 0, len(s.Results))
	for _, c := range s.Order {
		if r, ok := s.Results[c]; ok {
			out = append(out, r)
		}
	}
	return out
}

// Grid, Configs, GridResults, Ratio and Result make the run a
// heatmap.Source and a chart.Source.
func (s *Run) Grid() bench.Grid             { return s.Plan.Grid }
func (s *Run) Configs() []bench.Config      { return s.Order }
func (s *Run) GridResults() []*bench.Result { return s.gridResults() }
func (s *Run) Ratio(c bench.Config) (float64, bool) {
	e, ok := s.Ratios[c]
	return e.Cmp.Ratio, ok
}

func (s *Run) Result(c bench.Config) (*bench.Result, bool) {
	r, ok := s.Results[c]
	return r, ok
}

// InGrid reports whether c is in the current grid: results of configs an
// edit dropped stay in the JSONL but not in the run's picture.
func (s *Run) InGrid(c bench.Config) bool {
	_, ok := s.index[c]
	return ok
}

func (s *Run) Active() bool { return s.Phase == Live }

// ETA is the tracker's estimate of the time left; before anything was
// measured it falls back on the plan's lower bound (false).
func (s *Run) ETA() (time.Duration, bool) {
	if d, ok := s.tr.ETA(s.clock); ok {
		return d, true
	}
	low, _ := s.ForecastLeft()
	return low, false
}

// ForecastLeft is the forecast's range for the configs without a result.
func (s *Run) ForecastLeft() (low, high time.Duration) {
	var left []bench.Config
	for _, c := range s.Order {
		if _, ok := s.Results[c]; !ok {
			left = append(left, c)
		}
	}
	return sweep.Forecast(s.Plan, left)
}

// EstimateRange is how long measuring p's grid takes, as a range: the
// sweep's Forecast, from the plan's schedule and the engine's cost model.
func EstimateRange(p bench.Plan) (low, high time.Duration) {
	return sweep.Forecast(p, p.Grid.Configs())
}

// FormatRange writes an estimate's range, "1.2s–2.4s"; one figure when
// both ends read the same.
func FormatRange(low, high time.Duration) string {
	l, h := bench.FormatDuration(low), bench.FormatDuration(high)
	if l == h {
		return l
	}
	return l + "–" + h
}

// Completed is the share of the sweep done, counting what is measured of
// the configs in flight so the bar moves during long configs (the
// tracker's reckoning: several configs are in flight at once).
func (s *Run) Completed() float64 {
	if s.Total <= 0 {
		return 0
	}
	if !s.Active() {
		return min(1, float64(s.Done)/float64(s.Total))
	}
	return s.tr.Percent() / 100
}

// ContentionText says how many measurements of the results so far were
// left out as contended (the headless summary's Contention line, short),
// "" when none were.
func (s *Run) ContentionText() string {
	if s.Contended == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d measurements contended, left out", s.Contended, s.Measured)
}

// NoisyInGrid counts the noisy configs of the current grid and names the
// first in D, K, T order as the example.
func (s *Run) NoisyInGrid() (int, bench.Config) {
	n := 0
	var first bench.Config
	for c := range s.Noisy {
		if !s.InGrid(c) {
			continue
		}
		if n == 0 || c.Compare(first) < 0 {
			first = c
		}
		n++
	}
	return n, first
}

// noiseOf says whether a result's timing is too uncertain to trust its
// digits, and why (report.NoiseReason, as the headless warnings).
func noiseOf(r *bench.Result) (bool, string) {
	why := report.NoiseReason(*r)
	return why != "", why
}

// CIHalf is the CI's larger half-width relative to the median (NaN when
// there is none).
func CIHalf(r *bench.Result) float64 {
	m := r.TimeEpochMedian
	h := math.Max(r.TimeEpochCIHigh-m, m-r.TimeEpochCILow)
	if !(m > 0) || math.IsNaN(h) || math.IsInf(h, 0) {
		return math.NaN()
	}
	return h / m
}

// CIText is the 95% CI of the median as ± percent of the median, the way
// benchstat prints it; "?" when there is none.
func CIText(r *bench.Result) string {
	h := CIHalf(r)
	if math.IsNaN(h) {
		return "?"
	}
	return fmt.Sprintf("±%.1f%%", 100*h)
}

// PText writes a p-value with the digits it needs: never "p=0.00".
func PText(p float64) string {
	switch {
	case p < 0.001:
		return "p<0.001"
	case p < 0.01:
		return fmt.Sprintf("p=%.3f", p)
	}
	return fmt.Sprintf("p=%.2f", p)
}
