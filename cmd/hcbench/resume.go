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

	for _, id := range order {
		var rs []report.Record
		for _, r := range recs {
			if r.RunID == id {
				rs = append(rs, r)
			}
		}
		if prior, ok := matchRun(plan, rs); ok {
			return id, prior, nil
		}
	}
	return 0, nil, usagef("--%s: no run in %s has this grid and these settings (%s); run without --%s to start one",
		flagResume, jsonl, describePlan(plan), flagResume)
}

// matchRun reports whether the records of one run were measured with
// plan's grid and settings, and returns their results (the last record of
// each config wins).
func matchRun(plan engine.Plan, rs []report.Record) ([]engine.Result, bool) {
	byConfig := map[engine.Config]int{}
	var out []engine.Result
	for _, r := range rs {
		if !recordMatches(plan, r) {
			return nil, false
		}
		if i, ok := byConfig[r.Config]; ok {
			out[i] = r.Result
			continue
		}
		byConfig[r.Config] = len(out)
		out = append(out, r.Result)
	}
	return out, len(out) > 0
}

// describePlan is the one-line form of what --resume matches on.
func describePlan(p engine.Plan) string {
	return fmt.Sprintf("-D %s -K %s -T %s --depths %s --repeats %d --seed %d --policy %s --min-time %v",
		engine.FormatList(p.Grid.Dims), engine.FormatList(p.Grid.Branches), engine.FormatList(p.Grid.SeqLens),
		engine.FormatList(p.Depths), p.Repeats, p.Seed, p.Policy, p.Timing.MinTime)
}

// recordMatches reports whether one record was measured with plan's
// settings and belongs to its grid. Records do not carry their run's grid,
// so "the same grid" is checked as "every finished config is in this grid".
func recordMatches(plan engine.Plan, r report.Record) bool {
	return plan.Grid.Contains(r.Config) && slices.Equal(r.Depths, plan.Depths) &&
		r.Repeats == plan.Repeats && r.Policy == plan.Policy &&
		r.Seed == plan.Seed && r.Timing == plan.Timing
}
