package stats

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// MinToCompare is the number of measurements each side needs before two
// medians are compared. With 3 against 3 the range of 3 is the only
// interval of a median (75%) and a Welch t would have about 4 degrees of
// freedom on spreads read off two values each: nothing can be concluded,
// and a comparison says so instead of guessing.
const MinToCompare = 4

// MedianInterval estimates a time from independent measurements of it: their
// median, with the interval median·exp(±t·SE) on the log scale, t the
// Student quantile with n−1 degrees of freedom and SE the median's standard
// error (MedianLogSE) with shared added in quadrature. Level is the
// confidence asked for.
//
// Why the median: on a shared machine measurements are often bimodal — a
// contended CPU is about 1.5× slower for a second or two at a time — and
// the median moves little when a minority of them land in the slow mode.
// Why this SE: the order statistics alone ignore that minority, but a
// rerun often sees a different share of slow measurements, and then its
// median moves; the SE is therefore the larger of the order-statistic one
// and the one the whole spread implies, and the interval is as wide as
// either requires. benchstat's centre for the same values is the same
// median. With fewer than two usable (positive, finite) measurements
// there is no interval: NaN bounds, Level 0.
//
// shared is the standard deviation (log scale) of what all the configs
// measured at the same moment have in common — the machine's speed, which
// wanders between the cycles of a run (0 for none). A rerun meets the
// machine at another point of that wander, and a config's own
// measurements cannot show it, since every config shares it.
func MedianInterval(xs []float64, confidence, shared float64) Estimate {
	s := positiveSorted(xs)
	e := Estimate{N: len(s), Centre: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}
	if e.N == 0 {
		return e
	}
	e.Centre = medianSorted(s)
	if e.N < 2 || !(confidence > 0 && confidence < 1) {
		return e
	}
	se := MedianLogSE(logSorted(s))
	if shared > 0 {
		se = math.Hypot(se, shared)
	}
	half := tQuantile(1-(1-confidence)/2, float64(e.N-1)) * se
	e.CILow, e.CIHigh, e.Level = e.Centre*math.Exp(-half), e.Centre*math.Exp(half), confidence
	return e
}

// MedianLogSE is the standard error of the median of logs l (sorted, at
// least two): the larger of two estimates.
//   - From the order statistics (McKean & Schrader 1984): the
//     distribution-free interval [L(k), L(n+1-k)] of the median at
//     DefaultConfidence (the binomial sign-test interval) covers it with
//     probability c, so it is about median ± z·SE with z the normal
//     quantile of (1+c)/2, and SE = (L(n+1-k) − L(k)) / (2z). It ignores
//     the tails.
//   - From the whole spread: √(π/2)·s/√n, the median's standard error for
//     normal data (s the sample standard deviation), which the tails
//     widen.
//
// The first alone trusts that the share of slow measurements stays what it
// was in this run; the second alone lets one slow measurement dominate.
// Their maximum covers both.
func MedianLogSE(l []float64) float64 {
	n := len(l)
	if n < 2 {
		return math.NaN()
	}
	bySpread := math.Sqrt(math.Pi/2) * stat.StdDev(l, nil) / math.Sqrt(float64(n))
	return math.Max(medianSEByOrder(l), bySpread)
}

// medianSEByOrder is the first of MedianLogSE's estimates alone: the
// median's standard error from its distribution-free interval at
// DefaultConfidence (l sorted, at least two).
func medianSEByOrder(l []float64) float64 {
	lo, hi, c := medianCISorted(l, DefaultConfidence)
	if c > 0 && c < 1 {
		return (hi - lo) / (2 * normalQuantile((1+c)/2))
	}
	return 0
}

// MedianRatio compares new with old independent measurements: Ratio is the
// ratio of their medians (the headlines), and CILow..CIHigh, P an interval
// and a test for that same ratio on the log scale, in the manner of
// Bonett & Price (2002, "Statistical inference for a linear function of
// medians"): log ratio ± t·√(SE_old² + SE_new²), each SE from MedianLogSE,
// and t Student's with Welch–Satterthwaite degrees of freedom (n−1 a side)
// — the small-sample form, since there are about nine measurements a side.
// The interval excludes 1 exactly when P < 1-confidence, and its centre is
// the printed ratio, so a verdict never contradicts the ratio shown. It
// needs MinToCompare measurements on each side, otherwise only the ratio
// is set (TooFew).
//
// sharedOld and sharedNew are each side's shared spread (see
// MedianInterval), added to its variance: two runs met the machine at
// different points of its wander.
func MedianRatio(old, new []float64, confidence, sharedOld, sharedNew float64) RatioTest {
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
	vo := math.Pow(MedianLogSE(logSorted(so)), 2) + math.Pow(max(0, sharedOld), 2)
	vn := math.Pow(MedianLogSE(logSorted(sn)), 2) + math.Pow(max(0, sharedNew), 2)
	se := math.Sqrt(vo + vn)
	r.SE = se
	if se == 0 {
		// Identical measurements on each side: no spread to test against.
		r.CILow, r.CIHigh, r.Level = r.Ratio, r.Ratio, confidence
		r.P = 1
		if d != 0 {
			r.P = 0
		}
		return r
	}
	r.DF = (vo + vn) * (vo + vn) / (vo*vo/float64(r.NOld-1) + vn*vn/float64(r.NNew-1))
	half := tQuantile(1-(1-confidence)/2, r.DF) * se
	r.CILow, r.CIHigh, r.Level = math.Exp(d-half), math.Exp(d+half), confidence
	r.P = 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: r.DF}.Survival(math.Abs(d)/se)
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

// Uncontended returns the measurements that were not slowed by contention,
// sorted, and how many were: those more than slack above the fastest
// (slack 0.15: 15%). Delays only ever add time — another process on the
// CPU, a contended core on a shared host — so on a shared machine a
// config's measurements form a cluster near its fastest, and a second one
// above it while the CPU was contended (on this project's VM about 1.3–1.6×
// slower, for 0.5–2 s at a time, while measurements on a free CPU agree to
// 1–3%). Which share of a run lands in the slow cluster changes from run to
// run, so a median over both clusters jumps between them on a rerun; the
// cluster near the fastest does not. When fewer than minKept measurements
// are near the fastest, there is no cluster to speak of and all are kept.
func Uncontended(xs []float64, slack float64, minKept int) (kept []float64, contended int) {
	s := positiveSorted(xs)
	if len(s) == 0 {
		return s, 0
	}
	n := len(s)
	for n > 0 && s[n-1] > s[0]*(1+slack) {
		n--
	}
	if n < minKept {
		return s, 0
	}
	return s[:n], len(s) - n
}
