package npyrand

import "math/bits"

// PCG64's default 128-bit LCG multiplier (numpy's PCG_DEFAULT_MULTIPLIER_128).
const (
	pcgMultHi = 0x2360ED051FC65DA4
	pcgMultLo = 0x4385DF649FCCF645
)

// PCG64 is numpy's PCG64 bit generator: a 128-bit LCG whose 64-bit output is
// the XSL-RR permutation of the state just after each step. A Generator
// draws from one, which New seeds. Not safe for concurrent use.
type PCG64 struct {
	stateHi, stateLo uint64
	incHi, incLo     uint64 // odd increment (the stream)
}

// seed makes p numpy's PCG64(seed): the state is seeded from
// SeedSequence(seed).generate_state(4, uint64) as (words[0]<<64 | words[1])
// and the stream as (words[2]<<64 | words[3]).
func (p *PCG64) seed(seed uint64) {
	var w [4]uint64
	fillState(seed, w[:])
	p.srandom(w[0], w[1], w[2], w[3])
}

// srandom is PCG's pcg_setseq_128_srandom_r: inc = initseq<<1 | 1, and the
// initial state is mixed in between two steps.
func (p *PCG64) srandom(stateHi, stateLo, seqHi, seqLo uint64) {
	p.stateHi, p.stateLo = 0, 0
	p.incHi = seqHi<<1 | seqLo>>63
	p.incLo = seqLo<<1 | 1
	p.step()
	var carry uint64
	p.stateLo, carry = bits.Add64(p.stateLo, stateLo, 0)
	p.stateHi, _ = bits.Add64(p.stateHi, stateHi, carry)
	p.step()
}

// step advances the LCG: state = state·mult + inc (mod 2^128).
func (p *PCG64) step() {
	hi, lo := bits.Mul64(p.stateLo, pcgMultLo)
	hi += p.stateHi*pcgMultLo + p.stateLo*pcgMultHi
	var carry uint64
	p.stateLo, carry = bits.Add64(lo, p.incLo, 0)
	p.stateHi, _ = bits.Add64(hi, p.incHi, carry)
}

// Uint64 returns the next raw 64-bit output, numpy's random_raw(): step, then
// output rotr64(hi ^ lo, hi >> 58) of the new state.
func (p *PCG64) Uint64() uint64 {
	p.step()
	return bits.RotateLeft64(p.stateHi^p.stateLo, -int(p.stateHi>>58))
}
