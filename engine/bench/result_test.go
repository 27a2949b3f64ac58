package bench

import (
	"math"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct{ repeats, parts, total int }{
		{1, 9, 9}, {2, 5, 10}, {3, 3, 9}, {4, 3, 12}, {5, 2, 10}, {9, 1, 9}, {10, 1, 10},
	} {
		if p, n := Split(tc.repeats); p != tc.parts || n != tc.total {
			t.Errorf("Split(%d) = %d, %d; want %d, %d", tc.repeats, p, n, tc.parts, tc.total)
		}
	}
}

func TestMergeParts(t *testing.T) {
	a := Run{Seed: 5, MemPeakBytes: 100, Depths: []DepthResult{{Depth: 1, Epochs: 10, TimeEpochMean: 1, RMSE: 0.2}, {Depth: 2, Epochs: 10, TimeEpochMean: 2, RMSE: 0.3}}}
	b := Run{Seed: 5, MemPeakBytes: 100, Depths: []DepthResult{{Depth: 1, Epochs: 30, TimeEpochMean: 3, RMSE: 0.2}, {Depth: 2, Epochs: 10, TimeEpochMean: 4, RMSE: 0.3}}}
	m := MergeParts([]int{1, 2}, []Run{a, b}, 4)
	// Depth 1: (10·1 + 30·3)/40 = 2.5; depth 2: 3. Mean 2.75.
	if m.Depths[0].TimeEpochMean != 2.5 || m.Depths[1].TimeEpochMean != 3 || m.TimeEpochMean != 2.75 ||
		m.Depths[0].Epochs != 40 || m.Seed != 5 || m.MemPeakBytes != 100 || m.RMSEMean != 0.25 || m.TimeForwardMean != 2.75/4 {
		t.Errorf("merged = %+v", m)
	}
}

func TestHeadlineSlowRounds(t *testing.T) {
	res := Result{Measurements: []float64{1, 1, 1}, Samples: []float64{1, 1.9, 2.1, 5, 0.5}}
	Headline(&res)
	if res.TimeEpochMedian != 1 || res.Outliers != 2 || res.CILevel != 0.95 || res.TimeEpochCILow != 1 {
		t.Errorf("%+v", res)
	}
	one := Result{Measurements: []float64{2}}
	Headline(&one)
	if one.TimeEpochMedian != 2 || !math.IsNaN(one.TimeEpochCILow) || one.CILevel != 0 {
		t.Errorf("one measurement: %+v", one)
	}
}

// TestHeadlineLeavesOutContention: measurements on a contended CPU (here
// 1.34× slower, as on this project's VM) do not make the headline; they
// are counted, and the headline's interval is about the free-CPU cluster.
func TestHeadlineLeavesOutContention(t *testing.T) {
	res := Result{Measurements: []float64{18.2, 18.3, 24.5, 18.3, 24.6, 18.4, 24.4, 18.3, 24.9}}
	Headline(&res)
	if res.TimeEpochMedian != 18.3 || res.Contended != 4 || !(res.TimeEpochCIHigh < 18.6) || !(res.TimeEpochCILow > 18.0) {
		t.Errorf("headline %v [%v, %v], %d contended; want 18.3 within 18.0–18.6 and 4", res.TimeEpochMedian, res.TimeEpochCILow, res.TimeEpochCIHigh, res.Contended)
	}
	kept, n := HeadlineMeasurements(res)
	if n != 4 || len(kept) != 5 {
		t.Errorf("HeadlineMeasurements: %v, %d", kept, n)
	}
}
