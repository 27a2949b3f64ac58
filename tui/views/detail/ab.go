package detail

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/stats"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// abLines are the detail of an A/B sweep's config: variant B's headline,
// the paired ratio B/A with its 95% interval, and the paired ratios of
// the measurements in the order they were made, as numbers and as a
// strip of bars (what a rerun's pairs would scatter like).
func abLines(r *bench.Result, st theme.Styles, w int) []string {
	b := r.Vs
	out := []string{fmt.Sprintf("B (%s, policy %s): median %s  %s", b.Engine, b.Policy, bench.FormatSeconds(b.TimeEpochMedian), ciLine(b))}
	logs, contended := compare.PairLogs(*r)
	c := stats.PairedRatio(logs, 0.95)
	how := "round by round in one worker"
	if r.ABPairing == bench.PairMeasurements {
		how = "measurement by measurement in two workers"
	}
	out = append(out, fmt.Sprintf("B/A %s 95%% · %d pairs, %s", compare.FormatRatioCI(c), len(logs), how))
	if contended > 0 {
		out = append(out, st.Subtle.Render(fmt.Sprintf("%d pairs left out: A or B ran more than 15%% above its fastest (contended)", contended)))
	}
	ratios := make([]string, len(r.ABLogRatios))
	for i, l := range r.ABLogRatios {
		ratios[i] = fmt.Sprintf("%.3f", math.Exp(l))
	}
	out = append(out, st.Subtle.Render("paired B/A of each measurement, in the order made:"))
	out = append(out, strings.Split(theme.Wrap(strings.Join(ratios, " "), w), "\n")...)
	if s := strip(r.ABLogRatios); s != "" {
		out = append(out, st.ChartLine.Render(s)+st.Subtle.Render(fmt.Sprintf("  %s … %s", lowHigh(r.ABLogRatios)...)))
	}
	return out
}

// strip draws values as bars from the lowest (▁) to the highest (█).
func strip(logs []float64) string {
	const bars = "▁▂▃▄▅▆▇█"
	rs := []rune(bars)
	lo, hi := lowHighF(logs)
	if math.IsNaN(lo) {
		return ""
	}
	var b strings.Builder
	for _, l := range logs {
		i := 0
		if hi > lo && !math.IsNaN(l) {
			i = int(math.Round((l - lo) / (hi - lo) * float64(len(rs)-1)))
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

func lowHighF(logs []float64) (lo, hi float64) {
	s := slices.DeleteFunc(slices.Clone(logs), math.IsNaN)
	if len(s) == 0 {
		return math.NaN(), math.NaN()
	}
	return slices.Min(s), slices.Max(s)
}

func lowHigh(logs []float64) []any {
	lo, hi := lowHighF(logs)
	return []any{compare.FormatRatio(math.Exp(lo)), compare.FormatRatio(math.Exp(hi))}
}
