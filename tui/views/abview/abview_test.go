package abview

import (
	"math"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// ab is a result with a variant B whose paired estimates sit tightly
// around ratio.
func ab(c bench.Config, ratio float64) bench.Result {
	offs := []float64{-0.002, 0.001, 0, 0.002, -0.001, 0.0015, -0.0015, 0.0005, -0.0005}
	logs := make([]float64, len(offs))
	ms := make([]float64, len(offs))
	for j, o := range offs {
		logs[j], ms[j] = math.Log(ratio)+o, 1e-5
	}
	b := bench.Result{Config: c, Measurements: ms, TimeEpochMedian: 1e-5 * ratio}
	return bench.Result{Config: c, Measurements: ms, TimeEpochMedian: 1e-5, Vs: &b, ABLogRatios: logs, ABPairing: bench.PairRounds}
}

func TestView(t *testing.T) {
	grid := bench.Grid{Dims: []int{3, 6}, Branches: []int{3, 5, 9}, SeqLens: []int{48}}
	m := New(grid, bench.Variant{Policy: "median"}, theme.New())
	m.SetSize(80, 24)
	if v := m.View(); !strings.Contains(v, "No config has both variants yet") {
		t.Errorf("before any result:\n%s", v)
	}
	// Four of six configs done: much slower, a little slower, the same, faster.
	a := compare.CompareAB([]bench.Result{
		ab(bench.Config{D: 3, K: 3, T: 48}, 1.5), ab(bench.Config{D: 3, K: 5, T: 48}, 1.04),
		ab(bench.Config{D: 6, K: 3, T: 48}, 1.0), ab(bench.Config{D: 6, K: 5, T: 48}, 0.9),
	}, 2)
	m.Set(grid, &a)
	for _, size := range [][2]int{{120, 40}, {80, 24}, {50, 15}} {
		m.SetSize(size[0], size[1])
		v := m.View()
		lines := strings.Split(v, "\n")
		if len(lines) > size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for i, l := range lines {
			if w := lipgloss.Width(l); w > size[0] {
				t.Errorf("%dx%d: line %d is %d wide: %q", size[0], size[1], i, w, l)
			}
		}
		for _, want := range []string{"A/B: variant B is --vs policy=median", "B/A geomean"} {
			if !strings.Contains(strings.Join(strings.Fields(v), " "), want) {
				t.Errorf("%dx%d: no %q in\n%s", size[0], size[1], want, v)
			}
		}
		if size[1] >= 24 {
			// The diverging glyphs carry direction and size without colour;
			// pending configs are dots.
			for _, want := range []string{"▲▲", "△", "=", "▽", "·", "slower", "faster", "same"} {
				if !strings.Contains(v, want) {
					t.Errorf("%dx%d: no %q in\n%s", size[0], size[1], want, v)
				}
			}
		}
	}
	m.SetSize(120, 40)
	before := m.axes
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'a'}})
	if m.axes == before {
		t.Error("a did not change the axes")
	}
	if act := m.Key(tea.KeyMsg{Type: tea.KeyEsc}); act != keys.ActClose {
		t.Errorf("esc: %v", act)
	}
}

func TestLevel(t *testing.T) {
	for _, tc := range []struct {
		r    float64
		want int
	}{{0.5, 0}, {0.95, 1}, {0.99, 2}, {1, 2}, {1.019, 2}, {1.05, 3}, {1.2, 4}} {
		if got := level(tc.r, 0.02); got != tc.want {
			t.Errorf("level(%v) = %d, want %d", tc.r, got, tc.want)
		}
	}
}
