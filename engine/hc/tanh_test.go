package hc

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
)

// TanhSlice sets dst[i] = math.Tanh(src[i]) for i < len(src); len(dst) >=
// len(src). dst and src must be the same slice or not overlap. It is the
// kernels with no affine step or shift (b = -0), so the tests can check them
// on every float64 as it is.
func TanhSlice(dst, src []float64) {
	dst = dst[:len(src)]
	if useAVX2 && len(src) >= tanhMinLen {
		// v + (-0) is v for every v, -0 included (+0 would turn -0 into +0).
		tanhKernel(&dst[0], &src[0], len(src), 1, math.Copysign(0, -1))
		return
	}
	for i, v := range src {
		dst[i] = math.Tanh(v)
	}
}

// tanhMode is one implementation behind TanhAffine, TanhShift, TanhSlice.
type tanhMode struct {
	name         string
	avx2, avx512 bool
}

// tanhModes lists the implementations this machine runs: the math.Tanh
// loops always, then the vector kernels it has.
func tanhModes() []tanhMode {
	m := []tanhMode{{name: "generic"}}
	if useAVX2 {
		m = append(m, tanhMode{"avx2", true, false})
	}
	if useAVX512 {
		m = append(m, tanhMode{"avx512", true, true})
	}
	return m
}

// with runs f with the package switched to m.
func (m tanhMode) with(f func()) {
	a, b := useAVX2, useAVX512
	useAVX2, useAVX512 = m.avx2, m.avx512
	defer func() { useAVX2, useAVX512 = a, b }()
	f()
}

// sameBits is bit-identity, NaN payload and sign included (the kernels
// propagate a NaN exactly as math.Tanh's scalar operations do).
func sameBits(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// The engine's (w, b) pairs and shifts δ ∈ ±[0, 0.3].
var (
	tanhAffines = [][2]float64{{0.90, 0.03}, {0.97, 0.02}, {1.05, 0.00}, {1, 0}, {-2.5, 0.7}}
	tanhShifts  = []float64{0, math.Copysign(0, -1), 0.3, -0.3, 0.22, -0.25, 0.0375, -0.1125, 0.075, -0.15}
)

// checkTanh compares all three functions with math.Tanh on xs, under every
// mode.
func checkTanh(t testing.TB, xs []float64) {
	t.Helper()
	dst := make([]float64, len(xs))
	s := make([]float64, len(xs))
	for _, m := range tanhModes() {
		bad := 0
		report := func(f string, x, got, want float64) {
			t.Helper()
			if bad++; bad <= 10 {
				t.Errorf("%s: %s(%v [%#x]) = %v [%#x], math.Tanh gives %v [%#x]", m.name, f, x, math.Float64bits(x),
					got, math.Float64bits(got), want, math.Float64bits(want))
			}
		}
		m.with(func() {
			TanhSlice(dst, xs)
			for i, x := range xs {
				if want := math.Tanh(x); !sameBits(dst[i], want) {
					report("TanhSlice", x, dst[i], want)
				}
			}
			copy(s, xs)
			TanhSlice(s, s)
			for i, x := range xs {
				if !sameBits(s[i], dst[i]) {
					report("TanhSlice in place", x, s[i], dst[i])
				}
			}
			for _, d := range tanhShifts {
				TanhShift(dst, xs, d)
				for i, x := range xs {
					if want := math.Tanh(x + d); !sameBits(dst[i], want) {
						report(fmt.Sprintf("TanhShift(%v)", d), x, dst[i], want)
					}
				}
			}
			for _, wb := range tanhAffines {
				copy(s, xs)
				TanhAffine(s, wb[0], wb[1])
				for i, x := range xs {
					if want := math.Tanh(float64(wb[0]*x) + wb[1]); !sameBits(s[i], want) {
						report(fmt.Sprintf("TanhAffine(%v, %v)", wb[0], wb[1]), x, s[i], want)
					}
				}
			}
		})
	}
}

// tanhSpecials are the edges of math.Tanh's branches and of float64.
func tanhSpecials() []float64 {
	bound := 0.5 * 8.8029691931113054295988e+01 // math/tanh.go's 0.5*MAXLOG
	var xs []float64
	for _, x := range []float64{
		0, 5e-324, 2.225073858507201e-308, math.SmallestNonzeroFloat64 * 3, 1e-300, 1e-160, 1e-8,
		0.3125, 0.5, 0.625, 1, 2, 10, 20, 44.0, bound, 45, 88, 710, 1e300, math.MaxFloat64, math.Inf(1),
	} {
		for _, y := range []float64{x, math.Nextafter(x, 0), math.Nextafter(x, math.Inf(1)),
			math.Nextafter(math.Nextafter(x, 0), 0), math.Nextafter(math.Nextafter(x, math.Inf(1)), math.Inf(1))} {
			xs = append(xs, y, -y)
		}
	}
	// NaNs: quiet, signalling, with payloads, both signs.
	for _, u := range []uint64{0x7ff8000000000001, 0x7ff0000000000001, 0x7ff4000000000000, 0x7fffffffffffffff,
		0xfff8000000000000, 0xfff0000000000001, 0xfffc0000deadbeef} {
		xs = append(xs, math.Float64frombits(u))
	}
	return append(xs, math.NaN())
}

func TestTanhSpecials(t *testing.T) {
	xs := tanhSpecials()
	checkTanh(t, xs)
	// Each special alone, so that it meets every lane position and the tail.
	for i := range xs {
		for j := 0; j < 8; j++ {
			v := make([]float64, 8+j%3)
			for k := range v {
				v[k] = 0.1 * float64(k)
			}
			v[j] = xs[i]
			checkTanh(t, v)
		}
	}
}

// tanhRandom draws n values of one of the test distributions.
func tanhRandom(r *rand.Rand, dist string, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		switch dist {
		case "uniform":
			xs[i] = 2*r.Float64() - 1
		case "normal":
			xs[i] = 0.3 * r.NormFloat64()
		case "logmag": // |x| log-uniform over 1e-300..1e3
			xs[i] = math.Pow(10, -300+303*r.Float64())
			if r.IntN(2) == 0 {
				xs[i] = -xs[i]
			}
		case "wide":
			xs[i] = 100*r.Float64() - 50
		case "bits": // any float64, NaNs and infinities included
			xs[i] = math.Float64frombits(r.Uint64())
		}
	}
	return xs
}

