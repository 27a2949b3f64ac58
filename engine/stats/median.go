package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// MinToCompare is the number of measurements each side needs before two
// medians are compared: the fewest for which the order-statistic interval
// of a median reaches 95% (the range of 6 covers 96.9%; of 5 only 93.8%).
// With fewer, the spread of a median is not known well enough to conclude
// anything, and a comparison says so instead of guessing.
const MinToCompare = 6

// MedianInterval estimates a time from independent measurements of it: their
// median, with the distribution-free interval for the population median
// from order statistics (MedianCI) — [X(k), X(n+1-k)] for the largest k whose
// binomial coverage reaches confidence. Level is the coverage it achieves
// (96.9% for 6 measurements, 96.1% for 9), which is never below confidence
// unless even [min, max] cannot reach it (fewer than 6 at 95%): then the
// bounds are min and max and Level says how little they cover. It assumes
// only that the measurements are independent (separate processes,
// different times), not their shape: measurements on a shared machine
// are often bimodal (a contended CPU is ~1.5× slower), and a median
// moves little when a minority of them land in the slow mode, where a
// mean moves by a share of the gap. This is benchstat's centre and
// interval (golang.org/x/perf/benchmath) for the same values, so hcbench
// and benchstat print the same number. With fewer than two usable
// (positive, finite) measurements there is no interval: NaN bounds,
// Level 0.
func MedianInterval(xs []float64, confidence float64) Estimate {
	s := positiveSorted(xs)
	e := Estimate{N: len(s), Centre: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}
	if e.N == 0 {
		return e
	}
	e.Centre = medianSorted(s)
	if e.N < 2 || !(confidence > 0 && confidence < 1) {
		return e
	}
	e.CILow, e.CIHigh, e.Level = medianCISorted(s, confidence)
	return e
}

// medianLogSE is the standard error of the median of logs l (sorted),
// from its order-statistic interval (McKean & Schrader 1984): an
// interval [L(k), L(n+1-k)] that covers the median with probability c is
// about median ± z·SE with z the normal quantile of (1+c)/2, so
// SE = (L(n+1-k) − L(k)) / (2z). Using the very interval MedianInterval
// reports keeps the comparison consistent with the per-config intervals.
func medianLogSE(l []float64, confidence float64) float64 {
	lo, hi, c := medianCISorted(l, confidence)
	if !(c > 0 && c < 1) {
		return math.NaN()
	}
	return (hi - lo) / (2 * normalQuantile((1+c)/2))
}

// MedianRatio compares new with old independent measurements: Ratio is the
// ratio of their medians (the headlines), and CILow..CIHigh, P the
// Bonett–Price interval and z-test for that same ratio (Bonett & Price
// 2002, "Statistical inference for a linear function of medians"), on the
// log scale: log ratio ± z·√(SE_old² + SE_new²), each SE from the side's
// order-statistic interval (medianLogSE). The interval excludes 1 exactly
// when P < 1-confidence, and its centre is the printed ratio, so a verdict
// never contradicts the ratio shown. Like the median intervals it needs
// no assumption about the measurements' shape; it needs MinToCompare
// measurements on each side, otherwise only the ratio is set (TooFew).
func MedianRatio(old, new []float64, confidence float64) RatioTest {
	so, sn := positiveSorted(old), positiveSorted(new)
	nan := math.NaN()
	r := RatioTest{NOld: len(so), NNew: len(sn), Ratio: nan, CILow: nan, CIHigh: nan, P: nan, DF: nan, SE: nan}
	if r.NOld == 0 || r.NNew == 0 {
		return r
	}
	r.Ratio = medianSorted(sn) / medianSorted(so)
	if r.TooFew() || !(confidence > 0 && confidence < 1) {
		return r
	}
	// The log of the ratio of medians itself (not the difference of the
	// median logs, which differs for an even count), so the interval is
	// centred on the printed ratio.
	d := math.Log(r.Ratio)
	lo, ln := logSorted(so), logSorted(sn)
	seO, seN := medianLogSE(lo, confidence), medianLogSE(ln, confidence)
	se := math.Sqrt(seO*seO + seN*seN)
	r.SE, r.DF = se, math.Inf(1)
	if se == 0 {
		// Identical measurements on each side: no spread to test against.
		r.CILow, r.CIHigh, r.Level = r.Ratio, r.Ratio, confidence
		r.P = 1
		if d != 0 {
			r.P = 0
		}
		return r
	}
	half := normalQuantile(1-(1-confidence)/2) * se
	r.CILow, r.CIHigh, r.Level = math.Exp(d-half), math.Exp(d+half), confidence
	r.P = 2 * distuv.UnitNormal.Survival(math.Abs(d)/se)
	return r
}

func normalQuantile(p float64) float64 { return distuv.UnitNormal.Quantile(p) }

// positiveSorted is the positive, finite values of xs, sorted.
func positiveSorted(xs []float64) []float64 {
	s := make([]float64, 0, len(xs))
	for _, x := range xs {
		if x > 0 && !math.IsInf(x, 1) {
			s = append(s, x)
		}
	}
	return sortedCopy(s)
}

// logSorted is the logarithms of sorted positive values (still sorted).
func logSorted(s []float64) []float64 {
	l := make([]float64, len(s))
	for i, x := range s {
		l[i] = math.Log(x)
	}
	return l
}
