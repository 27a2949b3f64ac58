package hc

import (
	"fmt"
	"math"
	"testing"
)

// benchInput is a deterministic input of the benchmark's amplitude (the
// values the tanh sees decide its cost, so they must be realistic).
func benchInput(T, D int) []float64 {
	x := make([]float64, T*D)
	for t := 0; t < T; t++ {
		for d := 0; d < D; d++ {
			x[t*D+d] = 0.3 * math.Sin(0.35*float64(t)+0.7*float64(d%3))
		}
	}
	return x
}

// BenchmarkEpoch times one epoch of the reference chain on four configs of
// the seed grid, from its smallest to its largest, at each depth. It must
// report 0 allocs/op.
func BenchmarkEpoch(b *testing.B) {
	for _, c := range benchConfigs {
		for _, depth := range []int{1, 2, 3} {
			b.Run(fmt.Sprintf("D=%d/K=%d/T=%d/depth=%d", c.D, c.K, c.T, depth), func(b *testing.B) {
				chain, err := NewChain(ReferenceBackends(), c.D, c.K, &MeanPolicy{}, CoherenceVariance)
				if err != nil {
					b.Fatal(err)
				}
				chain.SetDepth(depth)
				ws, err := NewWorkspace(chain, c.T, benchInput(c.T, c.D), nil)
				if err != nil {
					b.Fatal(err)
				}
				tanhs := TanhPerEpoch(chain.Nodes(), c.D, c.K, c.T, depth)
				b.ReportAllocs()
				b.ResetTimer()
				var sink Metrics
				for i := 0; i < b.N; i++ {
					sink = ws.Epoch()
				}
				b.StopTimer()
				if sink.Total == 0 {
					b.Fatal("no work done")
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(tanhs), "ns/tanh")
			})
		}
	}
}

var tanhSink float64

// TanhPerEpoch counts the tanh evaluations of one epoch: per step and node,
// max(1, depth)·D for the state and K·D for the futures.
func TanhPerEpoch(nodes, D, K, T, depth int) int64 {
	return int64(nodes) * int64(T) * int64(D) * int64(max(1, depth)+K)
}

// benchConfigs are the configs BenchmarkEpoch and BenchmarkTanhFloor share.
var benchConfigs = []struct{ D, K, T int }{{3, 3, 48}, {3, 9, 96}, {6, 5, 48}, {6, 9, 96}}

// tanhArgs replays one epoch and records every argument it passes to tanh,
// in order: the floor must be measured on the epoch's own arguments,
// because math.Tanh costs more above |x| = 0.625 than below.
func tanhArgs(D, K, T, depth int) []float64 {
	chain, _ := NewChain(ReferenceBackends(), D, K, &MeanPolicy{}, CoherenceVariance)
	chain.SetDepth(depth)
	x := benchInput(T, D)
	args := make([]float64, 0, TanhPerEpoch(chain.Nodes(), D, K, T, depth))
	state := make([]float64, D)
	for t := 0; t < T; t++ {
		copy(state, x[t*D:(t+1)*D])
		for i := range chain.nodes {
			n := &chain.nodes[i]
			for j, v := range state {
				for r := n.be.Iterations(); r > 0; r-- {
					a := float64(n.be.W*v) + n.be.B
					args = append(args, a)
					v = math.Tanh(a)
				}
				state[j] = v
			}
			for _, dk := range n.deltas {
				for _, v := range state {
					args = append(args, v+dk)
				}
			}
		}
	}
	return args
}

// BenchmarkTanhFloor measures the best case for math.Tanh on each
// BenchmarkEpoch config: the epoch's own arguments, all independent so the
// calls pipeline, nothing else done. An epoch cannot beat its tanh count
// times this cost; the README reports how close it gets.
func BenchmarkTanhFloor(b *testing.B) {
	for _, c := range benchConfigs {
		for _, depth := range []int{1, 2, 3} {
			b.Run(fmt.Sprintf("D=%d/K=%d/T=%d/depth=%d", c.D, c.K, c.T, depth), func(b *testing.B) {
				in := tanhArgs(c.D, c.K, c.T, depth)
				out := make([]float64, len(in))
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					for j, v := range in {
						out[j] = math.Tanh(v)
					}
				}
				b.StopTimer()
				tanhSink = out[len(out)-1]
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(in)), "ns/tanh")
			})
		}
	}
}

// BenchmarkEpochPolicies compares the projection policies on one config.
func BenchmarkEpochPolicies(b *testing.B) {
	for _, name := range []string{"mean", "median", "minrisk"} {
		b.Run(name, func(b *testing.B) {
			pol, _ := NewPolicy(name)
			chain, _ := NewChain(ReferenceBackends(), 6, 9, pol, CoherenceVariance)
			ws, _ := NewWorkspace(chain, 96, benchInput(96, 6), nil)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ws.Epoch()
			}
		})
	}
}
