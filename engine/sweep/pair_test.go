package sweep

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/worker"
)

// An A/B sweep gives every config a variant B with its own measurements
// and headline, and one paired estimate per measurement — made round by
// round in one worker, or in two workers back to back.
func TestABSweep(t *testing.T) {
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{3}, Branches: []int{2, 3}, SeqLens: []int{8}}
	p.Repeats, p.Timing = 1, fast
	for _, tc := range []struct {
		name, pairing string
		vs            *Vs
		pairs         func(j int) bool // ABPairs[j] as it must be
	}{
		{"one worker", bench.PairRounds, &Vs{InWorker: &worker.Vs{Policy: bench.PolicyMedian}}, func(n int) bool { return n >= 1 }},
		{"two workers", bench.PairMeasurements, &Vs{Worker: selfWorker, Policy: bench.PolicyMedian}, func(n int) bool { return n == 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Start(context.Background(), p, Options{Vs: tc.vs})
			if err != nil {
				t.Fatal(err)
			}
			res := finished(collect(t, r))
			if err := r.Wait(); err != nil {
				t.Fatal(err)
			}
			if len(res) != 2 {
				t.Fatalf("%d results, want 2", len(res))
			}
			for _, a := range res {
				b := a.Vs
				if b == nil {
					t.Fatalf("%v has no variant B", a.Config)
				}
				n := len(a.Measurements)
				if n == 0 || len(b.Measurements) != n || len(a.ABLogRatios) != n || len(a.ABPairs) != n || a.ABPairing != tc.pairing {
					t.Fatalf("%v: %d measurements of A, %d of B, %d paired estimates, %d pair counts, pairing %q",
						a.Config, n, len(b.Measurements), len(a.ABLogRatios), len(a.ABPairs), a.ABPairing)
				}
				for j, l := range a.ABLogRatios {
					if math.IsNaN(l) || !tc.pairs(a.ABPairs[j]) {
						t.Errorf("%v measurement %d: log ratio %v over %d pairs", a.Config, j, l, a.ABPairs[j])
					}
				}
				if tc.pairing == bench.PairMeasurements {
					if want := math.Log(b.Measurements[0] / a.Measurements[0]); math.Abs(a.ABLogRatios[0]-want) > 1e-12 {
						t.Errorf("%v: first paired estimate %v, want log(B/A) of the measurements %v", a.Config, a.ABLogRatios[0], want)
					}
				}
				if a.Policy != bench.PolicyMean || b.Policy != bench.PolicyMedian || b.Engine != bench.EngineGo {
					t.Errorf("%v: A %s, B %s on %q", a.Config, a.Policy, b.Policy, b.Engine)
				}
				if !(b.TimeEpochMedian > 0) || len(b.Runs) != 1 || b.EpochsMeasured == 0 || b.Config != a.Config {
					t.Errorf("%v: B has no headline or run: %+v", a.Config, *b)
				}
				// The median policy projects differently (K ≥ 3): other numbers, same seed.
				if a.K >= 3 && b.TotalMean == a.TotalMean {
					t.Errorf("%v: B's quality %v equals A's under another policy", a.Config, b.TotalMean)
				}
			}
		})
	}
}

// A worker that cannot measure two variants in one run (its hello offers
// no "vs") fails the sweep with a message saying so, rather than
// measuring A alone.
func TestABSweepNeedsTheFeature(t *testing.T) {
	start, _, _ := testWorker(t, 0, "")
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{3}, Branches: []int{2}, SeqLens: []int{8}}
	p.Repeats, p.Timing = 1, fast
	r, err := Start(context.Background(), p, Options{Worker: start, Vs: &Vs{InWorker: &worker.Vs{Policy: bench.PolicyMedian}}})
	if err != nil {
		t.Fatal(err)
	}
	collect(t, r)
	if err := r.Wait(); err == nil || !strings.Contains(err.Error(), "cannot measure two variants") {
		t.Errorf("sweep ended with %v", err)
	}
}
