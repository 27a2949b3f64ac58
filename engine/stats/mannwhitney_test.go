package stats

import (
	"math"
	"testing"
)

// bruteU enumerates every way of choosing which len(a) of the pooled values
// belong to the first sample — all equally likely under the null hypothesis
// — and returns the two-sided exact p of u = U(a) by the definition of U
// (pairs a_i > b_j, ties ½). It is an independent check of both exact
// paths, feasible for tiny samples only.
func bruteU(a, b []float64) (u, p float64) {
	pool := append(append([]float64(nil), a...), b...)
	m, n := len(a), len(pool)
	uOf := func(inA func(int) bool) float64 {
		var u float64
		for i := range n {
			for j := range n {
				if !inA(i) || inA(j) {
					continue
				}
				switch {
				case pool[i] > pool[j]:
					u++
				case pool[i] == pool[j]:
					u += 0.5
				}
			}
		}
		return u
	}
	u = uOf(func(i int) bool { return i < m })
	var total, lower, upper float64
	for mask := 0; mask < 1<<n; mask++ {
		if popcount(mask) != m {
			continue
		}
		v := uOf(func(i int) bool { return mask&(1<<i) != 0 })
		total++
		if v <= u {
			lower++
		}
		if v >= u {
			upper++
		}
	}
	return u, math.Min(1, 2*math.Min(lower, upper)/total)
}

func popcount(x int) int {
	c := 0
	for ; x != 0; x &= x - 1 {
		c++
	}
	return c
}

func TestMannWhitneyTortoiseHare(t *testing.T) {
	// Wikipedia, "Mann–Whitney U test", illustration: six tortoises (T)
	// and six hares (H) finish in the order T H H H H H T T T T T H. As
	// finishing positions (smaller is faster):
	tortoise := []float64{1, 7, 8, 9, 10, 11}
	hare := []float64{2, 3, 4, 5, 6, 12}
	// Each tortoise beats 6, 1, 1, 1, 1, 1 hares: U_T = 11. Each hare beats
	// 5, 5, 5, 5, 5, 0 tortoises: U_H = 25. U(a) counts pairs with a's
	// value larger, i.e. a slower, so U(tortoise) = U_H and vice versa.
	//
	// Exact p: with no ties, U has the distribution of the number of
	// integer partitions of u fitting in a 6×6 box, over C(12,6) = 924.
	// Counted by hand for u = 0..11: 1, 1, 2, 3, 5, 7, 11, 13, 18, 22, 28,
	// 32, total 143; two-sided p = 2·143/924.
	wantP := 2 * 143.0 / 924
	u, p := MannWhitney(tortoise, hare)
	if u != 25 || !approx(p, wantP, 1e-12) {
		t.Errorf("MannWhitney(tortoise, hare) = %v, %v; want 25, %v", u, p, wantP)
	}
	u, p = MannWhitney(hare, tortoise)
	if u != 11 || !approx(p, wantP, 1e-12) {
		t.Errorf("MannWhitney(hare, tortoise) = %v, %v; want 11, %v", u, p, wantP)
	}
	if bu, bp := bruteU(hare, tortoise); bu != 11 || !approx(bp, wantP, 1e-12) {
		t.Errorf("bruteU(hare, tortoise) = %v, %v; the hand count is wrong", bu, bp)
	}
}

