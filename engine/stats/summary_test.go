package stats

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func approx(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b || math.Abs(a-b) <= tol*math.Max(1, math.Abs(b))
}

// seq returns 1..n in a scrambled order, so tests also check that inputs
// need not be sorted.
func seq(n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64((i*7)%n + 1)
	}
	return xs
}

func TestMedianCI(t *testing.T) {
	// Coverage of [X(k), X(n+1-k)] is 1 - 2·P(B ≤ k-1), B ~ Binomial(n, ½),
	// computed by hand from the binomial coefficients:
	//
	//  n=10: C(10,0..2) = 1, 10, 45 over 2¹⁰ = 1024, so F(0) = 1/1024,
	//        F(1) = 11/1024, F(2) = 56/1024.
	//        k=2: 1 - 22/1024 = 1002/1024 = 0.978515625 ≥ 0.95;
	//        k=3: 1 - 112/1024 = 0.890625 < 0.95.
	//        Order statistics 2 and 9, as the classic table lists for n=10
	//        (e.g. Conover, Practical Nonparametric Statistics, Table A3).
	//  n=5:  k=1: 1 - 2/32 = 0.9375 < 0.95: 95% is unreachable, min/max.
	//  n=6:  k=1: 1 - 2/64 = 0.96875; k=2: 1 - 14/64 = 0.78125.
	//        (benchmath's test: "at n=6, the tails are 0.015625·2".)
	//  n=8 at 99%: k=1: 1 - 2/256 = 0.9921875.
	//  n=2:  k=1: 1 - 2·¼ = 0.5.
	//  n=1:  [X(1), X(1)] has coverage 1 - 2·½ = 0.
	//  n=100: tables give order statistics 40 and 61 at 95%; the exact
	//        coverage is 1 - 2·P(B ≤ 39) = 0.9647997997822952 (and k=41
	//        would give 0.9431 < 0.95), the sum of C(100,i)/2¹⁰⁰, i < 40.
	tests := []struct {
		n          int
		confidence float64
		lo, hi     float64
		achieved   float64
	}{
		{10, 0.95, 2, 9, 0.978515625},
		{5, 0.95, 1, 5, 0.9375},
		{6, 0.95, 1, 6, 0.96875},
		{6, 0.75, 2, 5, 0.78125},
		{8, 0.99, 1, 8, 0.9921875},
		{2, 0.5, 1, 2, 0.5},
		{1, 0.95, 1, 1, 0},
		{100, 0.95, 40, 61, 0.9647997997822952},
	}
	for _, tt := range tests {
		lo, hi, achieved := MedianCI(seq(tt.n), tt.confidence)
		if lo != tt.lo || hi != tt.hi || !approx(achieved, tt.achieved, 1e-12) {
			t.Errorf("MedianCI(1..%d, %v) = %v, %v, %v; want %v, %v, %v",
				tt.n, tt.confidence, lo, hi, achieved, tt.lo, tt.hi, tt.achieved)
		}
	}
}

