// Package compare compares two runs config by config: the ratio of their
// headline times with its interval and a verdict, Holm-corrected over the
// configs (CompareBaseline), the regression gate (Baseline.Regressions), and
// reading back the runs to compare (LoadBaseline, LoadRecordedRun). How a
// comparison is written down is package report's.
package compare

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fsys"
	"github.com/hcbench/hcbench/report/store"
)

// RecordedRun is one run read back from a JSONL, for `hcbench compare`
// and --baseline.
type RecordedRun struct {
	Path    string
	RunID   int64
	Results []bench.Result
	First   store.Record // the run's first record: machine, timing, seed
	// Notes say what of the file was left out or looks wrong, each once: a
	// torn last line dropped, a config the run records more than once (two
	// runs sharing its id), values no measurement can take (such configs
	// get no verdict). The reader should see them beside the comparison.
	Notes []string
}

// Label names the run in messages: "old.jsonl@1700000000".
func (r RecordedRun) Label() string { return fmt.Sprintf("%s@%d", r.Path, r.RunID) }

// LoadRecordedRun reads spec, a JSONL path (or an output directory, for
// its qmlhc_benchmarks.jsonl) optionally followed by @RUN_ID (default: the
// file's latest run) — for `hcbench compare` and for --baseline alike. A file whose own name holds "@" is read as it is. A
// torn last line, as a crash leaves, is left out with a note; worse damage
// is refused. Errors name the path once.
func LoadRecordedRun(spec string) (RecordedRun, error) {
	path, id, hasID, err := parseSpec(spec)
	if err != nil {
		return RecordedRun{}, err
	}
	// An output directory stands for its history.
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		jsonl := store.PathsFor(path).JSONL
		if _, err := os.Stat(jsonl); errors.Is(err, fs.ErrNotExist) {
			return RecordedRun{}, fmt.Errorf("%s: a directory without %s: give a JSONL file or a results directory", path, store.FileJSONL)
		}
		path = jsonl
	}
	if err := store.CheckRegular(path); err != nil {
		return RecordedRun{}, err
	}
	lines, torn, err := store.ReadJSONLLines(path)
	var le *store.LineError
	switch {
	case errors.As(err, &le):
		return RecordedRun{}, fmt.Errorf("%s is not an hcbench JSONL: line %d: %w", path, le.Line, le.Err)
	case err != nil:
		return RecordedRun{}, fmt.Errorf("reading %s: %w", path, fsys.UnwrapPath(err))
	case len(lines) == 0 && torn > 0:
		return RecordedRun{}, fmt.Errorf("%s is not an hcbench JSONL: line %d is not a benchmark record", path, torn)
	case len(lines) == 0:
		return RecordedRun{}, fmt.Errorf("%s holds no results", path)
	}
	if !hasID {
		id = lines[len(lines)-1].RunID
	}
	var run []store.Line
	recs := make([]store.Record, 0, len(lines))
	for _, l := range lines {
		if l.RunID == id {
			run = append(run, l)
			recs = append(recs, l.Record)
		}
	}
	if len(run) == 0 {
		return RecordedRun{}, fmt.Errorf("%s has no run %d (runs: %s)", path, id, latestIDs(lines))
	}
	r := RecordedRun{Path: path, RunID: id, Results: store.Runs(recs)[id], First: run[0].Record}
	if torn > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%s line %d is not a whole record (a write cut short?): left out", path, torn))
	}
	r.Notes = append(r.Notes, runNotes(r.Label(), run)...)
	return r, nil
}

// parseSpec splits FILE@RUN_ID. A spec without "@", or naming a file that
// exists as it is, is a path; otherwise what follows the last "@" must be
// an integer run id.
func parseSpec(spec string) (path string, id int64, hasID bool, err error) {
	i := strings.LastIndex(spec, "@")
	if i < 0 {
		return spec, 0, false, nil
	}
	if _, err := os.Stat(spec); err == nil {
		return spec, 0, false, nil
	}
	path, tail := spec[:i], spec[i+1:]
	id, perr := strconv.ParseInt(tail, 10, 64)
	if perr == nil {
		return path, id, true, nil
	}
	if _, err := os.Stat(path); err != nil {
		return spec, 0, false, nil // neither exists: said as a missing spec
	}
	return "", 0, false, fmt.Errorf("%s: bad run id %q: want FILE@RUN_ID with RUN_ID an integer", spec, tail)
}

// latestIDs lists the file's last five run ids, for a run id not found.
func latestIDs(lines []store.Line) string {
	ids := []string{}
	seen := map[int64]bool{}
	for _, l := range lines {
		if !seen[l.RunID] {
			seen[l.RunID] = true
			ids = append(ids, strconv.FormatInt(l.RunID, 10))
		}
	}
	if len(ids) > 5 {
		ids = append(ids[len(ids)-5:len(ids):len(ids)], "(latest 5)")
	}
	return strings.Join(ids, ", ")
}

// maxListed bounds the configs one note names.
const maxListed = 5

// runNotes are the notes on one run's records: configs recorded more than
// once (the last record of each is the one compared) and configs whose
// compared record holds values no measurement can take.
func runNotes(label string, run []store.Line) []string {
	at := map[bench.Config][]int{}
	var order []bench.Config
	last := map[bench.Config]store.Line{}
	for _, l := range run {
		if _, ok := at[l.Config]; !ok {
			order = append(order, l.Config)
		}
		at[l.Config] = append(at[l.Config], l.N)
		last[l.Config] = l
	}
	var dups, bad []string
	for _, c := range order {
		if n := at[c]; len(n) > 1 {
			dups = append(dups, fmt.Sprintf("%s (lines %s)", c, joinInts(n)))
		}
		if why := implausible(last[c].Result); why != "" {
			bad = append(bad, fmt.Sprintf("%s (line %d): %s", c, last[c].N, why))
		}
	}
	var notes []string
	if len(dups) > 0 {
		notes = append(notes, fmt.Sprintf("%s records %s more than once: two runs may share this run id; the last record of each is compared",
			label, listSome(dups)))
	}
	if len(bad) > 0 {
		notes = append(notes, fmt.Sprintf("%s: %s; a config with such values gets no verdict", label, listSome(bad)))
	}
	return notes
}

// listSome joins up to maxListed items and counts the rest.
func listSome(items []string) string {
	if len(items) <= maxListed {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:maxListed], ", ") + fmt.Sprintf(" and %d more", len(items)-maxListed)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// RunDifferences lists what a reader of the comparison of two runs must
// know besides the code: each run's Notes (once, when both come from the
// same file), then what differs — the machine, the engine, the settings.
// Each entry is one line.
func RunDifferences(old, new RecordedRun) []string {
	var out []string
	for _, n := range append(slices.Clip(old.Notes), new.Notes...) {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
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
