package npyrand

import "math"

// Generator is numpy's Generator over PCG64: New(seed) draws the same stream
// as numpy.random.default_rng(seed). Not safe for concurrent use.
type Generator struct {
	bits PCG64

	// Counts of the ziggurat's rare branches, for tests and diagnostics:
	// draws that fell into the base layer's tail, wedge tests, and wedge
	// tests that rejected (each rejection draws again).
	nTail, nWedge, nWedgeReject uint64
}

// New returns the generator numpy.random.default_rng(seed) would.
func New(seed uint64) *Generator {
	g := new(Generator)
	g.bits.seed(seed)
	return g
}

// Float64 returns a uniform draw from [0, 1), like rng.random(): the top 53
// bits of one raw output, scaled by 2^-53.
func (g *Generator) Float64() float64 {
	return float64(int64(g.bits.Uint64()>>11)) * (1.0 / 9007199254740992.0)
}

// StandardNormal returns a standard normal draw, like rng.standard_normal():
// numpy's ziggurat, bit for bit. One raw output gives the layer (low 8 bits),
// the sign (bit 8) and a 52-bit magnitude (bits 9..60); about 99% of draws
// return from that alone. It does not allocate.
func (g *Generator) StandardNormal() float64 {
	for {
		r := g.bits.Uint64()
		idx := uint8(r)
		r >>= 8
		rabs := (r >> 1) & 0x000fffffffffffff
		x := float64(int64(rabs)) * zigW[idx] // < 2^52: the signed conversion is exact and cheaper
		// Negate when the sign bit is set: flipping the float's sign bit is
		// numpy's x = -x, without a branch the CPU cannot predict.
		x = math.Float64frombits(math.Float64bits(x) ^ (r&1)<<63)
		if rabs < zigK[idx] {
			return x
		}
		if v, ok := g.normalSlow(idx, rabs, x); ok {
			return v
		}
	}
}

// normalSlow is the ziggurat's rare path, kept out of line: the tail beyond
// r for the base layer (Marsaglia's exponential method), the wedge test for
// the others. ok is false when the draw is rejected.
//
//go:noinline
func (g *Generator) normalSlow(idx uint8, rabs uint64, x float64) (v float64, ok bool) {
	if idx == 0 {
		g.nTail++
		for {
			// 1 - U, as numpy, so the log never sees 0.
			xx := -zigInvR * crLog(1.0-g.Float64())
			yy := -crLog(1.0 - g.Float64())
			if yy+yy > xx*xx {
				if (rabs>>8)&1 != 0 {
					return -(zigR + xx), true
				}
				return zigR + xx, true
			}
		}
	}
	g.nWedge++
	// The explicit conversion keeps the product rounded on its own, as in
	// numpy's C (no fused multiply-add).
	y := float64((zigF[idx-1]-zigF[idx])*g.Float64()) + zigF[idx]
	if lessExp(y, -0.5*x*x) {
		return x, true
	}
	g.nWedgeReject++
	return 0, false
}

// lessExp reports y < exp(a) with exp correctly rounded, as numpy's C gets it
// from glibc. math.Exp is within an ulp of e^a, so it decides the same way
// unless y is within a few ulps of it; only then is the slow crExp needed.
func lessExp(y, a float64) bool {
	e := math.Exp(a)
	if math.Abs(y-e) <= 0x1p-50*e {
		e = crExp(a)
	}
	return y < e
}
