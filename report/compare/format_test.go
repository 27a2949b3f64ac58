package compare

import (
	"math"
	"testing"
)

// A ratio and its interval share their precision: three significant
// digits, a fourth only when three would hide the interval.
func TestFormatRatios(t *testing.T) {
	for _, c := range []struct {
		r, lo, hi float64
		want      string
	}{
		{1.03, 0.99, 1.07, "1.03× [0.990×, 1.07×]"},
		{1.028, 1.024, 1.032, "1.028× [1.024×, 1.032×]"},
		{0.9969, 0.9958, 0.998, "0.997× [0.996×, 0.998×]"},
		{1, 1, 1, "1.00× [1.00×, 1.00×]"},
		{0.9972, 0.9968, 0.9976, "0.9972× [0.9968×, 0.9976×]"},
		{654, 540, 790, "654× [540×, 790×]"},
		{0.00153, 0.00128, 0.00183, "0.00153× [0.00128×, 0.00183×]"},
		{1.2, math.NaN(), math.NaN(), "1.20× [n/a, n/a]"},
	} {
		r, lo, hi := FormatRatios(c.r, c.lo, c.hi)
		if got := r + " [" + lo + ", " + hi + "]"; got != c.want {
			t.Errorf("FormatRatios(%g, %g, %g) = %s, want %s", c.r, c.lo, c.hi, got, c.want)
		}
	}
}
