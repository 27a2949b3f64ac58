package stats

import (
	"math"

	"gonum.org/v1/gonum/stat"
)

// Comparison of a new sample against an old (baseline) one.
type Comparison struct {
	Ratio, CILow, CIHigh, P float64
	NOld, NNew              int
}

// Compare returns the ratio of medians new/old, a confidence interval for
// the ratio at the given confidence, and the Mann–Whitney p-value.
//
// The interval is the Hodges–Lehmann/Moses interval for a shift of log times
// (Hollander & Wolfe, Nonparametric Statistical Methods, §4.3; R's
// wilcox.test(conf.int=TRUE)): with the m·n pairwise differences
// log(new_j) - log(old_i) sorted, it runs from the K-th to the (mn+1-K)-th,
// K the Mann–Whitney critical value, and is exponentiated back to a ratio.
// It is chosen over a bootstrap because it is distribution-free, exact for
// small samples, deterministic, and the inversion of the very test that gives
// P: the interval excludes 1 exactly when P ≤ 1-confidence (for samples
// without ties), so a table never shows "significant" next to a CI that
// straddles 1. When the samples are too small for any pair of differences
// to reach the confidence (3 and 3 at 95%), the interval is the full range
// of pairwise ratios and covers less than requested. It estimates the multiplicative shift between the two
// distributions; under the shift model that is the ratio of medians. The
// K-th difference is found by bisection over float64 values with an O(m+n)
// count, so large samples need no m·n memory.
//
// NaN values are ignored. With an empty sample everything but the counts is
// NaN; with non-positive or infinite times (no logarithm) the CI is NaN.
func Compare(old, new []float64, confidence float64) Comparison {
	x, y := sortedCopy(old), sortedCopy(new)
	c := Comparison{NOld: len(x), NNew: len(y)}
	nan := math.NaN()
	c.Ratio, c.CILow, c.CIHigh, c.P = nan, nan, nan, nan
	if len(x) == 0 || len(y) == 0 {
		return c
	}
	c.Ratio = medianSorted(y) / medianSorted(x)
	_, c.P = MannWhitney(x, y)
	if !positiveFinite(x) || !positiveFinite(y) || !(confidence > 0 && confidence < 1) {
		return c
	}
	lx, ly := logs(x), logs(y)
	k := uCritical(len(x), len(y), 1-confidence)
	mn := len(x) * len(y)
	// Report the bounds as the observed ratios new_j/old_i themselves, as
	// the median CI reports observed times, not exp(log-difference) with
	// its rounding.
	i, j := kthDiff(lx, ly, k)
	c.CILow = y[j] / x[i]
	i, j = kthDiff(lx, ly, mn+1-k)
	c.CIHigh = y[j] / x[i]
	return c
}

// GeoMean is the geometric mean, the right average of ratios (the mean of
// 2× and 0.5× should be 1×). NaN for empty input, a negative or NaN value;
// 0 if any value is 0.
func GeoMean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	for _, x := range xs {
		if !(x >= 0) {
			return math.NaN()
		}
	}
	return stat.GeometricMean(xs, nil)
}

func positiveFinite(s []float64) bool {
	for _, x := range s {
		if !(x > 0) || math.IsInf(x, 1) {
			return false
		}
	}
	return true
}

// logs maps a sorted positive slice to its sorted logarithms.
func logs(s []float64) []float64 {
	l := make([]float64, len(s))
	for i, x := range s {
		l[i] = math.Log(x)
	}
	return l
}

// kthDiff returns the indices (i, j) of the k-th smallest (1-based,
// 1 ≤ k ≤ len(x)·len(y)) of the differences y_j - x_i, for x and y sorted
// ascending and finite.
//
// It bisects on the order-preserving integer image of float64, so it needs
// at most 64 counts, each a two-pointer sweep; the answer is the smallest
// float t with #{y_j - x_i ≤ t} ≥ k, which is exactly a computed difference
// because float subtraction is monotone in each operand.
func kthDiff(x, y []float64, k int) (int, int) {
	// sweep calls visit(i, J) for each i, J the length of the prefix of y
	// with y_j - x_i ≤ t. As x_i grows, y_j - x_i shrinks, so J only grows.
	sweep := func(t float64, visit func(i, J int)) {
		j := 0
		for i, xi := range x {
			for j < len(y) && y[j]-xi <= t {
				j++
			}
			visit(i, j)
		}
	}
	count := func(t float64) int {
		c := 0
		sweep(t, func(_, J int) { c += J })
		return c
	}
	t := y[0] - x[len(x)-1]
	if count(t) < k {
		// Invariant: count(lo) < k ≤ count(hi).
		lo, hi := floatKey(t), floatKey(y[len(y)-1]-x[0])
		for uint64(hi)-uint64(lo) > 1 {
			mid := lo + int64((uint64(hi)-uint64(lo))/2)
			if count(keyFloat(mid)) >= k {
				hi = mid
			} else {
				lo = mid
			}
		}
		t = keyFloat(hi)
	}
	// Some pair attains t; for its i it is the last of the prefix.
	bi, bj := 0, 0
	found := false
	sweep(t, func(i, J int) {
		if !found && J > 0 && y[J-1]-x[i] == t {
			bi, bj, found = i, J-1, true
		}
	})
	return bi, bj
}

// floatKey maps float64 to int64 preserving order (negative floats have
// their magnitude bits flipped), so bisection over keys visits every float.
func floatKey(f float64) int64 {
	b := int64(math.Float64bits(f))
	if b < 0 {
		b ^= math.MaxInt64
	}
	return b
}

func keyFloat(k int64) float64 {
	if k < 0 {
		k ^= math.MaxInt64
	}
	return math.Float64frombits(uint64(k))
}
