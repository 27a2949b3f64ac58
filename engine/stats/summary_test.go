package stats

import (
	"math"
	"slices"
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

func TestMedianCISorted(t *testing.T) {
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
		lo, hi, achieved := medianCISorted(sortedCopy(seq(tt.n)), tt.confidence)
		if lo != tt.lo || hi != tt.hi || !approx(achieved, tt.achieved, 1e-12) {
			t.Errorf("medianCISorted(1..%d, %v) = %v, %v, %v; want %v, %v, %v",
				tt.n, tt.confidence, lo, hi, achieved, tt.lo, tt.hi, tt.achieved)
		}
	}
}

func TestMedianCISortedDegenerate(t *testing.T) {
	if lo, hi, a := medianCISorted([]float64{1, 2, 3}, math.NaN()); !math.IsNaN(lo) || !math.IsNaN(hi) || !math.IsNaN(a) {
		t.Errorf("medianCISorted(1..3, NaN) = %v, %v, %v; want NaNs", lo, hi, a)
	}
	if lo, hi, _ := medianCISorted([]float64{3, 3, 3, 3, 3, 3, 3}, 0.95); lo != 3 || hi != 3 {
		t.Errorf("medianCISorted(all 3) = %v, %v; want 3, 3", lo, hi)
	}
	// Requesting certainty cannot be met by any finite sample: min/max.
	if lo, hi, a := medianCISorted(sortedCopy(seq(10)), 1); lo != 1 || hi != 10 || a != 1-2.0/1024 {
		t.Errorf("medianCISorted(1..10, 1) = %v, %v, %v; want 1, 10, %v", lo, hi, a, 1-2.0/1024)
	}
	// No confidence asked: the narrowest symmetric interval, the middle.
	if lo, hi, _ := medianCISorted(sortedCopy(seq(10)), 0); lo != 5 || hi != 6 {
		t.Errorf("medianCISorted(1..10, 0) = %v, %v; want 5, 6", lo, hi)
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
	xs := []float64{100, 9, 8, 7, 6, 5, 4, 3, 2, 1}
	orig := slices.Clone(xs)
	if got := Median(xs); got != 5.5 || !slices.Equal(xs, orig) {
		t.Errorf("Median(%v) = %v and left %v; want 5.5 and the input untouched", orig, got, xs)
	}
}

func TestQuantileSorted(t *testing.T) {
	// Quantiles are Hyndman–Fan type 7, numpy.percentile's default: the
	// p-quantile of sorted x[0..n-1] is at h = (n-1)·p, interpolated
	// linearly between x[⌊h⌋] and x[⌊h⌋+1]. Worked by hand:
	//
	//  {1..9, 100}: n=10; Q1 at h=2.25: 3 + .25·(4-3) = 3.25; median at
	//   h=4.5: 5.5; Q3 at h=6.75: 7 + .75·(8-7) = 7.75. (numpy.percentile
	//   gives [3.25, 5.5, 7.75].)
	//  {-50, 1..7, 50}: n=9; Q1 at h=2: 2; median at h=4: 4; Q3 at h=6: 6.
	//  {1..5}: Q1 = 2, median 3, Q3 = 4.
	//  {5,5,5,5}, {5,5,5,5,6}: all 5.
	tests := []struct {
		xs          []float64
		q1, med, q3 float64
	}{
		{[]float64{100, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 3.25, 5.5, 7.75},
		{[]float64{50, -50, 1, 2, 3, 4, 5, 6, 7}, 2, 4, 6},
		{[]float64{1, 2, 3, 4, 5}, 2, 3, 4},
		{[]float64{5, 5, 5, 5}, 5, 5, 5},
		{[]float64{5, 5, 5, 5, 6}, 5, 5, 5},
	}
	for _, tt := range tests {
		s := sortedCopy(tt.xs)
		q1, med, q3 := quantileSorted(s, 0.25), quantileSorted(s, 0.5), quantileSorted(s, 0.75)
		if !approx(q1, tt.q1, 1e-15) || !approx(med, tt.med, 1e-15) || !approx(q3, tt.q3, 1e-15) {
			t.Errorf("quantileSorted(%v) at ¼, ½, ¾ = %v, %v, %v; want %v, %v, %v", tt.xs, q1, med, q3, tt.q1, tt.med, tt.q3)
		}
		if m := medianSorted(s); m != med {
			t.Errorf("medianSorted(%v) = %v, want the ½ quantile %v", s, m, med)
		}
	}
}

// FuzzMedian checks that the order statistics never panic and, for finite
// samples, keep their results in order: the median inside its interval and
// between the quartiles, the coverage a probability.
func FuzzMedian(f *testing.F) {
	f.Add(floatBytes(1, 2, 3, 4, 5), 0.95)
	f.Add(floatBytes(), 0.95)
	f.Add(floatBytes(math.NaN(), math.Inf(1), math.Inf(-1)), 0.5)
	f.Add(floatBytes(math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64), 0.99)
	f.Add(floatBytes(5e-324, 5e-324, 1e-323, 0), 0.0)
	f.Add(floatBytes(1, 1, 1, 1, 1, 1, 1, 1, 1, 100), 1.0)
	f.Fuzz(func(t *testing.T, data []byte, confidence float64) {
		xs := bytesFloats(data)
		med := Median(xs)
		MannWhitney(xs, xs[len(xs)/2:])
		MedianInterval(xs, confidence, 0.01)
		MedianRatio(xs, xs[len(xs)/2:], confidence, 0.01, 0)
		GeoMeanCI(xs, confidence, 0.01)
		s := sortedCopy(xs)
		finite := 0
		for _, x := range xs {
			if math.IsInf(x, 0) {
				return
			}
			if !math.IsNaN(x) {
				finite++
			}
		}
		if len(s) != finite {
			t.Fatalf("sortedCopy(%v) kept %d values, want the %d finite ones", xs, len(s), finite)
		}
		if finite == 0 {
			if !math.IsNaN(med) {
				t.Fatalf("Median(%v) = %v, want NaN", xs, med)
			}
			return
		}
		if q1, q3 := quantileSorted(s, 0.25), quantileSorted(s, 0.75); !(q1 <= med && med <= q3) {
			t.Fatalf("Median(%v) = %v outside [Q1, Q3] = [%v, %v]", xs, med, q1, q3)
		}
		if math.IsNaN(confidence) {
			return
		}
		lo, hi, achieved := medianCISorted(s, confidence)
		if !(lo <= med && med <= hi) {
			t.Fatalf("medianCISorted(%v, %v): CI [%v, %v] does not hold median %v", s, confidence, lo, hi, med)
		}
		if !(achieved >= 0 && achieved <= 1) {
			t.Fatalf("medianCISorted(%v, %v): coverage %v", s, confidence, achieved)
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