func TestTanhRandom(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 50_000
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, dist := range []string{"uniform", "normal", "logmag", "wide", "bits"} {
		t.Run(dist, func(t *testing.T) { checkTanh(t, tanhRandom(r, dist, n)) })
	}
}

// Every length 0..67 from every offset 0..7: the tails of 4- and 8-lane
// vectors, unaligned starts, and nothing written past len(src).
func TestTanhLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	buf := tanhRandom(r, "normal", 80)
	for i := 0; i < len(buf); i += 5 {
		buf[i] *= 4 // some lanes on the exp branch
	}
	const guard = 12345.0
	out := make([]float64, 80)
	for _, m := range tanhModes() {
		m.with(func() {
			for off := 0; off < 8; off++ {
				for n := 0; n <= 67; n++ {
					src := buf[off : off+n]
					checkTanh(t, src)
					for i := range out {
						out[i] = guard
					}
					dst := out[off : off+n]
					TanhShift(dst, src, 0.1)
					for i, v := range out {
						if (i < off || i >= off+n) && v != guard {
							t.Fatalf("%s: TanhShift of %d from %d wrote out[%d]", m.name, n, off, i)
						}
					}
					TanhAffine(dst[:0], 2, 3) // empty: nothing to do
				}
			}
		})
	}
}

// TestTanhShortDst checks the length contract.
func TestTanhShortDst(t *testing.T) {
	for name, f := range map[string]func(dst, src []float64){
		"TanhShift": func(dst, src []float64) { TanhShift(dst, src, 0.1) },
		"TanhSlice": TanhSlice,
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s with a short dst did not panic", name)
				}
			}()
			f(make([]float64, 3), make([]float64, 4))
		}()
	}
}

// expAsm is math.Exp's amd64 assembly (exp_amd64.s) for 1 <= x <= 89, where
// it has no special case, taking or not its FMA path.
func expAsm(x float64, fma bool) float64 {
	k := math.RoundToEven(1.4426950408889634073599246810018920 * x)
	const ln2U, ln2L = 0.69314718055966295651160180568695068359375, 0.28235290563031577122588448175013436025525412068e-12
	var r float64
	if fma {
		r = math.FMA(-k, ln2L, math.FMA(-k, ln2U, x))
	} else {
		r = x - float64(k*ln2U)
		r -= float64(k * ln2L)
	}
	r *= 0.0625
	p := 2.4801587301587301587e-5
	for _, c := range []float64{1.9841269841269841270e-4, 1.3888888888888888889e-3, 8.3333333333333333333e-3,
		4.1666666666666666667e-2, 1.6666666666666666667e-1, 0.5, 1} {
		if fma {
			p = math.FMA(p, r, c)
		} else {
			p = float64(p*r) + c
		}
	}
	r *= p
	if fma {
		for range 3 {
			r *= r + 2
		}
		r = math.FMA(r+2, r, 1)
	} else {
		for range 4 {
			r *= r + 2
		}
		r++
	}
	return math.Ldexp(r, int(k))
}

// tanhExpBranch is math.Tanh for 0.625 <= |x| <= 44 with expAsm.
func tanhExpBranch(x float64, fma bool) float64 {
	z := 1 - 2/(expAsm(2*math.Abs(x), fma)+1)
	return math.Copysign(z, x)
}

