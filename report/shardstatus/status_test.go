package shardstatus

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/shard"
	"github.com/hcbench/hcbench/report/shards"
	"github.com/hcbench/hcbench/report/store"
)

// writeShard writes records of run id for configs into shard s's JSONL,
// as a shard would have (through the store's own merge writer).
func writeShard(t *testing.T, dir string, p bench.Plan, s bench.Shard, configs []bench.Config, started time.Time) {
	t.Helper()
	var recs []store.Record
	for _, c := range configs {
		g := p.Grid
		recs = append(recs, store.Record{RunID: 9, Result: bench.Result{Config: c, Depths: p.Depths, Repeats: p.Repeats, Policy: p.Policy,
			TimeEpochMedian: 1e-5, Measurements: []float64{1e-5}}, Machine: store.Machine{Host: "node" + s.String()[:1]},
			Timing: p.Timing, Seed: p.Seed, Grid: &g, Started: started})
	}
	if _, err := store.AppendRun(shards.Dir(dir, s), recs); err != nil {
		t.Fatal(err)
	}
}

func TestRead(t *testing.T) {
	p := bench.DefaultPlan()
	now := time.Now()
	for _, tc := range []struct {
		name  string
		setup func(dir string)
		want  []string // per shard
		done  int
	}{
		{"nothing yet", func(dir string) {
			for i := range 3 {
				os.MkdirAll(shards.Dir(dir, bench.Shard{Index: i, Count: 3}), 0o755)
			}
		}, []string{Waiting, Waiting, Waiting}, 0},
		{"one finished, one running, one not started", func(dir string) {
			s0, s1 := bench.Shard{Index: 0, Count: 3}, bench.Shard{Index: 1, Count: 3}
			writeShard(t, dir, p, s0, shard.Measured(p, s0), now.Add(-time.Minute))
			writeShard(t, dir, p, s1, shard.Measured(p, s1)[:2], now.Add(-time.Minute))
			os.MkdirAll(shards.Dir(dir, bench.Shard{Index: 2, Count: 3}), 0o755)
		}, []string{Finished, Running, Waiting}, len(shard.Part(p, bench.Shard{Index: 0, Count: 3})) + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.setup(dir)
			st, err := Read(context.Background(), dir, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Shards) != 3 {
				t.Fatalf("%d shards", len(st.Shards))
			}
			for i, w := range tc.want {
				if st.Shards[i].State != w {
					t.Errorf("shard %d: %s, want %s", i, st.Shards[i].State, w)
				}
			}
			if st.Done != tc.done && tc.done > 0 {
				t.Errorf("done %d, want %d", st.Done, tc.done)
			}
			if !strings.Contains(st.Line(), "3 shards: ") || !strings.Contains(st.Line(), "file activity") {
				t.Errorf("line %q", st.Line())
			}
			if len(st.Lines()) != 3 {
				t.Errorf("lines %q", st.Lines())
			}
		})
	}
}

// A shard whose JSONL has not grown for longer than Quiet, unfinished and
// with no scheduler to ask, counts as failed.
func TestQuietShardFailed(t *testing.T) {
	p := bench.DefaultPlan()
	dir := t.TempDir()
	s := bench.Shard{Index: 0, Count: 2}
	writeShard(t, dir, p, s, shard.Measured(p, s)[:1], time.Now())
	os.MkdirAll(shards.Dir(dir, bench.Shard{Index: 1, Count: 2}), 0o755)
	st, err := Read(context.Background(), dir, time.Now().Add(Quiet+time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if st.Shards[0].State != Failed {
		t.Errorf("quiet shard: %s, want failed", st.Shards[0].State)
	}
	if _, err := Read(context.Background(), filepath.Join(dir, "none"), time.Now()); err == nil {
		t.Error("a missing directory reads")
	}
}

// Started, Last, Finished and Active: the run's start is its shards'
// earliest; Finished only once every shard is; Stamp changes when a
// shard's JSONL grows and not otherwise.
func TestStatusTimesAndStamp(t *testing.T) {
	p := bench.DefaultPlan()
	dir := t.TempDir()
	s0, s1 := bench.Shard{Index: 0, Count: 2}, bench.Shard{Index: 1, Count: 2}
	early := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	writeShard(t, dir, p, s0, shard.Measured(p, s0), early.Add(time.Minute))
	os.MkdirAll(shards.Dir(dir, s1), 0o755)
	stamp := Stamp(dir)
	if stamp != Stamp(dir) {
		t.Error("the stamp of an unchanged directory changed")
	}
	st, err := Read(context.Background(), dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if st.Finished() || !st.Active() {
		t.Errorf("one shard finished, one waiting: finished %v, active %v", st.Finished(), st.Active())
	}
	if !st.Started.Equal(early.Add(time.Minute)) || st.Last.IsZero() {
		t.Errorf("started %v, last %v", st.Started, st.Last)
	}
	writeShard(t, dir, p, s1, shard.Measured(p, s1), early)
	if Stamp(dir) == stamp {
		t.Error("the stamp did not change with a shard's JSONL")
	}
	st, err = Read(context.Background(), dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !st.Finished() || st.Active() || !st.Started.Equal(early) {
		t.Errorf("every shard finished: finished %v, active %v, started %v", st.Finished(), st.Active(), st.Started)
	}
	if (Status{}).Finished() {
		t.Error("no shards count as finished")
	}
}
