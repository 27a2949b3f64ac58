package measure

import (
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
)

func TestEstimatePeakBytesIsExact(t *testing.T) {
	for _, pol := range bench.Policies {
		p := bench.DefaultPlan()
		p.Policy = pol
		for _, c := range []bench.Config{{D: 3, K: 3, T: 48}, {D: 12, K: 7, T: 5}} {
			want, err := peakBytes(p, c)
			if err != nil {
				t.Fatal(err)
			}
			if got := bench.EstimatePeakBytes(p, c); got != want {
				t.Errorf("%s %v: EstimatePeakBytes = %d; the run holds %d", pol, c, got, want)
			}
		}
	}
	g := bench.Grid{Dims: []int{6, 3}, Branches: []int{2, 9, 5}, SeqLens: []int{96, 48}}
	if c := bench.LargestConfig(g); c != (bench.Config{D: 6, K: 9, T: 96}) {
		t.Errorf("LargestConfig = %v", c)
	}
}

// peakBytes is the memory one run of c holds (runBuffers.bytes).
func peakBytes(p bench.Plan, c bench.Config) (int64, error) {
	b, err := newRunBuffers(p.Policy, c)
	if err != nil {
		return 0, err
	}
	return b.bytes(), nil
}