func TestMannWhitneyCriticalValue(t *testing.T) {
	// Published tables of the Mann–Whitney U (e.g. the two-tailed α = 0.05
	// table in Siegel & Castellan, Nonparametric Statistics, Table J) give
	// the critical value 5 for n1 = n2 = 6 and 2 for n1 = n2 = 5: U at or
	// below it is significant, one above is not. By hand, for 6, 6:
	// P(U ≤ 5) = 19/924 → p = 0.0411; P(U ≤ 6) = 30/924 → p = 0.0649.
	b := []float64{5, 6, 7, 8, 9, 10}
	tests := []struct {
		a    []float64
		u    float64
		p    float64
		sign bool
	}{
		{[]float64{1, 2, 3, 4, 6.5, 7.5}, 5, 2 * 19.0 / 924, true},
		{[]float64{1, 2, 3, 4, 6.5, 8.5}, 6, 2 * 30.0 / 924, false},
		// 5, 5: P(U ≤ 2) = 4/252 → 0.0317; P(U ≤ 3) = 7/252 → 0.0556.
		{[]float64{1, 2, 3, 4, 6.5}, 2, 2 * 4.0 / 252, true},
		{[]float64{1, 2, 3, 4, 7.5}, 3, 2 * 7.0 / 252, false},
	}
	for _, tt := range tests {
		bb := b[:len(tt.a)]
		u, p := MannWhitney(tt.a, bb)
		if u != tt.u || !approx(p, tt.p, 1e-12) || (p <= 0.05) != tt.sign {
			t.Errorf("MannWhitney(%v, %v) = %v, %v; want %v, %v", tt.a, bb, u, p, tt.u, tt.p)
		}
	}
}

func TestMannWhitneySmallExact(t *testing.T) {
	// Sizes 2 and 3, enumerated by hand: of the C(5,2) = 10 orderings, U
	// takes 0, 1, 2, 2, 3, 3, 4, 4, 5, 6 (counts 1,1,2,2,2,1,1 for
	// u = 0..6), so P(U ≤ 0) = 1/10, P(U ≤ 1) = 2/10, P(U ≤ 2) = 4/10
	// and p = min(1, 2·min(P(U ≤ u), P(U ≥ u))).
	//
	// The 4+4 cases with ties are benchstat's own tests
	// (golang.org/x/perf/benchmath/assumption_test.go, TestCompareNone)
	// and go-moremath's stats/utest_test.go; checked by hand: for
	// {1,-1,-1,-1} against {-1,1,1,1}, with k of the four -1s in a, the
	// weights are C(4,k)² = 1, 16, 36, 16, 1 and U = 4(4-k); the observed
	// k = 3 gives U = 4 and p = 2·(16+1)/70.
	tests := []struct {
		a, b []float64
		u, p float64
	}{
		{[]float64{1, 2}, []float64{3, 4, 5}, 0, 0.2},
		{[]float64{1, 3}, []float64{2, 4, 5}, 1, 0.4},
		{[]float64{1, 4}, []float64{2, 3, 5}, 2, 0.8},
		{[]float64{1, 5}, []float64{2, 3, 4}, 3, 1},
		{[]float64{4, 5}, []float64{1, 2, 3}, 6, 0.2},
		{[]float64{2, 1, 3, 5}, []float64{12, 11, 13, 15}, 0, 2.0 / 70},
		{[]float64{2, 1, 3, 5}, []float64{0, 4, 6, 7}, 5, 34.0 / 70},
		{[]float64{-1, -1, -1, -1}, []float64{1, 1, 1, 1}, 0, 2.0 / 70},
		{[]float64{1, -1, -1, -1}, []float64{-1, 1, 1, 1}, 4, 34.0 / 70},
		{[]float64{1, 2, 3, 5}, []float64{2, 2, 2, 2}, 10, 0.7142857142857143},
		{[]float64{2, 2, 2, 2}, []float64{2, 2, 2, 2}, 8, 1},
		{[]float64{1, math.NaN(), 2}, []float64{3, 4, 5}, 0, 0.2}, // NaN ignored
	}
	for _, tt := range tests {
		u, p := MannWhitney(tt.a, tt.b)
		if u != tt.u || !approx(p, tt.p, 1e-12) {
			t.Errorf("MannWhitney(%v, %v) = %v, %v; want %v, %v", tt.a, tt.b, u, p, tt.u, tt.p)
		}
	}
}

