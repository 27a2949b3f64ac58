package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestPairedRatio(t *testing.T) {
	logs := []float64{0.03, 0.028, 0.032, 0.031, 0.029, 0.2, 0.03, 0.027, 0.033}
	r := PairedRatio(logs, 0.95)
	if got := math.Log(r.Ratio); math.Abs(got-0.03) > 1e-12 {
		t.Errorf("centre log %v, want the median 0.03 (one odd pair must not move it)", got)
	}
	if !(r.CILow > 1 && r.CIHigh > r.CILow) || r.P >= 0.05 || r.DF != 8 || r.Level != 0.95 {
		t.Errorf("%+v: want an interval above 1, p < 0.05, 8 df", r)
	}
	// The interval excludes 1 exactly when P < 1-level, at any level.
	for _, level := range []float64{0.8, 0.95, 0.999, 0.99999} {
		r := PairedRatio(logs, level)
		if excludes := r.CILow > 1 || r.CIHigh < 1; excludes != (r.P < 1-level) {
			t.Errorf("level %v: [%v, %v] with p %v", level, r.CILow, r.CIHigh, r.P)
		}
	}
	if r := PairedRatio([]float64{0.1, 0.1, math.NaN()}, 0.95); !r.TooFew() || math.Abs(r.Ratio-math.Exp(0.1)) > 1e-12 || !math.IsNaN(r.CILow) {
		t.Errorf("two usable pairs: %+v, want the ratio and no interval", r)
	}
	if r := PairedRatio([]float64{0, 0, 0, 0}, 0.95); r.P != 1 || r.CILow != 1 || r.CIHigh != 1 {
		t.Errorf("identical pairs: %+v", r)
	}
	if r := PairedRatio(nil, 0.95); !math.IsNaN(r.Ratio) {
		t.Errorf("no pairs: %+v", r)
	}
}

// PEquivalent < α exactly when the interval at 1−2α lies within the margin.
func TestPEquivalentMatchesInterval(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 500; i++ {
		n := 4 + rng.IntN(20)
		shift, sd := (rng.Float64()-0.5)*0.06, rng.Float64()*0.03
		logs := make([]float64, n)
		for j := range logs {
			logs[j] = shift + sd*rng.NormFloat64()
		}
		const margin, alpha = 0.02, 0.05
		r := PairedRatio(logs, 1-2*alpha)
		p := r.PEquivalent(margin)
		inside := r.CILow > 1-margin && r.CIHigh < 1+margin
		if inside != (p < alpha) && math.Abs(p-alpha) > 1e-9 {
			t.Fatalf("n %d: 90%% interval [%v, %v], margin ±2%%, p_same %v", n, r.CILow, r.CIHigh, p)
		}
	}
	if p := PairedRatio([]float64{0.1, 0.1}, 0.9).PEquivalent(0.02); !math.IsNaN(p) {
		t.Errorf("too few pairs: %v", p)
	}
}

// On simulated reruns with a known ratio and noise like this VM's paired
// estimates (log sd 0.8% with an occasional 15% outlier), the 95% interval
// of nine pairs holds the true ratio about 95% of the time or more, and
// PEquivalent calls an identical pair of variants the same when the noise
// allows.
func TestPairedRatioCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const runs = 2000
	truth := math.Log(1.03)
	covered, same := 0, 0
	for i := 0; i < runs; i++ {
		logs := make([]float64, 9)
		for j := range logs {
			logs[j] = truth + 0.008*rng.NormFloat64()
			if rng.IntN(20) == 0 {
				logs[j] += 0.15
			}
		}
		r := PairedRatio(logs, 0.95)
		if r.CILow <= math.Exp(truth) && math.Exp(truth) <= r.CIHigh {
			covered++
		}
		for j := range logs {
			logs[j] -= truth
		}
		if PairedRatio(logs, 0.9).PEquivalent(0.02) < 0.05 {
			same++
		}
	}
	if cov := float64(covered) / runs; cov < 0.93 {
		t.Errorf("the 95%% interval held the true ratio in %.1f%% of %d reruns", 100*cov, runs)
	}
	if s := float64(same) / runs; s < 0.9 {
		t.Errorf("identical variants shown equivalent within ±2%% in %.1f%% of %d reruns", 100*s, runs)
	}
}
