package npyrand

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// numpyTablesSHA256 is the SHA-256 of numpy 1.24.2's ki_double, wi_double and
// fi_double (numpy/random/src/distributions/ziggurat_constants.h, unchanged
// since numpy 1.17), each entry as its 8 little-endian bytes (the uint64, or
// the float64's IEEE bits), in the order ki[0..255], wi[0..255], fi[0..255].
// numpy is BSD-3-Clause, Copyright (c) 2005-2023 NumPy Developers.
const numpyTablesSHA256 = "d46841a090f638a74c6bd112345fe681089be798d725b251129f062cad5521a3"

func tablesDigest(ki *[256]uint64, wi, fi *[256]float64) string {
	h := sha256.New()
	var b [8]byte
	for _, k := range ki {
		binary.LittleEndian.PutUint64(b[:], k)
		h.Write(b[:])
	}
	for _, tab := range []*[256]float64{wi, fi} {
		for _, v := range tab {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			h.Write(b[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestZigguratTablesMatchNumpy(t *testing.T) {
	if got := tablesDigest(&zigK, &zigW, &zigF); got != numpyTablesSHA256 {
		t.Errorf("ziggurat tables digest %s, numpy's %s", got, numpyTablesSHA256)
	}
	// A few of numpy's entries, to say where a difference is: the base
	// layer, the top layers, the quirk layer and its neighbours, the tail edge.
	spot := []struct {
		i      int
		ki     uint64
		wi, fi uint64 // float64 bits
	}{
		{0, 0x000EF33D8025EF6A, 0x3ccf493b7815d979, 0x3ff0000000000000},
		{1, 0x0000000000000000, 0x3c8b8d0be3fdf6c6, 0x3fef446ac979f087},
		{2, 0x000C08BE98FBC6A8, 0x3c9250af3c2c5bb4, 0x3feeb7545b6ca915},
		{37, 0x000FD38E4FF0C91E, 0x3cabf1d62abf8232, 0x3fe5dae86f4aff6a},
		{38, 0x000FD49A9990B478, 0x3cac3e70f9594ef3, 0x3fe5ad29acc85c89},
		{39, 0x000FD598B8920F53, 0x3cac8a13a5323b61, 0x3fe57fe4264c8d8f},
		{128, 0x000FEDED0F909980, 0x3cb890c35f47f72d, 0x3fd3b1507cf143ae},
		{254, 0x000F66C5F7F0302C, 0x3ccb981f3878fdb1, 0x3f655f9f43c1b067},
		{255, 0x000F1A5A4B331C4A, 0x3ccd3bb48209ad33, 0x3f54a605b6b9f70f},
	}
	for _, s := range spot {
		if zigK[s.i] != s.ki {
			t.Errorf("ki[%d] = %#x, numpy %#x", s.i, zigK[s.i], s.ki)
		}
		if d := ulpDiff(zigW[s.i], math.Float64frombits(s.wi)); d != 0 {
			t.Errorf("wi[%d] = %v, numpy %v (%+d ulps)", s.i, zigW[s.i], math.Float64frombits(s.wi), d)
		}
		if d := ulpDiff(zigF[s.i], math.Float64frombits(s.fi)); d != 0 {
			t.Errorf("fi[%d] = %v, numpy %v (%+d ulps)", s.i, zigF[s.i], math.Float64frombits(s.fi), d)
		}
	}
	// numpy's constants as doubles (its header's literals round to these).
	if r, ir := zigR, zigInvR; r != 3.6541528853610088 || ir != 0.27366123732975828 {
		t.Errorf("r = %.17g, 1/r = %.17g", r, ir)
	}
}

// Reference exp and log in 256-bit arithmetic, rounded once to float64.
const refPrec = 256

func refFloat(x float64) *big.Float { return new(big.Float).SetPrec(refPrec).SetFloat64(x) }

func refExpBig(x *big.Float) *big.Float {
	// e^x = (e^(x/2^16))^(2^16), the inner one by Taylor.
	const k = 16
	y := new(big.Float).SetPrec(refPrec).SetMantExp(x, -k)
	sum, term := refFloat(1), refFloat(1)
	tiny := new(big.Float).SetMantExp(refFloat(1), -refPrec-10)
	for n := 1; ; n++ {
		term.Mul(term, y)
		term.Quo(term, refFloat(float64(n)))
		sum.Add(sum, term)
		if new(big.Float).Abs(term).Cmp(tiny) < 0 {
			break
		}
	}
	for range k {
		sum.Mul(sum, sum)
	}
	return sum
}

func refExp(a float64) float64 {
	v, _ := refExpBig(refFloat(a)).Float64()
	return v
}

func refLog(y float64) float64 {
	// Halley's iteration on e^z = y from math.Log: z += 2(y-e^z)/(y+e^z).
	z := refFloat(math.Log(y))
	yb := refFloat(y)
	for range 3 {
		e := refExpBig(z)
		num := new(big.Float).SetPrec(refPrec).Sub(yb, e)
		den := new(big.Float).SetPrec(refPrec).Add(yb, e)
		num.Quo(num, den)
		z.Add(z, num.Mul(num, refFloat(2)))
	}
	v, _ := z.Float64()
	return v
}

func TestCorrectlyRoundedExpLog(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	// Arguments as the ziggurat makes them: -x²/2 for |x| ≤ r (wedge and
	// tables), 1 - U for U = k·2^-53 (tail), and edge cases.
	expArgs := []float64{-0.38951100007894385, -0.5 * zigR * zigR, -1e-300, -0x1p-53, 1, -36.7, 0.5}
	logArgs := []float64{1, 1 - 0x1p-53, 0x1p-53, 0.5, 1 - 0x1p-21, 1 - 0x1p-19, 1 + 0x1p-21, 0.9771017012676716, 2, 1e-300}
	for range 1500 {
		x := rng.Float64() * zigR
		expArgs = append(expArgs, -0.5*x*x)
		u := float64(rng.Uint64()>>11) * 0x1p-53
		logArgs = append(logArgs, 1-u, 1-u*0x1p-30)
	}
	bad := 0
	for _, a := range expArgs {
		if got, want := crExp(a), refExp(a); got != want {
			bad++
			t.Errorf("crExp(%v) = %v, want %v (%+d ulps)", a, got, want, ulpDiff(got, want))
		}
	}
	for _, y := range logArgs {
		if got, want := crLog(y), refLog(y); got != want {
			bad++
			t.Errorf("crLog(%v) = %v, want %v (%+d ulps)", y, got, want, ulpDiff(got, want))
		}
		if bad > 20 {
			t.FailNow()
		}
	}
}

func BenchmarkStandardNormal(b *testing.B) {
	g := New(0)
	b.ReportAllocs()
	var s float64
	for b.Loop() {
		s += g.StandardNormal()
	}
	sink = s
}

func BenchmarkPCG64(b *testing.B) {
	p := NewPCG64(0)
	b.ReportAllocs()
	var s uint64
	for b.Loop() {
		s += p.Uint64()
	}
	sink = float64(s)
}

var sink float64

func TestLessExpAtTheBoundary(t *testing.T) {
	// y a few ulps either side of exp(a): the fast path must hand over to
	// the correctly rounded exp exactly where it matters.
	rng := rand.New(rand.NewPCG(3, 5))
	for range 300 {
		x := rng.Float64() * zigR
		a := -0.5 * x * x
		e := refExp(a)
		y := e
		for range 4 {
			y = math.Nextafter(y, 0)
		}
		for k := -4; k <= 4; k++ {
			if got, want := lessExp(y, a), y < e; got != want {
				t.Errorf("lessExp(%v, %v) = %v, want %v (exp = %v)", y, a, got, want, e)
			}
			y = math.Nextafter(y, 2)
		}
	}
}
