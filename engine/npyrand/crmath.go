package npyrand

import "math"

// Correctly rounded exp and log.
//
// numpy's C code calls the platform libm. glibc's exp and log (since 2.28)
// are within about 0.52 ulp, so they almost always return the correctly
// rounded result; Go's math.Exp and math.Log are within 1 ulp and differ from
// it often (about 12% of exp(-x²/2) and 7% of log(1-U) on the ziggurat's
// arguments). Where the ziggurat's rare branches need exp or log, and to
// build its tables, these are used instead: a double-double (~106-bit)
// evaluation rounded once. About 0.3 µs each and allocation-free: the tail
// calls crLog on 1 draw in ~3800, the wedge needs crExp far more rarely still
// (see lessExp).

// dd is an unevaluated sum hi + lo with |lo| ≤ ulp(hi)/2.
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return
}

// quickTwoSum needs |a| ≥ |b| (or a == 0).
func quickTwoSum(a, b float64) (s, e float64) {
	s = a + b
	e = b - (s - a)
	return
}

func twoProd(a, b float64) (p, e float64) {
	p = a * b
	e = math.FMA(a, b, -p)
	return
}

func ddAdd(x, y dd) dd {
	s, e := twoSum(x.hi, y.hi)
	t, f := twoSum(x.lo, y.lo)
	e += t
	s, e = quickTwoSum(s, e)
	e += f
	s, e = quickTwoSum(s, e)
	return dd{s, e}
}

func ddMul(x, y dd) dd {
	p, e := twoProd(x.hi, y.hi)
	e += x.hi*y.lo + x.lo*y.hi
	p, e = quickTwoSum(p, e)
	return dd{p, e}
}

// ddDivInt divides by a small positive integer n.
func ddDivInt(x dd, n float64) dd {
	q1 := x.hi / n
	p, e := twoProd(q1, n)
	q2 := ((x.hi - p) - e + x.lo) / n
	q1, q2 = quickTwoSum(q1, q2)
	return dd{q1, q2}
}

// ln 2 as a double-double.
var ln2dd = dd{0.6931471805599453094, 2.319046813846299558e-17}

// expDD returns e^a to about 2^-96 relative error, for |a| < 700.
func expDD(a float64) dd {
	k := math.Round(a / ln2dd.hi)
	// r = a - k·ln2, exactly enough: k·ln2 as a double-double product.
	p, e := twoProd(k, ln2dd.hi)
	q, f := twoProd(k, ln2dd.lo)
	r := ddAdd(dd{a, 0}, dd{-p, -e})
	r = ddAdd(r, dd{-q, -f})
	// e^r = (e^(r/256))^256, the inner one by its Taylor series.
	s := dd{r.hi / 256, r.lo / 256}
	t := dd{1, 0}
	for n := 12; n >= 1; n-- {
		t = ddAdd(dd{1, 0}, ddDivInt(ddMul(s, t), float64(n)))
	}
	for range 8 {
		t = ddMul(t, t)
	}
	return dd{math.Ldexp(t.hi, int(k)), math.Ldexp(t.lo, int(k))}
}

// crExp is e^a rounded to nearest, for |a| < 700.
func crExp(a float64) float64 { return expDD(a).hi }

// crLog is ln(y) rounded to nearest, for positive normal y.
func crLog(y float64) float64 {
	if w := y - 1; math.Abs(w) < 0x1p-20 {
		// Near 1, ln(1+w) = w - w²/2 + w³/3 - ... (w is exact here),
		// summed by Horner in double-double.
		t := dd{0, 0}
		for n := 8.0; n >= 1; n-- {
			inv := 1 / n
			invDD := dd{inv, math.FMA(-inv, n, 1) / n}
			wt := ddMul(dd{w, 0}, t)
			t = ddAdd(invDD, dd{-wt.hi, -wt.lo})
		}
		return ddMul(dd{w, 0}, t).hi
	}
	// Elsewhere refine math.Log's l (within an ulp or so): ln y = l + ln(y/e^l)
	// and y/e^l = 1 + t with |t| ≈ 2^-52, so ln(1+t) = t - t²/2 suffices.
	l := math.Log(y)
	e := expDD(l)
	d := (y - e.hi) - e.lo // y - e.hi is exact (Sterbenz)
	t := d / e.hi
	return l + (t - 0.5*t*t)
}
