package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
)

// The reports of an A/B sweep (--vs): each variant's own figures, and the
// paired comparison of B with A (compare.CompareAB).

// abHeader are the CSV columns of an A/B sweep: variant B's own figures
// (b_…, as A's columns), then the paired comparison (ab_…): the ratio
// B/A, its interval at the level Holm's procedure tested the config at
// (ab_ci_level), Holm's adjusted p-values of "no change" (ab_p) and of
// "outside ±--same-within" (ab_p_same), the verdict, the pairs used and
// how they were made.
var abHeader = []string{
	"b_time_epoch_mean", "b_time_epoch_std", "b_time_forward_mean", "b_time_forward_std",
	"b_mem_peak_bytes_max", "b_total_mean", "b_rmse_mean", "b_robustness_mean",
	"b_time_epoch_median", "b_time_epoch_ci_low", "b_time_epoch_ci_high", "b_epochs_measured", "b_outliers",
	"b_policy", "b_engine",
	"ab_ratio", "ab_ci_low", "ab_ci_high", "ab_p", "ab_verdict", "ab_ci_level", "ab_p_same", "ab_pairs", "ab_pairing",
}

// abRow is a result's abHeader cells (empty when it has no B).
func abRow(rep Report, r bench.Result) []string {
	row := make([]string, len(abHeader))
	b := r.Vs
	if b == nil {
		return row
	}
	i := strconv.Itoa
	copy(row, []string{
		pyFloat(b.TimeEpochMean), pyFloat(b.TimeEpochStd), pyFloat(b.TimeForwardMean), pyFloat(b.TimeForwardStd),
		strconv.FormatInt(b.MemPeakBytesMax, 10), pyFloat(b.TotalMean), pyFloat(b.RMSEMean), pyFloat(b.RobustnessMean),
		pyFloat(b.TimeEpochMedian), pyFloat(b.TimeEpochCILow), pyFloat(b.TimeEpochCIHigh), i(b.EpochsMeasured), i(b.Outliers),
		b.Policy, b.Engine,
	})
	if e, ok := rep.AB.Lookup(r.Config); ok {
		copy(row[15:], []string{pyFloat(e.Cmp.Ratio), pyFloat(e.Cmp.CILow), pyFloat(e.Cmp.CIHigh), pyFloat(e.PAdj), e.Verdict,
			pyFloat(e.Cmp.Level), pyFloat(e.PSame), i(e.Pairs), e.Pairing})
	}
	return row
}

// DescribeAB is the summary's A/B line after its label: the geometric
// mean of B/A with its interval and the verdicts.
func DescribeAB(a compare.AB, vs bench.Variant) string {
	if len(a.Entries) == 0 {
		return "no config has both variants yet"
	}
	var s strings.Builder
	s.WriteString("B/A geomean " + compare.FormatGeoMean(a.GeoMeanRatio, a.GeoMeanCILow, a.GeoMeanCIHigh))
	// A ratio far from 1 (another engine as B) reads better as a speed-up.
	switch g := a.GeoMeanRatio; {
	case g > 0 && g < 0.5:
		fmt.Fprintf(&s, ", B %s faster", compare.FormatRatio(1/g))
	case g > 2 && !math.IsInf(g, 1):
		fmt.Fprintf(&s, ", B %s slower", compare.FormatRatio(g))
	}
	fmt.Fprintf(&s, "; %d faster, %d slower, %d same (±%g%%), %d ~", a.Faster, a.Slower, a.Same, a.Margin*100, a.Unchanged)
	if a.Few > 0 {
		fmt.Fprintf(&s, ", %d ?", a.Few)
	}
	fmt.Fprintf(&s, " of %d; B is --vs %s", len(a.Entries), vs)
	return s.String()
}

// writeABTable is the Markdown section of an A/B sweep.
func writeABTable(b *strings.Builder, a compare.AB, vs bench.Variant) {
	fmt.Fprintf(b, "\n## A/B: variant B (--vs %s) against A\n\n", vs)
	b.WriteString(summaryLabel("A/B") + DescribeAB(a, vs) + "\n\n")
	if len(a.Entries) == 0 {
		return
	}
	fmt.Fprintf(b, "A and B were measured in pairs, in the same moments (%s), and the ratio B/A is the median of the "+
		"pairs' log ratios with a t interval on its robust standard error; p is Holm's adjusted p-value of \"no change\" "+
		"and the interval is drawn at the level Holm's procedure tested the config at (shown), so it excludes 1 exactly when "+
		"the verdict is faster or slower. same: equivalent within ±%g%% (two one-sided tests, Holm-adjusted, 5%%); ~: neither "+
		"a change nor equivalence shown; ?: under 4 pairs.\n\n", pairingWords(a), a.Margin*100)
	b.WriteString("| Config | A | B | B/A [CI] | Level | Holm p | Pairs | Verdict |\n|:---|---:|---:|---:|---:|---:|---:|:---|\n")
	for _, e := range a.Entries {
		p := "n/a"
		if !math.IsNaN(e.PAdj) {
			p = fmt.Sprintf("%.2g", e.PAdj)
		}
		v := e.Verdict
		if e.Reason != "" {
			v += " (" + e.Reason + ")"
		}
		pairs := strconv.Itoa(e.Pairs)
		if e.Contended > 0 {
			pairs += fmt.Sprintf(" (+%d contended)", e.Contended)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", e.Config, formatHeadlineCI(e.A), formatHeadlineCI(e.B),
			compare.FormatRatioCI(e.Cmp), bench.FormatLevel(e.Cmp.Level), p, pairs, v)
	}
}

// pairingWords says how an A/B sweep's pairs were made.
func pairingWords(a compare.AB) string {
	for _, e := range a.Entries {
		if e.Pairing == bench.PairMeasurements {
			return "each measurement of A right before or after one of B, in two worker processes"
		}
	}
	return "round by round in one worker process, the order alternating"
}
