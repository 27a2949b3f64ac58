package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestCompareHand(t *testing.T) {
	// old = e^0..e^4 and new = e^0.5..e^4.5, so the 25 log differences are
	// (j - i) + 0.5 for i, j in 0..4: the values -3.5 … 4.5 with
	// multiplicities 1, 2, 3, 4, 5, 4, 3, 2, 1.
	//
	// Critical value for sizes 5, 5 at 95% (two-sided): P(U ≤ 2) = 4/252
	// ≤ 0.025 < P(U ≤ 3) = 7/252, so K = 3 (published tables: critical U
	// = 2). The interval runs from the 3rd smallest difference, -2.5, to
	// the 23rd, 3.5.
	//
	// U(old) = #{e^i > e^(j+0.5)} = #{j < i} = 0+1+2+3+4 = 10; partitions
	// of u in a 5×5 box for u = 0..10 number 1, 1, 2, 3, 5, 7, 9, 11, 14,
	// 16, 18, total 87, so p = 2·87/252. Medians e^2 and e^2.5: ratio e^½.
	var old, new []float64
	for i := range 5 {
		old = append(old, math.Exp(float64(i)))
		new = append(new, math.Exp(float64(i)+0.5))
	}
	c := Compare(old, new, 0.95)
	want := Comparison{Ratio: math.Exp(0.5), CILow: math.Exp(-2.5), CIHigh: math.Exp(3.5), P: 2 * 87.0 / 252, NOld: 5, NNew: 5}
	if !comparisonsClose(c, want) {
		t.Errorf("Compare = %+v\nwant      %+v", c, want)
	}
}

func comparisonsClose(a, b Comparison) bool {
	return a.NOld == b.NOld && a.NNew == b.NNew && approx(a.Ratio, b.Ratio, 1e-12) &&
		approx(a.CILow, b.CILow, 1e-12) && approx(a.CIHigh, b.CIHigh, 1e-12) && approx(a.P, b.P, 1e-12)
}

func TestCompareAgreesWithTest(t *testing.T) {
	// The Moses interval inverts the Mann–Whitney test, so for tie-free
	// samples "CI excludes 1" and "p ≤ α" must agree, on both the exact
	// (≤ 50) and the normal-approximation path.
	for _, n := range []int{4, 5, 8, 20, 60} {
		for f := 0.80; f <= 1.25; f += 0.005 {
			var old, new []float64
			for i := range n {
				old = append(old, 1+0.37*float64(i)+0.001*math.Sqrt(float64(i)))
				new = append(new, f*(1+0.37*float64(i)+0.0137))
			}
			c := Compare(old, new, 0.95)
			excludes := c.CILow > 1 || c.CIHigh < 1
			if excludes != (c.P <= 0.05) {
				t.Errorf("n=%d f=%.3f: CI [%v, %v] but p = %v", n, f, c.CILow, c.CIHigh, c.P)
			}
			if !(c.CILow <= c.CIHigh) {
				t.Errorf("n=%d f=%.3f: CI [%v, %v] inverted", n, f, c.CILow, c.CIHigh)
			}
		}
	}
}

func TestCompareLarge(t *testing.T) {
	// 2000 × 3000 = 6M pairs: the interval must come without m·n memory,
	// tight around the true 1.1× shift.
	old := make([]float64, 2000)
	for i := range old {
		old[i] = 1 + float64(i)/2000
	}
	new := make([]float64, 3000)
	for i := range new {
		new[i] = 1.1 * (1 + (float64(i)+0.5)/3000)
	}
	c := Compare(old, new, 0.95)
	if !(c.CILow <= c.Ratio && c.Ratio <= c.CIHigh) || c.CIHigh-c.CILow > 0.05 || !(c.P < 1e-10) {
		t.Errorf("Compare(large) = %+v", c)
	}
	if !approx(c.Ratio, 1.1*1.5/1.49975, 1e-12) {
		t.Errorf("Ratio = %v, want %v", c.Ratio, 1.1*1.5/1.49975)
	}
}

func TestCompareDegenerate(t *testing.T) {
	c := Compare(nil, []float64{1, 2}, 0.95)
	if c.NOld != 0 || c.NNew != 2 || !math.IsNaN(c.Ratio) || !math.IsNaN(c.CILow) || !math.IsNaN(c.P) {
		t.Errorf("Compare(nil, ·) = %+v", c)
	}
	// Zero times have no logarithm: ratio and p, no interval.
	c = Compare([]float64{0, 1, 2}, []float64{2, 3, 4}, 0.95)
	if c.Ratio != 3 || !math.IsNaN(c.CILow) || !math.IsNaN(c.CIHigh) || math.IsNaN(c.P) {
		t.Errorf("Compare(with 0) = %+v", c)
	}
	// Identical samples: ratio 1, p 1, interval holding 1.
	same := []float64{3, 1, 2, 5, 4}
	c = Compare(same, same, 0.95)
	if c.Ratio != 1 || c.P != 1 || !(c.CILow <= 1 && 1 <= c.CIHigh) {
		t.Errorf("Compare(same, same) = %+v", c)
	}
	// Too small for 95% (3 and 3): the whole range of pairwise ratios.
	c = Compare([]float64{1, 2, 4}, []float64{8, 16, 32}, 0.95)
	if c.CILow != 2 || c.CIHigh != 32 || !approx(c.P, 0.1, 1e-12) {
		t.Errorf("Compare(3, 3) = %+v; want CI [2, 32], p 0.1", c)
	}
}

func TestKthDiff(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		x := make([]float64, 1+r.IntN(7))
		y := make([]float64, 1+r.IntN(7))
		for i := range x {
			x[i] = float64(r.IntN(9)-4) * 0.75
		}
		for i := range y {
			y[i] = float64(r.IntN(9)-4) * 0.5
		}
		slices.Sort(x)
		slices.Sort(y)
		var all []float64
		for _, xi := range x {
			for _, yj := range y {
				all = append(all, yj-xi)
			}
		}
		slices.Sort(all)
		for k := 1; k <= len(all); k++ {
			if i, j := kthDiff(x, y, k); y[j]-x[i] != all[k-1] {
				t.Fatalf("kthDiff(%v, %v, %d) = y[%d]-x[%d] = %v, want %v", x, y, k, j, i, y[j]-x[i], all[k-1])
			}
		}
	}
}

func TestGeoMean(t *testing.T) {
	tests := []struct {
		xs   []float64
		want float64
	}{
		{[]float64{2, 0.5}, 1},
		{[]float64{1, 2, 4}, 2},
		{[]float64{10}, 10},
		{[]float64{0, 5}, 0},
		{[]float64{-1, 4}, math.NaN()},
		{[]float64{math.NaN(), 4}, math.NaN()},
		{nil, math.NaN()},
	}
	for _, tt := range tests {
		if got := GeoMean(tt.xs); !approx(got, tt.want, 1e-15) {
			t.Errorf("GeoMean(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
}

func BenchmarkCompare1000(b *testing.B) {
	old, new := make([]float64, 1000), make([]float64, 1000)
	for i := range old {
		old[i] = 40e-6 * (1 + 0.2*math.Sin(float64(i)))
		new[i] = 42e-6 * (1 + 0.2*math.Cos(float64(i)))
	}
	b.ReportAllocs()
	for b.Loop() {
		Compare(old, new, DefaultConfidence)
	}
}
