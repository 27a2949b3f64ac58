package stats

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// PairedRatio estimates the ratio B/A of two variants measured in pairs,
// from each pair's log ratio (one per independent measurement of the
// pair; README "A/B in one sweep"): the centre is the median of the logs,
// exponentiated, and CILow..CIHigh, P an interval at confidence and the
// two-sided p-value of "no change" from the t statistic median/SE with
// n−1 degrees of freedom, SE the median's standard error from its
// distribution-free interval (McKean & Schrader; the first half of
// MedianLogSE). A headline's SE also takes the whole spread into account,
// because the share of contended measurements changes between reruns;
// paired estimates share the contention, and what is left are single odd
// pairs (a measurement whose memory placement favoured one variant, seen
// 15–50% off here about once in twenty), which move the median little:
// the spread's SE would let one of them widen the interval threefold.
// Simulated reruns (paired_test.go) check the coverage. The interval excludes 1 exactly
// when P < 1−confidence. NOld and NNew are both the number of usable
// logs; with fewer than MinToCompare only the ratio is set (TooFew).
func PairedRatio(logs []float64, confidence float64) RatioTest {
	l := slices.DeleteFunc(slices.Clone(logs), func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) })
	slices.Sort(l)
	nan := math.NaN()
	r := RatioTest{NOld: len(l), NNew: len(l), Ratio: nan, CILow: nan, CIHigh: nan, P: nan, DF: nan, SE: nan}
	if len(l) == 0 {
		return r
	}
	d := medianSorted(l)
	r.Ratio = math.Exp(d)
	if r.TooFew() || !(confidence > 0 && confidence < 1) {
		return r
	}
	r.SE, r.DF = medianSEByOrder(l), float64(len(l)-1)
	if r.SE == 0 {
		r.CILow, r.CIHigh, r.Level = r.Ratio, r.Ratio, confidence
		r.P = 1
		if d != 0 {
			r.P = 0
		}
		return r
	}
	half := tQuantile(1-(1-confidence)/2, r.DF) * r.SE
	r.CILow, r.CIHigh, r.Level = math.Exp(d-half), math.Exp(d+half), confidence
	r.P = 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: r.DF}.Survival(math.Abs(d)/r.SE)
	return r
}

// PEquivalent is the p-value of "the ratio lies outside [1−margin,
// 1+margin]" by two one-sided tests (TOST; Schuirmann 1987) on r's
// statistic: the larger of the p-values of "ratio ≤ 1−margin" and "ratio ≥
// 1+margin". Below α it shows equivalence within ±margin at level α:
// exactly when r's interval at confidence 1−2α lies inside the margin.
// NaN when r has no statistic (TooFew) or margin is not in (0, 1).
func (r RatioTest) PEquivalent(margin float64) float64 {
	if r.TooFew() || math.IsNaN(r.SE) || !(margin > 0 && margin < 1) {
		return math.NaN()
	}
	d := math.Log(r.Ratio)
	lo, hi := math.Log(1-margin), math.Log(1+margin)
	if r.SE == 0 {
		if d > lo && d < hi {
			return 0
		}
		return 1
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: r.DF}
	if math.IsInf(r.DF, 1) {
		return math.Max(distuv.UnitNormal.Survival((d-lo)/r.SE), distuv.UnitNormal.CDF((d-hi)/r.SE))
	}
	return math.Max(t.Survival((d-lo)/r.SE), t.CDF((d-hi)/r.SE))
}
