package store

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fixture"
	"github.com/hcbench/hcbench/report/internal/fsys"
)

// beforeSummary is a history written before records summarised their
// rounds: every round in time_samples, no summary, each repeat with its
// means (two configs of run 1700000000 of the reference grid, unfinished).
const beforeSummary = "testdata/before-round-summary.jsonl"

// TestReadBeforeRoundSummary: a history of an earlier version still
// loads, with its rounds; its round count is theirs.
func TestReadBeforeRoundSummary(t *testing.T) {
	recs, err := ReadJSONL(beforeSummary)
	if err != nil {
		t.Fatal(err)
	}
	want := fixtureResults()[:2]
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	for i, r := range recs {
		if len(r.Samples) != len(want[i].Samples) || r.RoundCount() != len(want[i].Samples) || r.RoundSummarized() {
			t.Errorf("record %d: %d rounds (count %d), summarized %v; want %d and no summary", i, len(r.Samples), r.RoundCount(), r.RoundSummarized(), len(want[i].Samples))
		}
		// The repeats' means are read as written (these are not what the
		// depths give).
		if r.Runs[0].TotalMean != 0.034 || r.Runs[0].TimeEpochMean != want[i].Runs[0].TimeEpochMean {
			t.Errorf("record %d: repeat read as %+v", i, r.Runs[0])
		}
		if r.KeepRounds {
			t.Errorf("record %d: keep_rounds set", i)
		}
	}
}

// TestRecordWithoutSummaryKeepsItsRounds: a result with rounds but no
// summary (an earlier version's, carried over by a resume and written
// again) keeps them in its record: they are all there is.
func TestRecordWithoutSummaryKeepsItsRounds(t *testing.T) {
	recs, err := ReadJSONL(beforeSummary)
	if err != nil {
		t.Fatal(err)
	}
	rec := newTestRecorder(t, fsys.OS{}, t.TempDir(), fixtureRunID, nil)
	line, err := encodeRecord(rec.record(recs[0].Result))
	if err != nil {
		t.Fatal(err)
	}
	back, err := parseRecord(line)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(line, []byte(`"time_samples"`)) || len(back.Samples) != len(recs[0].Samples) {
		t.Errorf("rounds lost in\n%s", line)
	}
}

// TestResumeKeepRounds: a resume does not match on --keep-rounds (it says
// what is written, not what is measured); the resumed run keeps every
// round when it did before or when asked to now.
func TestResumeKeepRounds(t *testing.T) {
	now := func() time.Time { return time.Unix(1800000000, 0) }
	lean := fixture.Realistic(bench.Config{D: 6, K: 9, T: 96}, 2e-5, 50)

	// An earlier version's history, resumed with --keep-rounds.
	dir := t.TempDir()
	hist, err := os.ReadFile(beforeSummary)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileJSONL), hist, 0o644); err != nil {
		t.Fatal(err)
	}
	p := fixturePlan()
	p.KeepRounds = true
	run, err := OpenRun(dir, p, RunOptions{Resume: true, AnyPlan: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !run.Resumed || run.ID != fixtureRunID || !run.Plan.KeepRounds || len(run.Prior) != 2 {
		t.Errorf("resumed %v run %d keep %v with %d prior; want run %d, keep, 2", run.Resumed, run.ID, run.Plan.KeepRounds, len(run.Prior), fixtureRunID)
	}
	if note := run.Add(lean); note != "" {
		t.Fatal(note)
	}
	if err := run.Close(); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadJSONL(filepath.Join(dir, FileJSONL))
	if err != nil {
		t.Fatal(err)
	}
	last := recs[len(recs)-1]
	if len(recs) != 3 || !last.KeepRounds || len(last.Samples) != lean.RoundCount() {
		t.Fatalf("%d records, the new one keep %v with %d rounds", len(recs), last.KeepRounds, len(last.Samples))
	}

	// Resumed again with the plan's flags but not --keep-rounds: the same
	// run, still keeping its rounds.
	p.KeepRounds = false
	run, err = OpenRun(dir, p, RunOptions{Resume: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	if !run.Resumed || run.ID != fixtureRunID || !run.Plan.KeepRounds || len(run.Prior) != 3 {
		t.Errorf("resumed %v run %d keep %v with %d prior; want run %d, keep, 3", run.Resumed, run.ID, run.Plan.KeepRounds, len(run.Prior), fixtureRunID)
	}
	if res, ok := ReadResumable(dir, nil); !ok || !res.Plan.KeepRounds {
		t.Errorf("ReadResumable: %v, keep %v", ok, res.Plan.KeepRounds)
	}
}
