package cluster

import (
	"iter"
	"maps"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/shard"
)

func partOf(p bench.Plan, i int) []bench.Config {
	return shard.Part(p, bench.Shard{Index: i, Count: 3})
}

func mapsKeys[K comparable, V any](m map[K]V) iter.Seq[K] { return maps.Keys(m) }
