package runview

import (
	"fmt"
	"math"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
)

// summaryLines are the summary pane's lines: the quick summary the reports
// print (fastest, slowest, scaling fit), the baseline verdict when there is
// a baseline, and a warning about noisy configs.
func (v *Model) summaryLines() []string {
	// The fit runs over every result: once per change, not once per frame.
	key := fmt.Sprint(v.shown, "/", v.baseline)
	d := v.cached("summary", key, func() string { return strings.Join(v.buildSummary(), "\n") })
	return strings.Split(d, "\n")
}

func (v *Model) buildSummary() []string {
	s := v.sw
	// Results an edit dropped from the grid are out of the run's picture:
	// the summary, like the table, heatmap and chart, shows the grid's.
	grid := s.GridResults()
	if len(grid) == 0 {
		return []string{v.st.Subtle.Render("no results yet")}
	}
	fast, slow := extremes(grid)
	lines := []string{
		"- Fastest config : " + describeExtreme(fast),
		"- Slowest config : " + describeExtreme(slow),
		v.fitLine(grid),
	}
	if v.baseline {
		lines = append(lines, baselineLine(s))
	}
	if n, first := s.NoisyInGrid(); n > 0 {
		lines = append(lines, v.st.Warn.Render(noisyLine(n, first, s.Noisy[first])))
	}
	return lines
}

// fitLine is the reports' scaling-fit line. The fit copies and fits every
// result, so on a large sweep it is refitted each time the results grow by
// 2% (and when the sweep ends), not for every result.
func (v *Model) fitLine(grid []*bench.Result) string {
	n := len(grid)
	bucket := n
	if n >= 200 {
		bucket = -int(math.Log(float64(n)) / math.Log(1.02)) // steps of 2%
	}
	key := fmt.Sprint(bucket, "/", v.sw.Phase, "/", v.sw.RunID, "/", len(v.sw.Order))
	if key == v.fitKey {
		return v.fitText
	}
	res := make([]bench.Result, n)
	for i, r := range grid {
		res[i] = *r
	}
	v.fitKey, v.fitText = key, ""
	if q := report.QuickSummaryLines(res); len(q) == 3 {
		v.fitText = q[2]
	}
	return v.fitText
}

// extremes are the results with the lowest and highest median time per
// epoch (the headline; a few stalls move a mean but not the median).
func extremes(rs []*bench.Result) (fast, slow *bench.Result) {
	for _, r := range rs {
		m := r.TimeEpochMedian
		if math.IsNaN(m) || math.IsInf(m, 0) {
			continue
		}
		if fast == nil || m < fast.TimeEpochMedian {
			fast = r
		}
		if slow == nil || m > slow.TimeEpochMedian {
			slow = r
		}
	}
	if fast == nil {
		fast, slow = rs[0], rs[0]
	}
	return fast, slow
}

func describeExtreme(r *bench.Result) string {
	return fmt.Sprintf("%s  median time/epoch=%s  RMSE=%.4f  Robustness=%.3f",
		r.Config, bench.FormatSeconds(r.TimeEpochMedian), r.RMSEMean, r.RobustnessMean)
}

// baselineLine is the run's comparison with its baseline in the summary
// printed at the end (report/compare's one computation: geomean, and the
// Holm-corrected verdicts' counts).
func baselineLine(s *runstate.Run) string {
	if s.Cmp == nil {
		return "- Baseline       : no config compared yet"
	}
	return "- Baseline       : " + s.Cmp.Describe()
}

// noisyLine says how many configs are noisy, the first as an example with
// why, then what to do (a longer --min-time would only narrow the
// interval, not make it hold on a rerun) — the why before the advice, so
// a narrow pane cuts the advice, which the help and README also give.
func noisyLine(n int, first bench.Config, why string) string {
	return fmt.Sprintf("⚠ %s, e.g. %s: %s · rerun on a quieter machine or add --repeats", bench.Plural(n, "noisy config"), first, why)
}
