package report

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/hcbench/hcbench/engine"
)

func TestLookFigures(t *testing.T) {
	dir := os.Getenv("LOOK_DIR")
	if dir == "" {
		t.Skip()
	}
	big := []engine.Result{}
	for d := 2; d <= 12; d += 2 {
		for k := 2; k <= 20; k += 2 {
			for _, tt := range []int{64, 128, 256} {
				m := 1e-6 * math.Pow(float64(d), 0.3) * math.Sqrt(float64(k)) * float64(tt)
				big = append(big, engine.Result{Config: engine.Config{D: d, K: k, T: tt}, TimeEpochMean: m, TimeEpochCILow: m * 0.97, TimeEpochCIHigh: m * 1.04})
			}
		}
	}
	one := fixtureResults()[:1]
	holes := fixtureResults()[:5]
	for name, rs := range map[string][]engine.Result{"fix": fixtureResults(), "big": big, "one": one, "holes": holes, "none": nil} {
		d := filepath.Join(dir, name)
		os.MkdirAll(d, 0o755)
		if err := WriteFigures(PathsFor(d), rs); err != nil {
			t.Fatal(err)
		}
	}
}
