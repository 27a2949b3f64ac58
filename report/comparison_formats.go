package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
)

// ComparisonFormats are what WriteComparisonAs writes, the default first.
var ComparisonFormats = []string{"text", "csv", "json", "markdown"}

// CheckComparisonFormat refuses a format WriteComparisonAs does not write.
func CheckComparisonFormat(format string) error {
	if !slices.Contains(ComparisonFormats, format) {
		return fmt.Errorf("unknown format: allowed are %s", strings.Join(ComparisonFormats, ", "))
	}
	return nil
}

// WriteComparisonAs writes a comparison in format: "text" is
// WriteComparison's table; "csv" one row per config (header first; the
// notes are not in it); "json" one object with the labels, the notes, the
// counts, the geomean and an object per config; "markdown" the Markdown
// report's comparison table. Every format carries the same computation:
// ratio, interval (with its level), Holm's adjusted p, verdict and reason.
func WriteComparisonAs(w io.Writer, format, oldLabel, newLabel string, b compare.Baseline, notes []string) error {
	switch format {
	case "", "text":
		return WriteComparison(w, oldLabel, newLabel, b, notes)
	case "csv":
		return comparisonCSV(w, b)
	case "json":
		return comparisonJSON(w, oldLabel, newLabel, b, notes)
	case "markdown":
		var s strings.Builder
		fmt.Fprintf(&s, "# %s vs %s\n", newLabel, oldLabel)
		for _, n := range notes {
			s.WriteString("\n> note: " + n + "\n")
		}
		writeComparisonTable(&s, b)
		_, err := io.WriteString(w, s.String())
		return err
	}
	return CheckComparisonFormat(format)
}

// comparisonHeader is the CSV's header; times in seconds, as everywhere.
var comparisonHeader = []string{"D", "K", "T", "depths",
	"time_old_median", "time_old_ci_low", "time_old_ci_high", "time_new_median", "time_new_ci_low", "time_new_ci_high",
	"ratio", "ci_low", "ci_high", "ci_level", "p", "verdict", "reason", "quality_differs"}

func comparisonCSV(w io.Writer, b compare.Baseline) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(comparisonHeader); err != nil {
		return err
	}
	i := strconv.Itoa
	for _, e := range b.Entries {
		row := []string{i(e.Config.D), i(e.Config.K), i(e.Config.T), bench.FormatDepths(e.Depths),
			pyFloat(Headline(e.Old)), pyFloat(e.Old.TimeEpochCILow), pyFloat(e.Old.TimeEpochCIHigh),
			pyFloat(Headline(e.New)), pyFloat(e.New.TimeEpochCILow), pyFloat(e.New.TimeEpochCIHigh),
			pyFloat(e.Cmp.Ratio), pyFloat(e.Cmp.CILow), pyFloat(e.Cmp.CIHigh), pyFloat(e.Cmp.Level), pyFloat(e.PAdj),
			e.Verdict, e.Reason, strconv.FormatBool(e.QualityDiffers)}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// jsonFloat is a float that JSON can carry: NaN and infinities are null.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

type jsonSide struct {
	Median jsonFloat `json:"time_median"`
	CILow  jsonFloat `json:"time_ci_low"`
	CIHigh jsonFloat `json:"time_ci_high"`
}

type jsonEntry struct {
	D, K, T        int
	Depths         []int     `json:"depths"`
	Old            jsonSide  `json:"old"`
	New            jsonSide  `json:"new"`
	Ratio          jsonFloat `json:"ratio"`
	CILow          jsonFloat `json:"ci_low"`
	CIHigh         jsonFloat `json:"ci_high"`
	CILevel        jsonFloat `json:"ci_level"`
	P              jsonFloat `json:"p"`
	Verdict        string    `json:"verdict"`
	Reason         string    `json:"reason,omitempty"`
	QualityDiffers bool      `json:"quality_differs"`
}

type jsonComparison struct {
	Old     string   `json:"old"`
	New     string   `json:"new"`
	Notes   []string `json:"notes"`
	GeoMean struct {
		Ratio  jsonFloat `json:"ratio"`
		CILow  jsonFloat `json:"ci_low"`
		CIHigh jsonFloat `json:"ci_high"`
	} `json:"geomean"`
	Counts struct {
		Faster    int `json:"faster"`
		Slower    int `json:"slower"`
		Unchanged int `json:"unchanged"`
		TooFew    int `json:"too_few"`
		Invalid   int `json:"invalid"`
		Unmatched int `json:"unmatched"`
	} `json:"counts"`
	Configs []jsonEntry `json:"configs"`
}

func side(r bench.Result) jsonSide {
	return jsonSide{jsonFloat(Headline(r)), jsonFloat(r.TimeEpochCILow), jsonFloat(r.TimeEpochCIHigh)}
}

func comparisonJSON(w io.Writer, oldLabel, newLabel string, b compare.Baseline, notes []string) error {
	c := jsonComparison{Old: oldLabel, New: newLabel, Notes: notes, Configs: []jsonEntry{}}
	if c.Notes == nil {
		c.Notes = []string{}
	}
	c.GeoMean.Ratio, c.GeoMean.CILow, c.GeoMean.CIHigh = jsonFloat(b.GeoMeanRatio), jsonFloat(b.GeoMeanCILow), jsonFloat(b.GeoMeanCIHigh)
	c.Counts.Faster, c.Counts.Slower, c.Counts.Unchanged = b.Faster, b.Slower, b.Unchanged
	c.Counts.TooFew, c.Counts.Invalid, c.Counts.Unmatched = b.Few, b.Invalid, b.Unmatched
	for _, e := range b.Entries {
		c.Configs = append(c.Configs, jsonEntry{D: e.Config.D, K: e.Config.K, T: e.Config.T, Depths: e.Depths,
			Old: side(e.Old), New: side(e.New), Ratio: jsonFloat(e.Cmp.Ratio), CILow: jsonFloat(e.Cmp.CILow),
			CIHigh: jsonFloat(e.Cmp.CIHigh), CILevel: jsonFloat(e.Cmp.Level), P: jsonFloat(e.PAdj),
			Verdict: e.Verdict, Reason: e.Reason, QualityDiffers: e.QualityDiffers})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}
