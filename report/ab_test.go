package report

import (
	"math"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
)

// The summary's A/B line: the geomean with its interval and the verdicts,
// and a ratio far from 1 also as a speed-up, in the words a reader wants.
func TestDescribeAB(t *testing.T) {
	vs := bench.Variant{Engine: bench.EngineGo}
	entry := compare.ABEntry{Verdict: compare.VerdictFaster}
	for _, tc := range []struct {
		name      string
		g, lo, hi float64
		want, not []string
	}{
		{"near 1", 1.031, 1.027, 1.035, []string{"B/A geomean 1.031× (95% CI 1.027×–1.035×)", "1 faster, 0 slower, 0 same (±2%), 0 ~ of 1", "B is --vs engine=go"}, []string{", B "}},
		{"another engine", 0.00153, 0.00128, 0.00183, []string{"B/A geomean 0.00153×", ", B 654× faster;"}, nil},
		{"much slower", 3.2, 3, 3.4, []string{", B 3.20× slower;"}, nil},
		{"no interval", 0.25, math.NaN(), math.NaN(), []string{"B/A geomean 0.250×, B 4.00× faster;"}, []string{"CI"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := compare.AB{Margin: 0.02, Entries: []compare.ABEntry{entry}, Faster: 1,
				GeoMeanRatio: tc.g, GeoMeanCILow: tc.lo, GeoMeanCIHigh: tc.hi}
			got := DescribeAB(a, vs)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("%q holds %q", got, n)
				}
			}
		})
	}
	if got := DescribeAB(compare.AB{}, vs); got != "no config has both variants yet" {
		t.Errorf("no entries: %q", got)
	}
}
