package stats

import (
	"math"
	"testing"
)

// Hand-checked (Python's statistics.NormalDist for the normal quantiles):
// old sorted 6.55 6.60 6.62 6.68 6.71 6.90 (µs), median 6.65; new sorted
// 6.98 7.02 7.10 7.15 7.25 7.30, median 7.125; ratio 7.125/6.65. With 6
// measurements the median interval is [min, max], covering 1-2/2⁶ =
// 0.96875, so z = Φ⁻¹(0.984375) = 2.15387 and each SE is
// (ln max − ln min)/(2z); SE of the log ratio 0.0159471.
var measNew6 = []float64{7.10e-6, 7.02e-6, 7.25e-6, 6.98e-6, 7.30e-6, 7.15e-6}

func TestMedianInterval(t *testing.T) {
	tests := []struct {
		name           string
		xs             []float64
		centre, lo, hi float64
		level          float64
	}{
		{"six: the range, 96.9%", measOld, (6.62e-6 + 6.68e-6) / 2, 6.55e-6, 6.90e-6, 0.96875},
		{"nine: second to eighth, 96.1%", []float64{9, 1, 8, 2, 7, 3, 6, 4, 5}, 5, 2, 8, 1 - 2*10.0/512},
		{"twelve: third to tenth", []float64{12, 1, 11, 2, 10, 3, 9, 4, 8, 5, 7, 6}, 6.5, 3, 10, 1 - 2*(1+12+66.0)/4096},
		{"five cannot reach 95%: the range, labelled 93.8%", []float64{5, 1, 4, 2, 3}, 3, 1, 5, 1 - 2.0/32},
		{"unusable values are ignored", []float64{2, math.NaN(), 0, -1, math.Inf(1), 1, 3, 4, 5, 6}, 3.5, 1, 6, 0.96875},
	}
	for _, tc := range tests {
		e := MedianInterval(tc.xs, 0.95)
		if !near(e.Centre, tc.centre, 1e-15) || e.CILow != tc.lo || e.CIHigh != tc.hi || !near(e.Level, tc.level, 1e-12) {
			t.Errorf("%s: MedianInterval = %+v, want %v [%v, %v] at %v", tc.name, e, tc.centre, tc.lo, tc.hi, tc.level)
		}
	}
	// One outlier (a measurement in a contended moment, 1.5× slower) moves
	// neither the median nor, with nine, the interval; the geometric mean
	// and its t interval move.
	nine := []float64{10, 10.1, 9.9, 10.2, 9.8, 10, 10.1, 9.9, 15}
	m := MedianInterval(nine, 0.95)
	if m.Centre != 10 || m.CILow != 9.9 || m.CIHigh != 10.2 {
		t.Errorf("nine with one slow: %+v, want 10 [9.9, 10.2]", m)
	}
	if g := LogTInterval(nine, 0.95); !(g.Centre > 10.4 && g.CIHigh > 11) {
		t.Errorf("the geometric mean was expected to move: %+v", g)
	}
	for _, xs := range [][]float64{nil, {5e-6}, {5e-6, math.NaN(), 0, -1, math.Inf(1)}} {
		e := MedianInterval(xs, 0.95)
		if !math.IsNaN(e.CILow) || !math.IsNaN(e.CIHigh) || e.Level != 0 {
			t.Errorf("MedianInterval(%v) = %+v, want no interval", xs, e)
		}
		if len(xs) > 0 && e.Centre != 5e-6 {
			t.Errorf("MedianInterval(%v).Centre = %v, want the one usable value", xs, e.Centre)
		}
	}
}

func TestMedianRatioHandChecked(t *testing.T) {
	r := MedianRatio(measOld, measNew6, 0.95)
	if r.NOld != 6 || r.NNew != 6 || r.TooFew() || !math.IsInf(r.DF, 1) || r.Level != 0.95 ||
		!near(r.Ratio, 7.125/6.65, 1e-15) ||
		!near(r.SE, 0.01594714824287045, 1e-12) ||
		!near(r.CILow, 1.038458119116508, 1e-12) ||
		!near(r.CIHigh, 1.1054458167750876, 1e-12) ||
		!near(r.P, 1.5160363483701644e-05, 1e-6) {
		t.Errorf("MedianRatio = %+v", r)
	}
	// One-sided: is it slower than 1.05× with confidence? p = 0.1026: no.
	if p := r.PAbove(1.05); !near(p, 0.10260376337252375, 1e-9) {
		t.Errorf("PAbove(1.05) = %v", p)
	}
	// Swapping the sides inverts the ratio and its interval, same p.
	s := MedianRatio(measNew6, measOld, 0.95)
	if !near(s.Ratio, 1/r.Ratio, 1e-12) || !near(s.CILow, 1/r.CIHigh, 1e-12) || !near(s.P, r.P, 1e-12) {
		t.Errorf("swapped = %+v", s)
	}
}

// TestMedianRatioConsistent checks the property the comparison relies on:
// the printed ratio is inside its interval, and the interval excludes 1
// exactly when p < 0.05 — one statistic, so a verdict cannot contradict
// the ratio.
func TestMedianRatioConsistent(t *testing.T) {
	for _, shift := range []float64{1, 1.005, 1.01, 1.02, 1.03, 1.05, 0.97} {
		for _, n := range []int{6, 7, 9, 10} {
			old := make([]float64, n)
			y := make([]float64, n)
			for i := range old {
				old[i] = 1 + 0.01*float64(i%4) + 0.003*float64(i)
			}
			for i := range y {
				y[i] = old[(i+1)%n] * shift * (1 + 0.005*float64(i%2))
			}
			r := MedianRatio(old, y, 0.95)
			if excl := r.CILow > 1 || r.CIHigh < 1; excl != (r.P < 0.05) {
				t.Errorf("shift %v n %d: CI [%v, %v] but p = %v", shift, n, r.CILow, r.CIHigh, r.P)
			}
			if !(r.CILow <= r.Ratio && r.Ratio <= r.CIHigh) {
				t.Errorf("shift %v n %d: ratio %v outside its CI [%v, %v]", shift, n, r.Ratio, r.CILow, r.CIHigh)
			}
		}
	}
}

func TestMedianRatioTooFew(t *testing.T) {
	// 3 against 3 (or 5 against 6): the ratio, but nothing concluded.
	for _, c := range [][2][]float64{{{1, 2, 3}, {2, 3, 4}}, {{1, 2, 3, 4, 5}, measNew6}} {
		r := MedianRatio(c[0], c[1], 0.95)
		if !r.TooFew() || !math.IsNaN(r.P) || !math.IsNaN(r.CILow) || r.Level != 0 || !math.IsNaN(r.PAbove(1)) {
			t.Errorf("%v vs %v: %+v, want too few", c[0], c[1], r)
		}
	}
	if r := MedianRatio([]float64{1, 2, 3}, []float64{2, 4, 6}, 0.95); r.Ratio != 2 {
		t.Errorf("ratio with too few = %v, want 2 (still shown)", r.Ratio)
	}
	same := MedianRatio([]float64{2, 2, 2, 2, 2, 2}, []float64{2, 2, 2, 2, 2, 2}, 0.95)
	if same.P != 1 || same.Ratio != 1 || same.CILow != 1 {
		t.Errorf("identical constant sides: %+v", same)
	}
	if none := MedianRatio(nil, measOld, 0.95); !math.IsNaN(none.Ratio) {
		t.Errorf("empty side: %+v", none)
	}
}
