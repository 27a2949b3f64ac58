// Package npyrand reproduces, bit for bit, the part of numpy's random module
// (numpy 1.24) that the benchmark's reference uses: SeedSequence, the PCG64
// bit generator and Generator.standard_normal (numpy's 256-level ziggurat).
//
// numpy.random.default_rng(seed) is PCG64(SeedSequence(seed)); New(seed) is
// the same stream, so a Go run draws exactly the noise the Python reference
// draws. The algorithms follow numpy's sources (numpy/random/bit_generator.pyx,
// numpy/random/src/pcg64/, numpy/random/src/distributions/), which are
// BSD-3-Clause licensed, Copyright (c) 2005-2023 NumPy Developers; SeedSequence
// derives from Melissa E. O'Neill's seed_seq (MIT) and PCG64 from her PCG
// library (MIT / Apache-2.0).
package npyrand

// SeedSequence constants (numpy's bit_generator.pyx).
const (
	poolSize = 4 // numpy's DEFAULT_POOL_SIZE: 4 uint32 words of pooled entropy
	initA    = 0x43b0d7e5
	multA    = 0x931e8875
	initB    = 0x8b51f9dd
	multB    = 0x58f38ded
	mixMultL = 0xca01f9dd
	mixMultR = 0x4973f715
	xshift   = 16 // half the bits of a uint32
)

// hashmix hashes one word with the running multiplier *h, which it advances.
func hashmix(value uint32, h *uint32) uint32 {
	value ^= *h
	*h *= multA
	value *= *h
	value ^= value >> xshift
	return value
}

// mix combines two hashed words.
func mix(x, y uint32) uint32 {
	r := mixMultL*x - mixMultR*y
	r ^= r >> xshift
	return r
}

// seedPool is SeedSequence(seed).pool: the seed, cut into 32-bit words lowest
// first (one word for 0), hashed and mixed into four words.
func seedPool(seed uint64) [poolSize]uint32 {
	var entropy [2]uint32
	words := entropy[:0]
	if seed == 0 {
		words = append(words, 0)
	}
	for s := seed; s > 0; s >>= 32 {
		words = append(words, uint32(s))
	}

	var pool [poolSize]uint32
	h := uint32(initA)
	for i := range pool {
		var w uint32
		if i < len(words) {
			w = words[i]
		}
		pool[i] = hashmix(w, &h)
	}
	for src := range pool {
		for dst := range pool {
			if src != dst {
				pool[dst] = mix(pool[dst], hashmix(pool[src], &h))
			}
		}
	}
	// (numpy then mixes entropy words beyond the pool's size into every pool
	// word; a uint64 seed is at most two words, so there are none.)
	return pool
}

// fillState writes SeedSequence(seed).generate_state(len(dst), uint64) into
// dst without allocating: 2·len(dst) uint32 words drawn cyclically from the
// pool, paired little-endian.
func fillState(seed uint64, dst []uint64) {
	pool := seedPool(seed)
	h := uint32(initB)
	next := func(i int) uint32 {
		v := pool[i%poolSize]
		v ^= h
		h *= multB
		v *= h
		v ^= v >> xshift
		return v
	}
	for i := range dst {
		lo := next(2 * i)
		hi := next(2*i + 1)
		dst[i] = uint64(hi)<<32 | uint64(lo)
	}
}
