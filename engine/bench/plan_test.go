package bench

import (
	"slices"
	"testing"
)

// TestSortInSweepOrder: results arrive as configs finish; sorted, they
// follow the grid's sweep order (axes as given, not ascending), with
// configs outside the grid last.
func TestSortInSweepOrder(t *testing.T) {
	g := Grid{Dims: []int{6, 3}, Branches: []int{3, 9}, SeqLens: []int{48}}
	rs := []Result{
		{Config: Config{D: 3, K: 9, T: 48}},
		{Config: Config{D: 4, K: 3, T: 48}}, // not in the grid
		{Config: Config{D: 6, K: 9, T: 48}},
		{Config: Config{D: 3, K: 3, T: 48}},
		{Config: Config{D: 6, K: 3, T: 48}},
	}
	g.SortInSweepOrder(rs)
	var got []Config
	for _, r := range rs {
		got = append(got, r.Config)
	}
	want := append(g.Configs(), Config{D: 4, K: 3, T: 48})
	if !slices.Equal(got, want) {
		t.Errorf("sorted %v, want %v", got, want)
	}
}
