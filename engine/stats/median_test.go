package stats

import (
	"math"
	"testing"
)

// Expected values from numpy 1.24 / scipy 1.10, on the
// logs l of each side (sorted, n = 6):
//
//	by order:  (l[5] − l[0]) / (2·norm.ppf((1 + 0.96875)/2))  (the range of 6 covers 1 − 2/2⁶)
//	by spread: sqrt(pi/2)·l.std(ddof=1)/sqrt(n)
//	SE = max of the two; interval median·exp(±t.ppf(0.975, n−1)·SE)
//	ratio: t with Welch–Satterthwaite df on SE_old², SE_new², n−1 a side
var measNew6 = []float64{7.10e-6, 7.02e-6, 7.25e-6, 6.98e-6, 7.30e-6, 7.15e-6}

func TestMedianLogSE(t *testing.T) {
	l := logSorted(positiveSorted(measOld))
	if got := MedianLogSE(l); !near(got, 0.012084352469431002, 1e-12) { // by order (> by spread 0.00938)
		t.Errorf("MedianLogSE(old) = %v", got)
	}
	// One slow measurement of nine: the order statistics ignore it
	// (0.0072), the spread does not (0.0567), and the SE is the larger.
	nine := logSorted(positiveSorted([]float64{10, 10.1, 9.9, 10.2, 9.8, 10, 10.1, 9.9, 15}))
	if got := MedianLogSE(nine); !near(got, 0.056705718870511644, 1e-12) {
		t.Errorf("MedianLogSE(nine with one slow) = %v", got)
	}
	if got := MedianLogSE([]float64{1}); !math.IsNaN(got) {
		t.Errorf("MedianLogSE of one = %v, want NaN", got)
	}
}

func TestMedianInterval(t *testing.T) {
	e := MedianInterval(measOld, 0.95, 0)
	if e.N != 6 || e.Level != 0.95 || !near(e.Centre, 6.65e-6, 1e-15) ||
		!near(e.CILow, 6.446601145307308e-06, 1e-9) || !near(e.CIHigh, 6.859816359538699e-06, 1e-9) {
		t.Errorf("MedianInterval(old) = %+v", e)
	}
	// The headline stays the median when a measurement lands in a slow
	// moment; the interval widens to what a rerun with a different share
	// of slow measurements could show.
	nine := MedianInterval([]float64{10, 10.1, 9.9, 10.2, 9.8, 10, 10.1, 9.9, 15}, 0.95, 0)
	if nine.Centre != 10 || !near(nine.CILow, 8.774251537116442, 1e-9) || !near(nine.CIHigh, 11.396983500756107, 1e-9) {
		t.Errorf("nine with one slow: %+v", nine)
	}
	// Unusable values are ignored.
	if u := MedianInterval(append([]float64{math.NaN(), 0, -1, math.Inf(1)}, measOld...), 0.95, 0); u != e {
		t.Errorf("with unusable values: %+v, want %+v", u, e)
	}
}

func TestMedianRatioScipy(t *testing.T) {
	r := MedianRatio(measOld, measNew6, 0.95, 0, 0)
	if r.NOld != 6 || r.NNew != 6 || r.TooFew() || r.Level != 0.95 ||
		!near(r.Ratio, 7.125/6.65, 1e-15) ||
		!near(r.SE, 0.015947148242870714, 1e-12) ||
		!near(r.DF, 9.784388185913462, 1e-12) ||
		!near(r.CILow, 1.0339164698617815, 1e-9) ||
		!near(r.CIHigh, 1.110301670527538, 1e-9) ||
		!near(r.P, 0.0015759889062437733, 1e-6) {
		t.Errorf("MedianRatio = %+v", r)
	}
	// One-sided: slower than 1.05× with confidence? p = 0.117: no.
	if p := r.PAbove(1.05); !near(p, 0.1172659373851759, 1e-6) {
		t.Errorf("PAbove(1.05) = %v", p)
	}
	// Swapping the sides inverts the ratio and its interval, same p.
	s := MedianRatio(measNew6, measOld, 0.95, 0, 0)
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
			for i := range old {
				old[i] = 1 + 0.01*float64(i%4) + 0.003*float64(i)
			}
			y := make([]float64, n)
			for i := range y {
				y[i] = old[(i+1)%n] * shift * (1 + 0.005*float64(i%2))
			}
			r := MedianRatio(old, y, 0.95, 0, 0)
			if excl := r.CILow > 1 || r.CIHigh < 1; excl != (r.P < 0.05) {
				t.Errorf("shift %v n %d: CI [%v, %v] but p = %v", shift, n, r.CILow, r.CIHigh, r.P)
			}
			if !(r.CILow <= r.Ratio && r.Ratio <= r.CIHigh) {
				t.Errorf("shift %v n %d: ratio %v outside its CI [%v, %v]", shift, n, r.Ratio, r.CILow, r.CIHigh)
			}
		}
	}
}

