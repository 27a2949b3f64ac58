package hc

import (
	"fmt"
	"math"
	"unsafe"
)

// Loss weights of the benchmark's total: task + 0.5·consistency + 0.3·coherence.
const (
	WeightConsistency = 0.5
	WeightCoherence   = 0.3
)

// Metrics is what one epoch computes.
type Metrics struct {
	Total, Task, Consistency, Coherence float64
	// On dimension 0 of the states over time, against the target's dimension 0.
	RMSE, Overshoot, Robustness float64
}

// Workspace runs epochs of a chain over one input sequence of length T.
// All its buffers are allocated by NewWorkspace; Epoch allocates nothing.
type Workspace struct {
	Chain *Chain
	T     int
	cons  Consistency

	x, target []float64 // T×D, row-major
	// states holds every node's states for all time steps (T×D each, the
	// last node's last): the epoch runs node by node over the whole
	// sequence, which is allowed because a step's chain does not depend on
	// the previous step's, and lets the tanh calls of many steps pipeline.
	states  [][]float64
	hat     []float64 // T×D: the last node's representative futures
	coh     []float64 // T×nodes: each node's coherence loss per step
	scratch []float64 // max(D, T)
	// Futures are made for a block of tb time steps at a time: fut holds
	// K blocks of tb×D (future k of step t at fut[k*tb*D + t*D + j]) and mu
	// their means, so the K·D·tb tanh calls run in long independent loops.
	tb       int
	fut, mu  []float64
	y0, ref0 []float64 // T: dimension 0 of states and targets
}

// NewWorkspace prepares epochs of chain over x (T×D row-major) with the given
// target (T×D; nil means all zeros, as in the benchmark).
func NewWorkspace(chain *Chain, T int, x, target []float64) (*Workspace, error) {
	D := chain.D
	if T < 1 {
		return nil, fmt.Errorf("T=%d: the sequence length must be ≥ 1", T)
	}
	if len(x) != T*D {
		return nil, fmt.Errorf("input has %d values, want T×D = %d×%d", len(x), T, D)
	}
	if target == nil {
		target = make([]float64, T*D)
	} else if len(target) != T*D {
		return nil, fmt.Errorf("target has %d values, want T×D = %d×%d", len(target), T, D)
	}
	w := &Workspace{Chain: chain, T: T, cons: ReferenceConsistency, x: x, target: target,
		states: make([][]float64, chain.Nodes()), hat: make([]float64, T*D),
		coh:     make([]float64, T*chain.Nodes()),
		scratch: make([]float64, max(D, T)),
		y0:      make([]float64, T), ref0: make([]float64, T)}
	for i := range w.states {
		w.states[i] = make([]float64, T*D)
	}
	w.tb = blockSteps(T, chain.K, D)
	w.fut = make([]float64, chain.K*w.tb*D)
	w.mu = make([]float64, w.tb*D)
	for t := 0; t < T; t++ {
		w.ref0[t] = target[t*D]
	}
	return w, nil
}

// Bytes is the memory the workspace holds, input and chain included.
func (w *Workspace) Bytes() int64 {
	n := len(w.x) + len(w.target) + len(w.hat) + len(w.coh) + len(w.scratch) + len(w.y0) + len(w.ref0) +
		len(w.fut) + len(w.mu)
	for _, s := range w.states {
		n += len(s)
	}
	structs := int64(unsafe.Sizeof(*w)) + int64(len(w.states))*int64(unsafe.Sizeof(w.x))
	return 8*int64(n) + structs + w.Chain.Bytes()
}

// blockSteps is how many time steps' futures are computed together: about
// 32 KiB of them (4096 floats, K·D a step), big enough to pipeline, small
// enough to stay in the L1/L2 cache; at least 1, at most T. EstimateBytes
// sizes the block by the same rule, without overflowing for any K and D.
func blockSteps(T, K, D int) int {
	if K <= 0 || D <= 0 || K > 4096/D {
		return 1
	}
	return max(1, min(T, 4096/(K*D)))
}

