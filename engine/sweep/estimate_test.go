package sweep

import (
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
)

func TestEstimatorGrowsWithTheConfig(t *testing.T) {
	p := bench.DefaultPlan()
	e, err := NewEstimator(p)
	if err != nil {
		t.Fatal(err)
	}
	small, big := e.Epoch(bench.Config{D: 3, K: 3, T: 48}), e.Epoch(bench.Config{D: 512, K: 256, T: 4096})
	// The big config does ~1.1e8 times the work: the estimate must say
	// "much slower", whatever this machine's speed.
	if big < 1000*small || big <= 0 {
		t.Errorf("Epoch: small %v, big %v", small, big)
	}
	p.Repeats, p.Depths = 3, []int{1, 2, 3}
	p.Timing = bench.Timing{MinTime: 10 * time.Millisecond, MinEpochs: 5}
	// Each repeat is measured in 3 parts, each with a third of the time
	// and of the epochs (rounded up): 9 measurements × 3 depths × (3
	// warm-ups + max(10ms/3, 2 epochs)).
	for _, tc := range []struct {
		epoch, want time.Duration
	}{
		{time.Second, 9 * 3 * (3 + 2) * time.Second},
		{time.Microsecond, 9 * 3 * (3*time.Microsecond + 10*time.Millisecond/3)},
	} {
		if got := MinConfigTime(p, tc.epoch); got != tc.want {
			t.Errorf("MinConfigTime(%v epochs) = %v; want %v", tc.epoch, got, tc.want)
		}
	}
}

func TestEstimatorGridSkipsDone(t *testing.T) {
	p := bench.DefaultPlan()
	e, err := NewEstimator(p)
	if err != nil {
		t.Fatal(err)
	}
	all := e.Grid(nil)
	done := map[bench.Config]bool{}
	for _, c := range p.Grid.Configs() {
		done[c] = true
	}
	if left := e.Grid(done); left != 0 || all <= 0 {
		t.Errorf("Grid: all %v, with everything done %v", all, left)
	}
}

// TestForecastCoversMeasuredRuns: the forecast's range holds the reference
// grid's durations measured on this project's VM (busy, 2 cores, reports
// included): the Go port 1.5 s (0.72 s with --min-time 0, 31.9 s with
// 300ms), the Python reference 59 s; each end is within 2× of them. It
// grows with --min-time and with T, and is never 0.
func TestForecastCoversMeasuredRuns(t *testing.T) {
	for _, tc := range []struct {
		engine  string
		minTime time.Duration
		took    time.Duration
	}{
		{bench.EngineGo, 10 * time.Millisecond, 1500 * time.Millisecond},
		{bench.EngineGo, 0, 720 * time.Millisecond},
		{bench.EngineGo, 300 * time.Millisecond, 31900 * time.Millisecond},
		{bench.EnginePython, 10 * time.Millisecond, 59 * time.Second},
	} {
		p := bench.DefaultPlan()
		p.Engine, p.Timing.MinTime = tc.engine, tc.minTime
		low, high := Forecast(p, p.Grid.Configs())
		if low > tc.took || high < tc.took || 2*low < tc.took || high > 2*tc.took {
			t.Errorf("%s, min-time %v: forecast %v–%v for a run that took %v", tc.engine, tc.minTime, low, high, tc.took)
		}
	}
	p := bench.DefaultPlan()
	base, _ := Forecast(p, p.Grid.Configs())
	p.Timing.MinTime = 0
	if zero, _ := Forecast(p, p.Grid.Configs()); zero <= 0 || zero >= base {
		t.Errorf("min-time 0: %v (min-time 10ms: %v)", zero, base)
	}
	p = bench.DefaultPlan()
	p.Timing.MinTime = 4 * time.Second
	if slow, _ := Forecast(p, p.Grid.Configs()); slow < 100*base {
		t.Errorf("min-time 4s: %v, 10ms: %v", slow, base)
	}
	p = bench.DefaultPlan()
	p.Grid.SeqLens = []int{1000000}
	if long, _ := Forecast(p, p.Grid.Configs()); long < 10*time.Second {
		t.Errorf("T=1000000: %v", long)
	}
}
