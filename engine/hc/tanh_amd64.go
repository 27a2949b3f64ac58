//go:build amd64 && !amd64.v3

package hc

//lint:file-ignore U1000 tanhPack, tanhK and its row names are read by tanh_amd64.s, which staticcheck cannot see

import "math"

// useAVX2 selects the vector kernels, useAVX512 the 8-lane one of them
// (faster on Zen 5: its full-width VDIVPD halves the time per element).
// Tests switch them off.
var useAVX2, useAVX512 bool

func init() {
	useAVX2, useAVX512 = cpuFeatures()
	if useAVX2 && !tanhSelfCheck() {
		useAVX2, useAVX512 = false, false
	}
}

// cpuFeatures reports AVX2, FMA and POPCNT with the OS saving YMM state, and
// AVX-512F with the OS saving ZMM state on top.
func cpuFeatures() (avx2, avx512 bool)

// tanhAVX2 and tanhAVX512 set dst[i] = math.Tanh(float64(w*src[i]) + b) for
// i < n (n > 0).
//
//go:noescape
func tanhAVX2(dst, src *float64, n int, w, b float64)

//go:noescape
func tanhAVX512(dst, src *float64, n int, w, b float64)

func tanhKernel(dst, src *float64, n int, w, b float64) {
	if useAVX512 {
		tanhAVX512(dst, src, n, w, b)
	} else {
		tanhAVX2(dst, src, n, w, b)
	}
}

// tanhProbe is where math.Tanh's dependence on the CPU shows: math.Exp takes
// its FMA path only if internal/cpu reports AVX and FMA (GODEBUG=cpu.fma=off
// turns it off), and the kernels reproduce that path alone. The two paths
// rarely give different tanh bits (4 in 10^4 arguments); the last six
// arguments are such cases, which the test checks.
var tanhProbe = [...]float64{
	0, 0.1, -0.3, 0.62, -0.7, 1.1, -5.5, 50, math.Inf(-1), math.NaN(),
	1.601343251606342, -0.7595479338849946, 1.8903781565038866,
	-0.772199960026107, 0.8859279500156569, -2.4164259064994686,
}

// tanhSelfCheck runs the kernels on tanhProbe against math.Tanh.
func tanhSelfCheck() bool {
	var out [len(tanhProbe)]float64
	for _, wide := range []bool{false, true} {
		if wide && !useAVX512 {
			break
		}
		if wide {
			tanhAVX512(&out[0], &tanhProbe[0], len(out), 1, 0)
		} else {
			tanhAVX2(&out[0], &tanhProbe[0], len(out), 1, 0)
		}
		for i, x := range tanhProbe {
			if math.Float64bits(out[i]) != math.Float64bits(math.Tanh(x)) {
				return false
			}
		}
	}
	return true
}

// tanhPack[m] is the VPERMD index that moves the lanes (float64) set in the
// 4-bit mask m to the front, in order.
var tanhPack = func() (p [16][8]uint32) {
	for m := range p {
		k := 0
		for j := range 4 {
			if m>>j&1 != 0 {
				p[m][2*k], p[m][2*k+1] = uint32(2*j), uint32(2*j+1)
				k++
			}
		}
	}
	return p
}()

// Rows of tanhK, each one constant in 4 lanes (AVX2 has no broadcast
// operands); tanh_amd64.s addresses row r at ·tanhK+32*r.
const (
	kAbs  = iota // 0x7fff... : |x|
	kSign        // 0x8000... : sign bit
	kP0          // math.tanhP and math.tanhQ
	kP1
	kP2
	kQ0
	kQ1
	kQ2
	kSmall // 0.625: below, the rational approximation
	kBig   // 0.5*MAXLOG: above, ±1
	kOne   // 1
	kTwo   // 2
	kLog2e // the constants of math.Exp's assembly (exp_amd64.s)
	kLn2U  // upper part of ln 2
	kLn2L  // lower part of ln 2
	kSixt  // 1/16: the reduced argument
	kE64   // Taylor coefficients, named by their exprodata offsets
	kE56   //
	kE48   //
	kE40   //
	kE32   //
	kE24   //
	kE0    //
	kE8    //
	kMagic // 2^52 + 1023: k + kMagic has k + 1023 in its low bits
	kRows
)

var tanhK = func() (k [kRows][4]uint64) {
	const maxLog = 8.8029691931113054295988e+01 // as in math/tanh.go
	v := [kRows]float64{
		kP0:    -9.64399179425052238628e-1,
		kP1:    -9.92877231001918586564e1,
		kP2:    -1.61468768441708447952e3,
		kQ0:    1.12811678491632931402e2,
		kQ1:    2.23548839060100448583e3,
		kQ2:    4.84406305325125486048e3,
		kSmall: 0.625,
		kBig:   0.5 * maxLog,
		kOne:   1,
		kTwo:   2,
		kLog2e: 1.4426950408889634073599246810018920,
		kLn2U:  0.69314718055966295651160180568695068359375,
		kLn2L:  0.28235290563031577122588448175013436025525412068e-12,
		kSixt:  0.0625,
		kE64:   2.4801587301587301587e-5,
		kE56:   1.9841269841269841270e-4,
		kE48:   1.3888888888888888889e-3,
		kE40:   8.3333333333333333333e-3,
		kE32:   4.1666666666666666667e-2,
		kE24:   1.6666666666666666667e-1,
		kE0:    0.5,
		kE8:    1.0,
		kMagic: 1<<52 + 1023,
	}
	for r := range k {
		u := math.Float64bits(v[r])
		switch r {
		case kAbs:
			u = 1<<63 - 1
		case kSign:
			u = 1 << 63
		}
		k[r] = [4]uint64{u, u, u, u}
	}
	return k
}()
