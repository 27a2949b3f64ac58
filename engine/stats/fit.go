package stats

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Errors of FitPowerLaw, for errors.Is; the returned errors wrap them with
// the details.
var (
	ErrTooFewPoints  = errors.New("too few points")
	ErrNoVaryingAxis = errors.New("no axis has more than one value")
	ErrCollinear     = errors.New("axes are collinear")
)

// collinearCond is the largest condition number of the centred, unit-norm
// log design accepted. Beyond it the exponents are not identifiable from the
// data: a tiny change in the times swings them arbitrarily.
const collinearCond = 1e8

// fitConfidence is the level of the exponents' intervals.
const fitConfidence = 0.95

// Axis is one explanatory variable of a scaling fit, e.g. {"D", [...]} with
// one value per observation.
type Axis struct {
	Name   string
	Values []float64
}

// Fit is a power law time ≈ exp(Intercept) · Π axis^exponent.
type Fit struct {
	Names         []string // axes fitted, in order (axes with a single distinct value are left out)
	Dropped       []string // axes left out because they have one value
	Exponents     []float64
	CILow, CIHigh []float64 // 95% CI of each exponent (Student t, n-p-1 dof); NaN when dof = 0
	Intercept     float64
	R2            float64
	N             int
}

// FitPowerLaw fits log(time) = Intercept + Σ Exponent_j·log(axis_j) by
// ordinary least squares over the observations. Axes with a single distinct
// value carry no information about their exponent and are left out (listed
// in Dropped). It needs at least one more observation than fitted axes.
//
// The log columns are centred and scaled to unit norm before a QR solve
// (gonum/mat): centring decouples the intercept, scaling makes the condition
// number a scale-free collinearity test, and QR avoids squaring it as the
// normal equations would. The intervals use the Student t quantile with
// n-p-1 degrees of freedom. R² is 1 when all times are equal (nothing left
// to explain).
//
// Errors: mismatched lengths, non-positive or non-finite times or axis
// values, too few points (ErrTooFewPoints), no varying axis
// (ErrNoVaryingAxis) and collinear axes (ErrCollinear).
func FitPowerLaw(times []float64, axes []Axis) (Fit, error) {
	n := len(times)
	y := make([]float64, n)
	for i, t := range times {
		if !(t > 0) || math.IsInf(t, 1) {
			return Fit{}, fmt.Errorf("stats: power-law fit: time %d is %v, want a positive finite value", i, t)
		}
		y[i] = math.Log(t)
	}
	var names, dropped []string
	var cols [][]float64
	for _, a := range axes {
		if len(a.Values) != n {
			return Fit{}, fmt.Errorf("stats: power-law fit: axis %s has %d values for %d times", a.Name, len(a.Values), n)
		}
		col := make([]float64, n)
		varies := false
		for i, v := range a.Values {
			if !(v > 0) || math.IsInf(v, 1) {
				return Fit{}, fmt.Errorf("stats: power-law fit: axis %s value %d is %v, want a positive finite value", a.Name, i, v)
			}
			col[i] = math.Log(v)
			varies = varies || col[i] != col[0]
		}
		if varies {
			names = append(names, a.Name)
			cols = append(cols, col)
		} else {
			dropped = append(dropped, a.Name)
		}
	}
	p := len(names)
	switch {
	case len(axes) == 0:
		return Fit{}, fmt.Errorf("stats: power-law fit: no axes given: %w", ErrNoVaryingAxis)
	case p == 0:
		return Fit{}, fmt.Errorf("stats: power-law fit: %s each have a single value: %w", strings.Join(dropped, ", "), ErrNoVaryingAxis)
	case n < p+1:
		return Fit{}, fmt.Errorf("stats: power-law fit: %w: fitting %s needs at least %d points, got %d",
			ErrTooFewPoints, strings.Join(names, ", "), p+1, n)
	}

	xbar := make([]float64, p)
	scale := make([]float64, p)
	x := mat.NewDense(n, p, nil)
	for j, col := range cols {
		xbar[j] = stat.Mean(col, nil)
		var ss float64
		for _, v := range col {
			ss += (v - xbar[j]) * (v - xbar[j])
		}
		scale[j] = math.Sqrt(ss)
		for i, v := range col {
			x.Set(i, j, (v-xbar[j])/scale[j])
		}
	}
	var qr mat.QR
	qr.Factorize(x)
	if c := qr.Cond(); !(c <= collinearCond) {
		return Fit{}, collinearError(x, names)
	}
	ybar := stat.Mean(y, nil)
	yc := mat.NewVecDense(n, nil)
	var sst float64
	for i, v := range y {
		yc.SetVec(i, v-ybar)
		sst += (v - ybar) * (v - ybar)
	}
	var beta mat.VecDense
	if err := qr.SolveVecTo(&beta, false, yc); err != nil {
		return Fit{}, fmt.Errorf("stats: power-law fit: %w (%s): %w", ErrCollinear, strings.Join(names, ", "), err)
	}

	f := Fit{
		Names:     names,
		Dropped:   dropped,
		Exponents: make([]float64, p),
		CILow:     make([]float64, p),
		CIHigh:    make([]float64, p),
		Intercept: ybar,
		N:         n,
	}
	for j := range p {
		f.Exponents[j] = beta.AtVec(j) / scale[j]
		f.Intercept -= f.Exponents[j] * xbar[j]
	}
	var sse float64
	for i := range n {
		r := yc.AtVec(i)
		for j := range p {
			r -= beta.AtVec(j) * x.At(i, j)
		}
		sse += r * r
	}
	f.R2 = 1
	if sst > 0 {
		f.R2 = 1 - sse/sst
	}

	dof := n - p - 1
	if dof == 0 {
		for j := range p {
			f.CILow[j], f.CIHigh[j] = math.NaN(), math.NaN()
		}
		return f, nil
	}
	// Cov(beta) = σ²·(XᵀX)⁻¹ = σ²·R⁻¹R⁻ᵀ for X = QR.
	var r, rinv mat.Dense
	qr.RTo(&r)
	if err := rinv.Inverse(r.Slice(0, p, 0, p)); err != nil {
		return Fit{}, fmt.Errorf("stats: power-law fit: %w (%s): %w", ErrCollinear, strings.Join(names, ", "), err)
	}
	sigma2 := sse / float64(dof)
	tq := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(dof)}.Quantile(1 - (1-fitConfidence)/2)
	for j := range p {
		row := rinv.RawRowView(j)
		var v float64
		for _, e := range row {
			v += e * e
		}
		half := tq * math.Sqrt(sigma2*v) / scale[j]
		f.CILow[j], f.CIHigh[j] = f.Exponents[j]-half, f.Exponents[j]+half
	}
	return f, nil
}

