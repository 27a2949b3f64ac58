package compare

import (
	"math"
	"slices"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/stats"
)

// The comparison of an A/B sweep's two variants (README "A/B in one
// sweep"). Per config: the ratio B/A from the paired estimates of its
// measurements (stats.PairedRatio: their median, a t interval on the
// median's robust standard error), the p-value of "no change" and the
// two-one-sided-tests p-value of "outside ±margin", both adjusted by
// Holm's method over the configs, so that across the grid at most 5% of
// runs call any config of identical code faster or slower, and at most 5%
// call any config "same" that is outside the margin. Verdicts:
//   - faster / slower: the adjusted p of "no change" is below 5%;
//   - same: otherwise, when the adjusted p of "outside ±margin" is below
//     5% — equivalent within the margin;
//   - ~: neither shown;
//   - ?: fewer than stats.MinToCompare pairs.
// The interval is drawn at the level Holm's procedure tested the config
// at, as a baseline comparison's is, so that it excludes 1 exactly when
// the verdict is faster or slower.

// VerdictSame: equivalent within the margin (--same-within).
const VerdictSame = "same"

// ABEntry compares variant B of one config with variant A.
type ABEntry struct {
	Config bench.Config
	A, B   bench.Result
	// Pairing is how the two were paired (bench.PairRounds, PairMeasurements).
	Pairing string
	// Cmp is B/A over the paired estimates; Ratio > 1: B is slower.
	Cmp stats.RatioTest
	// PAdj and PSame are the Holm-adjusted p-values of "no change" and of
	// "outside ±margin" (NaN with too few pairs).
	PAdj, PSame float64
	// Pairs are the paired estimates used; Contended those left out (two
	// workers only: a pair whose A or B measurement was slowed by
	// contention, bench.ContentionSlack above its variant's fastest).
	Pairs, Contended int
	Verdict          string
	// Reason says why there is no verdict ("" otherwise).
	Reason string
}

// AB is an A/B sweep's comparison, config by config.
type AB struct {
	// Margin is the equivalence margin as a fraction (0.02 for ±2%).
	Margin  float64
	Entries []ABEntry // in grid order (D, K, T)
	// GeoMeanRatio is the geometric mean of the entries' ratios with a 95%
	// t interval over the configs' log ratios (NaN with fewer than two).
	GeoMeanRatio, GeoMeanCILow, GeoMeanCIHigh float64
	Faster, Slower, Same, Unchanged, Few      int
}

// HasAB reports whether any result carries a variant B.
func HasAB(results []bench.Result) bool {
	return slices.ContainsFunc(results, func(r bench.Result) bool { return r.Vs != nil })
}

// PairLogs are r's paired estimates of log(B/A) that the comparison uses,
// and how many were left out as contended: pairs made in two workers
// whose A or B measurement was more than bench.ContentionSlack above the
// fastest of its variant (the contention rule of a headline, applied to
// pairs), unless fewer than stats.MinToCompare would remain. Pairs made
// round by round in one worker share any contention, and are all kept.
func PairLogs(r bench.Result) (logs []float64, contended int) {
	logs = slices.Clone(r.ABLogRatios)
	b := r.Vs
	if r.ABPairing != bench.PairMeasurements || b == nil || len(r.Measurements) != len(logs) || len(b.Measurements) != len(logs) {
		return logs, 0
	}
	fa, fb := fastest(r.Measurements), fastest(b.Measurements)
	var kept []float64
	for j, l := range logs {
		if r.Measurements[j] <= fa*(1+bench.ContentionSlack) && b.Measurements[j] <= fb*(1+bench.ContentionSlack) {
			kept = append(kept, l)
		}
	}
	if len(kept) < stats.MinToCompare {
		return logs, 0
	}
	return kept, len(logs) - len(kept)
}

// CompareAB compares each result's variant B with its A (results without
// a B are left out); marginPct is --same-within in percent (0: the default).
func CompareAB(results []bench.Result, marginPct float64) AB {
	if marginPct <= 0 {
		marginPct = bench.DefaultSameWithin
	}
	a := AB{Margin: marginPct / 100}
	var ps, pe []float64
	for _, r := range results {
		if r.Vs == nil {
			continue
		}
		logs, contended := PairLogs(r)
		e := ABEntry{Config: r.Config, A: r, B: *r.Vs, Pairing: r.ABPairing, Contended: contended,
			Cmp: stats.PairedRatio(logs, confidence)}
		e.Pairs = e.Cmp.NOld
		a.Entries = append(a.Entries, e)
		ps = append(ps, e.Cmp.P)
		pe = append(pe, e.Cmp.PEquivalent(a.Margin))
	}
	adj, adjSame := stats.Holm(ps), stats.Holm(pe)
	levels := holmLevels(ps, alpha)
	var ratios []float64
	for i := range a.Entries {
		e := &a.Entries[i]
		e.PAdj, e.PSame = adj[i], adjSame[i]
		if !math.IsNaN(levels[i]) {
			logs, _ := PairLogs(e.A)
			p := e.Cmp.P
			e.Cmp = stats.PairedRatio(logs, 1-levels[i])
			e.Cmp.P = p
		}
		switch {
		case e.Cmp.TooFew() || math.IsNaN(e.PAdj):
			e.Verdict, e.Reason = VerdictTooFew, "too few pairs to tell"
			a.Few++
		case e.PAdj < alpha && e.Cmp.Ratio < 1:
			e.Verdict = VerdictFaster
			a.Faster++
		case e.PAdj < alpha && e.Cmp.Ratio > 1:
			e.Verdict = VerdictSlower
			a.Slower++
		case e.PSame < alpha:
			e.Verdict = VerdictSame
			a.Same++
		default:
			e.Verdict = VerdictUnchanged
			a.Unchanged++
		}
		if e.Cmp.Ratio > 0 && !math.IsInf(e.Cmp.Ratio, 1) {
			ratios = append(ratios, e.Cmp.Ratio)
		}
	}
	slices.SortStableFunc(a.Entries, func(x, y ABEntry) int { return x.Config.Compare(y.Config) })
	g := stats.GeoMeanCI(ratios, confidence, 0)
	a.GeoMeanRatio, a.GeoMeanCILow, a.GeoMeanCIHigh = g.Centre, g.CILow, g.CIHigh
	return a
}

// Regressions are the entries where B is slower than A by more than pct
// percent with confidence: verdict "slower" and the interval shown (at
// the Holm family's level) entirely above 1+pct/100.
func (a AB) Regressions(pct float64) []ABEntry {
	th := 1 + pct/100
	var out []ABEntry
	for _, e := range a.Entries {
		if e.Verdict == VerdictSlower && e.Cmp.CILow > th {
			out = append(out, e)
		}
	}
	return out
}

// Lookup finds the entry of config c.
func (a *AB) Lookup(c bench.Config) (ABEntry, bool) {
	if a == nil {
		return ABEntry{}, false
	}
	for _, e := range a.Entries {
		if e.Config == c {
			return e, true
		}
	}
	return ABEntry{}, false
}
