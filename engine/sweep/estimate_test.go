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
	// 9 measurements × 3 depths × (3 warm-ups + max(10ms, 5 epochs)).
	if got, want := MinConfigTime(p, time.Second), 9*3*8*time.Second; got != want {
		t.Errorf("MinConfigTime(1s epochs) = %v; want %v", got, want)
	}
	if got, want := MinConfigTime(p, time.Microsecond), 9*3*(3*time.Microsecond+10*time.Millisecond); got != want {
		t.Errorf("MinConfigTime(1µs epochs) = %v; want %v", got, want)
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
