package bench

import (
	"fmt"
	"math"
	"slices"

	"github.com/hcbench/hcbench/engine/hc"
	"github.com/hcbench/hcbench/engine/stats"
)

// The measurement model (README "Timing"). A config is measured
// independently several times, each measurement in a different worker
// process, one measurement at a time. A measurement is one run of the
// reference's benchmark_once (one seed): warm-up, then rounds of a fixed
// batch of epochs at each depth. Its estimate is the median of its rounds.
// A config's measurements are spread over seconds: the sweep keeps a set of
// configs in flight and measures them in cycles, each cycle making the next
// measurement of every config in flight (package sweep), so that what varies
// over time on the machine varies between a config's measurements. A
// config is final, and reported, after its last measurement. Headline
// computes the headline from the measurements' estimates: their median,
// with an interval (stats.MedianInterval) about what a rerun would see.
// Rounds inside one measurement are correlated and are never treated as
// independent samples.
const (
	// minMeasurements: each repeat is split into parts measured in
	// different processes until a config has at least this many
	// measurements, at the same total measuring time. With nine, one
	// measurement caught in a slow (or fast) moment barely moves the
	// median, the t quantile is 2.31 (4.30 with 3), and in the sweep's
	// cycles of about 0.4 s a config is spread over ~3.6 s: the machine's
	// contention comes and goes on 0.5–2 s scales.
	minMeasurements = 9
	// ciLevel is the confidence of the headline's interval.
	ciLevel = stats.DefaultConfidence
	// slowFactor: a round slower than this many times the headline counts
	// in Result.Outliers (a stall: the process was descheduled or the
	// machine busy).
	slowFactor = 2
)

// AggregateDepths fills a Run the way benchmark_once aggregates its depths:
// numpy means and population standard deviations.
func AggregateDepths(depths []int, times []float64, met []hc.Metrics, T int) Run {
	nd := len(depths)
	var run Run
	fwd := make([]float64, nd)
	tot := make([]float64, nd)
	rmse := make([]float64, nd)
	over := make([]float64, nd)
	rob := make([]float64, nd)
	scratch := make([]float64, nd)
	for i, d := range depths {
		fwd[i] = times[i] / float64(T)
		tot[i], rmse[i], over[i], rob[i] = met[i].Total, met[i].RMSE, met[i].Overshoot, met[i].Robustness
		run.Depths = append(run.Depths, DepthResult{Depth: d, TimeEpochMean: times[i],
			Total: met[i].Total, Task: met[i].Task, Consistency: met[i].Consistency, Coherence: met[i].Coherence,
			RMSE: met[i].RMSE, Overshoot: met[i].Overshoot, Robustness: met[i].Robustness})
	}
	run.TimeEpochMean, run.TimeEpochStd = hc.Mean(times), hc.Std(times, scratch)
	run.TimeForwardMean, run.TimeForwardStd = hc.Mean(fwd), hc.Std(fwd, scratch)
	run.TotalMean, run.TotalStd = hc.Mean(tot), hc.Std(tot, scratch)
	run.RMSEMean, run.RMSEStd = hc.Mean(rmse), hc.Std(rmse, scratch)
	run.OvershootMean = hc.Mean(over)
	run.RobustnessMean = hc.Mean(rob)
	return run
}

// MergeParts joins the runs of one repeat measured in parts (same seed, so
// the same quality figures) into one Run: each depth's time is the mean
// over all its measured epochs.
func MergeParts(depths []int, parts []Run, T int) Run {
	if len(parts) == 1 {
		return parts[0]
	}
	nd := len(depths)
	times := make([]float64, nd)
	met := make([]hc.Metrics, nd)
	epochs := make([]int, nd)
	for i := range depths {
		var sum float64
		for _, p := range parts {
			dr := p.Depths[i]
			sum += dr.TimeEpochMean * float64(dr.Epochs)
			epochs[i] += dr.Epochs
		}
		times[i] = sum / float64(max(1, epochs[i]))
		d := parts[0].Depths[i]
		met[i] = hc.Metrics{Total: d.Total, Task: d.Task, Consistency: d.Consistency, Coherence: d.Coherence,
			RMSE: d.RMSE, Overshoot: d.Overshoot, Robustness: d.Robustness}
	}
	run := AggregateDepths(depths, times, met, T)
	run.Seed = parts[0].Seed
	run.MemPeakBytes = parts[0].MemPeakBytes
	for i := range run.Depths {
		run.Depths[i].Epochs = epochs[i]
	}
	return run
}

