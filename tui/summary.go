package tui

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/hcbench/hcbench/engine"
	"github.com/hcbench/hcbench/engine/stats"
	"github.com/hcbench/hcbench/report"
)

// noiseOf says whether a result's timing is too uncertain to trust its
// digits (statistics issue: wide CI or many outliers), and why.
func noiseOf(r *engine.Result) (bool, string) {
	if len(r.Samples) == 0 {
		return false, ""
	}
	return stats.Summarize(r.Samples, stats.DefaultConfidence).Noisy()
}

// summaryLines are the summary pane's lines: the quick summary the reports
// print (fastest, slowest, scaling fit), the baseline verdict when there is
// a baseline, and a warning about noisy configs.
func (v *runView) summaryLines() []string {
	// The fit runs over every result: once per change, not once per frame.
	key := fmt.Sprint(v.sw.version)
	d := v.cached("summary", key, func() string { return strings.Join(v.buildSummary(), "\n") })
	return strings.Split(d, "\n")
}

func (v *runView) buildSummary() []string {
	s := v.sw
	res := s.resultList()
	if len(res) == 0 {
		return []string{v.st.subtle.Render("no results yet")}
	}
	var lines []string
	lines = append(lines, report.QuickSummaryLines(res)...)
	if v.baseline {
		lines = append(lines, baselineLine(s))
	}
	if len(s.noisy) > 0 {
		lines = append(lines, v.st.warn.Render(noisyLine(s)))
	}
	return lines
}

// baselineLine is the geometric-mean ratio over the matched configs and how
// many are significantly slower or faster (p < 0.05).
func baselineLine(s *sweep) string {
	var logSum float64
	n, slower, faster := 0, 0, 0
	for c, e := range s.ratios {
		if _, ok := s.results[c]; !ok || !(e.Cmp.Ratio > 0) || math.IsInf(e.Cmp.Ratio, 0) {
			continue
		}
		logSum += math.Log(e.Cmp.Ratio)
		n++
		if e.Slower() {
			slower++
		} else if e.Faster() {
			faster++
		}
	}
	if n == 0 {
		return "- Baseline       : no config matched yet"
	}
	return fmt.Sprintf("- Baseline       : %s geo-mean over %d matched · %d slower · %d faster (p<0.05)",
		report.FormatRatio(math.Exp(logSum/float64(n))), n, slower, faster)
}

// noisyLine names the noisy configs (the first in sweep order as the
// example) and what to do about them.
func noisyLine(s *sweep) string {
	cs := make([]engine.Config, 0, len(s.noisy))
	for c := range s.noisy {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.D != b.D {
			return a.D < b.D
		}
		if a.K != b.K {
			return a.K < b.K
		}
		return a.T < b.T
	})
	// The advice first: the reason may be cut off on a narrow screen.
	return fmt.Sprintf("⚠ %d noisy config(s), try a longer --min-time; e.g. %s: %s", len(cs), cs[0], s.noisy[cs[0]])
}
