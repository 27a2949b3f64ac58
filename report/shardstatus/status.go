// Package shardstatus says how a sharded sweep is going, for the
// workbench: which shards are queued, running, finished or failed (from
// Slurm's squeue and sacct when the sweep was submitted with hcbench
// slurm, else from the activity of the shards' files), the configs done
// over all shards, the results so far as one run, and the time left.
package shardstatus

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/shards"
	"github.com/hcbench/hcbench/report/slurm"
	"github.com/hcbench/hcbench/report/store"
)

// States of a shard.
const (
	Waiting  = "waiting"  // nothing written yet, nothing known from a scheduler
	Queued   = "queued"   // the scheduler holds it
	Running  = "running"  // the scheduler runs it, or its JSONL grew lately
	Finished = "finished" // every config it measures is recorded
	Failed   = "failed"   // it ended without finishing (or went quiet)
)

// Quiet is how long a shard's JSONL may go without growing before, with no
// scheduler to ask, an unfinished shard counts as failed: longer than any
// config of a normal grid takes.
const Quiet = 10 * time.Minute

// Shard is one shard's state.
type Shard struct {
	bench.Shard
	State       string
	Done, Total int    // configs recorded of those it measures
	Scheduler   string // Slurm's state ("" without Slurm)
	Host        string
	Modified    time.Time
}

// Status is a sharded sweep at one moment.
type Status struct {
	Dir    string
	RunID  int64
	Plan   bench.Plan
	Shards []Shard
	// Results are the configs finished so far, each from the shard that
	// owns it, in sweep order: the run as a merge would make it now.
	Results []bench.Result
	// Done of Total configs of the grid; ETA the time left over all
	// shards (0 when unknown or done).
	Done, Total int
	ETA         time.Duration
	// Source says where the shards' states come from: "squeue/sacct" or
	// "file activity".
	Source string
	// Started is when the first shard started recording the run; Last
	// the latest write of a shard's JSONL (zero before any).
	Started, Last time.Time
}

// Finished reports whether every shard has finished: the whole grid is
// measured, and hcbench merge writes the run.
func (s Status) Finished() bool {
	if len(s.Shards) == 0 || s.Total == 0 {
		return false
	}
	for _, sh := range s.Shards {
		if sh.State != Finished {
			return false
		}
	}
	return true
}

// Active reports whether a shard is still running, queued or waiting.
func (s Status) Active() bool {
	for _, sh := range s.Shards {
		if sh.State == Running || sh.State == Queued || sh.State == Waiting {
			return true
		}
	}
	return false
}

