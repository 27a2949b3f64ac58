package report

import (
	"encoding/csv"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fsys"
)

// csvHeader is the reference's 16 columns in its order, then this
// project's. Outside tools read the first 16 by position.
var csvHeader = []string{
	"run_id", "D", "K", "T", "depths",
	"time_epoch_mean", "time_epoch_std", "time_forward_mean", "time_forward_std",
	"mem_peak_bytes_max", "total_mean", "total_std", "rmse_mean", "rmse_std",
	"overshoot_mean", "robustness_mean",
	// extras
	"time_epoch_median", "time_epoch_ci_low", "time_epoch_ci_high",
	"epochs_measured", "outliers", "repeats", "policy", "time_elapsed",
	"ci_level", "measurements", "batch", "engine",
}

// baselineHeader are the comparison columns, added when there is a
// baseline: the ratio, its interval at the level Holm's procedure tested
// the config at (baseline_ci_level), the verdict, Holm's adjusted p-value
// and what decided the verdict when the interval alone did not — one
// computation (package compare), so they never contradict.
var baselineHeader = []string{"baseline_ratio", "baseline_ci_low", "baseline_ci_high", "baseline_verdict",
	"baseline_p", "baseline_ci_level", "baseline_reason"}

// writeCSV replaces path (atomically) with the run as the reference's CSV,
// one row per result, with the comparison columns when there is a
// baseline.
func writeCSV(fs fsys.FS, path string, rep Report) error {
	return fsys.WriteAtomic(fs, path, func(w io.Writer) error { return encodeCSV(w, rep) })
}

func encodeCSV(w io.Writer, rep Report) error {
	cw := csv.NewWriter(w)
	header := csvHeader
	if rep.Baseline != nil {
		header = append(slices.Clone(csvHeader), baselineHeader...)
	}
	if rep.AB != nil {
		header = append(slices.Clone(header), abHeader...)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	i := strconv.Itoa
	runID := rep.RunID
	for _, r := range rep.Results {
		row := []string{
			strconv.FormatInt(runID, 10), i(r.D), i(r.K), i(r.T), bench.FormatDepths(r.Depths),
			pyFloat(r.TimeEpochMean), pyFloat(r.TimeEpochStd), pyFloat(r.TimeForwardMean), pyFloat(r.TimeForwardStd),
			strconv.FormatInt(r.MemPeakBytesMax, 10), pyFloat(r.TotalMean), pyFloat(r.TotalStd),
			pyFloat(r.RMSEMean), pyFloat(r.RMSEStd), pyFloat(r.OvershootMean), pyFloat(r.RobustnessMean),
			pyFloat(r.TimeEpochMedian), pyFloat(r.TimeEpochCILow), pyFloat(r.TimeEpochCIHigh),
			i(r.EpochsMeasured), i(r.Outliers), i(r.Repeats), r.Policy, pyFloat(r.TimeElapsed),
			pyFloat(r.CILevel), i(len(r.Measurements)), i(r.Batch), r.Engine,
		}
		if rep.Baseline != nil {
			if e, ok := rep.Baseline.Lookup(r.Config); ok {
				row = append(row, pyFloat(e.Cmp.Ratio), pyFloat(e.Cmp.CILow), pyFloat(e.Cmp.CIHigh), e.Verdict,
					pyFloat(e.PAdj), pyFloat(e.Cmp.Level), e.Reason)
			} else {
				row = append(row, make([]string, len(baselineHeader))...)
			}
		}
		if rep.AB != nil {
			row = append(row, abRow(rep, r)...)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// pyFloat formats v as Python's repr does, which is what the reference's
// CSV (pandas) holds: the shortest digits that read back to v, "0.0" rather
// than "0", an exponent only below 1e-4 or from 1e16. NaN is an empty
// cell, as pandas writes it and reads it back.
func pyFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return ""
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	if a := math.Abs(v); a != 0 && (a < 1e-4 || a >= 1e16) {
		return strconv.FormatFloat(v, 'e', -1, 64)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
