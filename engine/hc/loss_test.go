package hc

import (
	"math"
	"testing"
)

// Hand-checked values: each want is worked out in the comment beside it.
func TestLossesAndMetrics(t *testing.T) {
	scratch := make([]float64, 16)
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		// ((1-0)² + (2-0)² + (3-1)²)/3 = (1+4+4)/3 = 3
		{"MSE", MSE([]float64{1, 2, 3}, []float64{0, 0, 1}, scratch), 3},
		// prev=(0,0) s=(1,1) hat=(1,3): 0.8·mean(1,1) + 1.2·mean(0,4) = 0.8 + 2.4 = 3.2
		{"Consistency", ReferenceConsistency.Eval([]float64{0, 0}, []float64{1, 1}, []float64{1, 3}, scratch), 3.2},
		// branches (K=2, D=2) rows (0,2),(2,6): means (1,4); deviations ±1, ±2;
		// variance = (1+4+1+4)/4 = 2.5
		{"Coherence variance", Coherence(CoherenceVariance, []float64{0, 2, 2, 6}, 2, 2, scratch), 2.5},
		// mean absolute deviation = (1+2+1+2)/4 = 1.5
		{"Coherence mad", Coherence(CoherenceMAD, []float64{0, 2, 2, 6}, 2, 2, scratch), 1.5},
		// sqrt(((3-0)² + (4-0)²)/2) = sqrt(12.5)
		{"RMSE", RMSE([]float64{0, 0}, []float64{3, 4}, scratch), math.Sqrt(12.5)},
		// max(target)=0 → 0 whatever the prediction
		{"Overshoot zero ref", Overshoot([]float64{0, 0}, []float64{5, 9}), 0},
		// max(target)=2, max(pred)=3 → (3-2)/2 = 0.5
		{"Overshoot", Overshoot([]float64{1, 2}, []float64{3, 0}), 0.5},
		// negative reference max: max=-2, pred max -1 → 1/|-2| = 0.5
		{"Overshoot negative ref", Overshoot([]float64{-2, -4}, []float64{-1, -3}), 0.5},
		// under the reference → 0
		{"Overshoot below", Overshoot([]float64{1, 2}, []float64{0, 1}), 0},
		// 1/(1 + ((0-1)² + (0-3)²)/2) = 1/(1+5) = 1/6
		{"Robustness", Robustness([]float64{0, 0}, []float64{1, 3}, scratch), 1.0 / 6},
		// depth 1: 0.30/(1+0.3·0) = 0.30
		{"Backend span depth 1", Backend{Span: 0.30, Depth: 1}.SpanAt(), 0.30},
		// 0.30/(1+0.3·2) = 0.1875
		{"Backend span depth 3", Backend{Span: 0.30, Depth: 3}.SpanAt(), 0.1875},
		// 0.22/(1+0.3·9) = 0.0594… < 0.08 → the floor
		{"Backend span floor", Backend{Span: 0.22, Depth: 10}.SpanAt(), 0.08},
	}
	for _, tc := range tests {
		if math.Abs(tc.got-tc.want) > 1e-15*math.Max(1, math.Abs(tc.want)) {
			t.Errorf("%s = %.17g, want %.17g", tc.name, tc.got, tc.want)
		}
	}
}

func TestPairwiseSumMatchesNumpyOrder(t *testing.T) {
	// Values whose sum depends on the order: 1e16 absorbs 1s added singly.
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 127, 128, 129, 300, 1000} {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(i%13) + 0.1*float64(i%7)
		}
		// Reference: numpy's pairwise_sum written out recursively.
		var ref func([]float64) float64
		ref = func(a []float64) float64 {
			m := len(a)
			if m < 8 {
				s := 0.0
				for _, v := range a {
					s += v
				}
				return s
			}
			if m <= 128 {
				var r [8]float64
				copy(r[:], a[:8])
				i := 8
				for ; i < m-m%8; i += 8 {
					for j := 0; j < 8; j++ {
						r[j] += a[i+j]
					}
				}
				s := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
				for ; i < m; i++ {
					s += a[i]
				}
				return s
			}
			m2 := m / 2
			m2 -= m2 % 8
			return ref(a[:m2]) + ref(a[m2:])
		}
		if got, want := PairwiseSum(xs), ref(xs); got != want {
			t.Errorf("n=%d: PairwiseSum = %.17g, want %.17g", n, got, want)
		}
	}
}

