package session

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/measure"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/report/store/storetest"
)

func TestMain(m *testing.M) {
	measure.MainIfWorker()
	os.Exit(m.Run())
}

// tinyPlan measures in a few hundred milliseconds.
func tinyPlan(dims ...int) bench.Plan {
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: dims, Branches: []int{2}, SeqLens: []int{8}}
	p.Depths = []int{1}
	p.Repeats = 1
	p.Timing = bench.Timing{MinTime: 0, MinEpochs: 1}
	return p
}

// runAll opens, starts and reads a session to its end.
func runAll(t *testing.T, spec Spec, each func(s *Session, u Update)) Outcome {
	t.Helper()
	s, err := Open(t.Context(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	for u := range s.Updates() {
		if each != nil {
			each(s, u)
		}
	}
	return s.Finish()
}

// A finished run records every config, writes its reports, releases the
// directory and offers commands that reproduce it.
func TestSessionRunsToTheEnd(t *testing.T) {
	dir := t.TempDir()
	spec := Spec{Plan: tinyPlan(2, 3), PlanGiven: true, Out: dir}
	out := runAll(t, spec, func(s *Session, u Update) {
		if u.Kind == sweep.ConfigFinished && !u.Reused {
			// On disk before it is seen.
			recs, err := storetest.ReadJSONL(filepath.Join(dir, store.FileJSONL))
			if err != nil || !slices.ContainsFunc(recs, func(r store.Record) bool { return r.Config == u.Result.Config }) {
				t.Errorf("%s seen before it was recorded (%d records, %v)", u.Result.Config, len(recs), err)
			}
		}
	})
	if !out.Complete() || out.Done != 2 || out.Measured != 2 || !out.ReportsWritten {
		t.Fatalf("outcome %+v", out)
	}
	if _, err := os.Stat(filepath.Join(dir, store.FileCSV)); err != nil {
		t.Error(err)
	}
	want := "hcbench --resume -D 2,3 -K 2 -T 8 --depths 1 --repeats 1 --min-time 0s -o " + dir
	if out.Continue != want {
		t.Errorf("continue = %q\nwant       %q", out.Continue, want)
	}
	// The directory is free again.
	s, err := Open(t.Context(), spec)
	if err != nil {
		t.Fatalf("the directory is still locked after Finish: %v", err)
	}
	s.Close()
	var b bytes.Buffer
	if err := out.WriteSummary(&b); err != nil || !strings.HasPrefix(b.String(), "Benchmark complete.") {
		t.Errorf("summary %q, %v", b.String(), err)
	}
}

// A stop before anything finished leaves an earlier run's reports as
// they were, byte for byte, and says so.
func TestStopBeforeAnythingFinishedKeepsEarlierReports(t *testing.T) {
	dir := t.TempDir()
	runAll(t, Spec{Plan: tinyPlan(2), Out: dir}, nil)
	before := map[string][]byte{}
	for _, f := range store.PathsFor(dir).Written() {
		before[f], _ = os.ReadFile(f)
	}
	big := tinyPlan(3)
	big.Timing.MinTime = time.Hour
	s, err := Open(t.Context(), Spec{Plan: big, Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for u := range s.Updates() {
		if u.Kind == sweep.ConfigStarted {
			cancel()
		}
	}
	out := s.Finish()
	if out.Done != 0 || !out.Stopped || out.ReportsWritten {
		t.Fatalf("outcome %+v", out)
	}
	for f, b := range before {
		if now, _ := os.ReadFile(f); !bytes.Equal(now, b) {
			t.Errorf("%s changed", f)
		}
	}
	var b bytes.Buffer
	out.WriteSummary(&b)
	if !strings.Contains(b.String(), "left as they were") || strings.Contains(b.String(), "complete") {
		t.Errorf("summary %q", b.String())
	}
}

// A baseline that cannot be read is refused before anything is created,
// naming the flag and the path once.
func TestBadBaselineNamedOnce(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "not-a-file")
	if err := os.Mkdir(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	_, err := Open(t.Context(), Spec{Plan: tinyPlan(2), Out: out, Baseline: bad})
	var ue *UsageError
	if !errors.As(err, &ue) || strings.Count(err.Error(), bad) != 1 || !strings.HasPrefix(err.Error(), "--baseline") {
		t.Fatalf("error %v: want a usage error naming --baseline and %s once", err, bad)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the output directory was created for a refused baseline: %v", err)
	}
}
