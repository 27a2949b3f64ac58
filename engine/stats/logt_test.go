package stats

import (
	"math"
	"testing"
)

// Expected values from numpy 1.24 / scipy 1.10:
//
//	l = np.log(x); t = stats.t.ppf(0.975, n-1)
//	np.exp(l.mean() ± t*l.std(ddof=1)/np.sqrt(n))
var measOld = []float64{6.62e-6, 6.71e-6, 6.55e-6, 6.90e-6, 6.60e-6, 6.68e-6}

func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}

func TestGeoMeanCIScipy(t *testing.T) {
	e := GeoMeanCI(measOld, 0.95, 0)
	if e.N != 6 || e.Level != 0.95 ||
		!near(e.Centre, 6.675726716820083e-06, 1e-12) ||
		!near(e.CILow, 6.548521101166965e-06, 1e-9) ||
		!near(e.CIHigh, 6.80540331308145e-06, 1e-9) {
		t.Errorf("GeoMeanCI = %+v", e)
	}
}

// TestIntervalsTooFew: with fewer than two usable measurements neither
// estimator gives an interval, and the centre is the one usable value.
func TestIntervalsTooFew(t *testing.T) {
	for name, f := range map[string]func([]float64) Estimate{
		"GeoMeanCI":             func(xs []float64) Estimate { return GeoMeanCI(xs, 0.95, 0) },
		"GeoMeanCI with shared": func(xs []float64) Estimate { return GeoMeanCI(xs, 0.95, 0.01) },
		"MedianInterval":        func(xs []float64) Estimate { return MedianInterval(xs, 0.95, 0.01) },
	} {
		for _, xs := range [][]float64{nil, {5e-6}, {5e-6, math.NaN(), 0, -1, math.Inf(1)}} {
			e := f(xs)
			if !math.IsNaN(e.CILow) || !math.IsNaN(e.CIHigh) || e.Level != 0 {
				t.Errorf("%s(%v) = %+v, want no interval", name, xs, e)
			}
			if len(xs) > 0 && e.Centre != 5e-6 {
				t.Errorf("%s(%v).Centre = %v, want the one usable value", name, xs, e.Centre)
			}
		}
	}
}

func TestHolm(t *testing.T) {
	// R: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.5), "holm") =
	// 0.040 0.090 0.090 0.025 0.500 (by hand: sorted p times 5, 4, 3, 2,
	// 1, made monotone).
	got := Holm([]float64{0.01, 0.04, 0.03, 0.005, math.NaN(), 0.5})
	want := []float64{0.04, 0.09, 0.09, 0.025, math.NaN(), 0.5}
	for i := range want {
		if math.IsNaN(want[i]) != math.IsNaN(got[i]) || (!math.IsNaN(want[i]) && !near(got[i], want[i], 1e-12)) {
			t.Errorf("Holm[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestGeoMeanCIShared(t *testing.T) {
	e := GeoMeanCI(measOld, 0.95, 0) // checked against scipy above
	// half-width h on the log scale becomes √(h² + (t·0.01)²), t = t(0.975, 5) = 2.5706.
	g := GeoMeanCI(measOld, 0.95, 0.01)
	lo, hi := g.CILow, g.CIHigh
	h := math.Log(e.CIHigh / e.Centre)
	want := math.Hypot(h, 2.5705818366147395*0.01)
	if g.Centre != e.Centre || g.N != e.N || g.Level != e.Level {
		t.Errorf("widened by 1%%: %+v, want the centre, N and level of %+v", g, e)
	}
	if !near(math.Log(hi/e.Centre), want, 1e-9) || !near(math.Log(e.Centre/lo), want, 1e-9) {
		t.Errorf("widened by 1%%: [%v, %v], half-width %v, want %v", lo, hi, math.Log(hi/e.Centre), want)
	}
}
