package sweep

import (
	"context"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
)

// TestRerunCoverage checks that the intervals are about reruns: three
// identical sweeps of the reference grid, back to back; each sweep's
// time_epoch_ci_low..high must contain the other sweeps' medians in at
// least 75% of (config, pair) cases, with the median half-width at most 8%
// of the headline. Honest 95% intervals cover a rerun's estimate about 83%
// of the time. It measures real timings for a few seconds, so it runs only
// when HCBENCH_TIMING=1 (and not under the race detector); the figures
// are logged either way it ends.
func TestRerunCoverage(t *testing.T) {
	if os.Getenv("HCBENCH_TIMING") != "1" || raceEnabled {
		t.Skip("set HCBENCH_TIMING=1 to rerun the reference grid three times (a few seconds)")
	}
	const sweeps = 3
	var runs [][]bench.Result
	for i := 0; i < sweeps; i++ {
		r, err := Start(context.Background(), bench.DefaultPlan(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		collect(t, r)
		if err := r.Wait(); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r.Results()) // in grid order (they finish out of it)
	}
	covered, cases := 0, 0
	var halfWidths []float64
	for i := range runs {
		for c, a := range runs[i] {
			halfWidths = append(halfWidths, math.Max(a.TimeEpochCIHigh-a.TimeEpochMedian, a.TimeEpochMedian-a.TimeEpochCILow)/a.TimeEpochMedian)
			for j := range runs {
				if j == i {
					continue
				}
				b := runs[j][c]
				if b.Config != a.Config {
					t.Fatalf("sweeps' results in different orders: %v vs %v", a.Config, b.Config)
				}
				cases++
				if a.TimeEpochCILow <= b.TimeEpochMedian && b.TimeEpochMedian <= a.TimeEpochCIHigh {
					covered++
				}
			}
		}
	}
	slices.Sort(halfWidths)
	medHW := halfWidths[len(halfWidths)/2]
	if len(halfWidths)%2 == 0 {
		medHW = (halfWidths[len(halfWidths)/2-1] + halfWidths[len(halfWidths)/2]) / 2
	}
	share := float64(covered) / float64(cases)
	t.Logf("coverage %d of %d (%.0f%%), median CI half-width %.1f%% of the headline", covered, cases, 100*share, 100*medHW)
	if share < 0.75 {
		t.Errorf("a sweep's interval held another sweep's median in %.0f%% of cases, want ≥ 75%%", 100*share)
	}
	if medHW > 0.08 {
		t.Errorf("median CI half-width %.1f%% of the headline, want ≤ 8%%", 100*medHW)
	}
}
