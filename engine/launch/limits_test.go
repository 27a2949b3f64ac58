package launch

import (
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
)

// TestAddressSpace: a run whose processes cannot fit under the address-space
// limit — each reserves ProcessReserve, a worker also its buffers as they
// grow — is refused naming the limit and what it needs; the budget left
// for buffers is what the memory check compares configs with.
func TestAddressSpace(t *testing.T) {
	small := bench.DefaultPlan() // buffers of a few KiB
	big := bench.DefaultPlan()
	big.Grid = bench.Grid{Dims: []int{512}, Branches: []int{64}, SeqLens: []int{8192}} // 194 MiB of buffers
	const gib = 1 << 30
	for _, tt := range []struct {
		name   string
		plan   bench.Plan
		limit  int64
		budget int64
		want   []string // in the refusal; nil: none
	}{
		{"no limit", big, 0, 0, nil},
		{"1.5 GiB: not even hcbench fits", small, 3 * gib / 2, 0,
			[]string{"address-space limit (ulimit -v 1572864) is 1.5 GiB", "needs in each of its processes: 2.0 GiB", "2.0 GiB that every hcbench process reserves", "ulimit -v 2098176 or more", "ulimit -v unlimited"}},
		{"2.1 GiB, small configs", small, 2*gib + 100<<20, 80 << 20, nil},
		{"2.1 GiB, big config", big, 2*gib + 100<<20, 80 << 20, []string{"a run of D=512 K=64 T=8192 needs", "for the config's buffers as they grow"}},
		{"3 GiB, big config", big, 3 * gib, gib * 4 / 5, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := bufferBudget(tt.limit); got != tt.budget {
				t.Errorf("buffer budget %d, want %d", got, tt.budget)
			}
			err := checkAddressSpace(tt.plan, tt.limit)
			if (err != nil) != (tt.want != nil) {
				t.Fatalf("err = %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("refusal %q does not say %q", err, w)
				}
			}
			// A config the budget admits always fits.
			if b := bufferBudget(tt.limit); b > 0 && bench.EstimatePeakBytes(tt.plan, bench.LargestConfig(tt.plan.Grid)) <= b && err != nil {
				t.Errorf("a config within the budget of %d is refused: %v", b, err)
			}
		})
	}
}
