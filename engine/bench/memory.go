package bench

import (
	"fmt"

	"github.com/hcbench/hcbench/engine/hc"
)

// EstimatePeakBytes is the memory one run of c holds in the Go engine —
// the input series, the target and every buffer of the model — computed
// from the sizes alone, without allocating, so that a config too big for
// memory is refused before it runs. It is exact (it is what the worker
// reports as the run's MemPeakBytes) and saturates at the largest int64.
func EstimatePeakBytes(p Plan, c Config) int64 {
	return hc.EstimateBytes(len(hc.ReferenceBackends()), c.D, c.K, c.T, p.Policy)
}

// LargestConfig is the config of g that needs the most memory and time:
// both grow with each of D, K and T.
func LargestConfig(g Grid) Config {
	var c Config
	for _, d := range g.Dims {
		c.D = max(c.D, d)
	}
	for _, k := range g.Branches {
		c.K = max(c.K, k)
	}
	for _, t := range g.SeqLens {
		c.T = max(c.T, t)
	}
	return c
}

// MemoryHint is what to do about a plan CheckMemory refused, whose budget
// came from source (a flag, "--max-memory", or what the machine has): a
// budget the user set is raised, another one is set.
func MemoryHint(source, flag string) string {
	if source == "--"+flag {
		return fmt.Sprintf("(the budget --%s gives): shrink the grid or raise --%s", flag, flag)
	}
	return fmt.Sprintf("(the budget: %s): shrink the grid or set --%s", source, flag)
}

// CheckMemory refuses a plan whose largest config needs more than budget
// bytes (no check when budget ≤ 0), naming the config, what it needs and
// the budget.
func CheckMemory(p Plan, budget int64) error {
	if budget <= 0 {
		return nil
	}
	c := LargestConfig(p.Grid)
	need := EstimatePeakBytes(p, c)
	both := ""
	if !p.Vs.IsZero() {
		// An A/B sweep's worker may hold both variants' buffers at once.
		need *= 2
		both = " (both variants of --vs)"
	}
	if need > budget {
		return fmt.Errorf("config %s needs %s (%d bytes) of memory%s, above the budget of %s (%d bytes)",
			c, FormatBytes(need), need, both, FormatBytes(budget), budget)
	}
	return nil
}
