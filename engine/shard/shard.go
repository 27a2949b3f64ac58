// Package shard splits a plan's grid into the parts that `--shard I/N`
// measures: deterministically (every node computes the same parts from the
// plan alone, without timing anything), each config in exactly one part,
// and balanced by each config's estimated cost rather than by count. It
// also names the calibration config that every shard measures besides its
// part, so that the merge can see how fast each node is.
package shard

import (
	"cmp"
	"slices"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
)

// Nominal speeds of the cost model. They are fixed, not measured: two nodes
// that timed a calibration would disagree and partition differently. Only
// their ratio to --min-time matters (it decides when the work per epoch
// outweighs the minimum measuring time); measured on this project's VM the
// Go port does about 10 ns per unit of work, the Python reference about a
// thousand times that.
const (
	nsPerUnitGo     = 10
	nsPerUnitPython = 10_000
)

// Epoch is the cost model's time of one epoch of c: the work per epoch
// T×D×(K+1), as the sweep's Estimator scales it, at a nominal speed.
func Epoch(p bench.Plan, c bench.Config) time.Duration {
	rate := float64(nsPerUnitGo)
	if p.EngineName() == bench.EnginePython {
		rate = nsPerUnitPython
	}
	work := float64(c.T) * float64(c.D) * float64(c.K+1)
	return time.Duration(min(rate*work, float64(time.Duration(1)<<60)))
}

// Cost is the estimated time to measure c under p: the sweep's own lower
// bound (sweep.MinConfigTime: warm-ups, --min-time, the least epochs, the
// measurements per config) at the nominal epoch time.
func Cost(p bench.Plan, c bench.Config) time.Duration { return sweep.MinConfigTime(p, Epoch(p, c)) }

// Parts splits p's grid into n parts: a greedy longest-processing-time
// assignment — configs by decreasing cost (ties in sweep order), each to
// the part with the least cost so far (ties to the lowest index) — which
// is within 4/3 of the best possible makespan. Each part lists its configs
// in sweep order. Parts may be empty when n exceeds the grid's size.
func Parts(p bench.Plan, n int) [][]bench.Config {
	configs := p.Grid.Configs()
	type item struct {
		c    bench.Config
		cost time.Duration
		pos  int
	}
	items := make([]item, len(configs))
	for i, c := range configs {
		items[i] = item{c, Cost(p, c), i}
	}
	slices.SortStableFunc(items, func(a, b item) int {
		return cmp.Or(cmp.Compare(b.cost, a.cost), cmp.Compare(a.pos, b.pos))
	})
	n = max(n, 1)
	load := make([]time.Duration, n)
	idx := make([][]int, n)
	for _, it := range items {
		best := 0
		for j := 1; j < n; j++ {
			if load[j] < load[best] {
				best = j
			}
		}
		load[best] += it.cost
		idx[best] = append(idx[best], it.pos)
	}
	parts := make([][]bench.Config, n)
	for j := range idx {
		slices.Sort(idx[j])
		parts[j] = make([]bench.Config, len(idx[j]))
		for k, pos := range idx[j] {
			parts[j][k] = configs[pos]
		}
	}
	return parts
}

// Part is the configs shard s measures (Parts(p, s.Count)[s.Index]).
func Part(p bench.Plan, s bench.Shard) []bench.Config { return Parts(p, s.Count)[s.Index] }

// Calibration is the config every shard measures besides its part: the
// cheapest of the grid (the first in sweep order among equals), so that
// it costs each node little. Its headline on each node shows how fast the
// node is relative to the others.
func Calibration(p bench.Plan) bench.Config {
	configs := p.Grid.Configs()
	best := configs[0]
	bestCost := Cost(p, best)
	for _, c := range configs[1:] {
		if cost := Cost(p, c); cost < bestCost {
			best, bestCost = c, cost
		}
	}
	return best
}

// Measured is what shard s measures: its part and the calibration config,
// in sweep order.
func Measured(p bench.Plan, s bench.Shard) []bench.Config {
	part := Part(p, s)
	cal := Calibration(p)
	if slices.Contains(part, cal) {
		return part
	}
	var out []bench.Config
	for _, c := range p.Grid.Configs() {
		if c == cal || slices.Contains(part, c) {
			out = append(out, c)
		}
	}
	return out
}
