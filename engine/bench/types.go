package bench

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Config is one point of the benchmark grid.
type Config struct {
	D int `json:"D"` // output dimension
	K int `json:"K"` // branch count
	T int `json:"T"` // sequence length
}

// String is the human form, as in the quick summary: "D=3 K=5 T=48".
func (c Config) String() string { return fmt.Sprintf("D=%d K=%d T=%d", c.D, c.K, c.T) }

// Compare orders configs by D, then K, then T (-1, 0, +1).
func (c Config) Compare(o Config) int {
	return cmp.Or(cmp.Compare(c.D, o.D), cmp.Compare(c.K, o.K), cmp.Compare(c.T, o.T))
}

// Label is the compact form used on chart ticks: "D3-K5-T48".
func (c Config) Label() string { return fmt.Sprintf("D%d-K%d-T%d", c.D, c.K, c.T) }

// Policy names accepted by Plan.Policy.
const (
	PolicyMean    = "mean" // the reference's MeanPolicy
	PolicyMedian  = "median"
	PolicyMinRisk = "minrisk" // branch with the smallest squared L2 norm
)

// Policies lists the accepted policy names, the default first.
var Policies = []string{PolicyMean, PolicyMedian, PolicyMinRisk}

// Timing controls how long each depth is measured.
type Timing struct {
	// MinTime is the minimum measuring time per depth and repeat, after
	// the warm-up epochs. Default 10ms.
	MinTime time.Duration `json:"-"`
	// MinEpochs is the minimum number of measured epochs per depth. Default 5.
	MinEpochs int `json:"min_epochs"`
}

// timingJSON is Timing on the wire: times in seconds, names starting time_.
type timingJSON struct {
	MinTime   float64 `json:"time_min"`
	MinEpochs int     `json:"min_epochs"`
}

