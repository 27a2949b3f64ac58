// Package merge makes one run of a sharded sweep's shards (`hcbench merge
// DIR`): the run's JSONL history entry in DIR and its reports — CSV,
// Markdown, figures, bench.txt, summary — written by package report as
// for an unsharded run. It refuses shards that disagree on settings,
// engine or hardware, reports the configs still missing with the command
// that measures them, and widens every interval by the spread between the
// nodes that the calibration config shows.
package merge

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/launch"
	"github.com/hcbench/hcbench/engine/stats"
	"github.com/hcbench/hcbench/report"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/shards"
	"github.com/hcbench/hcbench/report/store"
)

// Options are a merge's: the sharded directory, the run (0: the latest)
// and whether shards measured on different hardware may be merged.
type Options struct {
	Dir                string
	RunID              int64
	AllowMixedHardware bool
}

// Offset is one shard's calibration headline and how far it is from the
// median of all shards' (0.02: 2% slower).
type Offset struct {
	Shard  bench.Shard
	Host   string
	Median float64
	Offset float64
}

// Outcome is what a merge made.
type Outcome struct {
	RunID   int64
	Plan    bench.Plan
	Paths   store.Paths
	Results []bench.Result // widened, in sweep order
	// Missing are the configs no shard has finished; Rest the commands
	// that measure only them (one per shard that lacks some).
	Missing []bench.Config
	Rest    []string
	// Offsets are the nodes' calibration offsets; Spread the standard
	// deviation of their logarithms (0 with fewer than two), added in
	// quadrature to every config's SharedSpread.
	Offsets  []Offset
	Spread   float64
	Appended int // records written to DIR's JSONL (0 when merged before)
	Machine  store.Machine
	// AB is an A/B sweep's comparison of variant B (Vs) with A over the
	// merged configs; nil without --vs.
	AB *compare.AB
	Vs bench.Variant
}

// Complete reports whether every config of the grid is merged.
func (o Outcome) Complete() bool { return len(o.Missing) == 0 }

// Merge reads the shards of opt.Dir and writes the merged run there.
func Merge(opt Options) (Outcome, error) {
	l, err := shards.Scan(opt.Dir)
	if err != nil {
		return Outcome{}, err
	}
	for _, f := range l.Shards {
		if f.Err != nil {
			return Outcome{}, fmt.Errorf("shard %s: %w", f.Shard, f.Err)
		}
	}
	sw, err := l.Sweep(opt.RunID)
	if err != nil {
		return Outcome{}, err
	}
	if err := check(sw, opt.AllowMixedHardware); err != nil {
		return Outcome{}, err
	}
	out := Outcome{RunID: sw.RunID, Plan: sw.Plan, Paths: store.PathsFor(opt.Dir), Missing: sw.Missing()}
	out.Offsets, out.Spread = offsets(sw)
	var recs []store.Record
	for _, c := range sw.Plan.Grid.Configs() {
		owner, _ := sw.Owner(c)
		rec, ok := owner.Result(c)
		if !ok {
			continue
		}
		if out.Spread > 0 {
			rec.SharedSpread = math.Hypot(rec.SharedSpread, out.Spread)
			bench.Headline(&rec.Result)
			if b := rec.Vs; b != nil {
				// B's own headline widens alike; the paired ratio B/A
				// does not: both halves of a pair ran on one node.
				wb := *b
				wb.SharedSpread = math.Hypot(wb.SharedSpread, out.Spread)
				bench.Headline(&wb)
				rec.Vs = &wb
			}
		}
		g := sw.Plan.Grid
		rec.Grid = &g
		recs = append(recs, rec)
		out.Results = append(out.Results, rec.Result)
	}
	if len(recs) == 0 {
		return out, fmt.Errorf("%s: the shards of run %d have no result of their own parts yet", opt.Dir, sw.RunID)
	}
	out.Machine = recs[0].Machine
	out.Rest = restCommands(sw)
	if out.Appended, err = store.AppendRun(opt.Dir, recs); err != nil {
		return out, fmt.Errorf("writing the merged run to %s: %w", out.Paths.JSONL, err)
	}
	m := out.Machine
	if compare.HasAB(out.Results) {
		ab := compare.CompareAB(out.Results, recs[0].SameWithin)
		out.AB, out.Vs = &ab, recs[0].VsSpec
	}
	err = report.Write(out.Paths, report.Report{RunID: sw.RunID, Results: out.Results, Total: sw.Plan.Grid.Size(), Machine: &m,
		AB: out.AB, Vs: out.Vs})
	return out, err
}