// TestMedianRatioContention: a config whose new measurements mostly landed
// while the machine was contended (1.5× slower, as measured on this
// project's VM) — with two still at full speed, showing the machine could
// run it as fast as before — is not called slower; the same config really
// 1.5× slower in every measurement is.
func TestMedianRatioContention(t *testing.T) {
	old := []float64{1.00, 1.01, 1.02, 1.01, 1.01, 1.00, 1.01, 1.02, 1.00}
	mixed := []float64{1.10, 1.54, 1.61, 1.79, 1.01, 1.53, 1.02, 1.55, 1.52}
	if r := MedianRatio(old, mixed, 0.95, 0, 0); r.P < 0.05/12 { // Holm's first step over 12 configs
		t.Errorf("contention called a change: %+v", r)
	}
	slow := make([]float64, len(old))
	for i, v := range old {
		slow[i] = 1.5 * v
	}
	if r := MedianRatio(old, slow, 0.95, 0, 0); !(r.P < 1e-6) || !(r.CILow > 1.4) {
		t.Errorf("a real 1.5× slowdown: %+v", r)
	}
}

func TestMedianRatioTooFew(t *testing.T) {
	// 3 against 3 (or 3 against 6): the ratio, but nothing concluded.
	for _, c := range [][2][]float64{{{1, 2, 3}, {2, 3, 4}}, {{1, 2, 3}, measNew6}} {
		r := MedianRatio(c[0], c[1], 0.95, 0, 0)
		if !r.TooFew() || !math.IsNaN(r.P) || !math.IsNaN(r.CILow) || r.Level != 0 || !math.IsNaN(r.PAbove(1)) {
			t.Errorf("%v vs %v: %+v, want too few", c[0], c[1], r)
		}
	}
	if r := MedianRatio([]float64{1, 2, 3}, []float64{2, 4, 6}, 0.95, 0, 0); r.Ratio != 2 {
		t.Errorf("ratio with too few = %v, want 2 (still shown)", r.Ratio)
	}
	same := MedianRatio([]float64{2, 2, 2, 2, 2, 2}, []float64{2, 2, 2, 2, 2, 2}, 0.95, 0, 0)
	if same.P != 1 || same.Ratio != 1 || same.CILow != 1 {
		t.Errorf("identical constant sides: %+v", same)
	}
	if none := MedianRatio(nil, measOld, 0.95, 0, 0); !math.IsNaN(none.Ratio) {
		t.Errorf("empty side: %+v", none)
	}
}

func TestUncontended(t *testing.T) {
	tests := []struct {
		name      string
		xs        []float64
		kept      []float64
		contended int
	}{
		// D=3 K=5 T=96 as measured on this project's VM, µs: four of nine
		// on a contended CPU.
		{"two clusters", []float64{18.1, 24.2, 18.5, 24.5, 19.3, 24.6, 18.5, 24.8, 25.6}, []float64{18.1, 18.5, 18.5, 19.3}, 5},
		{"one cluster, all kept", []float64{10, 10.3, 9.9, 10.8, 11.2}, []float64{9.9, 10, 10.3, 10.8, 11.2}, 0},
		{"fewer than three near the fastest: no cluster, all kept", []float64{18.3, 18.3, 21.5, 22.3, 23.6, 24.7}, []float64{18.3, 18.3, 21.5, 22.3, 23.6, 24.7}, 0},
		{"within 15% of the fastest is kept", []float64{100, 100, 100, 114.9, 115.1}, []float64{100, 100, 100, 114.9}, 1},
		{"unusable values dropped", []float64{math.NaN(), 0, 1, 1, 1, 2}, []float64{1, 1, 1}, 1},
		{"none", nil, []float64{}, 0},
	}
	for _, tc := range tests {
		kept, c := Uncontended(tc.xs, 0.15, 3)
		if c != tc.contended || len(kept) != len(tc.kept) {
			t.Errorf("%s: kept %v, %d contended; want %v, %d", tc.name, kept, c, tc.kept, tc.contended)
			continue
		}
		for i := range kept {
			if kept[i] != tc.kept[i] {
				t.Errorf("%s: kept %v, want %v", tc.name, kept, tc.kept)
				break
			}
		}
	}
}
