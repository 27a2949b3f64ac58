package report

import (
	"math"
	"strconv"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
)

func TestFormatSeconds(t *testing.T) {
	for _, tc := range []struct {
		sec  float64
		want string
	}{
		{0, "0s"},
		{850e-9, "850ns"},
		{1e-9, "1.00ns"},
		{0.5e-9, "0.500ns"},
		{41.23e-6, "41.2µs"},
		{41.25e-6, "41.3µs"}, // rounds half away from zero (the float is just above)
		{999.4e-9, "999ns"},
		{999.6e-9, "1.00µs"}, // rounding reaches 1000: next unit
		{3.0549e-3, "3.05ms"},
		{0.1, "100ms"},
		{0.9996, "1.00s"},
		{1.2, "1.20s"},
		{12.345, "12.3s"},
		{125, "125s"},
		{4321, "4321s"},
		{-2e-6, "-2.00µs"},
		{math.NaN(), "n/a"},
		{math.Inf(1), "∞"},
	} {
		if got := bench.FormatSeconds(tc.sec); got != tc.want {
			t.Errorf("bench.FormatSeconds(%g) = %q, want %q", tc.sec, got, tc.want)
		}
	}
}

// TestPyFloat checks the CSV's float format against Python's repr, the
// format the reference's CSV (pandas) uses.
func TestPyFloat(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1, "1.0"},
		{3, "3.0"},
		{0.1, "0.1"},
		{0.0001, "0.0001"},
		{0.00009999, "9.999e-05"},
		{4.455091016578656e-06, "4.455091016578656e-06"},
		{0.007327655888881661, "0.007327655888881661"},
		{1234567, "1234567.0"},
		{1e16, "1e+16"},
		{9999999999999998, "9999999999999998.0"},
		{1.5e300, "1.5e+300"},
		{math.Inf(1), "inf"},
		{math.NaN(), ""},
	} {
		got := pyFloat(tc.v)
		if got != tc.want {
			t.Errorf("pyFloat(%g) = %q, want %q", tc.v, got, tc.want)
		}
		if got != "" && got != "inf" {
			if back, err := strconv.ParseFloat(got, 64); err != nil || back != tc.v {
				t.Errorf("pyFloat(%g) = %q does not read back: %v, %v", tc.v, got, back, err)
			}
		}
	}
}

func TestFormatDepths(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{bench.FormatDepths([]int{1, 2, 3}), "[1, 2, 3]"},
		{bench.FormatDepths([]int{4}), "[4]"},
		{bench.FormatDepths(nil), "[]"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   []string
	}{
		{40, 200, []string{"50", "100", "150", "200"}},
		{0, 1, []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{68, 146, []string{"80", "100", "120", "140"}},
		{0, 2.6, []string{"0.0", "0.5", "1.0", "1.5", "2.0", "2.5"}},
		{0.1, 0.3, []string{"0.10", "0.15", "0.20", "0.25", "0.30"}},
		{1e-3, 1.5e-3, []string{"0.0010", "0.0011", "0.0012", "0.0013", "0.0014", "0.0015"}},
		{5, 5, []string{"5"}},
		// Every config took the same time: a range one ulp wide once hung here.
		{5.5e-6, math.Nextafter(5.5e-6, 1), []string{"5.5e-06", "5.5e-06"}},
	} {
		var got []string
		for _, tk := range (niceTicks{}).Ticks(tc.lo, tc.hi) {
			got = append(got, tk.Label)
		}
		if join(got) != join(tc.want) {
			t.Errorf("ticks(%g, %g) = %v, want %v", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func join(s []string) string {
	out := ""
	for _, v := range s {
		out += v + " "
	}
	return out
}
