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
