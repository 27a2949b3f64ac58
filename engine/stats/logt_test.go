package stats

import (
	"math"
	"testing"
)

// Expected values from numpy 1.24 / scipy 1.10 (/usr/bin/python3):
//
//	l = np.log(x); t = stats.t.ppf(0.975, n-1)
//	np.exp(l.mean() ± t*l.std(ddof=1)/np.sqrt(n))
//	stats.ttest_ind(np.log(y), np.log(x), equal_var=False).pvalue
var (
	measOld = []float64{6.62e-6, 6.71e-6, 6.55e-6, 6.90e-6, 6.60e-6, 6.68e-6}
	measNew = []float64{7.10e-6, 7.02e-6, 7.25e-6, 6.98e-6, 7.30e-6}
)

func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}

func TestLogTIntervalScipy(t *testing.T) {
	e := LogTInterval(measOld, 0.95)
	if e.N != 6 || e.Level != 0.95 ||
		!near(e.Centre, 6.675726716820083e-06, 1e-12) ||
		!near(e.CILow, 6.548521101166965e-06, 1e-9) ||
		!near(e.CIHigh, 6.80540331308145e-06, 1e-9) {
		t.Errorf("LogTInterval = %+v", e)
	}
}

func TestLogTIntervalTooFew(t *testing.T) {
	for _, xs := range [][]float64{nil, {5e-6}, {5e-6, math.NaN(), 0, -1, math.Inf(1)}} {
		e := LogTInterval(xs, 0.95)
		if !math.IsNaN(e.CILow) || !math.IsNaN(e.CIHigh) || e.Level != 0 {
			t.Errorf("LogTInterval(%v) = %+v, want no interval", xs, e)
		}
		if len(xs) > 0 && e.Centre != 5e-6 {
			t.Errorf("LogTInterval(%v).Centre = %v, want the one usable value", xs, e.Centre)
		}
	}
}

func TestWelchLogRatioScipy(t *testing.T) {
	r := WelchLogRatio(measOld, measNew, 0.95)
	if r.NOld != 6 || r.NNew != 5 || r.TooFew() ||
		!near(r.P, 0.00038849127058922803, 1e-6) ||
		!near(r.DF, 8.379006175513302, 1e-9) ||
		!near(r.Ratio, 1.0678833133243586, 1e-12) ||
		!near(r.CILow, 1.040045842977667, 1e-9) ||
		!near(r.CIHigh, 1.0964658707847919, 1e-9) {
		t.Errorf("WelchLogRatio = %+v", r)
	}
	// Swapping the sides inverts the ratio and its interval, same p.
	s := WelchLogRatio(measNew, measOld, 0.95)
	if !near(s.Ratio, 1/r.Ratio, 1e-12) || !near(s.CILow, 1/r.CIHigh, 1e-12) || !near(s.P, r.P, 1e-12) {
		t.Errorf("swapped = %+v", s)
	}
	// The interval excludes 1 exactly when p < 0.05: one test, one scale.
	for _, shift := range []float64{1, 1.005, 1.01, 1.02, 1.03, 1.05} {
		y := make([]float64, len(measOld))
		for i, v := range measOld {
			y[i] = v * shift * (1 + 0.01*float64(i%2))
		}
		r := WelchLogRatio(measOld, y, 0.95)
		if excl := r.CILow > 1 || r.CIHigh < 1; excl != (r.P < 0.05) {
			t.Errorf("shift %v: CI [%v, %v] but p = %v", shift, r.CILow, r.CIHigh, r.P)
		}
		if !(r.CILow <= r.Ratio && r.Ratio <= r.CIHigh) {
			t.Errorf("shift %v: ratio %v outside its CI [%v, %v]", shift, r.Ratio, r.CILow, r.CIHigh)
		}
	}
}

func TestWelchLogRatioTooFew(t *testing.T) {
	r := WelchLogRatio([]float64{1, 2, 3}, []float64{2}, 0.95)
	if !r.TooFew() || !math.IsNaN(r.P) || !math.IsNaN(r.CILow) || r.Level != 0 || !near(r.Ratio, 2/math.Cbrt(6), 1e-12) {
		t.Errorf("one new measurement: %+v", r)
	}
	same := WelchLogRatio([]float64{2, 2}, []float64{2, 2}, 0.95)
	if same.P != 1 || same.Ratio != 1 || same.CILow != 1 {
		t.Errorf("identical constant sides: %+v", same)
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