// collinearError names the first axis that, added to the ones before it,
// makes the design singular.
func collinearError(x *mat.Dense, names []string) error {
	n, _ := x.Dims()
	for j := 2; j <= len(names); j++ {
		var qr mat.QR
		qr.Factorize(x.Slice(0, n, 0, j))
		if c := qr.Cond(); !(c <= collinearCond) {
			return fmt.Errorf("stats: power-law fit: %w: log %s is a linear function of log %s over these points",
				ErrCollinear, names[j-1], strings.Join(names[:j-1], ", log "))
		}
	}
	return fmt.Errorf("stats: power-law fit: %w (%s)", ErrCollinear, strings.Join(names, ", "))
}

// String renders the fit as the summary line shows it, e.g.
// "time ∝ D^0.31 K^0.52 T^1.00  (R²=0.99)"; dropped axes are not printed.
func (f Fit) String() string {
	var b strings.Builder
	b.WriteString("time ∝")
	if len(f.Names) == 0 {
		b.WriteString(" const")
	}
	for j, name := range f.Names {
		var e float64
		if j < len(f.Exponents) {
			e = f.Exponents[j]
		}
		fmt.Fprintf(&b, " %s^%s", name, fixed2(e))
	}
	fmt.Fprintf(&b, "  (R²=%s)", fixed2(f.R2))
	return b.String()
}

// fixed2 formats with two decimals, without the "-0.00" that rounding a
// tiny negative produces.
func fixed2(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	if s == "-0.00" {
		return "0.00"
	}
	return s
}
