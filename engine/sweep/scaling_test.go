package sweep

import (
	"context"
	"math"
	"os"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/stats"
)

// TestScalingExponentOfT fits time ∝ D^a K^b T^c on a grid that doubles T
// three times. The engine's work is linear in T (every step costs the same),
// so c must come out near 1: a check of the timing as much as of the fit.
// Real timings on a shared machine can swing between the configs of one
// sweep, so it runs only when asked (HCBENCH_TIMING=1), like
// TestRerunCoverage.
func TestScalingExponentOfT(t *testing.T) {
	if testing.Short() || raceEnabled || os.Getenv("HCBENCH_TIMING") != "1" {
		t.Skip("measures real timings: set HCBENCH_TIMING=1")
	}
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{3, 6}, Branches: []int{3, 9}, SeqLens: []int{64, 128, 256, 512}}
	p.Repeats = 1
	p.Timing = bench.Timing{MinTime: 5 * time.Millisecond, MinEpochs: 5}
	r, err := Start(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := finished(collect(t, r))
	var times, ds, ks, ts []float64
	for _, x := range res {
		times = append(times, x.TimeEpochMedian)
		ds = append(ds, float64(x.D))
		ks = append(ks, float64(x.K))
		ts = append(ts, float64(x.T))
	}
	fit, err := stats.FitPowerLaw(times, []stats.Axis{{Name: "D", Values: ds}, {Name: "K", Values: ks}, {Name: "T", Values: ts}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", fit)
	c := fit.Exponents[2]
	if fit.Names[2] != "T" || math.IsNaN(c) || c < 0.8 || c > 1.2 {
		t.Errorf("T exponent %.3f (axes %v), want within 0.8..1.2", c, fit.Names)
	}
}