func TestMedianCIDegenerate(t *testing.T) {
	if lo, hi, a := MedianCI(nil, 0.95); !math.IsNaN(lo) || !math.IsNaN(hi) || !math.IsNaN(a) {
		t.Errorf("MedianCI(nil) = %v, %v, %v; want NaNs", lo, hi, a)
	}
	if lo, hi, a := MedianCI([]float64{math.NaN(), math.NaN()}, 0.95); !math.IsNaN(lo) || !math.IsNaN(hi) || !math.IsNaN(a) {
		t.Errorf("MedianCI(NaN, NaN) = %v, %v, %v; want NaNs", lo, hi, a)
	}
	if lo, hi, _ := MedianCI([]float64{3, 3, 3, 3, 3, 3, 3}, 0.95); lo != 3 || hi != 3 {
		t.Errorf("MedianCI(all 3) = %v, %v; want 3, 3", lo, hi)
	}
	// Requesting certainty cannot be met by any finite sample: min/max.
	if lo, hi, a := MedianCI(seq(10), 1); lo != 1 || hi != 10 || a != 1-2.0/1024 {
		t.Errorf("MedianCI(1..10, 1) = %v, %v, %v; want 1, 10, %v", lo, hi, a, 1-2.0/1024)
	}
	// No confidence asked: the narrowest symmetric interval, the middle.
	if lo, hi, _ := MedianCI(seq(10), 0); lo != 5 || hi != 6 {
		t.Errorf("MedianCI(1..10, 0) = %v, %v; want 5, 6", lo, hi)
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{7}, 7},
		{[]float64{1, math.NaN(), 3}, 2}, // NaN ignored
		{[]float64{math.MaxFloat64, math.MaxFloat64 / 2}, 0.75 * math.MaxFloat64},
		{nil, math.NaN()},
	}
	for _, tt := range tests {
		if got := Median(tt.xs); !approx(got, tt.want, 1e-15) {
			t.Errorf("Median(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
}

func TestTukey(t *testing.T) {
	// Quartiles are Hyndman–Fan type 7, numpy.percentile's default: the
	// p-quantile of sorted x[0..n-1] is at h = (n-1)·p, interpolated
	// linearly between x[⌊h⌋] and x[⌊h⌋+1]. Worked by hand:
	//
	//  {1..9, 100}: n=10; Q1 at h=2.25: 3 + .25·(4-3) = 3.25; Q3 at
	//   h=6.75: 7 + .75·(8-7) = 7.75; IQR 4.5; fences 3.25-6.75 = -3.5,
	//   7.75+6.75 = 14.5; 100 is outside. (numpy.percentile gives
	//   [3.25, 7.75].)
	//  {-50, 1..7, 50}: n=9; Q1 at h=2: 2; Q3 at h=6: 6; IQR 4; fences
	//   -4, 12; -50 and 50 are outside.
	//  {1..5}: Q1 = 2, Q3 = 4, fences -1, 7; nothing outside.
	//  {5,5,5,5}: IQR 0, fences 5, 5; nothing strictly outside.
	tests := []struct {
		xs       []float64
		q1, q3   float64
		lo, hi   float64
		outliers int
	}{
		{[]float64{100, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 3.25, 7.75, -3.5, 14.5, 1},
		{[]float64{50, -50, 1, 2, 3, 4, 5, 6, 7}, 2, 6, -4, 12, 2},
		{[]float64{1, 2, 3, 4, 5}, 2, 4, -1, 7, 0},
		{[]float64{5, 5, 5, 5}, 5, 5, 5, 5, 0},
		{[]float64{5, 5, 5, 5, 6}, 5, 5, 5, 5, 1},
	}
	for _, tt := range tests {
		lo, hi := TukeyFences(tt.xs)
		if !approx(lo, tt.lo, 1e-15) || !approx(hi, tt.hi, 1e-15) {
			t.Errorf("TukeyFences(%v) = %v, %v; want %v, %v", tt.xs, lo, hi, tt.lo, tt.hi)
		}
		if got := CountOutliers(tt.xs); got != tt.outliers {
			t.Errorf("CountOutliers(%v) = %d, want %d", tt.xs, got, tt.outliers)
		}
		s := Summarize(tt.xs, DefaultConfidence)
		if !approx(s.Q1, tt.q1, 1e-15) || !approx(s.Q3, tt.q3, 1e-15) || s.Outliers != tt.outliers {
			t.Errorf("Summarize(%v): Q1, Q3, Outliers = %v, %v, %d; want %v, %v, %d",
				tt.xs, s.Q1, s.Q3, s.Outliers, tt.q1, tt.q3, tt.outliers)
		}
	}
	if lo, hi := TukeyFences(nil); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("TukeyFences(nil) = %v, %v; want NaN, NaN", lo, hi)
	}
	if n := CountOutliers(nil); n != 0 {
		t.Errorf("CountOutliers(nil) = %d, want 0", n)
	}
}

func TestSummarize(t *testing.T) {
	xs := []float64{100, 9, 8, 7, 6, 5, 4, 3, 2, 1}
	orig := slices.Clone(xs)
	s := Summarize(xs, 0.95)
	if !slices.Equal(xs, orig) {
		t.Errorf("Summarize modified its input: %v", xs)
	}
	// Median of 1..9,100 is (5+6)/2; CI order statistics 2 and 9 (see
	// TestMedianCI); mean 145/10.
	want := Summary{N: 10, Median: 5.5, CILow: 2, CIHigh: 9, Confidence: 0.978515625,
		Outliers: 1, Q1: 3.25, Q3: 7.75, Mean: 14.5}
	if !summariesClose(s, want) {
		t.Errorf("Summarize = %+v\nwant        %+v", s, want)
	}

	// NaN samples are ignored and N counts the rest.
	s = Summarize([]float64{math.NaN(), 2, 1, math.NaN(), 3}, 0.95)
	want = Summary{N: 3, Median: 2, CILow: 1, CIHigh: 3, Confidence: 0.75, Q1: 1.5, Q3: 2.5, Mean: 2}
	if !summariesClose(s, want) {
		t.Errorf("Summarize with NaNs = %+v\nwant                  %+v", s, want)
	}

	// Empty: every statistic NaN.
	s = Summarize(nil, 0.95)
	if s.N != 0 || s.Outliers != 0 || s.Confidence != 0 {
		t.Errorf("Summarize(nil) counts = %+v", s)
	}
	for name, v := range map[string]float64{"Median": s.Median, "CILow": s.CILow, "CIHigh": s.CIHigh, "Q1": s.Q1, "Q3": s.Q3, "Mean": s.Mean} {
		if !math.IsNaN(v) {
			t.Errorf("Summarize(nil).%s = %v, want NaN", name, v)
		}
	}

	// One sample and all-equal samples are exact and quiet.
	s = Summarize([]float64{0.25}, 0.95)
	want = Summary{N: 1, Median: 0.25, CILow: 0.25, CIHigh: 0.25, Confidence: 0, Q1: 0.25, Q3: 0.25, Mean: 0.25}
	if !summariesClose(s, want) {
		t.Errorf("Summarize(one) = %+v\nwant             %+v", s, want)
	}
	s = Summarize([]float64{2, 2, 2, 2, 2, 2, 2, 2}, 0.95)
	if s.Median != 2 || s.CILow != 2 || s.CIHigh != 2 || s.Outliers != 0 {
		t.Errorf("Summarize(all 2) = %+v", s)
	}
	if noisy, why := s.Noisy(); noisy {
		t.Errorf("all-equal samples are noisy: %s", why)
	}
}

func summariesClose(a, b Summary) bool {
	return a.N == b.N && a.Outliers == b.Outliers &&
		approx(a.Median, b.Median, 1e-12) && approx(a.CILow, b.CILow, 1e-12) &&
		approx(a.CIHigh, b.CIHigh, 1e-12) && approx(a.Confidence, b.Confidence, 1e-12) &&
		approx(a.Q1, b.Q1, 1e-12) && approx(a.Q3, b.Q3, 1e-12) && approx(a.Mean, b.Mean, 1e-12)
}

func TestNoisy(t *testing.T) {
	tests := []struct {
		name  string
		s     Summary
		noisy bool
		why   string // substring of the reason
	}{
		{"tight", Summary{N: 100, Median: 1, CILow: 0.98, CIHigh: 1.02, Outliers: 5, Mean: 1}, false, ""},
		{"harmless outliers", Summary{N: 100, Median: 1, CILow: 0.99, CIHigh: 1.01, Outliers: 20, Mean: 1.03}, false, ""},
		{"wide high side", Summary{N: 100, Median: 1, CILow: 0.99, CIHigh: 1.06}, true, "CI ±6.0% of median"},
		{"wide low side", Summary{N: 100, Median: 2, CILow: 1.8, CIHigh: 2.01}, true, "CI ±10.0% of median"},
		{"outliers", Summary{N: 100, Median: 1, CILow: 0.99, CIHigh: 1.01, Outliers: 11, Mean: 1.2}, true, "11 of 100 samples are outliers, mean +20% off the median"},
		{"both", Summary{N: 10, Median: 1, CILow: 0.5, CIHigh: 1.5, Outliers: 2, Mean: 1.5}, true, "CI ±50.0% of median; 2 of 10"},
		{"empty", Summary{}, true, "no samples"},
		{"zero median", Summary{N: 9, Median: 0, CILow: -1, CIHigh: 1}, true, "unbounded"},
		{"exact zero", Summary{N: 9}, false, ""},
	}
	for _, tt := range tests {
		noisy, why := tt.s.Noisy()
		if noisy != tt.noisy || !strings.Contains(why, tt.why) || (!noisy && why != "") {
			t.Errorf("%s: Noisy() = %v, %q; want %v, containing %q", tt.name, noisy, why, tt.noisy, tt.why)
		}
	}
}

// FuzzSummarize checks that Summarize never panics and, for finite
// samples, keeps its statistics in order.
func FuzzSummarize(f *testing.F) {
	f.Add(floatBytes(1, 2, 3, 4, 5), 0.95)
	f.Add(floatBytes(), 0.95)
	f.Add(floatBytes(math.NaN(), math.Inf(1), math.Inf(-1)), 0.5)
	f.Add(floatBytes(math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64), 0.99)
	f.Add(floatBytes(5e-324, 5e-324, 1e-323, 0), 0.0)
	f.Add(floatBytes(1, 1, 1, 1, 1, 1, 1, 1, 1, 100), 1.0)
	f.Fuzz(func(t *testing.T, data []byte, confidence float64) {
		xs := bytesFloats(data)
		s := Summarize(xs, confidence)
		s.Noisy()
		MannWhitney(xs, xs[len(xs)/2:])
		Compare(xs, xs[len(xs)/2:], confidence)
		finite := 0
		for _, x := range xs {
			if math.IsInf(x, 0) {
				return
			}
			if !math.IsNaN(x) {
				finite++
			}
		}
		if s.N != finite || s.Outliers < 0 || s.Outliers > s.N {
			t.Fatalf("Summarize(%v): N=%d Outliers=%d with %d finite samples", xs, s.N, s.Outliers, finite)
		}
		if s.N == 0 || math.IsNaN(confidence) {
			return
		}
		if !(s.CILow <= s.Median && s.Median <= s.CIHigh) {
			t.Fatalf("Summarize(%v, %v): CI [%v, %v] does not hold median %v", xs, confidence, s.CILow, s.CIHigh, s.Median)
		}
		if !(s.Q1 <= s.Median && s.Median <= s.Q3) {
			t.Fatalf("Summarize(%v): median %v outside [Q1, Q3] = [%v, %v]", xs, s.Median, s.Q1, s.Q3)
		}
		if !(s.Confidence >= 0 && s.Confidence <= 1) {
			t.Fatalf("Summarize(%v): confidence %v", xs, s.Confidence)
		}
	})
}

func floatBytes(xs ...float64) []byte {
	b := make([]byte, 0, 8*len(xs))
	for _, x := range xs {
		u := math.Float64bits(x)
		for i := range 8 {
			b = append(b, byte(u>>(8*i)))
		}
	}
	return b
}

func bytesFloats(b []byte) []float64 {
	xs := make([]float64, 0, len(b)/8)
	for len(b) >= 8 {
		var u uint64
		for i := range 8 {
			u |= uint64(b[i]) << (8 * i)
		}
		xs = append(xs, math.Float64frombits(u))
		b = b[8:]
	}
	return xs
}

func BenchmarkSummarize(b *testing.B) {
	xs := make([]float64, 1000)
	for i := range xs {
		// Deterministic, skewed, with a few slow epochs, like timings.
		xs[i] = 40e-6 * (1 + 0.1*math.Sin(float64(i)) + float64(i%97/96)*2)
	}
	b.ReportAllocs()
	for b.Loop() {
		Summarize(xs, DefaultConfidence)
	}
}
