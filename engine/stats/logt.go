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
	Centre        float64 // the estimate: a median (MedianInterval) or a geometric mean (LogTInterval)
	CILow, CIHigh float64 // NaN when N < 2
	Level         float64 // the interval's confidence; 0 when there is none
}

// LogTInterval estimates a time from independent measurements of it: the
// geometric mean, with the Student t interval on the logarithms,
// exp(m ± t(1-α/2, n-1)·s/√n), where m and s are the mean and sample
// standard deviation of the logs. Times are right-skewed and their spread
// scales with them, so logs are closer to normal, and the interval is
// about the ratio a rerun would show. It assumes the measurements are
// independent (separate processes, different times); rounds of one
// measurement are not. With fewer than two usable (positive, finite)
// measurements there is no interval: bounds NaN, Level 0.
func LogTInterval(xs []float64, confidence float64) Estimate {
	return logTInterval(xs, confidence, 0)
}

// logTInterval is LogTInterval with shared (log scale) added in quadrature
// to the standard error.
func logTInterval(xs []float64, confidence, shared float64) Estimate {
	l := positiveLogs(xs)
	e := Estimate{N: len(l), Centre: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}
	if e.N == 0 {
		return e
	}
	m := stat.Mean(l, nil)
	e.Centre = math.Exp(m)
	if e.N == 1 {
		e.Centre = firstPositive(xs) // exactly, not exp(log(x))
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

// GeoMeanCI is the geometric mean of positive ratios with a Student t
// interval over their logs (NaN bounds with fewer than two), shared (log
// scale) added in quadrature to its standard error: what every ratio
// shares — the two runs' machine speeds — their spread cannot show.
func GeoMeanCI(ratios []float64, confidence, shared float64) Estimate {
	return logTInterval(ratios, confidence, shared)
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
