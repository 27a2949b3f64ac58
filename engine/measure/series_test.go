package measure

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestSeriesMatchesReference(t *testing.T) {
	f, err := os.ReadFile("../../testdata/synthetic_sequence_T48_D6_seed123.txt")
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	for _, line := range strings.Split(string(f), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, s := range strings.Fields(line) {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, v)
		}
	}
	got := series(48, 6, 123)
	if len(got) != len(want) {
		t.Fatalf("%d values, want %d", len(got), len(want))
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Errorf("x[%d][%d] = %.17g, want %.17g", i/6, i%6, got[i], want[i])
		}
	}
	// D < 3 takes the first D base columns (this project's extension).
	if s := series(4, 2, 123); len(s) != 8 {
		t.Errorf("D=2 series has %d values", len(s))
	}
}

// series returns a new series; see FillSeries.
func series(T, D int, seed uint64) []float64 {
	x := make([]float64, T*D)
	FillSeries(x, T, D, seed)
	return x
}
