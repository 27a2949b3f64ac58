package stats

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestFitPowerLawExact(t *testing.T) {
	// time = 2·D^0.5·K^1·T^1 over the default grid: the fit must recover
	// the exponents and intercept log 2 exactly, with R² = 1.
	var times []float64
	d, k, tt := Axis{Name: "D"}, Axis{Name: "K"}, Axis{Name: "T"}
	for _, dv := range []float64{3, 6} {
		for _, kv := range []float64{3, 5, 9} {
			for _, tv := range []float64{48, 96} {
				times = append(times, 2*math.Sqrt(dv)*kv*tv)
				d.Values = append(d.Values, dv)
				k.Values = append(k.Values, kv)
				tt.Values = append(tt.Values, tv)
			}
		}
	}
	f, err := FitPowerLaw(times, []Axis{d, k, tt})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.5, 1, 1}
	if strings.Join(f.Names, ",") != "D,K,T" || len(f.Dropped) != 0 || f.N != 12 {
		t.Errorf("Names %v, Dropped %v, N %d", f.Names, f.Dropped, f.N)
	}
	for j, e := range want {
		if math.Abs(f.Exponents[j]-e) > 1e-9 {
			t.Errorf("exponent %s = %v, want %v", f.Names[j], f.Exponents[j], e)
		}
		if !(f.CILow[j] <= f.Exponents[j] && f.Exponents[j] <= f.CIHigh[j]) || f.CIHigh[j]-f.CILow[j] > 1e-9 {
			t.Errorf("CI of %s = [%v, %v]", f.Names[j], f.CILow[j], f.CIHigh[j])
		}
	}
	if math.Abs(f.Intercept-math.Ln2) > 1e-9 || math.Abs(f.R2-1) > 1e-12 {
		t.Errorf("Intercept %v (want ln 2), R² %v (want 1)", f.Intercept, f.R2)
	}
	if s := f.String(); s != "time ∝ D^0.50 K^1.00 T^1.00  (R²=1.00)" {
		t.Errorf("String() = %q", s)
	}
}

func TestFitPowerLawNoisy(t *testing.T) {
	// A 2×2 design in log space, x1 = ln D ∈ {0,0,1,1}, x2 = ln K ∈
	// {0,1,0,1}, y = ln time = {0,1,1,3}, T constant (dropped). Solved by
	// hand: the centred columns (±½) are orthogonal with Σ(x-x̄)² = 1, so
	// b1 = Σ(x1-x̄1)·y = (-0-1+1+3)/2 = 1.5 and likewise b2 = 1.5;
	// intercept = ȳ - 1.5·½ - 1.5·½ = 1.25 - 1.5 = -0.25. Fitted
	// -0.25, 1.25, 1.25, 2.75; residuals ±0.25, SSE = 0.25;
	// SST = Σ(y-1.25)² = 4.75, R² = 1 - 0.25/4.75 = 18/19.
	// dof = 4-2-1 = 1, σ² = 0.25, se(b) = sqrt(σ²/1) = 0.5; the t quantile
	// with 1 dof is the Cauchy one, tan(π·(0.975-½)) = 12.706204736174696,
	// so each CI is 1.5 ± 6.353102368087348.
	e := math.E
	times := []float64{1, e, e, math.Exp(3)}
	axes := []Axis{
		{"D", []float64{1, 1, e, e}},
		{"K", []float64{1, e, 1, e}},
		{"T", []float64{48, 48, 48, 48}},
	}
	f, err := FitPowerLaw(times, axes)
	if err != nil {
		t.Fatal(err)
	}
	half := math.Tan(math.Pi*0.475) * 0.5
	if strings.Join(f.Names, ",") != "D,K" || strings.Join(f.Dropped, ",") != "T" {
		t.Errorf("Names %v, Dropped %v; want [D K], [T]", f.Names, f.Dropped)
	}
	for j := range 2 {
		if !approx(f.Exponents[j], 1.5, 1e-12) || !approx(f.CILow[j], 1.5-half, 1e-10) || !approx(f.CIHigh[j], 1.5+half, 1e-10) {
			t.Errorf("%s: %v [%v, %v]; want 1.5 [%v, %v]", f.Names[j], f.Exponents[j], f.CILow[j], f.CIHigh[j], 1.5-half, 1.5+half)
		}
	}
	if !approx(f.Intercept, -0.25, 1e-12) || !approx(f.R2, 18.0/19, 1e-12) {
		t.Errorf("Intercept %v, R² %v; want -0.25, %v", f.Intercept, f.R2, 18.0/19)
	}
	if s := f.String(); s != "time ∝ D^1.50 K^1.50  (R²=0.95)" {
		t.Errorf("String() = %q", s)
	}

	// One axis: x = {0,1,2}, y = {0,1,3}. x̄ = 1, ȳ = 4/3,
	// Sxy = (-1)(-4/3) + 0 + (1)(5/3) = 3, Sxx = 2, b = 1.5,
	// a = 4/3 - 1.5 = -1/6. Residuals 1/6, -1/3, 1/6: SSE = 1/6;
	// SST = 42/9, R² = 1 - (1/6)/(14/3) = 27/28; se = sqrt((1/6)/2).
	f, err = FitPowerLaw([]float64{1, e, math.Exp(3)}, []Axis{{"T", []float64{1, e, e * e}}})
	if err != nil {
		t.Fatal(err)
	}
	half = math.Tan(math.Pi*0.475) * math.Sqrt(1.0/12)
	if !approx(f.Exponents[0], 1.5, 1e-12) || !approx(f.Intercept, -1.0/6, 1e-12) || !approx(f.R2, 27.0/28, 1e-12) ||
		!approx(f.CILow[0], 1.5-half, 1e-10) || !approx(f.CIHigh[0], 1.5+half, 1e-10) {
		t.Errorf("1-axis fit = %+v; want 1.5 ± %v, intercept -1/6, R² 27/28", f, half)
	}
}

