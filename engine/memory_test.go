package engine

import "testing"

func TestEstimatePeakBytesIsPeakBytes(t *testing.T) {
	for _, pol := range Policies {
		p := DefaultPlan()
		p.Policy = pol
		for _, c := range []Config{{D: 3, K: 3, T: 48}, {D: 12, K: 7, T: 5}} {
			want, err := PeakBytes(p, c)
			if err != nil {
				t.Fatal(err)
			}
			if got := EstimatePeakBytes(p, c); got != want {
				t.Errorf("%s %v: EstimatePeakBytes = %d; PeakBytes = %d", pol, c, got, want)
			}
		}
	}
	g := Grid{Dims: []int{6, 3}, Branches: []int{2, 9, 5}, SeqLens: []int{96, 48}}
	if c := LargestConfig(g); c != (Config{D: 6, K: 9, T: 96}) {
		t.Errorf("LargestConfig = %v", c)
	}
}
