package hc

import (
	"bufio"
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// readMatrix reads whitespace-separated floats, one row a line, skipping '#' lines.
func readMatrix(t *testing.T, path string) [][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var row []float64
		for _, fld := range strings.Fields(line) {
			v, err := strconv.ParseFloat(fld, 64)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	return rows
}

func relErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

// TestEpochBreakdown reproduces the reference's epoch-by-epoch figures for
// D=6, K=5, T=48, seed 123 from its own input series, within 1e-12.
func TestEpochBreakdown(t *testing.T) {
	xs := readMatrix(t, "../../testdata/synthetic_sequence_T48_D6_seed123.txt")
	const T, D, K = 48, 6, 5
	if len(xs) != T {
		t.Fatalf("series has %d rows, want %d", len(xs), T)
	}
	x := make([]float64, 0, T*D)
	for _, r := range xs {
		x = append(x, r...)
	}
	chain, err := NewChain(ReferenceBackends(), D, K, &MeanPolicy{}, CoherenceVariance)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := NewWorkspace(chain, T, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../../testdata/qmlhc_epoch_breakdown.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	worst := 0.0
	defer func() { t.Logf("largest relative error: %.3g", worst) }()
	for _, rec := range recs[1:] {
		want := map[string]float64{}
		for i, h := range head {
			v, err := strconv.ParseFloat(rec[i], 64)
			if err != nil {
				t.Fatal(err)
			}
			want[h] = v
		}
		depth := int(want["depth"])
		chain.SetDepth(depth)
		m := ws.Epoch()
		got := map[string]float64{
			"total": m.Total, "task": m.Task, "consistency": m.Consistency, "coherence": m.Coherence,
			"rmse": m.RMSE, "overshoot": m.Overshoot, "robustness": m.Robustness,
			"y_last_0": ws.LastState()[0], "y_last_1": ws.LastState()[1],
		}
		for name, g := range got {
			e := relErr(g, want[name])
			worst = math.Max(worst, e)
			if e > 1e-12 {
				t.Errorf("depth %d %s = %.17g, want %.17g (rel err %.3g)", depth, name, g, want[name], e)
			}
		}
		// A second epoch gives the same numbers: nothing leaks between epochs.
		if m2 := ws.Epoch(); m2 != m {
			t.Errorf("depth %d: second epoch %+v differs from first %+v", depth, m2, m)
		}
	}
}

// TestEstimateBytesMatchesAllocation checks the up-front estimate against
// what NewChain and NewWorkspace really hold, for every policy.
func TestEstimateBytesMatchesAllocation(t *testing.T) {
	for _, pol := range []string{"mean", "median", "minrisk"} {
		for _, c := range [][3]int{{1, 2, 1}, {3, 3, 48}, {6, 9, 96}, {64, 2, 7}, {200, 40, 3}, {2, 5000, 2}} {
			p, err := NewPolicy(pol)
			if err != nil {
				t.Fatal(err)
			}
			D, K, T := c[0], c[1], c[2]
			ch, err := NewChain(ReferenceBackends(), D, K, p, CoherenceVariance)
			if err != nil {
				t.Fatal(err)
			}
			ws, err := NewWorkspace(ch, T, make([]float64, T*D), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := EstimateBytes(len(ReferenceBackends()), D, K, T, pol), ws.Bytes(); got != want {
				t.Errorf("%s D=%d K=%d T=%d: EstimateBytes = %d; Workspace.Bytes = %d", pol, D, K, T, got, want)
			}
		}
	}
	if got := EstimateBytes(3, 1<<16, 1<<16, 1<<24, "mean"); got <= 1<<40 {
		t.Errorf("the largest config estimates %d bytes", got)
	}
}