func TestLinspace(t *testing.T) {
	got := make([]float64, 5)
	Linspace(got, -0.25, 0.25)
	want := []float64{-0.25, -0.125, 0, 0.125, 0.25}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("linspace[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestPolicies(t *testing.T) {
	// K=3, D=2: rows (0.1, 0.9), (0.5, -0.2), (0.3, 0.4)
	br := []float64{0.1, 0.9, 0.5, -0.2, 0.3, 0.4}
	mu := []float64{0.3, 1.1 / 3}
	cases := []struct {
		name string
		want []float64
	}{
		{"mean", mu},
		{"median", []float64{0.3, 0.4}},
		// squared norms: 0.82, 0.29, 0.25 → row 2
		{"minrisk", []float64{0.3, 0.4}},
	}
	for _, tc := range cases {
		p, err := NewPolicy(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		p.Prepare(2, 3)
		got := make([]float64, 2)
		p.Select(got, br, mu, 3, 2)
		for j := range got {
			if math.Abs(got[j]-tc.want[j]) > 1e-15 {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			}
		}
	}
	// Even K: the median is the mean of the two middle values.
	p := &MedianPolicy{}
	p.Prepare(1, 4)
	got := []float64{0}
	p.Select(got, []float64{4, 1, 3, 2}, nil, 4, 1)
	if got[0] != 2.5 {
		t.Errorf("median of 4,1,3,2 = %v, want 2.5", got[0])
	}
	if _, err := NewPolicy("best"); err == nil {
		t.Error("unknown policy accepted")
	}
}

// TestEpochEqualsSteps checks that the batched epoch computes exactly (bit
// for bit) what stepping the chain one time step at a time computes, over
// many shapes, depths, policies and coherence modes.
func TestEpochEqualsSteps(t *testing.T) {
	for _, D := range []int{1, 2, 3, 5, 11} {
		for _, K := range []int{2, 3, 8, 17} {
			for _, T := range []int{1, 2, 9, 130} {
				for _, pol := range []string{"mean", "median", "minrisk"} {
					for _, mode := range []CoherenceMode{CoherenceVariance, CoherenceMAD} {
						for _, depth := range []int{1, 4} {
							checkEpochEqualsSteps(t, D, K, T, depth, pol, mode)
						}
					}
				}
			}
		}
	}
}

func checkEpochEqualsSteps(t *testing.T, D, K, T, depth int, pol string, mode CoherenceMode) {
	t.Helper()
	x := benchInput(T, D)
	p1, _ := NewPolicy(pol)
	p2, _ := NewPolicy(pol)
	c1, err := NewChain(ReferenceBackends(), D, K, p1, mode)
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := NewChain(ReferenceBackends(), D, K, p2, mode)
	c1.SetDepth(depth)
	c2.SetDepth(depth)
	ws, err := NewWorkspace(c1, T, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := ws.Epoch()

	// The reference's forward_epoch, literally.
	scratch := make([]float64, max(D, T))
	target := make([]float64, D)
	prev := make([]float64, D)
	y0 := make([]float64, T)
	var task, cons, coh float64
	for ti := 0; ti < T; ti++ {
		s, hat, ch := c2.Step(x[ti*D : (ti+1)*D])
		task += MSE(s, target, scratch)
		if ti > 0 {
			cons += ReferenceConsistency.Eval(prev, s, hat, scratch)
		}
		coh += ch
		copy(prev, s)
		y0[ti] = s[0]
	}
	var want Metrics
	want.Task = task / float64(T)
	want.Consistency = cons / float64(max(1, T-1))
	want.Coherence = coh / float64(T)
	want.Total = float64(want.Task+float64(0.5*want.Consistency)) + float64(0.3*want.Coherence)
	zero := make([]float64, T)
	want.RMSE = RMSE(zero, y0, scratch)
	want.Overshoot = Overshoot(zero, y0)
	want.Robustness = Robustness(zero, y0, scratch)
	if got != want {
		t.Errorf("D=%d K=%d T=%d depth=%d %s %v: epoch %+v, steps %+v", D, K, T, depth, pol, mode, got, want)
	}
	for j, v := range ws.LastState() {
		if v != prev[j] {
			t.Errorf("D=%d K=%d T=%d: last state differs at %d", D, K, T, j)
		}
	}
}

func TestConstructorErrors(t *testing.T) {
	if _, err := NewChain(ReferenceBackends(), 3, 1, &MeanPolicy{}, CoherenceVariance); err == nil {
		t.Error("K=1 accepted")
	}
	if _, err := NewChain(ReferenceBackends(), 0, 3, &MeanPolicy{}, CoherenceVariance); err == nil {
		t.Error("D=0 accepted")
	}
	if _, err := NewChain(nil, 3, 3, &MeanPolicy{}, CoherenceVariance); err == nil {
		t.Error("no backends accepted")
	}
	c, _ := NewChain(ReferenceBackends(), 3, 3, &MeanPolicy{}, CoherenceVariance)
	if _, err := NewWorkspace(c, 0, nil, nil); err == nil {
		t.Error("T=0 accepted")
	}
	if _, err := NewWorkspace(c, 2, make([]float64, 5), nil); err == nil {
		t.Error("short input accepted")
	}
}

// TestEpochAllocatesNothing guards the hot loop.
func TestEpochAllocatesNothing(t *testing.T) {
	for _, pol := range []string{"mean", "median", "minrisk"} {
		p, _ := NewPolicy(pol)
		c, _ := NewChain(ReferenceBackends(), 6, 9, p, CoherenceVariance)
		ws, _ := NewWorkspace(c, 96, benchInput(96, 6), nil)
		if n := testing.AllocsPerRun(20, func() { c.SetDepth(2); ws.Epoch() }); n != 0 {
			t.Errorf("%s: epoch allocates %v times", pol, n)
		}
	}
}
