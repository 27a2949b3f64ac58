package stats

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultConfidence is the confidence level hcbench reports intervals at.
const DefaultConfidence = 0.95

// Median returns the sample median (the mean of the two middle values for
// even N), or NaN when xs has no non-NaN value. It does not modify xs.
func Median(xs []float64) float64 {
	s := sortedCopy(xs)
	if len(s) == 0 {
		return math.NaN()
	}
	return medianSorted(s)
}

// sortedCopy returns the non-NaN values of xs, sorted, in a new slice, so
// callers' samples are never reordered.
func sortedCopy(xs []float64) []float64 {
	s := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			s = append(s, x)
		}
	}
	slices.Sort(s)
	return s
}

// medianSorted is the median of a sorted, non-empty, NaN-free slice: the
// type 7 quantile at ½, which is the middle value or the midpoint of the two
// middle values, always within [s[0], s[len(s)-1]] even when their
// midpoint would overflow.
func medianSorted(s []float64) float64 {
	return quantileSorted(s, 0.5)
}

// lerp interpolates a + t·(b-a), a ≤ b, 0 ≤ t ≤ 1, staying inside [a, b]
// even when b-a overflows or the ends are infinite, so a median always lies
// within its CI. It is monotone in t, so quantiles are monotone in p.
func lerp(a, b, t float64) float64 {
	if t == 0 || a == b {
		return a
	}
	m := a + t*(b-a)
	if math.IsInf(m, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
		m = (1-t)*a + t*b
	}
	if math.IsNaN(m) { // ±Inf ends
		return a
	}
	return clamp(m, a, b)
}

func clamp(x, lo, hi float64) float64 {
	return math.Min(math.Max(x, lo), hi)
}

// quantileSorted is the Hyndman–Fan type 7 quantile (R's and numpy's
// default: linear interpolation between the order statistics at rank
// 1 + (n-1)·p) of a sorted, non-empty slice, so a median agrees with what
// users of the Python reference compute. gonum's stat.Quantile offers only
// types 1 and 4.
func quantileSorted(s []float64, p float64) float64 {
	h := float64(len(s)-1) * p
	i := int(math.Floor(h))
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	return lerp(s[i], s[i+1], h-float64(i))
}

// medianCISorted returns a distribution-free confidence interval for the
// population median from a sorted, non-empty, NaN-free slice: the order
// statistics X(k) and X(n+1-k) with the largest k whose binomial coverage
// 1 - 2·P(B ≤ k-1), B ~ Binomial(n, ½), is at least confidence, and that
// coverage. When even the sample minimum and maximum cannot reach the
// confidence (n < 6 at 95%), it returns them with the lower coverage they
// achieve. With a NaN confidence all three are NaN.
//
// The number of samples below the population median is Binomial(n, ½), so
// [X(k), X(n+1-k)] covers it with probability 1 - 2·F(k-1). The interval is
// symmetric in rank, as in the classic tables (e.g. Conover, Practical
// Nonparametric Statistics, §3.2), rather than benchmath's left-biased
// search; coverage decreases in k, so a binary search finds the largest k.
func medianCISorted(s []float64, confidence float64) (lo, hi, achieved float64) {
	if math.IsNaN(confidence) {
		nan := math.NaN()
		return nan, nan, nan
	}
	n := len(s)
	b := distuv.Binomial{N: float64(n), P: 0.5}
	coverage := func(k int) float64 {
		c := 1 - 2*b.CDF(float64(k-1))
		return clamp(c, 0, 1)
	}
	// k ranges over 1..⌊(n+1)/2⌋ so that X(k) ≤ X(n+1-k).
	k, top := 1, (n+1)/2
	if coverage(1) >= confidence {
		// Invariant: coverage(k) ≥ confidence; coverage(top+1) would be < it.
		l, r := 1, top+1
		for r-l > 1 {
			m := l + (r-l)/2
			if coverage(m) >= confidence {
				l = m
			} else {
				r = m
			}
		}
		k = l
	}
	return s[k-1], s[n-k], coverage(k)
}
