package sweep

import (
	"time"

	"github.com/hcbench/hcbench/engine/bench"
)

// Tracker folds a sweep's events into what a progress display shows:
// done/total, what runs now, the time spent and the time left. It is pure:
// its clock is the events' own Time (and the now passed to its readers), so
// the headless line and the TUI show the same numbers for the same events.
//
// Elapsed is wall time while the sweep runs, stopping when it ends, and
// continues a resumed run's (the reused results' own time is carried
// over). The ETA extrapolates the time actually spent measuring — pauses
// and time with nothing running are left out — per config of work done
// (finished configs and the measured share of those in flight) to the
// work left.
type Tracker struct {
	Done, Total int
	// Running is set while a config is measured: Config, Repeat (0-based),
	// Depth (0 before the first depth reports) and Fraction (0..1).
	Running  bool
	Config   bench.Config
	Repeat   int
	Depth    int
	Fraction float64
	// InFlight is the measured share of the configs in flight, in configs
	// (Event.InFlight; at least Fraction, for events that lack it).
	InFlight float64
	Paused   bool
	// Ended is set by the sweep's final event.
	Ended bool

	carried  time.Duration // elapsed of a resumed run before this sweep
	start    time.Time     // the sweep's start
	end      time.Time     // its end, zero while it runs
	measured int           // configs measured by this sweep (not reused)
	busy     time.Duration // time spent measuring, pauses excluded
	busyFrom time.Time     // start of the current measuring stretch, zero when none
}

// NewTracker starts tracking a sweep whose prior results (a resumed run's)
// are already done.
func NewTracker(prior []bench.Result) *Tracker {
	t := &Tracker{}
	for _, r := range prior {
		t.carried += time.Duration(r.TimeElapsed * float64(time.Second))
	}
	return t
}

// Apply folds one event.
func (t *Tracker) Apply(ev Event) {
	if ev.Total > 0 || ev.Kind == SweepStarted || ev.Kind == PlanChanged {
		t.Done, t.Total = ev.Done, ev.Total
	}
	now := ev.Time
	switch ev.Kind {
	case SweepStarted:
		if !t.end.IsZero() {
			// A new runner continues an ended sweep (the TUI's edit after
			// the end): the time until that end stays counted.
			t.carried += t.end.Sub(t.start)
		}
		t.start = now.Add(-ev.Elapsed)
		t.end, t.Ended = time.Time{}, false
	case ConfigStarted:
		t.Running, t.Config, t.Repeat, t.Depth, t.Fraction = true, ev.Config, 0, 0, 0
		t.InFlight = ev.InFlight
		t.startBusy(now)
	case Progress:
		t.Running, t.Config, t.Repeat, t.Depth, t.Fraction = true, ev.Config, ev.Repeat, ev.Depth, ev.Fraction
		t.InFlight = max(ev.InFlight, ev.Fraction)
		t.startBusy(now)
	case ConfigFinished:
		if ev.Reused {
			return
		}
		t.measured++
		t.Fraction, t.InFlight = 0, ev.InFlight
		if t.InFlight == 0 {
			// Nothing else in flight: measuring stops until the next config.
			t.stopBusy(now)
			t.Running = false
		}
	case Paused:
		t.Paused = true
		t.stopBusy(now)
	case Resumed:
		t.Paused = false
		if t.Running {
			t.startBusy(now)
		}
	case SweepFinished, SweepCancelled, SweepFailed:
		t.stopBusy(now)
		t.Running, t.Paused, t.Fraction, t.InFlight, t.Ended, t.end = false, false, 0, 0, true, now
	}
}

func (t *Tracker) startBusy(now time.Time) {
	if t.busyFrom.IsZero() && !t.Paused {
		t.busyFrom = now
	}
}

func (t *Tracker) stopBusy(now time.Time) {
	if !t.busyFrom.IsZero() {
		t.busy += max(0, now.Sub(t.busyFrom))
		t.busyFrom = time.Time{}
	}
}

// Elapsed is the run's wall time at now: this sweep's (until it ended) plus
// what a resumed run had spent before.
func (t *Tracker) Elapsed(now time.Time) time.Duration {
	if t.start.IsZero() {
		return t.carried
	}
	if !t.end.IsZero() {
		now = t.end
	}
	return t.carried + max(0, now.Sub(t.start))
}

// Busy is the time spent measuring by now, pauses excluded.
func (t *Tracker) Busy(now time.Time) time.Duration {
	b := t.busy
	if !t.busyFrom.IsZero() {
		b += max(0, now.Sub(t.busyFrom))
	}
	return b
}

// Measured is the number of configs this sweep measured (reused ones aside).
func (t *Tracker) Measured() int { return t.measured }

// ETA is the time left at now, and whether it is known: it needs a config
// measured, or a share of one.
func (t *Tracker) ETA(now time.Time) (time.Duration, bool) {
	left := float64(t.Total-t.Done) - t.InFlight
	if left <= 0 || t.Ended {
		return 0, true
	}
	work := float64(t.measured) + t.InFlight
	if work <= 0 {
		return 0, false
	}
	per := float64(t.Busy(now)) / work
	return time.Duration(per * left), true
}

// Percent is the share of the grid done, the measured share of the
// configs in flight included.
func (t *Tracker) Percent() float64 {
	if t.Total <= 0 {
		return 0
	}
	return 100 * min(1, (float64(t.Done)+t.InFlight)/float64(t.Total))
}