func TestMannWhitneyAgainstEnumeration(t *testing.T) {
	// Both exact paths (tie-free recurrence, tie-conditional enumeration)
	// against brute-force enumeration of all label assignments.
	cases := [][2][]float64{
		{{1, 5, 9, 2}, {3, 4, 6, 7, 8}},
		{{0.3, 0.1, 0.7}, {0.2, 0.5, 0.9, 1.1, 0.4}},
		{{1, 2, 2, 3, 3, 3}, {2, 3, 4, 4}},
		{{1, 1, 1, 2, 2}, {1, 2, 2, 2, 3, 3}},
		{{5, 5, 5}, {5, 5, 6}},
		{{1, 2, 3, 4, 5, 6, 7}, {4, 4, 4}},
	}
	for _, c := range cases {
		u, p := MannWhitney(c[0], c[1])
		bu, bp := bruteU(c[0], c[1])
		if u != bu || !approx(p, bp, 1e-12) {
			t.Errorf("MannWhitney(%v, %v) = %v, %v; enumeration gives %v, %v", c[0], c[1], u, p, bu, bp)
		}
	}
}

func TestMannWhitneyNormal(t *testing.T) {
	// Samples above the exact limits use the normal approximation with tie
	// and continuity correction, the formula of R's
	// wilcox.test(x, y, correct=TRUE, exact=FALSE):
	//
	//   σ = sqrt(m·n/12·((N+1) - Σ(t³-t)/(N(N-1)))),
	//   z = (|U - mn/2| - ½)/σ,  p = 2·Φ(-z).
	//
	// These samples and p-values are go-moremath's stats/utest_test.go,
	// recorded there from R:
	//   l1 <- seq(0, 499)*2; l2 <- seq(0, 599)*2-41
	//   l3 <- l2; for (i in 1:30) { l3[i] = l1[i] }
	// By hand for l1, l2 (no ties): U = 135250, mn/2 = 150000,
	// σ = sqrt(500·600·1101/12) = 5246.4274, z = 14749.5/σ = 2.811342,
	// 2·Φ(-z) = 0.0049335. l3 shares 30 values with l1: Σ(t³-t) = 30·6.
	l1 := make([]float64, 500)
	for i := range l1 {
		l1[i] = float64(i * 2)
	}
	l2 := make([]float64, 600)
	for i := range l2 {
		l2[i] = float64(i*2 - 41)
	}
	l3 := append([]float64(nil), l2...)
	copy(l3, l1[:30])
	tests := []struct {
		a, b []float64
		u, p float64
	}{
		{l1, l2, 135250, 0.0049335360814172224},
		{l2, l1, 600*500 - 135250, 0.0049335360814172224},
		{l1, l1, 125000, 1},
		{l1, l3, 134845, 0.0038703814239617884},
	}
	for _, tt := range tests {
		u, p := MannWhitney(tt.a, tt.b)
		if u != tt.u || !approx(p, tt.p, 1e-9) {
			t.Errorf("MannWhitney(len %d, len %d) = %v, %v; want %v, %v", len(tt.a), len(tt.b), u, p, tt.u, tt.p)
		}
	}
	// Tiny samples with ties beyond the tie-exact limit: 10 and 10 equal
	// values.
	same := []float64{3, 3, 3, 3, 3, 3, 3, 3, 3, 3}
	if u, p := MannWhitney(same, same); u != 50 || p != 1 {
		t.Errorf("MannWhitney(equal 10s) = %v, %v; want 50, 1", u, p)
	}
}

func TestMannWhitneyEmpty(t *testing.T) {
	for _, c := range [][2][]float64{{nil, {1}}, {{1}, nil}, {{math.NaN()}, {1, 2}}} {
		if u, p := MannWhitney(c[0], c[1]); !math.IsNaN(u) || !math.IsNaN(p) {
			t.Errorf("MannWhitney(%v, %v) = %v, %v; want NaN, NaN", c[0], c[1], u, p)
		}
	}
	if u, p := MannWhitney([]float64{1}, []float64{2}); u != 0 || p != 1 {
		t.Errorf("MannWhitney({1}, {2}) = %v, %v; want 0, 1", u, p)
	}
}

func BenchmarkMannWhitney50(b *testing.B) {
	x, y := make([]float64, 50), make([]float64, 50)
	for i := range x {
		x[i] = float64(2 * i)
		y[i] = float64(2*i + 1)
	}
	b.ReportAllocs()
	for b.Loop() {
		MannWhitney(x, y)
	}
}
