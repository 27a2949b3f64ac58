package hc

import (
	"math"
	"math/bits"
	"unsafe"
)

// EstimateBytes is what NewChain and NewWorkspace would allocate for a
// chain of nodes backends over D, K and T with the named policy — the same
// count as Workspace.Bytes — computed from the sizes alone, so that a
// config too big for memory is refused before anything is allocated. The
// sum saturates at math.MaxInt64 instead of overflowing.
func EstimateBytes(nodes, D, K, T int, policy string) int64 {
	var s satSum
	n := uint64(nodes)
	d, k, t := uint64(D), uint64(K), uint64(T)
	td := s.mul(t, d)
	// Workspace: x, target, hat, the node states (T×D each), coherence
	// (T×nodes), scratch, y0, ref0, and one block of futures and means.
	s.add(s.mul(3+n, td))
	s.add(s.mul(t, n))
	s.add(max(d, t) + 2*t)
	kd := s.mul(k, d)
	tb := uint64(blockSteps(T, K, D))
	s.add(s.mul(kd, tb) + s.mul(tb, d))
	// Chain: per node state, deltas, branches, mean, representative; the
	// shared squares; one coherence per node.
	s.add(s.mul(n, d+k+kd+2*d))
	s.add(kd + n)
	if policy == "median" {
		s.add(k)
	}
	floats := s.total
	bytes := s.mul(floats, 8)
	structs := uint64(unsafe.Sizeof(Workspace{})) + n*uint64(unsafe.Sizeof([]float64(nil))) +
		uint64(unsafe.Sizeof(Chain{})) + n*uint64(unsafe.Sizeof(node{}))
	total, carry := bits.Add64(bytes, structs, 0)
	if carry != 0 || s.over || total > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(total)
}

// satSum adds and multiplies uint64s, remembering an overflow.
type satSum struct {
	total uint64
	over  bool
}

func (s *satSum) mul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		s.over = true
		return math.MaxUint64
	}
	return lo
}

func (s *satSum) add(v uint64) {
	sum, carry := bits.Add64(s.total, v, 0)
	if carry != 0 {
		s.over = true
		sum = math.MaxUint64
	}
	s.total = sum
}
