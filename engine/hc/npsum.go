package hc

// PairwiseSum adds xs in exactly the order numpy's add.reduce does for a
// contiguous float64 array (pairwise_sum in numpy's loops): sequential below
// 8 elements, eight interleaved accumulators up to 128, halving above. Using
// the same order is what keeps results equal to the reference's to the last
// few ulps rather than merely close.
func PairwiseSum(xs []float64) float64 {
	// Small enough to inline, so the common short sums cost no call.
	if len(xs) < 8 {
		res := 0.0
		for _, v := range xs {
			res += v
		}
		return res
	}
	return pairwiseSum(xs)
}

func pairwiseSum(xs []float64) float64 {
	n := len(xs)
	switch {
	case n < 8:
		res := 0.0
		for _, v := range xs {
			res += v
		}
		return res
	case n <= 128:
		var r [8]float64
		copy(r[:], xs[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			r[0] += xs[i]
			r[1] += xs[i+1]
			r[2] += xs[i+2]
			r[3] += xs[i+3]
			r[4] += xs[i+4]
			r[5] += xs[i+5]
			r[6] += xs[i+6]
			r[7] += xs[i+7]
		}
		res := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			res += xs[i]
		}
		return res
	default:
		n2 := n / 2
		n2 -= n2 % 8
		return pairwiseSum(xs[:n2]) + pairwiseSum(xs[n2:])
	}
}

// Mean is numpy's mean of a 1-D array: pairwise sum over the length.
func Mean(xs []float64) float64 {
	return PairwiseSum(xs) / float64(len(xs))
}

// Std is numpy's std with ddof 0 (population): the mean of squared
// deviations from the mean, summed pairwise, then the square root.
// It needs len(xs) scratch space, which it takes from scratch.
func Std(xs, scratch []float64) float64 {
	m := Mean(xs)
	d := scratch[:len(xs)]
	for i, v := range xs {
		x := v - m
		d[i] = x * x
	}
	return sqrt(PairwiseSum(d) / float64(len(xs)))
}
