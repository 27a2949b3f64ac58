package stats

import (
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// Sample-size limits for the exact Mann–Whitney distribution, as benchstat
// (go-moremath) chooses them: the tie-free distribution costs O(m·n·mn/2)
// and is quick up to 50+50; the conditional distribution given ties is
// enumerated over tie groups and is kept to tiny samples, where the normal
// approximation is worst.
const (
	exactLimit     = 50
	exactTiesLimit = 9
)

// MannWhitney runs the two-sided Mann–Whitney U (Wilcoxon rank-sum) test of
// the hypothesis that a and b come from the same distribution.
//
// u is the U statistic of a, as R's wilcox.test reports it (W): the number of
// pairs (a_i, b_j) with a_i > b_j, ties counting ½. The other sample's
// statistic is len(a)·len(b) - u; tables list the smaller of the two.
//
// p is exact for tie-free samples with both sizes ≤ 50, exact conditional on
// the tie pattern for both sizes ≤ 9 (as benchstat), and otherwise from the
// normal approximation with tie and continuity correction (as R's
// wilcox.test(correct=TRUE)). When all values are equal, p is 1: the data
// hold no evidence of a difference. NaN values are ignored; with an empty
// sample u and p are NaN.
func MannWhitney(a, b []float64) (u, p float64) {
	x, y := sortedCopy(a), sortedCopy(b)
	m, n := len(x), len(y)
	if m == 0 || n == 0 {
		return math.NaN(), math.NaN()
	}
	u, groups := uStatistic(x, y)
	ties := len(groups) < m+n
	mn := float64(m) * float64(n)
	switch {
	case len(groups) == 1:
		return u, 1
	case !ties && m <= exactLimit && n <= exactLimit:
		// The tie-free distribution is symmetric about mn/2, so the
		// lower tail at the smaller U is the one-sided p.
		umin := int(math.Min(u, mn-u))
		return u, math.Min(1, 2*uLowerCDF(m, n)[umin])
	case ties && m <= exactTiesLimit && n <= exactTiesLimit:
		return u, exactTiesP(m, groups, u)
	default:
		return u, normalP(m, n, groups, u)
	}
}

// tieGroup is a run of equal values in the merged sample: size values in
// total, of which fromA came from the first sample.
type tieGroup struct{ size, fromA int }

// uStatistic returns U of x against y (both sorted) and the tie groups of
// the merged sample in increasing order.
func uStatistic(x, y []float64) (float64, []tieGroup) {
	var groups []tieGroup
	u2 := 0 // 2·U, an integer
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		var v float64
		switch {
		case j == len(y):
			v = x[i]
		case i == len(x):
			v = y[j]
		default:
			v = math.Min(x[i], y[j])
		}
		g := tieGroup{}
		for i < len(x) && x[i] == v {
			i++
			g.fromA++
		}
		bBefore := j
		for j < len(y) && y[j] == v {
			j++
			g.size++
		}
		fromB := g.size
		g.size += g.fromA
		// Each a here beats every earlier b and ties this group's b's.
		u2 += g.fromA * (2*bBefore + fromB)
		groups = append(groups, g)
	}
	return float64(u2) / 2, groups
}

// uCDFCache maps [2]int{min(m,n), max(m,n)} to the []float64 of
// uLowerCDF. Benchmark comparisons repeat a few sample sizes many times, and
// the table costs O(m·n·mn/2) (milliseconds at 50, 50) but only 10 kB;
// sizes are capped at exactLimit, which bounds the cache.
var uCDFCache sync.Map

// uLowerCDF returns P(U ≤ u) for u = 0..⌊mn/2⌋ (the lower half, which by
// symmetry is all a two-sided test needs) for tie-free samples of sizes m
// and n. The result is shared and must not be modified.
func uLowerCDF(m, n int) []float64 {
	key := [2]int{min(m, n), max(m, n)}
	if c, ok := uCDFCache.Load(key); ok {
		return c.([]float64)
	}
	c := uCDF(key[0], key[1], m*n/2)
	uCDFCache.Store(key, c)
	return c
}

