package shard

import (
	"slices"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
)

func plan(d, k, t []int) bench.Plan {
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: d, Branches: k, SeqLens: t}
	return p
}

// Every config is in exactly one part, and the same n gives the same parts.
func TestPartsPartition(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    bench.Plan
		n    int
	}{
		{"reference/3", bench.DefaultPlan(), 3},
		{"reference/1", bench.DefaultPlan(), 1},
		{"reference/12", bench.DefaultPlan(), 12},
		{"reference/20", bench.DefaultPlan(), 20},
		{"24/4", plan([]int{3, 6}, []int{3, 5, 9}, []int{48, 96, 192, 384}), 4},
		{"wide/7", plan([]int{3, 6, 12, 24, 48}, []int{2, 3, 5, 9, 17}, []int{48, 96, 1000, 4000}), 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := Parts(tc.p, tc.n)
			if len(parts) != tc.n {
				t.Fatalf("%d parts, want %d", len(parts), tc.n)
			}
			seen := map[bench.Config]int{}
			for _, part := range parts {
				for _, c := range part {
					seen[c]++
				}
			}
			for _, c := range tc.p.Grid.Configs() {
				if seen[c] != 1 {
					t.Errorf("%s is in %d parts", c, seen[c])
				}
			}
			if len(seen) != tc.p.Grid.Size() {
				t.Errorf("%d configs in the parts, the grid has %d", len(seen), tc.p.Grid.Size())
			}
			again := Parts(tc.p, tc.n)
			for i := range parts {
				if !slices.Equal(parts[i], again[i]) {
					t.Errorf("part %d differs between two calls: %v, %v", i, parts[i], again[i])
				}
				if got := Part(tc.p, bench.Shard{Index: i, Count: tc.n}); !slices.Equal(got, parts[i]) {
					t.Errorf("Part(%d/%d) = %v, want %v", i, tc.n, got, parts[i])
				}
			}
		})
	}
}

// The parts are balanced by cost, not by count: on a grid where the work
// per epoch outweighs --min-time, no part costs more than 4/3 of the best
// split's lower bound, max(total/n, the costliest config).
func TestPartsBalanced(t *testing.T) {
	p := plan([]int{3, 6, 12, 24, 48}, []int{2, 3, 5, 9, 17}, []int{48, 96, 1000, 4000})
	p.Timing.MinTime = time.Millisecond
	for _, n := range []int{2, 3, 4, 7, 16} {
		parts := Parts(p, n)
		var total, largest, worst time.Duration
		for _, c := range p.Grid.Configs() {
			total += Cost(p, c)
			largest = max(largest, Cost(p, c))
		}
		for _, part := range parts {
			var sum time.Duration
			for _, c := range part {
				sum += Cost(p, c)
			}
			worst = max(worst, sum)
		}
		bound := max(total/time.Duration(n), largest)
		if float64(worst) > 4.0/3*float64(bound) {
			t.Errorf("n=%d: the costliest part takes %v, over 4/3 of the bound %v", n, worst, bound)
		}
	}
	// Round-robin by index would put the heavy T=4000 configs unevenly;
	// the costs of the parts here differ by far less than one config.
	parts := Parts(p, 4)
	counts := []int{}
	for _, part := range parts {
		counts = append(counts, len(part))
	}
	if slices.Min(counts) == slices.Max(counts) {
		t.Logf("counts %v (equal by chance)", counts)
	}
}

func TestCalibration(t *testing.T) {
	for _, tc := range []struct {
		p    bench.Plan
		want bench.Config
	}{
		{bench.DefaultPlan(), bench.Config{D: 3, K: 3, T: 48}},
		{plan([]int{12, 3}, []int{9, 5}, []int{96, 4000}), bench.Config{D: 3, K: 5, T: 96}},
	} {
		if got := Calibration(tc.p); got != tc.want {
			t.Errorf("Calibration(%v) = %v, want %v", tc.p.Grid, got, tc.want)
		}
	}
	p := bench.DefaultPlan()
	cal := Calibration(p)
	for i := range 3 {
		s := bench.Shard{Index: i, Count: 3}
		m := Measured(p, s)
		if !slices.Contains(m, cal) {
			t.Errorf("shard %v does not measure the calibration config %v: %v", s, cal, m)
		}
		if want := len(Part(p, s)) + 1; !slices.Contains(Part(p, s), cal) && len(m) != want {
			t.Errorf("shard %v measures %d configs, want %d", s, len(m), want)
		}
	}
}