// Reaggregate sets run's means and standard deviations over its depths
// from run.Depths, as AggregateDepths makes them; a record leaves them out
// (package store), for they are what its depths say.
func (run *Run) Reaggregate(T int) {
	depths := make([]int, len(run.Depths))
	times := make([]float64, len(run.Depths))
	met := make([]hc.Metrics, len(run.Depths))
	for i, d := range run.Depths {
		depths[i], times[i] = d.Depth, d.TimeEpochMean
		met[i] = hc.Metrics{Total: d.Total, Task: d.Task, Consistency: d.Consistency, Coherence: d.Coherence,
			RMSE: d.RMSE, Overshoot: d.Overshoot, Robustness: d.Robustness}
	}
	a := AggregateDepths(depths, times, met, T)
	run.TimeEpochMean, run.TimeEpochStd = a.TimeEpochMean, a.TimeEpochStd
	run.TimeForwardMean, run.TimeForwardStd = a.TimeForwardMean, a.TimeForwardStd
	run.TotalMean, run.TotalStd = a.TotalMean, a.TotalStd
	run.RMSEMean, run.RMSEStd = a.RMSEMean, a.RMSEStd
	run.OvershootMean, run.RobustnessMean = a.OvershootMean, a.RobustnessMean
}

// Aggregate sets a Result's reference fields to the mean over its runs, as
// the reference's sweep does (np.mean over the repeats).
func Aggregate(res *Result) {
	n := len(res.Runs)
	col := func(f func(Run) float64) float64 {
		v := make([]float64, n)
		for i, r := range res.Runs {
			v[i] = f(r)
		}
		return hc.Mean(v)
	}
	res.TimeEpochMean = col(func(r Run) float64 { return r.TimeEpochMean })
	res.TimeEpochStd = col(func(r Run) float64 { return r.TimeEpochStd })
	res.TimeForwardMean = col(func(r Run) float64 { return r.TimeForwardMean })
	res.TimeForwardStd = col(func(r Run) float64 { return r.TimeForwardStd })
	res.TotalMean = col(func(r Run) float64 { return r.TotalMean })
	res.TotalStd = col(func(r Run) float64 { return r.TotalStd })
	res.RMSEMean = col(func(r Run) float64 { return r.RMSEMean })
	res.RMSEStd = col(func(r Run) float64 { return r.RMSEStd })
	res.OvershootMean = col(func(r Run) float64 { return r.OvershootMean })
	res.RobustnessMean = col(func(r Run) float64 { return r.RobustnessMean })
	// Peak memory is deterministic, so every run has the same; the max is
	// the reference's name for it.
	for _, r := range res.Runs {
		res.MemPeakBytesMax = max(res.MemPeakBytesMax, r.MemPeakBytes)
	}
}

// ContentionSlack is how far above a config's fastest measurement a
// measurement counts as slowed by contention (see below); what the user
// reads ("more than 15% above the fastest") is written from it.
const ContentionSlack = 0.15

// ContentionPercent is ContentionSlack as the user reads it: "15%".
func ContentionPercent() string { return fmt.Sprintf("%g%%", ContentionSlack*100) }

// Contention: a measurement more than contentionSlack above the config's
// fastest was slowed by contention and is left out of the headline, when
// at least minUncontended measurements are near the fastest
// (stats.Uncontended). 15% lies well above the 1–3% that measurements on a
// free CPU differ by and well below the 1.3–1.6× a contended CPU costs on
// this project's VM.
const (
	contentionSlack = ContentionSlack
	minUncontended  = 3
)

