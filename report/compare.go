package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/hcbench/hcbench/engine/bench"
)

// RecordedRun is one run read back from a JSONL, for `hcbench compare`.
type RecordedRun struct {
	Path    string
	RunID   int64
	Results []bench.Result
	First   Record // the run's first record: machine, timing, seed
}

// Label names the run in messages: "old.jsonl@1700000000".
func (r RecordedRun) Label() string { return fmt.Sprintf("%s@%d", r.Path, r.RunID) }

// LoadRecordedRun reads spec, a JSONL path optionally followed by
// @RUN_ID (default: the file's latest run). A path that itself contains
// "@" works when no run id follows it.
func LoadRecordedRun(spec string) (RecordedRun, error) {
	path, id, hasID := spec, int64(0), false
	if i := strings.LastIndex(spec, "@"); i >= 0 {
		if v, err := strconv.ParseInt(spec[i+1:], 10, 64); err == nil {
			path, id, hasID = spec[:i], v, true
		}
	}
	if err := checkRegular(path); err != nil {
		return RecordedRun{}, fmt.Errorf("%s: %w", spec, unwrapPath(err))
	}
	recs, torn, err := ReadJSONLRepair(path)
	if err != nil {
		return RecordedRun{}, fmt.Errorf("%s is not an hcbench JSONL: %w", path, err)
	}
	if len(recs) == 0 && torn > 0 {
		return RecordedRun{}, fmt.Errorf("%s is not an hcbench JSONL: line %d is not a benchmark record", path, torn)
	}
	if len(recs) == 0 {
		return RecordedRun{}, fmt.Errorf("%s holds no results", path)
	}
	if !hasID {
		id = recs[len(recs)-1].RunID
	}
	res := Runs(recs)[id]
	if len(res) == 0 {
		ids := []string{}
		seen := map[int64]bool{}
		for _, r := range recs {
			if !seen[r.RunID] {
				seen[r.RunID] = true
				ids = append(ids, strconv.FormatInt(r.RunID, 10))
			}
		}
		if len(ids) > 5 {
			ids = append(ids[len(ids)-5:len(ids):len(ids)], "(latest 5)")
		}
		return RecordedRun{}, fmt.Errorf("%s has no run %d (runs: %s)", path, id, strings.Join(ids, ", "))
	}
	var first Record
	for _, r := range recs {
		if r.RunID == id {
			first = r
			break
		}
	}
	return RecordedRun{Path: path, RunID: id, Results: res, First: first}, nil
}

// RunDifferences lists what differs between two runs besides the code:
// the machine, the engine, the settings. Each entry is one line.
func RunDifferences(old, new RecordedRun) []string {
	var out []string
	diff := func(what, a, b string) {
		if a != b {
			out = append(out, fmt.Sprintf("different %s: %s vs %s", what, orNone(a), orNone(b)))
		}
	}
	mo, mn := old.First.Machine, new.First.Machine
	diff("machines", fmt.Sprintf("%s (%d CPUs, %s/%s, host %s)", mo.CPU, mo.NumCPU, mo.OS, mo.Arch, mo.Host),
		fmt.Sprintf("%s (%d CPUs, %s/%s, host %s)", mn.CPU, mn.NumCPU, mn.OS, mn.Arch, mn.Host))
	ro, rn := old.First.Result, new.First.Result
	diff("engines", strings.TrimSpace(ro.Engine+" "+ro.EngineVersion), strings.TrimSpace(rn.Engine+" "+rn.EngineVersion))
	diff("Go versions", mo.GoVersion, mn.GoVersion)
	diff("settings", settings(old.First), settings(new.First))
	for _, m := range []Machine{mo, mn} {
		if m.NumCPU > 0 && m.LoadAvg >= float64(m.NumCPU) {
			out = append(out, fmt.Sprintf("a run started on a busy machine (load %.2f ≥ %d CPUs)", m.LoadAvg, m.NumCPU))
			break
		}
	}
	return out
}

func settings(r Record) string {
	return fmt.Sprintf("depths %s, repeats %d, seed %d, policy %s, min-time %s, min-epochs %d",
		FormatDepths(r.Depths), r.Repeats, r.Seed, r.Policy, FormatSeconds(r.Timing.MinTime.Seconds()), r.Timing.MinEpochs)
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(unknown)"
	}
	return s
}

// WriteComparison prints a comparison as a table like benchstat's: config,
// old, new, ratio [95% CI], verdict; then the geomean and the counts.
func WriteComparison(w io.Writer, oldLabel, newLabel string, b Baseline, notes []string) error {
	var s strings.Builder
	fmt.Fprintf(&s, "old: %s\nnew: %s\n", oldLabel, newLabel)
	for _, n := range notes {
		s.WriteString("note: " + n + "\n")
	}
	s.WriteString("\n")
	tw := tabwriter.NewWriter(&s, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "config\told (median)\tnew (median)\tratio [95% CI]\tverdict\t")
	var quality []string
	for _, e := range b.Entries {
		v := e.Verdict
		if e.QualityDiffers {
			v += " quality differs"
			quality = append(quality, e.Config.String())
		}
		name := e.Config.String()
		if !slices.Equal(e.Depths, []int{1, 2, 3}) {
			name += " depths " + FormatDepths(e.Depths)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", name, formatHeadlineCI(e.Old), formatHeadlineCI(e.New), FormatRatioCI(e.Cmp), v)
	}
	geo := FormatRatio(b.GeoMeanRatio)
	if !math.IsNaN(b.GeoMeanCILow) {
		geo += fmt.Sprintf(" [%s, %s]", FormatRatio(b.GeoMeanCILow), FormatRatio(b.GeoMeanCIHigh))
	}
	fmt.Fprintf(tw, "geomean\t\t\t%s\t\t\n", geo)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(&s, "\n%d faster, %d slower, %d unchanged", b.Faster, b.Slower, b.Unchanged)
	if b.Few > 0 {
		fmt.Fprintf(&s, ", %d with too few steady measurements to tell", b.Few)
	}
	fmt.Fprintf(&s, " of %d matched configs (ratio new/old of the medians; t on the log ratio over the independent measurements, Holm-corrected over the configs, 5%%)\n", len(b.Entries))
	if b.Unmatched > 0 {
		fmt.Fprintf(&s, "%d configs of the new run are not in the old one\n", b.Unmatched)
	}
	if len(quality) > 0 {
		fmt.Fprintf(&s, "quality differs for %s: the same seeds gave different total loss, RMSE or robustness, so the numbers changed, not only the speed\n",
			strings.Join(quality, ", "))
	}
	_, err := io.WriteString(w, s.String())
	return err
}
