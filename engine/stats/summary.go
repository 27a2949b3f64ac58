package stats

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultConfidence is the confidence level hcbench reports intervals at.
const DefaultConfidence = 0.95

// Thresholds of Summary.Noisy. Five percent matches what a reader can see in
// a table of medians: a wider interval means the digits shown are not stable.
// Epoch times are right-skewed, so on a tight distribution Tukey's fences
// flag many harmless points; outliers only count when they are frequent
// and also pull the mean (which the reference's columns report) off the median.
const (
	NoisyRelativeHalfWidth = 0.05 // CI half-width over the median
	NoisyOutlierFraction   = 0.10 // Tukey outliers over N
	NoisyMeanShift         = 0.05 // |mean − median| over the median
)

// tukeyK is Tukey's fence multiplier: points beyond 1.5·IQR from the
// quartiles are "outside" in his exploratory-data-analysis sense.
const tukeyK = 1.5

// Summary of one config's timing samples (seconds).
type Summary struct {
	N             int
	Median        float64
	CILow, CIHigh float64 // distribution-free CI of the median from order statistics (binomial), at Confidence
	Confidence    float64 // the confidence actually achieved (may be < requested for tiny N; then CILow/CIHigh are min/max)
	Outliers      int     // count outside Tukey's fences Q1-1.5·IQR, Q3+1.5·IQR
	Q1, Q3        float64
	Mean          float64
}

// Summarize describes samples with a median and its confidence interval at
// the requested confidence (e.g. DefaultConfidence), quartiles, Tukey
// outliers and the mean. It does not modify samples. NaN samples are
// ignored; with no usable samples every statistic is NaN and N is 0.
func Summarize(samples []float64, confidence float64) Summary {
	xs := sortedCopy(samples)
	n := len(xs)
	if n == 0 {
		nan := math.NaN()
		return Summary{Median: nan, CILow: nan, CIHigh: nan, Q1: nan, Q3: nan, Mean: nan}
	}
	lo, hi, achieved := medianCISorted(xs, confidence)
	q1, q3 := quantileSorted(xs, 0.25), quantileSorted(xs, 0.75)
	flo, fhi := fences(q1, q3)
	return Summary{
		N:          n,
		Median:     medianSorted(xs),
		CILow:      lo,
		CIHigh:     hi,
		Confidence: achieved,
		Outliers:   countOutside(xs, flo, fhi),
		Q1:         q1,
		Q3:         q3,
		Mean:       stat.Mean(xs, nil),
	}
}

// Median returns the sample median (the mean of the two middle values for
// even N), or NaN when xs has no non-NaN value.
func Median(xs []float64) float64 {
	s := sortedCopy(xs)
	if len(s) == 0 {
		return math.NaN()
	}
	return medianSorted(s)
}

// MedianCI returns a distribution-free confidence interval for the
// population median: the order statistics X(k) and X(n+1-k) with the largest
// k whose binomial coverage 1 - 2·P(B ≤ k-1), B ~ Binomial(n, ½), is at least
// confidence. When even the sample minimum and maximum cannot reach the
// confidence (n < 6 at 95%), it returns them with the lower coverage they
// achieve. With no usable samples or a NaN confidence all three are NaN.
func MedianCI(xs []float64, confidence float64) (lo, hi, achieved float64) {
	s := sortedCopy(xs)
	if len(s) == 0 {
		nan := math.NaN()
		return nan, nan, nan
	}
	return medianCISorted(s, confidence)
}

// TukeyFences returns Q1 - 1.5·IQR and Q3 + 1.5·IQR, with quartiles as
// numpy.percentile's default (type 7: linear interpolation between the
// order statistics at rank 1 + (n-1)·p). NaN, NaN for no usable samples.
func TukeyFences(xs []float64) (lo, hi float64) {
	s := sortedCopy(xs)
	if len(s) == 0 {
		return math.NaN(), math.NaN()
	}
	return fences(quantileSorted(s, 0.25), quantileSorted(s, 0.75))
}

// CountOutliers counts the samples strictly outside TukeyFences(xs).
func CountOutliers(xs []float64) int {
	s := sortedCopy(xs)
	if len(s) == 0 {
		return 0
	}
	lo, hi := fences(quantileSorted(s, 0.25), quantileSorted(s, 0.75))
	return countOutside(s, lo, hi)
}

// Noisy reports whether the Summary is too uncertain to trust its digits:
// the CI's larger half-width exceeds NoisyRelativeHalfWidth of the median, or
// outliers exceed NoisyOutlierFraction of N while moving the mean more than
// NoisyMeanShift away from the median. The reason is short enough to
// follow a config name in a warning, e.g. "CI ±7.3% of median"; callers add
// the advice (a longer --min-time).
func (s Summary) Noisy() (bool, string) {
	if s.N == 0 {
		return true, "no samples"
	}
	var reasons []string
	if w := s.relHalfWidth(); !(w <= NoisyRelativeHalfWidth) { // NaN counts as noisy
		if math.IsInf(w, 0) || math.IsNaN(w) {
			reasons = append(reasons, "CI unbounded relative to median")
		} else {
			reasons = append(reasons, fmt.Sprintf("CI ±%.1f%% of median", 100*w))
		}
	}
	shift := math.Abs(s.Mean-s.Median) / math.Abs(s.Median)
	if float64(s.Outliers) > NoisyOutlierFraction*float64(s.N) && shift > NoisyMeanShift {
		reasons = append(reasons, fmt.Sprintf("%d of %d samples are outliers, mean %+.0f%% off the median",
			s.Outliers, s.N, 100*(s.Mean-s.Median)/math.Abs(s.Median)))
	}
	return len(reasons) > 0, strings.Join(reasons, "; ")
}

// relHalfWidth is the larger distance from the median to a CI bound, over
// |median|, as benchstat's ±% column. A zero-width CI is 0 even at median 0.
func (s Summary) relHalfWidth() float64 {
	h := math.Max(s.CIHigh-s.Median, s.Median-s.CILow)
	if h == 0 {
		return 0
	}
	return h / math.Abs(s.Median)
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
// middle values. Sharing quantileSorted keeps Q1 ≤ Median ≤ Q3 exact in
// floating point.
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
// default) of a sorted, non-empty slice. gonum's stat.Quantile offers only
// types 1 and 4, which give quartiles users of the Python reference would not
// recognise.
func quantileSorted(s []float64, p float64) float64 {
	h := float64(len(s)-1) * p
	i := int(math.Floor(h))
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	return lerp(s[i], s[i+1], h-float64(i))
}

func fences(q1, q3 float64) (lo, hi float64) {
	iqr := q3 - q1
	return q1 - tukeyK*iqr, q3 + tukeyK*iqr
}

func countOutside(s []float64, lo, hi float64) int {
	n := 0
	for _, x := range s {
		if x < lo || x > hi {
			n++
		}
	}
	return n
}

// medianCISorted implements MedianCI on a sorted, non-empty, NaN-free slice.
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