func TestFitPowerLawZeroDOF(t *testing.T) {
	// As many parameters as points: an exact fit with no error estimate.
	f, err := FitPowerLaw([]float64{1, 2, 4}, []Axis{{"D", []float64{1, 2, 1}}, {"K", []float64{1, 1, 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if !approx(f.Exponents[0], 1, 1e-12) || !approx(f.Exponents[1], 2, 1e-12) || !approx(f.R2, 1, 1e-12) {
		t.Errorf("fit = %+v; want exponents 1, 2 and R² 1", f)
	}
	for j := range 2 {
		if !math.IsNaN(f.CILow[j]) || !math.IsNaN(f.CIHigh[j]) {
			t.Errorf("CI of %s = [%v, %v]; want NaN with 0 dof", f.Names[j], f.CILow[j], f.CIHigh[j])
		}
	}
	// Equal times: nothing to explain, flat law, R² 1.
	f, err = FitPowerLaw([]float64{5, 5, 5, 5}, []Axis{{"T", []float64{1, 2, 3, 4}}})
	if err != nil || math.Abs(f.Exponents[0]) > 1e-12 || f.R2 != 1 {
		t.Errorf("flat fit = %+v, %v", f, err)
	}
	if s := f.String(); s != "time ∝ T^0.00  (R²=1.00)" {
		t.Errorf("flat String() = %q", s)
	}
}

func TestFitPowerLawErrors(t *testing.T) {
	tests := []struct {
		name  string
		times []float64
		axes  []Axis
		is    error  // sentinel, or nil
		msg   string // substring
	}{
		{"length", []float64{1, 2}, []Axis{{"D", []float64{1, 2, 3}}}, nil, "axis D has 3 values for 2 times"},
		{"zero time", []float64{1, 0, 3}, []Axis{{"D", []float64{1, 2, 3}}}, nil, "time 1 is 0"},
		{"NaN time", []float64{1, math.NaN(), 3}, []Axis{{"D", []float64{1, 2, 3}}}, nil, "time 1 is NaN"},
		{"inf time", []float64{1, math.Inf(1), 3}, []Axis{{"D", []float64{1, 2, 3}}}, nil, "time 1 is +Inf"},
		{"negative axis", []float64{1, 2, 3}, []Axis{{"K", []float64{1, -2, 3}}}, nil, "axis K value 1 is -2"},
		{"no axes", []float64{1, 2}, nil, ErrNoVaryingAxis, "no axes given"},
		{"all single", []float64{1, 2}, []Axis{{"D", []float64{3, 3}}, {"K", []float64{5, 5}}}, ErrNoVaryingAxis, "D, K each have a single value"},
		{"empty", nil, []Axis{{"D", nil}}, ErrNoVaryingAxis, ""},
		{"too few", []float64{1, 2}, []Axis{{"D", []float64{1, 2}}, {"K", []float64{2, 1}}}, ErrTooFewPoints, "needs at least 3 points, got 2"},
		{"identical axes", []float64{1, 2, 3, 4}, []Axis{{"D", []float64{2, 4, 8, 16}}, {"K", []float64{2, 4, 8, 16}}}, ErrCollinear, "log K is a linear function of log D"},
		{"K = D²", []float64{1, 2, 3, 5}, []Axis{
			{"T", []float64{1, 2, 1, 2}}, {"D", []float64{2, 4, 8, 16}}, {"K", []float64{4, 16, 64, 256}}}, ErrCollinear, "log K is a linear function of log T, log D"},
	}
	for _, tt := range tests {
		f, err := FitPowerLaw(tt.times, tt.axes)
		if err == nil {
			t.Errorf("%s: FitPowerLaw = %+v, want an error", tt.name, f)
			continue
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%s: error %q is not %v", tt.name, err, tt.is)
		}
		if !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), "stats: power-law fit: ") {
			t.Errorf("%s: error %q, want it to contain %q", tt.name, err, tt.msg)
		}
	}
}

func TestFitString(t *testing.T) {
	tests := []struct {
		f    Fit
		want string
	}{
		{Fit{Names: []string{"D", "K", "T"}, Dropped: []string{"X"}, Exponents: []float64{0.3125, 0.52, 0.999}, R2: 0.991},
			"time ∝ D^0.31 K^0.52 T^1.00  (R²=0.99)"},
		{Fit{Names: []string{"D"}, Exponents: []float64{-0.001}, R2: 0.5}, "time ∝ D^0.00  (R²=0.50)"},
		{Fit{Names: []string{"K"}, Exponents: []float64{-0.25}, R2: 0.5}, "time ∝ K^-0.25  (R²=0.50)"},
		{Fit{}, "time ∝ const  (R²=0.00)"},
	}
	for _, tt := range tests {
		if got := tt.f.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}
