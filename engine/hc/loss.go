package hc

import "math"

// The losses and metrics take a scratch slice at least as long as their
// inputs, so that they can sum squared terms pairwise, as numpy does,
// without allocating.

// MSE is the reference's MSELoss: mean((pred - target)²).
func MSE(pred, target, scratch []float64) float64 {
	d := scratch[:len(pred)]
	for i, p := range pred {
		e := p - target[i]
		d[i] = e * e
	}
	return PairwiseSum(d) / float64(len(d))
}

// Consistency is the reference's ConsistencyLoss(α, β):
// α·mean((s_t - s_{t-1})²) + β·mean((s_t - ŝ_t)²).
type Consistency struct{ Alpha, Beta float64 }

// ReferenceConsistency is the benchmark's ConsistencyLoss(0.8, 1.2).
var ReferenceConsistency = Consistency{Alpha: 0.8, Beta: 1.2}

// Eval computes the loss for previous state prev, state s and representative future hat.
func (c Consistency) Eval(prev, s, hat, scratch []float64) float64 {
	dPrev := MSE(s, prev, scratch)
	dFut := MSE(s, hat, scratch)
	return float64(c.Alpha*dPrev) + float64(c.Beta*dFut)
}

// RMSE is sqrt(mean((pred - target)²)).
func RMSE(target, pred, scratch []float64) float64 {
	return math.Sqrt(MSE(pred, target, scratch))
}

// Overshoot is the reference's: max(0, max(pred) - max(target)) / |max(target)|,
// and 0 when max(target) is 0.
func Overshoot(target, pred []float64) float64 {
	if len(target) == 0 {
		return 0
	}
	maxRef := target[0]
	for _, v := range target[1:] {
		maxRef = math.Max(maxRef, v)
	}
	if maxRef == 0 {
		return 0
	}
	maxErr := 0.0
	for _, p := range pred {
		maxErr = math.Max(maxErr, p-maxRef)
	}
	return maxErr / math.Abs(maxRef)
}

// Robustness is the reference's 1 / (1 + mean((target - pred)²)).
func Robustness(target, pred, scratch []float64) float64 {
	d := scratch[:len(pred)]
	for i, p := range pred {
		e := target[i] - p
		d[i] = e * e
	}
	return 1.0 / (1.0 + PairwiseSum(d)/float64(len(d)))
}
