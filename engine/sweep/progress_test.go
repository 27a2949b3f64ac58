package sweep

import (
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
)

func TestTrackerETAExcludesPauses(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	c := bench.Config{D: 3, K: 3, T: 48}
	tr := NewTracker(nil)
	for _, ev := range []Event{
		{Kind: SweepStarted, Time: at(0), Total: 4},
		{Kind: ConfigStarted, Time: at(0), Config: c, Total: 4},
		{Kind: Paused, Time: at(1), Total: 4},
		{Kind: Resumed, Time: at(16), Total: 4},
		{Kind: ConfigFinished, Time: at(17), Config: c, Done: 1, Total: 4},
	} {
		tr.Apply(ev)
	}
	// 2 s of measuring for one config, 3 left: 6 s, whatever the 15 s pause.
	if eta, ok := tr.ETA(at(20)); !ok || eta != 6*time.Second {
		t.Errorf("ETA = %v, %v; want 6s", eta, ok)
	}
	// Idle time between configs is not measuring either.
	tr.Apply(Event{Kind: ConfigStarted, Time: at(30), Config: c, Done: 1, Total: 4})
	tr.Apply(Event{Kind: ConfigFinished, Time: at(32), Config: c, Done: 2, Total: 4})
	if eta, _ := tr.ETA(at(40)); eta != 4*time.Second {
		t.Errorf("ETA after idle time = %v; want 4s", eta)
	}
	if got := tr.Elapsed(at(40)); got != 40*time.Second {
		t.Errorf("Elapsed = %v; want 40s", got)
	}
	tr.Apply(Event{Kind: SweepCancelled, Time: at(41), Done: 2, Total: 4})
	if got := tr.Elapsed(at(100)); got != 41*time.Second {
		t.Errorf("Elapsed after the end = %v; want it stopped at 41s", got)
	}
}

func TestTrackerContinuesAResumedRun(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	prior := []bench.Result{{Config: bench.Config{D: 3, K: 3, T: 48}, TimeElapsed: 10}, {Config: bench.Config{D: 3, K: 3, T: 96}, TimeElapsed: 5}}
	tr := NewTracker(prior)
	tr.Apply(Event{Kind: SweepStarted, Time: t0, Done: 2, Total: 4})
	tr.Apply(Event{Kind: ConfigFinished, Time: t0, Reused: true, Done: 2, Total: 4})
	if got := tr.Elapsed(t0.Add(3 * time.Second)); got != 18*time.Second {
		t.Errorf("Elapsed = %v; want 18s (15s before the resume)", got)
	}
	if _, ok := tr.ETA(t0.Add(3 * time.Second)); ok {
		t.Error("ETA known before anything was measured in this sweep")
	}
	if tr.Percent() != 50 {
		t.Errorf("Percent = %v; want 50", tr.Percent())
	}
}

func TestTrackerCountsOnAfterANewRunner(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	tr := NewTracker(nil)
	tr.Apply(Event{Kind: SweepStarted, Time: t0, Total: 2})
	tr.Apply(Event{Kind: SweepFinished, Time: t0.Add(10 * time.Second), Total: 2})
	// Minutes later an edit starts a runner for the configs it added.
	tr.Apply(Event{Kind: SweepStarted, Time: t0.Add(5 * time.Minute), Total: 3})
	if got := tr.Elapsed(t0.Add(5*time.Minute + 2*time.Second)); got != 12*time.Second {
		t.Errorf("Elapsed = %v; want 12s (10s, then 2s; the idle time between is not the run's)", got)
	}
}

// TestTrackerCountsConfigsInFlight: with several configs in flight, the
// work done is the finished configs plus the measured share of those in
// flight (Event.InFlight), not just the fraction of the config measured
// last; measuring goes on across a config's finish while others are in
// flight.
func TestTrackerCountsConfigsInFlight(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	a, b := bench.Config{D: 3, K: 3, T: 48}, bench.Config{D: 3, K: 3, T: 96}
	tr := NewTracker(nil)
	for _, ev := range []Event{
		{Kind: SweepStarted, Time: at(0), Total: 10},
		{Kind: ConfigStarted, Time: at(0), Config: a, Total: 10},
		{Kind: ConfigStarted, Time: at(1), Config: b, InFlight: 0.5, Total: 10},
		// Four configs' worth measured in flight after 4 s, b's own share small.
		{Kind: Progress, Time: at(4), Config: b, Fraction: 0.25, InFlight: 4, Total: 10},
	} {
		tr.Apply(ev)
	}
	// 4 s for 4 configs of work, 6 left: 6 s.
	if eta, ok := tr.ETA(at(4)); !ok || eta != 6*time.Second {
		t.Errorf("ETA = %v, %v; want 6s", eta, ok)
	}
	if tr.Percent() != 40 {
		t.Errorf("Percent = %v; want 40", tr.Percent())
	}
	tr.Apply(Event{Kind: ConfigFinished, Time: at(5), Config: a, InFlight: 4, Done: 1, Total: 10})
	if !tr.Running || tr.Busy(at(6)) != 6*time.Second {
		t.Errorf("after a finish with others in flight: running %v, busy %v; want running, 6s", tr.Running, tr.Busy(at(6)))
	}
	// 6 s for 5 configs of work, 5 left.
	if eta, _ := tr.ETA(at(6)); eta != 6*time.Second {
		t.Errorf("ETA = %v; want 6s", eta)
	}
}