// check refuses shards that measured different things or on different
// hardware, naming them.
func check(sw shards.Sweep, mixedOK bool) error {
	type key struct{ what, value string }
	var ref *shards.Shard
	for i := range sw.Shards {
		s := &sw.Shards[i]
		if len(s.Results) == 0 {
			continue
		}
		if ref == nil {
			ref = s
			continue
		}
		a, b := ref.Results[0], s.Results[0]
		diffs := []key{}
		if store.DescribePlan(ref.Plan) != store.DescribePlan(s.Plan) || ref.Plan.Timing != s.Plan.Timing {
			diffs = append(diffs, key{"settings", fmt.Sprintf("%s vs %s", store.DescribePlan(ref.Plan), store.DescribePlan(s.Plan))})
		}
		if a.Engine != b.Engine || a.EngineVersion != b.EngineVersion {
			diffs = append(diffs, key{"engine", fmt.Sprintf("%s %s vs %s %s", a.Engine, a.EngineVersion, b.Engine, b.EngineVersion)})
		}
		if !mixedOK && (a.CPU != b.CPU || a.NumCPU != b.NumCPU) {
			diffs = append(diffs, key{"hardware", fmt.Sprintf("%q (%d CPUs, host %s) vs %q (%d CPUs, host %s)",
				a.CPU, a.NumCPU, a.Host, b.CPU, b.NumCPU, b.Host)})
		}
		if len(diffs) > 0 {
			var parts []string
			for _, d := range diffs {
				parts = append(parts, d.what+": "+d.value)
			}
			hint := ""
			if slices.ContainsFunc(diffs, func(d key) bool { return d.what == "hardware" }) {
				hint = " (--allow-mixed-hardware merges different hardware anyway)"
			}
			return session.Usagef("refusing to merge run %d: shard %s and shard %s disagree on %s%s",
				sw.RunID, ref.Shard, s.Shard, strings.Join(parts, "; "), hint)
		}
	}
	return nil
}

// offsets are the shards' calibration headlines against their median, and
// the standard deviation of their logarithms.
func offsets(sw shards.Sweep) ([]Offset, float64) {
	var out []Offset
	var logs, meds []float64
	for _, s := range sw.Shards {
		rec, ok := s.Result(sw.Calibration)
		if !ok || !(rec.TimeEpochMedian > 0) {
			continue
		}
		out = append(out, Offset{Shard: s.Shard, Host: rec.Host, Median: rec.TimeEpochMedian})
		meds = append(meds, rec.TimeEpochMedian)
		logs = append(logs, math.Log(rec.TimeEpochMedian))
	}
	if len(out) == 0 {
		return nil, 0
	}
	centre := stats.Median(meds)
	for i := range out {
		out[i].Offset = out[i].Median/centre - 1
	}
	if len(logs) < 2 {
		return out, 0
	}
	var mean, ss float64
	for _, l := range logs {
		mean += l / float64(len(logs))
	}
	for _, l := range logs {
		ss += (l - mean) * (l - mean)
	}
	return out, math.Sqrt(ss / float64(len(logs)-1))
}

// restCommands are the commands that measure what is missing: each shard
// that lacks configs run again, which continues its run (the shard keeps
// what it has) and measures only those.
func restCommands(sw shards.Sweep) []string {
	var out []string
	var eng []string
	for _, s := range sw.Shards {
		if len(s.Results) > 0 {
			eng = launch.SpecOf(s.Results[0].Result).Args()
			break
		}
	}
	for _, s := range sw.Shards {
		lacks := slices.ContainsFunc(s.Part, func(c bench.Config) bool { return !s.Done(c) })
		if !lacks {
			continue
		}
		out = append(out, Command(sw.Plan, eng, s.Shard, sw.RunID, sw.Dir))
	}
	return out
}

// Command is the command line that measures shard s of run id into dir.
func Command(p bench.Plan, engineArgs []string, s bench.Shard, id int64, dir string) string {
	words := []string{"hcbench", "--" + session.FlagHeadless, "--" + bench.FlagShard, s.String(), "--" + bench.FlagRunID, fmt.Sprint(id)}
	words = append(words, bench.Args(p)...)
	words = append(words, engineArgs...)
	words = append(words, "-o", dir)
	return bench.CommandLine(words...)
}
