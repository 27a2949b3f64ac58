// Package compare compares two runs config by config: the ratio of their
// headline times with its interval and a verdict, Holm-corrected over the
// configs (CompareBaseline), the regression gate (Baseline.Regressions), and
// reading back the runs to compare (LoadBaseline, LoadRecordedRun). How a
// comparison is written down is package report's.
package compare

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fsys"
	"github.com/hcbench/hcbench/report/store"
)

// RecordedRun is one run read back from a JSONL, for `hcbench compare`.
type RecordedRun struct {
	Path    string
	RunID   int64
	Results []bench.Result
	First   store.Record // the run's first record: machine, timing, seed
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
	if err := store.CheckRegular(path); err != nil {
		return RecordedRun{}, fmt.Errorf("%s: %w", spec, fsys.UnwrapPath(err))
	}
	recs, torn, err := store.ReadJSONLRepair(path)
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
	res := store.Runs(recs)[id]
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
	var first store.Record
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
	for _, m := range []store.Machine{mo, mn} {
		if m.NumCPU > 0 && m.LoadAvg >= float64(m.NumCPU) {
			out = append(out, fmt.Sprintf("a run started on a busy machine (load %.2f ≥ %d CPUs)", m.LoadAvg, m.NumCPU))
			break
		}
	}
	return out
}

func settings(r store.Record) string {
	return fmt.Sprintf("depths %s, repeats %d, seed %d, policy %s, min-time %s, min-epochs %d",
		bench.FormatDepths(r.Depths), r.Repeats, r.Seed, r.Policy, bench.FormatSeconds(r.Timing.MinTime.Seconds()), r.Timing.MinEpochs)
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(unknown)"
	}
	return s
}