// MarshalJSON writes MinTime in seconds as "time_min".
func (t Timing) MarshalJSON() ([]byte, error) {
	return json.Marshal(timingJSON{MinTime: t.MinTime.Seconds(), MinEpochs: t.MinEpochs})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (t *Timing) UnmarshalJSON(b []byte) error {
	var j timingJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	t.MinTime = time.Duration(math.Round(j.MinTime * 1e9))
	t.MinEpochs = j.MinEpochs
	return nil
}

// DefaultTiming is the timing used when none is given.
var DefaultTiming = Timing{MinTime: 10 * time.Millisecond, MinEpochs: 5}

// DepthResult is what one depth of one repeat measured.
type DepthResult struct {
	Depth int `json:"depth"`
	// Epochs is the number of measured (not warm-up) epochs.
	Epochs int `json:"epochs"`
	// TimeEpochMean is the mean of the measured epoch times, in seconds.
	TimeEpochMean float64 `json:"time_epoch_mean"`
	// Quality of the epoch; identical for every epoch of the depth because
	// the parameters never change.
	Total       float64 `json:"total"`
	Task        float64 `json:"task"`
	Consistency float64 `json:"consistency"`
	Coherence   float64 `json:"coherence"`
	RMSE        float64 `json:"rmse"`
	Overshoot   float64 `json:"overshoot"`
	Robustness  float64 `json:"robustness"`
}

// Run is one benchmark run: one repeat of a config with one seed, aggregated
// over the depth schedule exactly as the reference's benchmark_once does
// (means and population standard deviations over the depths).
type Run struct {
	Seed            uint64        `json:"seed"`
	Depths          []DepthResult `json:"depth_results"`
	TimeEpochMean   float64       `json:"time_epoch_mean"`
	TimeEpochStd    float64       `json:"time_epoch_std"`
	TimeForwardMean float64       `json:"time_forward_mean"`
	TimeForwardStd  float64       `json:"time_forward_std"`
	MemPeakBytes    int64         `json:"mem_peak_bytes"`
	TotalMean       float64       `json:"total_mean"`
	TotalStd        float64       `json:"total_std"`
	RMSEMean        float64       `json:"rmse_mean"`
	RMSEStd         float64       `json:"rmse_std"`
	OvershootMean   float64       `json:"overshoot_mean"`
	RobustnessMean  float64       `json:"robustness_mean"`
}

// Result is one finished config. The reference fields are means over the
// repeats of the per-Run values, exactly as the reference aggregates them.
type Result struct {
	Config
	Depths  []int `json:"depths"`
	Repeats int   `json:"repeats"`

	// The reference's fields (all times in seconds).
	TimeEpochMean   float64 `json:"time_epoch_mean"`
	TimeEpochStd    float64 `json:"time_epoch_std"`
	TimeForwardMean float64 `json:"time_forward_mean"`
	TimeForwardStd  float64 `json:"time_forward_std"`
	MemPeakBytesMax int64   `json:"mem_peak_bytes_max"`
	TotalMean       float64 `json:"total_mean"`
	TotalStd        float64 `json:"total_std"`
	RMSEMean        float64 `json:"rmse_mean"`
	RMSEStd         float64 `json:"rmse_std"`
	OvershootMean   float64 `json:"overshoot_mean"`
	RobustnessMean  float64 `json:"robustness_mean"`

	// The headline and its interval (README "Timing"). The config is
	// measured several times independently, each time in another worker
	// process; Measurements holds each measurement's estimate (the median
	// of its rounds). TimeEpochMedian is their median, and
	// TimeEpochCILow..High its interval at CILevel (stats.MedianInterval;
	// 0, with NaN bounds, when there are fewer than two measurements):
	// about what a rerun would measure.
	TimeEpochMedian float64   `json:"time_epoch_median"`
	TimeEpochCILow  float64   `json:"time_epoch_ci_low"`
	TimeEpochCIHigh float64   `json:"time_epoch_ci_high"`
	CILevel         float64   `json:"ci_level"`
	Measurements    []float64 `json:"time_measurements,omitempty"`
	// Contended counts the measurements left out of the headline as slowed
	// by contention (more than 15% above the fastest; HeadlineMeasurements).
	Contended int `json:"contended"`
	// SharedSpread is the standard deviation (log scale) of the machine's
	// common speed between the cycles of the run that measured this config
	// (what all configs measured at the same moment share), added to the
	// interval's standard error: a rerun meets the machine at another
	// point of it. 0 when the run had too few configs in flight to tell.
	SharedSpread float64 `json:"shared_spread"`
	// Batch is the epochs per depth and round, calibrated by the config's
	// first measurement from its warm-up epochs and then fixed.
	Batch          int `json:"batch,omitempty"`
	EpochsMeasured int `json:"epochs_measured"` // measured epochs, all depths and measurements
	// Outliers counts the rounds slower than twice the headline: stalls
	// (the process descheduled, the machine busy). The headline, built
	// from medians, is not moved by them; the reference's means are.
	Outliers int `json:"outliers"`

	// The rounds of each measurement, summarised (AddMeasurement), each
	// slice aligned with Measurements: how many rounds it made, and their
	// quantiles in seconds (type 7, as stats.Median; the median is the
	// measurement itself). Each measurement runs in rounds (a batch of
	// epochs at each depth in turn); a round's time is its mean epoch
	// time over the depths, so it estimates the same quantity as
	// TimeEpochMean. Rounds of one measurement are correlated and are not
	// independent samples (the interval is over Measurements). Records
	// written before the summary existed have none (nil) and their rounds
	// in Samples.
	Rounds    []int     `json:"rounds,omitempty"`
	RoundsMin []float64 `json:"time_rounds_min,omitempty"`
	RoundsP25 []float64 `json:"time_rounds_p25,omitempty"`
	RoundsP75 []float64 `json:"time_rounds_p75,omitempty"`
	RoundsMax []float64 `json:"time_rounds_max,omitempty"`

	// Samples are every round's time in seconds, the measurements' rounds
	// pooled in the order made. The sweep keeps them in memory; the JSONL
	// holds them only with Plan.KeepRounds (and in records written before
	// the summary existed). Readers that need a count use RoundCount.
	Samples []float64 `json:"time_samples,omitempty"`

	// Engine is who measured: "go" (this port, in worker processes) or
	// "python"; EngineVersion and EngineDetails come from the worker's hello.
	Engine        string            `json:"engine,omitempty"`
	EngineVersion string            `json:"engine_version,omitempty"`
	EngineDetails map[string]string `json:"engine_details,omitempty"`
	// MemKind says what MemPeakBytesMax is: "buffers" (exact buffer bytes)
	// or "tracemalloc" (Python's traced peak).
	MemKind string `json:"mem_kind,omitempty"`

	Runs []Run `json:"runs"`

	// Policy is the projection policy used.
	Policy string `json:"policy"`

	// A/B (Plan.Vs). Vs is variant B's result for the config, measured
	// paired with this one (variant A): its own headline, interval and
	// reference figures. ABLogRatios holds, for each measurement j, the
	// paired estimate of log(B/A) it made: the median of log(b/a) over its
	// pairs of rounds when both variants were measured in one worker
	// (ABPairing "rounds", ABPairs[j] pairs), else log of the ratio of the
	// two measurements made back to back in two workers ("measurements").
	// The comparison (package compare, CompareAB) rests on them.
	Vs          *Result   `json:"vs,omitempty"`
	ABLogRatios []float64 `json:"ab_log_ratios,omitempty"`
	ABPairs     []int     `json:"ab_pairs,omitempty"`
	ABPairing   string    `json:"ab_pairing,omitempty"`
	// TimeElapsed is the wall time spent on the config in seconds: its
	// measurements', warm-up included, pauses excluded.
	TimeElapsed float64 `json:"time_elapsed"`
}