// The kernels reproduce math.Exp's FMA path only. Where the CPU has FMA,
// math.Tanh must follow that path (else the self-check would have turned the
// kernels off), and tanhProbe must tell it from the other one, so that the
// self-check notices GODEBUG=cpu.fma=off.
func TestTanhProbe(t *testing.T) {
	if avx2, _ := cpuFeatures(); !avx2 {
		t.Skip("no AVX2+FMA")
	}
	if !useAVX2 {
		t.Fatal("the self-check turned the kernels off")
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 200_000 {
		x := 0.625 + 43.3*r.Float64()
		if r.IntN(2) == 0 {
			x = -x
		}
		if want, got := math.Tanh(x), tanhExpBranch(x, true); !sameBits(want, got) {
			t.Fatalf("exp emulation: tanh(%v) = %v, math.Tanh gives %v", x, got, want)
		}
	}
	differ := 0
	for _, x := range tanhProbe {
		if math.Abs(x) >= 0.625 && !sameBits(tanhExpBranch(x, true), tanhExpBranch(x, false)) {
			differ++
		}
	}
	if differ == 0 {
		t.Fatal("no probe separates math.Exp's FMA and plain paths")
	}
	t.Logf("%d of %d probes separate the FMA and plain paths", differ, len(tanhProbe))
	if !tanhSelfCheck() {
		t.Fatal("self-check fails")
	}
}

// Under GODEBUG=cpu.fma=off math.Exp takes its plain path, which the kernels
// do not reproduce: in a child process so started, the self-check must have
// turned them off, and the functions must still match math.Tanh.
func TestTanhNoFMA(t *testing.T) {
	if os.Getenv("HC_TANH_NOFMA") == "1" {
		if useAVX2 {
			t.Fatal("kernels on, although math.Exp does not use FMA")
		}
		checkTanh(t, append(tanhSpecials(), tanhRandom(rand.New(rand.NewPCG(7, 8)), "wide", 20_000)...))
		return
	}
	if avx2, _ := cpuFeatures(); !avx2 {
		t.Skip("no AVX2+FMA: the kernels are off anyway")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTanhNoFMA$", "-test.v")
	cmd.Env = append(os.Environ(), "GODEBUG=cpu.fma=off", "HC_TANH_NOFMA=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func FuzzTanhSlice(f *testing.F) {
	var all []byte
	for _, x := range tanhSpecials() {
		all = binary.LittleEndian.AppendUint64(all, math.Float64bits(x))
	}
	f.Add(all)
	f.Add(all[8*17 : 8*30])
	f.Add([]byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef!"))
	f.Fuzz(func(t *testing.T, data []byte) {
		xs := make([]float64, len(data)/8)
		for i := range xs {
			xs[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
		dst := make([]float64, len(xs))
		for _, m := range tanhModes() {
			m.with(func() { TanhSlice(dst, xs) })
			for i, x := range xs {
				if want := math.Tanh(x); !sameBits(dst[i], want) {
					t.Fatalf("%s: TanhSlice(%#x) = %#x, math.Tanh gives %#x", m.name,
						math.Float64bits(x), math.Float64bits(dst[i]), math.Float64bits(want))
				}
			}
		}
	})
}

// tanhBenchArgs are 1024 arguments like the engine's: states 0.3·sin(...),
// and (if shifted, three in four) futures: states of twice that amplitude
// shifted by δ ∈ [-0.3, 0.3], so up to ±0.9. expFrac is the fraction of them
// on math.Tanh's exp branch (|x| >= 0.625), the kernels' second pass.
func tanhBenchArgs(shifted bool) (xs []float64, expFrac float64) {
	xs = make([]float64, 1024)
	n := 0
	for i := range xs {
		x := 0.3 * math.Sin(0.35*float64(i/3)+0.7*float64(i%3))
		if shifted && i%4 != 0 {
			x = 2*x + (-0.3 + 0.075*float64(i/2%9))
		}
		xs[i] = x
		if math.Abs(x) >= 0.625 {
			n++
		}
	}
	return xs, float64(n) / float64(len(xs))
}

var tanhBenchSink float64

func BenchmarkTanhKernel(b *testing.B) {
	for _, in := range []struct {
		name    string
		shifted bool
	}{{"", true}, {"states", false}} {
		xs, frac := tanhBenchArgs(in.shifted)
		dst := make([]float64, len(xs))
		run := func(name string, m *tanhMode, f func()) {
			if in.name != "" {
				name += "/" + in.name
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				do := f
				if m != nil {
					do = func() { m.with(f) }
				}
				for b.Loop() {
					do()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(xs)), "ns/elem")
				b.ReportMetric(frac, "exp-frac")
				tanhBenchSink = dst[len(dst)-1]
			})
		}
		run("math", nil, func() {
			for i, x := range xs {
				dst[i] = math.Tanh(x)
			}
		})
		run("slice", nil, func() { TanhSlice(dst, xs) })
		if useAVX512 {
			run("slice-avx2", &tanhMode{"avx2", true, false}, func() { TanhSlice(dst, xs) })
		}
	}
}