// HeadlineMeasurements are the measurements the headline of r is made of —
// those not slowed by contention, sorted — and how many were left out.
// Comparisons and the benchstat file use the same ones.
func HeadlineMeasurements(r Result) (kept []float64, contended int) {
	return stats.Uncontended(r.Measurements, contentionSlack, minUncontended)
}

// Unsettled reports whether r's measurements spread beyond contentionSlack
// of its fastest without minUncontended of them near it: the config was
// measured on a contended CPU nearly throughout (or its speed really varies
// that much), so there is no steady cluster for its headline to rest on.
// Its headline is then the median of all its measurements, which the share
// of contended ones moves, and comparisons make no verdict on it.
func Unsettled(r Result) bool {
	kept, contended := HeadlineMeasurements(r)
	return contended == 0 && len(kept) > 1 && kept[len(kept)-1] > kept[0]*(1+contentionSlack)
}

// Headline sets the headline and its interval from res.Measurements, and
// the slow-round count from res.Samples (see the measurement model above);
// a result without its rounds (a record that summarised them) keeps its
// recorded count. Exported so that reports can recompute it for records
// of other tools.
func Headline(res *Result) {
	kept, contended := HeadlineMeasurements(*res)
	res.Contended = contended
	e := stats.MedianInterval(kept, ciLevel, res.SharedSpread)
	res.TimeEpochMedian, res.TimeEpochCILow, res.TimeEpochCIHigh, res.CILevel = e.Centre, e.CILow, e.CIHigh, e.Level
	if len(res.Samples) == 0 {
		return
	}
	res.Outliers = 0
	for _, s := range res.Samples {
		if s > slowFactor*res.TimeEpochMedian {
			res.Outliers++
		}
	}
}

// Split says how a plan's repeats become measurements: each repeat in
// parts pieces, measured in different worker processes.
func Split(repeats int) (parts, measurements int) {
	parts = max(1, (minMeasurements+repeats-1)/repeats)
	return parts, repeats * parts
}

// AddMeasurement adds a measurement whose rounds took samples (seconds per
// epoch, in the order made) to res: its estimate (the median of its
// rounds) to Measurements, its rounds to Samples, and their count and
// quantiles to the round summary (Rounds, RoundsMin, …).
func (res *Result) AddMeasurement(samples []float64) {
	res.Samples = append(res.Samples, samples...)
	res.Measurements = append(res.Measurements, stats.Median(samples))
	s := slices.DeleteFunc(slices.Clone(samples), math.IsNaN)
	slices.Sort(s)
	res.Rounds = append(res.Rounds, len(samples))
	res.RoundsMin = append(res.RoundsMin, quantile(s, 0))
	res.RoundsP25 = append(res.RoundsP25, quantile(s, 0.25))
	res.RoundsP75 = append(res.RoundsP75, quantile(s, 0.75))
	res.RoundsMax = append(res.RoundsMax, quantile(s, 1))
}

// quantile is the type 7 quantile at p of a sorted slice without NaNs,
// the definition stats.Median uses at ½ (NaN for an empty slice).
func quantile(s []float64, p float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	h := float64(len(s)-1) * p
	i := int(h)
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	a, b := s[i], s[i+1]
	if t := h - float64(i); t > 0 && a != b {
		return min(max(a+t*(b-a), a), b)
	}
	return a
}

// RoundSummarized reports whether res has the summary of every
// measurement's rounds (Rounds and its quantiles, aligned with
// Measurements), so that the rounds themselves may be left out of its
// record.
func (res Result) RoundSummarized() bool {
	n := len(res.Measurements)
	return n > 0 && len(res.Rounds) == n && len(res.RoundsMin) == n && len(res.RoundsP25) == n &&
		len(res.RoundsP75) == n && len(res.RoundsMax) == n
}

// RoundCount is how many rounds res's measurements made: the sum of
// Rounds, or for a record without the summary the number of its Samples.
func (res Result) RoundCount() int {
	if len(res.Rounds) == 0 {
		return len(res.Samples)
	}
	n := 0
	for _, k := range res.Rounds {
		n += k
	}
	return n
}
