package measure

import (
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
)

func TestEstimatePeakBytesIsPeakBytes(t *testing.T) {
	for _, pol := range bench.Policies {
		p := bench.DefaultPlan()
		p.Policy = pol
		for _, c := range []bench.Config{{D: 3, K: 3, T: 48}, {D: 12, K: 7, T: 5}} {
			want, err := PeakBytes(p, c)
			if err != nil {
				t.Fatal(err)
			}
			if got := bench.EstimatePeakBytes(p, c); got != want {
				t.Errorf("%s %v: EstimatePeakBytes = %d; PeakBytes = %d", pol, c, got, want)
			}
		}
	}
	g := bench.Grid{Dims: []int{6, 3}, Branches: []int{2, 9, 5}, SeqLens: []int{96, 48}}
	if c := bench.LargestConfig(g); c != (bench.Config{D: 6, K: 9, T: 96}) {
		t.Errorf("LargestConfig = %v", c)
	}
}
