package hc

import (
	"fmt"
	"math"
)

// Policy aggregates K candidate futures (K×D, row-major) into one
// representative future of length D. mu is the per-dimension branch mean,
// already computed by the chain (the mean policy just copies it).
type Policy interface {
	Name() string
	// Prepare sizes the policy's scratch for (D, K); called once per chain.
	Prepare(D, K int)
	Select(dst, branches, mu []float64, K, D int)
	// Bytes is the memory the policy's scratch holds.
	Bytes() int64
}

// NewPolicy returns the policy with the given name: mean, median or minrisk.
// Each chain needs its own policy value (policies own scratch space).
func NewPolicy(name string) (Policy, error) {
	switch name {
	case "mean":
		return &MeanPolicy{}, nil
	case "median":
		return &MedianPolicy{}, nil
	case "minrisk":
		return &MinRiskPolicy{}, nil
	}
	return nil, fmt.Errorf("policy %q is unknown: allowed are mean, median, minrisk", name)
}

// MeanPolicy is the reference's: the element-wise mean of the branches.
type MeanPolicy struct{}

func (*MeanPolicy) Name() string     { return "mean" }
func (*MeanPolicy) Prepare(_, _ int) {}
func (*MeanPolicy) Bytes() int64     { return 0 }

// Select copies the branch mean, which equals numpy's futures.mean(axis=0).
func (*MeanPolicy) Select(dst, _, mu []float64, _, D int) { copy(dst[:D], mu[:D]) }

// MedianPolicy takes the element-wise median (numpy's median along axis 0:
// the middle value, or the mean of the two middle values for even K).
type MedianPolicy struct{ col []float64 }

func (*MedianPolicy) Name() string       { return "median" }
func (p *MedianPolicy) Prepare(_, K int) { p.col = make([]float64, K) }
func (p *MedianPolicy) Bytes() int64     { return 8 * int64(cap(p.col)) }

func (p *MedianPolicy) Select(dst, branches, _ []float64, K, D int) {
	col := p.col[:K]
	for j := 0; j < D; j++ {
		for k := 0; k < K; k++ {
			col[k] = branches[k*D+j]
		}
		dst[j] = sortedMedian(col)
	}
}

// sortedMedian sorts xs in place (insertion sort: K is small and this must
// not allocate) and returns its median.
func sortedMedian(xs []float64) float64 {
	for i := 1; i < len(xs); i++ {
		v := xs[i]
		j := i - 1
		for j >= 0 && xs[j] > v {
			xs[j+1] = xs[j]
			j--
		}
		xs[j+1] = v
	}
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// Risk scores one branch (length D); lower is better.
type Risk func(branch []float64) float64

// SquaredNorm is the default risk: the squared L2 norm.
func SquaredNorm(b []float64) float64 {
	s := 0.0
	for _, v := range b {
		s += float64(v * v)
	}
	return s
}

// MinRiskPolicy picks the branch with the smallest risk (the first one on
// ties, as numpy's argmin does).
type MinRiskPolicy struct {
	Risk Risk // nil means SquaredNorm
}

func (*MinRiskPolicy) Name() string     { return "minrisk" }
func (*MinRiskPolicy) Prepare(_, _ int) {}
func (*MinRiskPolicy) Bytes() int64     { return 0 }

func (p *MinRiskPolicy) Select(dst, branches, _ []float64, K, D int) {
	risk := p.Risk
	if risk == nil {
		risk = SquaredNorm
	}
	best, bestScore := 0, math.Inf(1)
	for k := 0; k < K; k++ {
		// NaN never wins, matching argmin only for finite scores; the
		// model's tanh outputs are always finite.
		if s := risk(branches[k*D : (k+1)*D]); s < bestScore {
			best, bestScore = k, s
		}
	}
	copy(dst[:D], branches[best*D:(best+1)*D])
}
