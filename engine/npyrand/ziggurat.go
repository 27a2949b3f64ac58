package npyrand

import "math"

// The 256-level ziggurat for the standard normal, as numpy's
// random_standard_normal (numpy/random/src/distributions/distributions.c)
// uses it.
//
// The tables (numpy's ki_double, wi_double, fi_double in
// ziggurat_constants.h) are rebuilt here at init instead of being copied:
// the recipe below is the one numpy's tables were made by (float64
// arithmetic, a correctly rounded exp and log), plus one documented quirk of
// the libm that produced them. TestZigguratTablesMatchNumpy proves the
// result bit-identical to numpy's tables (digest and spot values).
const (
	// zigR is where the tail starts (numpy's ziggurat_nor_r).
	zigR float64 = 3.6541528853610087963519472518
	// zigInvR is numpy's ziggurat_nor_inv_r, its own literal (not 1/zigR).
	zigInvR float64 = 0.27366123732975827203338247596
	// zigV is the area of each layer, as numpy's tables were built with it.
	zigV float64 = 0.0049286732339746519
	// zigQuirk is the one layer whose density value numpy's tables hold one
	// ulp above the correctly rounded exp(-x²/2): the exact value lies 0.4983
	// ulp above the lower neighbour and the generating libm rounded up. The
	// upper layers are built from it, so it is kept to stay bit-identical.
	zigQuirk = 38
)

var (
	// zigK[i]: below it (as a 52-bit integer) the draw lies wholly inside
	// layer i's rectangle and is accepted at once.
	zigK [256]uint64
	// zigW[i] scales a 52-bit integer to layer i's x range.
	zigW [256]float64
	// zigF[i] is the density exp(-x_i²/2) at layer i's right edge.
	zigF [256]float64
)

func init() { buildZiggurat(&zigK, &zigW, &zigF) }

// buildZiggurat computes the layer edges x_1 < ... < x_255 = r downwards
// from r: x_{j-1} = sqrt(-2 ln(f(x_j) + v/x_j)), f(x) = exp(-x²/2), each
// operation rounded to float64, x_0 = 0. Then ki[j] = round(x_{j-1}/x_j·2^52),
// ki[0] = round(r·f(r)/v·2^52), wi[j] = x_j/2^52, wi[0] = v/f(r)/2^52 (the
// base layer with its tail), fi[j] = f(x_j). Rounding is half to even.
func buildZiggurat(ki *[256]uint64, wi, fi *[256]float64) {
	const scale = 1 << 52
	var x [256]float64
	x[255] = zigR
	for j := 255; j >= 1; j-- {
		fi[j] = crExp(-0.5 * x[j] * x[j])
		if j == zigQuirk {
			fi[j] = math.Nextafter(fi[j], 2)
		}
		if j > 1 {
			x[j-1] = math.Sqrt(-2 * crLog(fi[j]+zigV/x[j]))
		}
	}
	fi[0] = 1 // f(0)

	// In variables, so each operation rounds to float64 (Go evaluates
	// constant expressions exactly).
	r, v := zigR, zigV
	fr := crExp(-0.5 * r * r)
	ki[0] = uint64(math.RoundToEven(r * fr / v * scale))
	wi[0] = v / fr / scale
	for j := 1; j < 256; j++ {
		ki[j] = uint64(math.RoundToEven(x[j-1] / x[j] * scale))
		wi[j] = x[j] / scale
	}
}
