package detail

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

func TestHistogram(t *testing.T) {
	st := theme.New().ChartLine
	// 20 samples at 1..2µs and one stall at 10µs: the stall gets its own row.
	var xs []float64
	for i := range 20 {
		xs = append(xs, 1e-6+float64(i)*5e-8)
	}
	xs = append(xs, 1e-5)
	lines := histogramLines(xs, 1.5e-6, st, 60, 5)
	if len(lines) != 6 {
		t.Fatalf("want 5 bins and a stall row, got %d lines:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	total := 0
	for _, l := range lines {
		f := strings.Fields(l)
		n, _ := strconv.Atoi(f[len(f)-1])
		total += n
	}
	if total != len(xs) {
		t.Errorf("histogram counts %d samples, want %d", total, len(xs))
	}
	if !strings.HasPrefix(lines[5], ">3.00µs") || !strings.HasSuffix(lines[5], " 1") {
		t.Errorf("stall row: %q", lines[5])
	}
	if got := histogramLines([]float64{math.NaN(), math.Inf(1), -1}, 0, st, 60, 5); got[0] != "no samples recorded" {
		t.Errorf("only unusable samples: %q", got)
	}
	if got := histogramLines(append([]float64{math.NaN()}, xs...), 1.5e-6, st, 60, 5); len(got) != 6 {
		t.Errorf("a NaN among the samples: %q", got)
	}
	if got := histogramLines(nil, 0, st, 60, 5); got[0] != "no samples recorded" {
		t.Errorf("no samples: %q", got)
	}
	// All samples equal: one bin, no division by zero.
	if got := histogramLines([]float64{2e-6, 2e-6, 2e-6}, 2e-6, st, 60, 5); len(got) != 1 || !strings.HasSuffix(got[0], " 3") {
		t.Errorf("equal samples: %q", got)
	}
}

func TestBoxPlot(t *testing.T) {
	st := theme.New().ChartLine
	nan := math.NaN()
	// Unusable summaries (another tool's record) and equal rounds draw
	// without panicking; nothing usable says so.
	r := bench.Result{Measurements: []float64{nan}, Rounds: []int{3}, RoundsMin: []float64{nan},
		RoundsP25: []float64{nan}, RoundsP75: []float64{nan}, RoundsMax: []float64{math.Inf(1)}}
	if got := boxPlotLines(&r, st, 60); len(got) != 1 || got[0] != "no round summary recorded" {
		t.Errorf("unusable summary: %q", got)
	}
	r = bench.Result{TimeEpochMedian: 2e-6, Measurements: []float64{2e-6, 2e-6}, Rounds: []int{3, 3},
		RoundsMin: []float64{2e-6, 2e-6}, RoundsP25: []float64{2e-6, 2e-6}, RoundsP75: []float64{2e-6, nan}, RoundsMax: []float64{2e-6, 2e-6}}
	got := boxPlotLines(&r, st, 20)
	if len(got) != 3 || !strings.Contains(got[0], "┃") || !strings.Contains(got[1], "┃") {
		t.Errorf("equal rounds: %q", got)
	}
}

// An A/B sweep's config shows variant B and the paired ratios over time.
func TestDetailAB(t *testing.T) {
	b := bench.Result{Config: bench.Config{D: 3, K: 3, T: 48}, TimeEpochMedian: 1.1e-5, Engine: "go", Policy: "median"}
	r := bench.Result{Config: b.Config, TimeEpochMedian: 1e-5, Measurements: []float64{1e-5, 1e-5, 1e-5, 1e-5},
		Vs: &b, ABLogRatios: []float64{0.09, 0.1, 0.095, 0.11}, ABPairing: bench.PairRounds}
	d := New(r, nil, "run 1", theme.New())
	d.SetSize(100, 60)
	v := strings.Join(strings.Fields(d.View()), " ")
	for _, want := range []string{"A/B: variant B against A", "B (go, policy median): median 11.0µs", "95% · 4 pairs, round by round in one worker",
		"1.094 1.105 1.100 1.116", "▁", "█"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in\n%s", want, d.View())
		}
	}
}