// uCDF returns P(U ≤ u) for u = 0..umax under the null hypothesis, for
// samples of sizes m and n without ties.
//
// Conditioning on whether the largest of the m+n values is an a (it then
// beats all n b's) or a b gives
//
//	P_{m,n}(u) = m/(m+n)·P_{m-1,n}(u-n) + n/(m+n)·P_{m,n-1}(u),
//
// a recurrence of probabilities (no huge counts, no cancellation) that only
// ever looks at smaller u, so it can stop at umax.
func uCDF(m, n, umax int) []float64 {
	if m > n {
		m, n = n, m // same distribution; fewer rows
	}
	width := umax + 1
	f := make([]float64, (m+1)*width) // row i: P_{i,nn}(0..umax)
	for i := 0; i <= m; i++ {
		f[i*width] = 1 // no b's yet: U = 0
	}
	for nn := 1; nn <= n; nn++ {
		// Row i still holds P_{i,nn-1}; row i-1 already holds P_{i-1,nn}.
		for i := 1; i <= m; i++ {
			row, prev := f[i*width:(i+1)*width], f[(i-1)*width:i*width]
			wa := float64(i) / float64(i+nn)
			wb := float64(nn) / float64(i+nn)
			for v := umax; v >= 0; v-- {
				p := wb * row[v]
				if v >= nn {
					p += wa * prev[v-nn]
				}
				row[v] = p
			}
		}
	}
	cdf := slices.Clone(f[m*width : (m+1)*width]) // drop the work rows
	for v := 1; v <= umax; v++ {
		cdf[v] += cdf[v-1]
	}
	return cdf
}

// exactTiesP is the two-sided p of U = u given the tie groups, by
// enumerating how many of each group's values belong to the first sample:
// every choice of m of the m+n positions is equally likely under the null,
// so group choices are weighted by binomial coefficients. U need not be
// symmetric given ties, so both tails are computed and the smaller doubled.
func exactTiesP(m int, groups []tieGroup, u float64) float64 {
	total := 0
	for _, g := range groups {
		total += g.size
	}
	n := total - m
	maxU2 := 2 * m * n
	width := maxU2 + 1
	// dp[a*width+u2]: number of ways to have placed a first-sample values
	// with 2·U = u2 so far.
	dp := make([]float64, (m+1)*width)
	next := make([]float64, len(dp))
	dp[0] = 1
	seen := 0 // values in earlier groups
	for _, g := range groups {
		clear(next)
		for a := 0; a <= m; a++ {
			for u2 := 0; u2 < width; u2++ {
				c := dp[a*width+u2]
				if c == 0 {
					continue
				}
				bBefore := seen - a
				// k a's here leave g.size-k b's; b's may not exceed n.
				for k := max(0, seen+g.size-a-n); k <= g.size && a+k <= m; k++ {
					d := u2 + k*(2*bBefore+g.size-k)
					next[(a+k)*width+d] += c * binom(g.size, k)
				}
			}
		}
		dp, next = next, dp
		seen += g.size
	}
	dist := dp[m*width : (m+1)*width]
	var all, lower, upper float64
	obs := int(math.Round(2 * u))
	for u2, c := range dist {
		all += c
		if u2 <= obs {
			lower += c
		}
		if u2 >= obs {
			upper += c
		}
	}
	return math.Min(1, 2*math.Min(lower, upper)/all)
}

// binom is C(n, k) as a float64; exact for the small n used here.
func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return math.Round(r)
}

// normalP is the two-sided p from the normal approximation with the tie
// correction of the variance and a continuity correction of ½:
//
//	σ² = m·n/12 · ((N+1) - Σ(t³-t)/(N(N-1))),  z = (|U - mn/2| - ½)/σ,
//	p = 2·Φ(-z),
//
// exactly R's wilcox.test(correct=TRUE) and go-moremath.
func normalP(m, n int, groups []tieGroup, u float64) float64 {
	nn := float64(m + n)
	var tsum float64
	for _, g := range groups {
		t := float64(g.size)
		tsum += t*t*t - t
	}
	mn := float64(m) * float64(n)
	sigma := math.Sqrt(mn / 12 * ((nn + 1) - tsum/(nn*(nn-1))))
	if !(sigma > 0) {
		return 1
	}
	d := math.Max(0, math.Abs(u-mn/2)-0.5)
	return math.Min(1, 2*distuv.UnitNormal.CDF(-d/sigma))
}
