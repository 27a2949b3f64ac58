package main

import (
	"fmt"
	"io"
	"slices"

	"github.com/hcbench/hcbench/engine"
	"github.com/hcbench/hcbench/report"
)

// findResumable picks the run of the JSONL that --resume continues: the
// latest one measured with the same settings as plan. Its finished results
// become the new sweep's prior results, so they are not measured again, and
// its run_id is kept so that the JSONL ends up with the whole grid under one
// id. A torn last line (a crash mid-write) is dropped with a warning.
func findResumable(jsonl string, plan engine.Plan, stderr io.Writer) (int64, []engine.Result, error) {
	recs, torn, err := report.ReadJSONLRepair(jsonl)
	if err != nil {
		if isNotExist(err) {
			return 0, nil, usagef("--%s: nothing to resume: %s does not exist (run without --%s to start a sweep)",
				flagResume, jsonl, flagResume)
		}
		return 0, nil, fmt.Errorf("--%s: cannot read %s: %w", flagResume, jsonl, err)
	}
	if torn > 0 {
		fmt.Fprintf(stderr, "hcbench: warning: %s: line %d was cut off by an interrupted write; dropped it\n", jsonl, torn)
	}

	// Latest first: by the position of each run's last record, since a
	// resumed run appends to the end under its old id.
	var order []int64
	last := map[int64]int{}
	for i, r := range recs {
		if _, ok := last[r.RunID]; !ok {
			order = append(order, r.RunID)
		}
		last[r.RunID] = i
	}
	slices.SortStableFunc(order, func(a, b int64) int { return last[b] - last[a] })

	// otherGrid is the latest run with these settings but another grid,
	// named in the refusal: a mistyped list is the likely cause.
	var otherGrid *engine.Grid
	for _, id := range order {
		var rs []report.Record
		for _, r := range recs {
			if r.RunID == id {
				rs = append(rs, r)
			}
		}
		prior, ok, grid := matchRun(plan, rs)
		if ok {
			return id, prior, nil
		}
		if grid != nil && otherGrid == nil {
			otherGrid = grid
		}
	}
	hint := ""
	if otherGrid != nil {
		hint = fmt.Sprintf("; the latest run with these settings has -D %s -K %s -T %s",
			engine.FormatList(otherGrid.Dims), engine.FormatList(otherGrid.Branches), engine.FormatList(otherGrid.SeqLens))
	}
	return 0, nil, usagef("--%s: no run in %s has this grid and these settings (%s)%s; run without --%s to start one",
		flagResume, jsonl, describePlan(plan), hint, flagResume)
}

// matchRun reports whether the records of one run were measured with
// plan's grid and settings, and returns their results (the last record of
// each config wins). A run whose records carry its grid must have exactly
// plan's configs: a run of -T 8,16 is not continued by -T 8,16,32, which
// would change what the run measures. Records from before grids were
// written fall back to "every finished config is in plan's grid". When
// only the grid differs, that grid is returned for the refusal to name.
func matchRun(plan engine.Plan, rs []report.Record) (_ []engine.Result, ok bool, otherGrid *engine.Grid) {
	// The latest recorded grid is the run's: a live edit in the TUI changes
	// it for the records written after.
	var grid *engine.Grid
	for _, r := range rs {
		if r.Grid != nil {
			grid = r.Grid
		}
	}
	for _, r := range rs {
		if !settingsMatch(plan, r) {
			return nil, false, nil
		}
	}
	if grid != nil && !sameGrid(*grid, plan.Grid) {
		return nil, false, grid
	}
	byConfig := map[engine.Config]int{}
	var out []engine.Result
	for _, r := range rs {
		if !plan.Grid.Contains(r.Config) {
			return nil, false, nil
		}
		if i, ok := byConfig[r.Config]; ok {
			out[i] = r.Result
			continue
		}
		byConfig[r.Config] = len(out)
		out = append(out, r.Result)
	}
	return out, len(out) > 0, nil
}

// describePlan is the one-line form of what --resume matches on.
func describePlan(p engine.Plan) string {
	return fmt.Sprintf("-D %s -K %s -T %s --depths %s --repeats %d --seed %d --policy %s --min-time %v",
		engine.FormatList(p.Grid.Dims), engine.FormatList(p.Grid.Branches), engine.FormatList(p.Grid.SeqLens),
		engine.FormatList(p.Depths), p.Repeats, p.Seed, p.Policy, p.Timing.MinTime)
}

// settingsMatch reports whether one record was measured with plan's
// settings (everything but the grid).
func settingsMatch(plan engine.Plan, r report.Record) bool {
	return slices.Equal(r.Depths, plan.Depths) &&
		r.Repeats == plan.Repeats && r.Policy == plan.Policy &&
		r.Seed == plan.Seed && r.Timing == plan.Timing
}

// sameGrid reports whether two grids have the same configs: each axis
// the same set of values, in whatever order it was given.
func sameGrid(a, b engine.Grid) bool {
	set := func(v []int) []int {
		s := slices.Clone(v)
		slices.Sort(s)
		return slices.Compact(s)
	}
	return slices.Equal(set(a.Dims), set(b.Dims)) && slices.Equal(set(a.Branches), set(b.Branches)) &&
		slices.Equal(set(a.SeqLens), set(b.SeqLens))
}
