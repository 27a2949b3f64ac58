package hc

import "math"

// Vectorised tanh, bit-identical to math.Tanh.
//
// math.Tanh is a rational approximation for |x| < 0.625 and
// 1 - 2/(math.Exp(2|x|)+1) up to 44.01..., each ending in a scalar divide
// that bounds a loop of calls. On amd64 the kernels in tanh_amd64.s do the
// very same IEEE operations in the same order, 4 or 8 lanes at once: the
// rational branch's multiply-adds unfused, as the Go compiler emits them for
// GOAMD64=v1, math.Exp's fused where its assembly fuses them. Every float64
// input, NaN payloads included, gives math.Tanh's bits.
//
// Elsewhere, without AVX2+FMA, or if the start-up self-check finds that
// math.Tanh no longer matches (GODEBUG=cpu.fma=off changes math.Exp), the
// functions are math.Tanh loops; so are slices shorter than tanhMinLen,
// where a call costs more than it saves.
const tanhMinLen = 4

// TanhAffine sets s[i] = math.Tanh(float64(w*s[i]) + b) for every i (the
// product rounded before the add: no FMA).
func TanhAffine(s []float64, w, b float64) {
	if useAVX2 && len(s) >= tanhMinLen {
		tanhKernel(&s[0], &s[0], len(s), w, b)
		return
	}
	for i, v := range s {
		s[i] = math.Tanh(float64(w*v) + b)
	}
}

// TanhShift sets dst[i] = math.Tanh(src[i] + d) for i < len(src);
// len(dst) >= len(src). dst and src must be the same slice or not overlap.
func TanhShift(dst, src []float64, d float64) {
	dst = dst[:len(src)]
	if useAVX2 && len(src) >= tanhMinLen {
		// 1·v is v (a signalling NaN comes out quiet, as v + d makes it).
		tanhKernel(&dst[0], &src[0], len(src), 1, d)
		return
	}
	for i, v := range src {
		dst[i] = math.Tanh(v + d)
	}
}
