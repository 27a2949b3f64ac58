package hc

import "math"

// The parts of the model only the tests use: the plain one-step form of the
// chain (Chain.Step), which runs the reference's forward step literally, one
// time step at a time, so that TestEpochEqualsSteps can check the batched
// Workspace.Epoch against it bit for bit; the reference's CoherenceLoss on
// its own (Coherence), checked by hand; and what the tests read or print.

// String names the mode, for test messages.
func (m CoherenceMode) String() string {
	if m == CoherenceMAD {
		return "mad"
	}
	return "variance"
}

// LastState is s_{T-1} after an epoch (a view, valid until the next epoch).
func (w *Workspace) LastState() []float64 {
	s := w.states[len(w.states)-1]
	return s[(w.T-1)*w.Chain.D:]
}

// Step runs the chain on one input x (length D). It returns the last node's
// state s_t and representative future ŝ_t (views into the chain's buffers,
// valid until the next Step) and the mean over nodes of each node's
// coherence loss. Workspace.Epoch computes the same numbers, bit for bit,
// with the time steps batched; Step is the plain form of the model.
func (c *Chain) Step(x []float64) (s, hat []float64, coherence float64) {
	in := x[:c.D]
	for i := range c.nodes {
		n := &c.nodes[i]
		copy(n.state, in)
		n.recur(n.state)
		c.coh[i] = c.project(n, n.state)
		in = n.state
	}
	last := &c.nodes[len(c.nodes)-1]
	return last.state, last.rep, c.meanCoherence(c.coh)
}

// project makes the node's K futures of state st (length D), their mean,
// the policy's representative (n.rep) and returns the coherence loss.
func (c *Chain) project(n *node, st []float64) float64 {
	D, K := c.D, c.K
	st = st[:D]
	// LinearProjector(weight 1, bias 0): tanh(1·s + 0 + δ_k). The branch
	// mean is summed row by row as it is made, in numpy's order for
	// futures.mean(axis=0).
	mu := n.mu[:D]
	deltas := n.deltas[:K]
	row := n.branches[:D]
	dk := deltas[0]
	for j, v := range st {
		f := math.Tanh(v + dk)
		row[j] = f
		mu[j] = f
	}
	for k := 1; k < K; k++ {
		row := n.branches[k*D : (k+1)*D]
		row = row[:len(st)]
		mu := mu[:len(st)]
		dk := deltas[k]
		for j, v := range st {
			f := math.Tanh(v + dk)
			row[j] = f
			mu[j] += f
		}
	}
	fk := float64(K)
	for j := range mu {
		mu[j] /= fk
	}
	coh := coherenceLoss(c.mode, n.branches, mu, c.sq, K, D)
	if !c.meanPolicy {
		c.policy.Select(n.rep, n.branches, n.mu, K, D)
	}
	return coh
}

// Coherence is the reference's CoherenceLoss on K×D branches: the mean over
// all entries of (branch - per-dimension mean)² (variance mode) or of
// |branch - per-dimension mean| (mad mode).
func Coherence(mode CoherenceMode, branches []float64, K, D int, scratch []float64) float64 {
	mu := scratch[K*D : K*D+D]
	branchMean(mu, branches, K, D)
	return coherenceLoss(mode, branches, mu, scratch[:K*D], K, D)
}

// coherenceLoss is Coherence with the branch mean mu already known.
func coherenceLoss(mode CoherenceMode, branches, mu, sq []float64, K, D int) float64 {
	n := K * D
	sq, branches, mu = sq[:n], branches[:n], mu[:D]
	if mode == CoherenceMAD {
		for k := 0; k < n; k += D {
			row, out := branches[k:k+D], sq[k:k+D]
			for j, m := range mu {
				out[j] = math.Abs(row[j] - m)
			}
		}
	} else {
		for k := 0; k < n; k += D {
			row, out := branches[k:k+D], sq[k:k+D]
			for j, m := range mu {
				e := row[j] - m
				out[j] = e * e
			}
		}
	}
	return PairwiseSum(sq) / float64(n)
}

// branchMean is futures.mean(axis=0): rows summed in order, then divided.
func branchMean(mu, branches []float64, K, D int) {
	copy(mu, branches[:D])
	for k := 1; k < K; k++ {
		row := branches[k*D : (k+1)*D]
		for j, v := range row {
			mu[j] += v
		}
	}
	fk := float64(K)
	for j := range mu[:D] {
		mu[j] /= fk
	}
}
