package sweep

import (
	"fmt"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
)

// EventKind says what an Event reports.
type EventKind int

const (
	// SweepStarted: Total is the number of configs in the plan.
	SweepStarted EventKind = iota
	// ConfigStarted: Config is about to get its first measurement; it is
	// in flight until its ConfigFinished (several configs are at once).
	ConfigStarted
	// Progress within the config being measured: Config, Repeat, Depth,
	// Fraction, InFlight.
	// Coalesced: at most about 30 a second.
	Progress
	// ConfigFinished: Result holds the finished config (also for results
	// reused from Options.Prior, with Reused set).
	ConfigFinished
	// PlanChanged: the grid was edited; Total is the new number of configs.
	PlanChanged
	// Paused / Resumed report a call of Pause or Resume that changed the
	// state. Between them no config starts and no measurement begins; one
	// under way holds after its current round (or ends, if that round was
	// its last).
	Paused
	Resumed
	// SweepFinished: every config of the plan has a result.
	SweepFinished
	// SweepCancelled: the context was cancelled; results sent stay valid.
	SweepCancelled
	// SweepFailed: Err says why.
	SweepFailed
)

var eventKindNames = [...]string{"SweepStarted", "ConfigStarted", "Progress", "ConfigFinished",
	"PlanChanged", "Paused", "Resumed", "SweepFinished", "SweepCancelled", "SweepFailed"}

func (k EventKind) String() string {
	if int(k) >= 0 && int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one thing that happened in a sweep.
type Event struct {
	Kind EventKind
	Time time.Time
	// Done and Total count configs of the current plan.
	Done, Total int
	// Config, Repeat (0-based), Depth and Fraction (0..1 of the config) say
	// what is running, for ConfigStarted, Progress and ConfigFinished.
	Config   bench.Config
	Repeat   int
	Depth    int
	Fraction float64
	// InFlight is how much of the configs in flight (started, not yet
	// finished) is measured, in configs: each counts its measurements made
	// over its total, the current one's fraction included. Set on
	// ConfigStarted, Progress and ConfigFinished of measured configs;
	// Done + InFlight is the work done. Several configs are in flight at
	// once (their measurements interleave), so Fraction alone undercounts.
	InFlight float64
	// Result is set on ConfigFinished.
	Result *bench.Result
	// Reused is true when Result came from Options.Prior, not a measurement.
	Reused bool
	// Elapsed is the time since the sweep started.
	Elapsed time.Duration
	// Err is set on SweepFailed.
	Err error
}