// Epoch runs the chain over the whole sequence and returns the losses and
// metrics, accumulated exactly as the reference's forward_epoch does.
func (w *Workspace) Epoch() Metrics {
	c := w.Chain
	D, T, N := c.D, w.T, len(c.nodes)
	in := w.x
	for i := range c.nodes {
		n := &c.nodes[i]
		st := w.states[i]
		copy(st, in)
		n.recur(st)
		for t0 := 0; t0 < T; t0 += w.tb {
			w.projectBlock(i, t0, min(T, t0+w.tb))
		}
		in = st
	}
	s := in // the last node's states: the chain's output s_t for every t
	var task, cons, coh float64
	for t := 0; t < T; t++ {
		st := s[t*D : (t+1)*D]
		task += MSE(st, w.target[t*D:(t+1)*D], w.scratch)
		if t > 0 {
			cons += w.cons.Eval(s[(t-1)*D:t*D], st, w.hat[t*D:(t+1)*D], w.scratch)
		}
		coh += c.meanCoherence(w.coh[t*N : (t+1)*N])
		w.y0[t] = st[0]
	}
	var m Metrics
	m.Task = task / float64(T)
	m.Consistency = cons / float64(max(1, T-1))
	m.Coherence = coh / float64(T)
	m.Total = float64(m.Task+float64(WeightConsistency*m.Consistency)) + float64(WeightCoherence*m.Coherence)
	m.RMSE = RMSE(w.ref0, w.y0, w.scratch)
	m.Overshoot = Overshoot(w.ref0, w.y0)
	m.Robustness = Robustness(w.ref0, w.y0, w.scratch)
	return m
}

// projectBlock makes node i's futures for time steps t0..t1-1 and, per
// step, their coherence loss and (for the last node) the representative
// future. Each value is computed with exactly the operations, in the same
// order, as the reference's forward step does for one time step (the tests'
// Chain.Step, which TestEpochEqualsSteps checks it against bit for bit).
func (w *Workspace) projectBlock(i, t0, t1 int) {
	c := w.Chain
	n := &c.nodes[i]
	D, K, N := c.D, c.K, len(c.nodes)
	m := (t1 - t0) * D
	seg := w.states[i][t0*D : t1*D]
	stride := w.tb * D
	mu := w.mu[:m]
	f0 := w.fut[:m]
	TanhShift(f0, seg, n.deltas[0])
	copy(mu, f0)
	for k := 1; k < K; k++ {
		fk := w.fut[k*stride : k*stride+m]
		TanhShift(fk, seg, n.deltas[k])
		fk = fk[:len(mu)]
		for j, f := range fk {
			mu[j] += f
		}
	}
	kf := float64(K)
	for j := range mu {
		mu[j] /= kf
	}
	last := i == N-1
	sq := c.sq[:K*D]
	for t := t0; t < t1; t++ {
		off := (t - t0) * D
		mut := mu[off : off+D]
		for k := 0; k < K; k++ {
			row := w.fut[k*stride+off : k*stride+off+D]
			out := sq[k*D : (k+1)*D]
			if c.mode == CoherenceMAD {
				for j, m := range mut {
					out[j] = math.Abs(row[j] - m)
				}
			} else {
				for j, m := range mut {
					e := row[j] - m
					out[j] = e * e
				}
			}
		}
		w.coh[t*N+i] = PairwiseSum(sq) / float64(K*D)
		rep := mut
		if !c.meanPolicy {
			for k := 0; k < K; k++ {
				copy(n.branches[k*D:(k+1)*D], w.fut[k*stride+off:k*stride+off+D])
			}
			c.policy.Select(n.rep, n.branches, mut, K, D)
			rep = n.rep
		}
		if last {
			copy(w.hat[t*D:(t+1)*D], rep)
		}
	}
}
