// Package hc is the hypercausal model of the QMLHC benchmark, ported from the
// reference (qml-hcs): depth-aware tanh backends, a linear future projector,
// projection policies, a chain of nodes, the benchmark's losses and metrics.
//
// Everything works on buffers sized once per (D, K, T): an epoch allocates
// nothing. Floating-point operations are written in the reference's order
// (and products are rounded before sums, so no FMA fusion changes a bit), so
// results agree with numpy's to the last few ulps.
package hc

import (
	"fmt"
	"math"
	"unsafe"
)

func sqrt(x float64) float64 { return math.Sqrt(x) }

// SpanFloor is the smallest projection span a deep backend keeps.
const SpanFloor = 0.08

// Backend is the reference's DepthAwareBackend: its state is x pushed
// max(1, depth) times through tanh(w·s + b); its K futures are
// tanh(s + δ_k) with δ evenly spaced over [-span_d, span_d].
type Backend struct {
	W, B, Span float64
	Depth      int
}

// ReferenceBackends are the three backends of the reference's chain.
func ReferenceBackends() []Backend {
	return []Backend{
		{W: 0.90, B: 0.03, Span: 0.22, Depth: 1},
		{W: 0.97, B: 0.02, Span: 0.25, Depth: 1},
		{W: 1.05, B: 0.00, Span: 0.30, Depth: 1},
	}
}

// SpanAt is the depth-adaptive span: max(0.08, span / (1 + 0.3 (depth-1))).
func (b Backend) SpanAt() float64 {
	return math.Max(SpanFloor, b.Span/(1.0+float64(0.3*float64(b.Depth-1))))
}

// Iterations is how many times the state recursion applies tanh.
func (b Backend) Iterations() int { return max(1, b.Depth) }

// Linspace fills dst with numpy.linspace(start, stop, len(dst)): k·step +
// start, the last element exactly stop.
func Linspace(dst []float64, start, stop float64) {
	n := len(dst)
	switch n {
	case 0:
		return
	case 1:
		dst[0] = start
		return
	}
	step := (stop - start) / float64(n-1)
	for k := range dst {
		dst[k] = float64(float64(k)*step) + start
	}
	dst[n-1] = stop
}

// CoherenceMode selects how the coherence loss measures branch spread.
type CoherenceMode int

const (
	// CoherenceVariance is the reference's: mean squared deviation of the
	// branches from their per-dimension mean.
	CoherenceVariance CoherenceMode = iota
	// CoherenceMAD is the mean absolute deviation from the per-dimension mean.
	CoherenceMAD
)

// node holds one backend and its buffers.
type node struct {
	be       Backend
	state    []float64 // D: s_t of one time step (the tests' Chain.Step)
	deltas   []float64 // K: projector offsets at the current depth
	branches []float64 // K×D row-major: future k is branches[k*D:(k+1)*D]
	mu       []float64 // D: per-dimension mean of the branches (the tests' Chain.Step)
	rep      []float64 // D: the policy's representative future
}

// Chain is a sequence of nodes; node i's state is node i+1's input.
type Chain struct {
	D, K   int
	nodes  []node
	policy Policy
	mode   CoherenceMode
	// meanPolicy: the representative is the branch mean the chain computes
	// anyway, so Select is skipped.
	meanPolicy bool
	sq         []float64 // K×D scratch for the coherence sum
	coh        []float64 // one coherence value per node (the tests' Chain.Step)
}

// NewChain builds a chain over dimension D with K branches. Every buffer an
// epoch needs is allocated here.
func NewChain(backends []Backend, D, K int, policy Policy, mode CoherenceMode) (*Chain, error) {
	switch {
	case len(backends) == 0:
		return nil, fmt.Errorf("chain needs at least one backend")
	case D < 1:
		return nil, fmt.Errorf("D=%d: the dimension must be ≥ 1", D)
	case K < 2:
		return nil, fmt.Errorf("K=%d: the branch count must be ≥ 2", K)
	case policy == nil:
		return nil, fmt.Errorf("chain needs a policy")
	}
	c := &Chain{D: D, K: K, policy: policy, mode: mode,
		sq: make([]float64, K*D), coh: make([]float64, len(backends))}
	c.nodes = make([]node, len(backends))
	for i, be := range backends {
		c.nodes[i] = node{
			be:       be,
			state:    make([]float64, D),
			deltas:   make([]float64, K),
			branches: make([]float64, K*D),
			mu:       make([]float64, D),
			rep:      make([]float64, D),
		}
	}
	policy.Prepare(D, K)
	_, c.meanPolicy = policy.(*MeanPolicy)
	for i := range c.nodes {
		c.nodes[i].setDeltas()
		if c.meanPolicy {
			// The mean policy's choice is the branch mean itself.
			c.nodes[i].rep = c.nodes[i].mu
		}
	}
	return c, nil
}

// Bytes is the memory the chain's buffers hold.
func (c *Chain) Bytes() int64 {
	per := int64(c.D + c.K + c.K*c.D + 2*c.D)
	floats := int64(len(c.nodes))*per + int64(c.K*c.D) + int64(len(c.nodes))
	structs := int64(unsafe.Sizeof(*c)) + int64(len(c.nodes))*int64(unsafe.Sizeof(node{}))
	return 8*floats + structs + c.policy.Bytes()
}

// SetDepth sets every backend to depth d (as the benchmark does).
func (c *Chain) SetDepth(d int) {
	for i := range c.nodes {
		c.nodes[i].be.Depth = d
		c.nodes[i].setDeltas()
	}
}

func (n *node) setDeltas() {
	s := n.be.SpanAt()
	Linspace(n.deltas, -s, s)
}

// Nodes is the number of nodes.
func (c *Chain) Nodes() int { return len(c.nodes) }

// recur applies the backend's state recursion s = tanh(w·s + b) to every
// element of s, max(1, depth) times. Elements are independent, so a long s
// (many time steps at once) keeps the tanh calls pipelined.
func (n *node) recur(s []float64) {
	for r := n.be.Iterations(); r > 0; r-- {
		TanhAffine(s, n.be.W, n.be.B)
	}
}

// meanCoherence is np.mean over the nodes' coherence values.
func (c *Chain) meanCoherence(coh []float64) float64 {
	return PairwiseSum(coh) / float64(len(coh))
}
