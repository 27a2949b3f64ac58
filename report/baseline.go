package report

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hcbench/hcbench/engine"
	"github.com/hcbench/hcbench/engine/stats"
)

// significance is the p-value below which a difference counts.
const significance = 0.05

// BaselineEntry compares one config with its baseline.
type BaselineEntry struct {
	Config engine.Config
	Depths []int
	Cmp    stats.Comparison // old = baseline, new = current; Ratio > 1 is slower
}

// Faster and Slower report a significant change (p < 0.05).
func (e BaselineEntry) Faster() bool { return e.Cmp.P < significance && e.Cmp.Ratio < 1 }
func (e BaselineEntry) Slower() bool { return e.Cmp.P < significance && e.Cmp.Ratio > 1 }

// Baseline is a run compared with an earlier one.
type Baseline struct {
	Path    string
	Entries []BaselineEntry // matched configs, in the current run's order
	// GeoMeanRatio is the geometric mean of the entries' ratios, with a 95%
	// t interval over the configs' log ratios (NaN with fewer than two).
	GeoMeanRatio                float64
	GeoMeanCILow, GeoMeanCIHigh float64
	Faster, Slower, Unchanged   int
	Unmatched                   int // current configs the baseline lacks
}

// LoadBaseline reads a JSONL (a whole history or a single run) and returns
// its latest run. A torn last line, as a crash leaves, is ignored.
func LoadBaseline(path string) ([]engine.Result, error) {
	recs, _, err := ReadJSONLRepair(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	_, res := LatestRun(recs)
	if len(res) == 0 {
		return nil, fmt.Errorf("baseline %s: holds no results", path)
	}
	return res, nil
}

// CompareBaseline matches cur with base by (D, K, T, depths) and compares
// each pair's timing samples (stats.Compare at 95%: ratio of medians new/old
// with a CI, Mann–Whitney p). A result without samples (written by another
// tool) is compared by its mean time alone, which gives a ratio but no
// significance.
func CompareBaseline(path string, base, cur []engine.Result) Baseline {
	type key struct {
		c      engine.Config
		depths string
	}
	byKey := map[key]engine.Result{}
	for _, r := range base {
		byKey[key{r.Config, FormatDepths(r.Depths)}] = r // the last of duplicates wins
	}
	b := Baseline{Path: path}
	var logs []float64
	for _, r := range cur {
		old, ok := byKey[key{r.Config, FormatDepths(r.Depths)}]
		if !ok {
			b.Unmatched++
			continue
		}
		e := BaselineEntry{Config: r.Config, Depths: slices.Clone(r.Depths),
			Cmp: stats.Compare(timeSamples(old), timeSamples(r), stats.DefaultConfidence)}
		b.Entries = append(b.Entries, e)
		switch {
		case e.Faster():
			b.Faster++
		case e.Slower():
			b.Slower++
		default:
			b.Unchanged++
		}
		if e.Cmp.Ratio > 0 && !math.IsInf(e.Cmp.Ratio, 1) {
			logs = append(logs, math.Log(e.Cmp.Ratio))
		}
	}
	b.GeoMeanRatio, b.GeoMeanCILow, b.GeoMeanCIHigh = math.NaN(), math.NaN(), math.NaN()
	if n := len(logs); n > 0 {
		m := stat.Mean(logs, nil)
		b.GeoMeanRatio = math.Exp(m)
		if n > 1 {
			se := stat.StdDev(logs, nil) / math.Sqrt(float64(n))
			half := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(1-(1-stats.DefaultConfidence)/2) * se
			b.GeoMeanCILow, b.GeoMeanCIHigh = math.Exp(m-half), math.Exp(m+half)
		}
	}
	return b
}

// timeSamples are the samples to compare, the mean when there are none.
func timeSamples(r engine.Result) []float64 {
	if len(r.Samples) > 0 {
		return r.Samples
	}
	return []float64{r.TimeEpochMean}
}

// Regressions are the entries significantly (p < 0.05) slower than the
// baseline by more than pct percent.
func (b Baseline) Regressions(pct float64) []BaselineEntry {
	var out []BaselineEntry
	for _, e := range b.Entries {
		if e.Cmp.P < significance && e.Cmp.Ratio > 1+pct/100 {
			out = append(out, e)
		}
	}
	return out
}

// Lookup finds the entry of config c.
func (b Baseline) Lookup(c engine.Config) (BaselineEntry, bool) {
	for _, e := range b.Entries {
		if e.Config == c {
			return e, true
		}
	}
	return BaselineEntry{}, false
}

// FormatRatio writes a time ratio with three significant digits: "1.03×".
func FormatRatio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) || r <= 0 {
		return "n/a"
	}
	v := round3(r)
	return fmt.Sprintf("%.*f×", decimals3(v), v)
}

// describe is the summary's baseline line after its label.
func (b Baseline) describe() string {
	matched := len(b.Entries)
	if matched == 0 {
		return fmt.Sprintf("no config matches %s (same D, K, T and depths)", b.Path)
	}
	var s strings.Builder
	fmt.Fprintf(&s, "geomean ratio %s", FormatRatio(b.GeoMeanRatio))
	if !math.IsNaN(b.GeoMeanCILow) {
		fmt.Fprintf(&s, " (95%% CI %s–%s)", FormatRatio(b.GeoMeanCILow), FormatRatio(b.GeoMeanCIHigh))
	}
	fmt.Fprintf(&s, ", %d faster, %d slower, %d unchanged of %d matched (p<0.05)",
		b.Faster, b.Slower, b.Unchanged, matched)
	if b.Unmatched > 0 {
		fmt.Fprintf(&s, "; %d not in the baseline", b.Unmatched)
	}
	return s.String()
}