// Read reads dir's shards now. A directory without shards is
// shards.ErrNotSharded.
func Read(ctx context.Context, dir string, now time.Time) (Status, error) {
	l, err := shards.Scan(dir)
	if err != nil {
		return Status{}, err
	}
	st := Status{Dir: dir, Source: "file activity"}
	var states map[int]slurm.State
	jobs, jerr := slurm.ReadJobs(dir)
	if jerr == nil && len(jobs.Arrays) > 0 {
		var ids []string
		for _, a := range jobs.Arrays {
			ids = append(ids, a.JobID)
		}
		if s, err := slurm.Tasks(ctx, ids); err == nil {
			states, st.Source = s, "squeue/sacct"
		}
	}
	id := l.LatestRun()
	if jerr == nil {
		id = jobs.RunID
	}
	sw, err := l.Sweep(id)
	if err != nil {
		// Nothing recorded yet: every shard waits or is queued.
		for _, f := range l.Shards {
			s := Shard{Shard: f.Shard, State: Waiting}
			if q, ok := states[f.Index]; ok {
				s.Scheduler, s.State = string(q), schedulerState(q, false)
			}
			st.Shards = append(st.Shards, s)
		}
		return st, nil
	}
	st.RunID, st.Plan, st.Total = sw.RunID, sw.Plan, sw.Plan.Grid.Size()
	var etas []time.Duration
	var perConfig []time.Duration
	for _, s := range sw.Shards {
		sh := Shard{Shard: s.Shard, Total: len(s.Measures), Done: len(s.Results), Modified: s.Modified}
		if s.Modified.After(st.Last) {
			st.Last = s.Modified
		}
		if len(s.Results) > 0 {
			sh.Host = s.Results[len(s.Results)-1].Host
			first := s.Results[0].Started
			for _, r := range s.Results {
				if !r.Started.IsZero() && (st.Started.IsZero() || r.Started.Before(st.Started)) {
					st.Started = r.Started
				}
			}
			if !first.IsZero() && s.Modified.After(first) {
				perConfig = append(perConfig, s.Modified.Sub(first)/time.Duration(len(s.Results)))
			}
		}
		q, known := states[s.Index]
		sh.Scheduler = string(q)
		switch {
		case s.Finished():
			sh.State = Finished
		case known:
			sh.State = schedulerState(q, true)
		case states != nil && len(jobs.Arrays) > 0:
			// Submitted, no longer in Slurm's queue, not finished.
			sh.State = Failed
		case len(s.Results) == 0:
			sh.State = Waiting
		case now.Sub(s.Modified) > Quiet:
			sh.State = Failed
		default:
			sh.State = Running
		}
		st.Shards = append(st.Shards, sh)
		for _, c := range s.Part {
			if r, ok := s.Result(c); ok {
				st.Results = append(st.Results, r.Result)
			}
		}
	}
	st.Done = len(st.Results)
	sw.Plan.Grid.SortInSweepOrder(st.Results)
	if len(perConfig) > 0 {
		per := slices.Max(perConfig)
		for _, sh := range st.Shards {
			if sh.State == Running || sh.State == Queued || sh.State == Waiting {
				left := time.Duration(sh.Total-sh.Done) * per
				if sh.State == Running && !sh.Modified.IsZero() {
					left -= min(now.Sub(sh.Modified), per)
				}
				etas = append(etas, max(left, 0))
			}
		}
	}
	if len(etas) > 0 {
		st.ETA = slices.Max(etas)
	}
	return st, nil
}

// schedulerState is a shard's state from Slurm's.
func schedulerState(q slurm.State, started bool) string {
	switch {
	case q == "PENDING" || q == "REQUEUED":
		return Queued
	case q.Active():
		return Running
	case q == "COMPLETED" && !started:
		return Waiting
	}
	return Failed
}

// Counts is how many shards are in each state, in a fixed order.
func (s Status) Counts() map[string]int {
	m := map[string]int{}
	for _, sh := range s.Shards {
		m[sh.State]++
	}
	return m
}

// Line is the status in one line: "4 shards: 2 finished, 1 running, 1
// failed (squeue/sacct) · 18/24 configs · ETA 12s".
func (s Status) Line() string {
	c := s.Counts()
	var parts []string
	for _, state := range []string{Finished, Running, Queued, Waiting, Failed} {
		if c[state] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[state], state))
		}
	}
	line := fmt.Sprintf("%s: %s (%s) · %d/%d configs", bench.Plural(len(s.Shards), "shard"), strings.Join(parts, ", "), s.Source, s.Done, s.Total)
	if s.ETA > 0 {
		line += " · ETA " + bench.FormatDuration(s.ETA)
	}
	return line
}

// Lines are one line per shard: "shard 2/4  running  5/7 configs  host vm  (RUNNING)".
func (s Status) Lines() []string {
	out := make([]string, len(s.Shards))
	for i, sh := range s.Shards {
		l := fmt.Sprintf("shard %-7s %-8s %d/%d configs", sh.Shard, sh.State, sh.Done, sh.Total)
		if sh.Host != "" {
			l += "  host " + sh.Host
		}
		if sh.Scheduler != "" {
			l += "  (" + sh.Scheduler + ")"
		}
		out[i] = l
	}
	return out
}

// Stamp is what says dir's shards may have changed since it was taken:
// the shard directories and their JSONLs' sizes and modification times.
// It reads no file, so it can be taken every second; Read is needed only
// when it changed (or for the scheduler's states, and a shard gone quiet).
func Stamp(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "shard-") {
			continue
		}
		fmt.Fprintf(&b, "%s", e.Name())
		if fi, err := os.Stat(store.PathsFor(filepath.Join(dir, e.Name())).JSONL); err == nil {
			fmt.Fprintf(&b, ":%d:%d", fi.Size(), fi.ModTime().UnixNano())
		}
		b.WriteByte(';')
	}
	return b.String()
}
