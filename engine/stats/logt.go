package stats

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Estimate is a positive quantity estimated from independent measurements.
type Estimate struct {
	N             int
	Centre        float64 // the estimate: a median (MedianInterval) or a geometric mean (GeoMeanCI)
	CILow, CIHigh float64 // NaN when there is no interval (N < 2, or a confidence outside (0, 1))
	Level         float64 // the interval's confidence; 0 when there is none
}

// RatioTest compares two sets of independent measurements of a time.
type RatioTest struct {
	NOld, NNew int
	// Ratio is new/old of the headlines (MedianRatio: the medians); CILow
	// and CIHigh its interval at Level, P the two-sided p-value of "no
	// change", all from the same statistic on the log scale, so the
	// interval excludes 1 exactly when P < 1-Level. NaN (and Level 0) when
	// either side has too few measurements (TooFew).
	Ratio, CILow, CIHigh, P float64
	DF                      float64 // degrees of freedom of the statistic; +Inf for a z statistic
	SE                      float64 // standard error of the log ratio
	Level                   float64
}

// PAbove is the one-sided p-value of the hypothesis "the true ratio is at
// most th" (small when the new side is slower than th times the old with
// confidence). NaN with too few measurements.
func (r RatioTest) PAbove(th float64) float64 {
	if r.TooFew() || math.IsNaN(r.SE) || !(th > 0) {
		return math.NaN()
	}
	d := math.Log(r.Ratio) - math.Log(th)
	if r.SE == 0 {
		if d > 0 {
			return 0
		}
		return 1
	}
	if math.IsInf(r.DF, 1) {
		return distuv.UnitNormal.Survival(d / r.SE)
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: r.DF}.Survival(d / r.SE)
}

// TooFew reports whether either side had fewer than MinToCompare
// measurements, so nothing can be concluded.
func (r RatioTest) TooFew() bool { return r.NOld < MinToCompare || r.NNew < MinToCompare }

// Holm adjusts p-values for testing them together (Holm's step-down
// method, which controls the family-wise error rate without assuming
// independence; p.adjust(method="holm") in R). NaN values are left NaN and
// do not count as tests.
func Holm(p []float64) []float64 {
	idx := make([]int, 0, len(p))
	for i, v := range p {
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	out := make([]float64, len(p))
	for i := range out {
		out[i] = math.NaN()
	}
	m := len(idx)
	running := 0.0
	for rank, i := range idx {
		running = math.Max(running, math.Min(1, float64(m-rank)*p[i]))
		out[i] = running
	}
	return out
}

// GeoMeanCI is the geometric mean of ratios (such as a config's time in
// two runs), with the Student t interval on their logarithms,
// exp(m ± t(1-α/2, n-1)·se): m is the mean of the logs and se their sample
// standard deviation over √n, with shared (log scale, 0 for none) added in
// quadrature — what every ratio shares, the two runs' machine speeds,
// which their spread cannot show. Ratios of times are right-skewed, so
// their logs are closer to normal. Non-positive, infinite and NaN values
// are ignored; with fewer than two usable values there is no interval:
// bounds NaN, Level 0.
func GeoMeanCI(ratios []float64, confidence, shared float64) Estimate {
	l := positiveLogs(ratios)
	e := Estimate{N: len(l), Centre: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}
	if e.N == 0 {
		return e
	}
	m := stat.Mean(l, nil)
	e.Centre = math.Exp(m)
	if e.N == 1 {
		e.Centre = firstPositive(ratios) // exactly, not exp(log(x))
	}
	if e.N < 2 || !(confidence > 0 && confidence < 1) {
		return e
	}
	se := stat.StdDev(l, nil) / math.Sqrt(float64(e.N))
	if shared > 0 {
		se = math.Hypot(se, shared)
	}
	half := tQuantile(1-(1-confidence)/2, float64(e.N-1)) * se
	e.CILow, e.CIHigh, e.Level = math.Exp(m-half), math.Exp(m+half), confidence
	return e
}

func firstPositive(xs []float64) float64 {
	for _, x := range xs {
		if x > 0 && !math.IsInf(x, 1) {
			return x
		}
	}
	return math.NaN()
}

func positiveLogs(xs []float64) []float64 {
	l := make([]float64, 0, len(xs))
	for _, x := range xs {
		if x > 0 && !math.IsInf(x, 1) {
			l = append(l, math.Log(x))
		}
	}
	return l
}

func tQuantile(p, df float64) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(p)
}
