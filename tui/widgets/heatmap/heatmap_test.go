package heatmap

import (
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
)

// FuzzHeaderLabelAt: reading a heatmap header off the screen never panics.
func FuzzHeaderLabelAt(f *testing.F) {
	f.Add("    K=3        K=5        K=9", 14)
	f.Add("D\\K 2–11  13–23", 0)
	f.Add("", -3)
	f.Fuzz(func(t *testing.T, head string, x int) {
		if l, _, ok := headerLabelAt([]rune(head), x); ok && (l == "" || !strings.Contains(string([]rune(head)), l)) {
			t.Errorf("label %q is not in the header %q", l, head)
		}
		if head != "" && rangeTerm(head) == "" {
			t.Errorf("rangeTerm(%q) is empty", head)
		}
	})
}

// src is a grid's results as a Source.
type src struct {
	g  bench.Grid
	rs []*bench.Result
}

func (s src) Grid() bench.Grid                   { return s.g }
func (s src) Configs() []bench.Config            { return s.g.Configs() }
func (s src) GridResults() []*bench.Result       { return s.rs }
func (s src) Ratio(bench.Config) (float64, bool) { return 0, false }

func twoRows(rob [2]float64, times [2]float64, ci float64) src {
	g := bench.Grid{Dims: []int{3, 6}, Branches: []int{3, 5}, SeqLens: []int{48}}
	s := src{g: g}
	for _, c := range g.Configs() {
		i := 0
		if c.D == 6 {
			i = 1
		}
		s.rs = append(s.rs, &bench.Result{Config: c, RobustnessMean: rob[i], TimeEpochMedian: times[i],
			TimeEpochCILow: times[i] - ci/2, TimeEpochCIHigh: times[i] + ci/2})
	}
	return s
}

// TestHeatScaleTellsTheTruth: a spread below 0.5%, or within the
// measurements' own interval, is drawn flat with the range and the reason;
// a real spread still gets the full ramp.
func TestHeatScaleTellsTheTruth(t *testing.T) {
	var st Styles
	s := twoRows([2]float64{0.9641, 0.9643}, [2]float64{10e-6, 40e-6}, 1e-6)
	v := Render(s, Robustness, DK, st, 60, 8)
	if strings.ContainsRune(v, '█') || !strings.Contains(v, "shown flat") || !strings.Contains(v, "< 0.5%") ||
		!strings.Contains(v, "0.9641") || !strings.Contains(v, "0.9643") {
		t.Errorf("robustness equal to the fourth decimal is stretched, or its range not shown:\n%s", v)
	}
	v = Render(s, Time, DK, st, 60, 8)
	if !strings.ContainsRune(v, '█') || strings.Contains(v, "flat") {
		t.Errorf("a fourfold time spread should use the full scale:\n%s", v)
	}
	noisy := twoRows([2]float64{0.5, 0.9}, [2]float64{10e-6, 10.4e-6}, 2e-6)
	v = Render(noisy, Time, DK, st, 60, 8)
	if strings.ContainsRune(v, '█') || !strings.Contains(v, "within the measurements' interval") {
		t.Errorf("a time spread within the intervals is stretched:\n%s", v)
	}
}
