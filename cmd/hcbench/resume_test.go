package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/store"
)

// planOf is the plan a command line asks for.
func planOf(t *testing.T, args ...string) bench.Plan {
	t.Helper()
	o, err := parseArgs(append(args, quick...), environment{})
	if err != nil {
		t.Fatal(err)
	}
	return o.spec.Plan
}

// recordOf is a record of config c measured with p's settings, carrying
// grid (nil: as files written before records carried their grid).
func recordOf(id int64, p bench.Plan, c bench.Config, grid *bench.Grid) store.Record {
	return store.Record{
		RunID:  id,
		Result: bench.Result{Config: c, Depths: p.Depths, Repeats: p.Repeats, Policy: p.Policy},
		Timing: p.Timing,
		Seed:   p.Seed,
		Grid:   grid,
	}
}

// TestResumeNeedsTheSameGrid: a run whose records carry its grid is resumed
// only by exactly that grid (the same configs, in any order); a run from
// before grids were recorded falls back to "every finished config is in the
// grid".
func TestResumeNeedsTheSameGrid(t *testing.T) {
	run := planOf(t, "-D", "3", "-K", "2", "-T", "8,16")
	g := run.Grid
	c8 := bench.Config{D: 3, K: 2, T: 8}
	for _, tc := range []struct {
		name   string
		recs   []store.Record
		args   []string
		wantID int64  // 0: refused
		hint   string // in the refusal
	}{
		{"same grid", []store.Record{recordOf(5, run, c8, &g)}, []string{"-T", "8,16"}, 5, ""},
		{"same grid, other order", []store.Record{recordOf(5, run, c8, &g)}, []string{"-T", "16,8"}, 5, ""},
		{"grid grown", []store.Record{recordOf(5, run, c8, &g)}, []string{"-T", "8,16,32"}, 0, "-D 3 -K 2 -T 8,16"},
		// The old rule would take this: T=8 is in -T 8.
		{"grid shrunk", []store.Record{recordOf(5, run, c8, &g)}, []string{"-T", "8"}, 0, "-T 8,16"},
		{"old file, grid grown", []store.Record{recordOf(5, run, c8, nil)}, []string{"-T", "8,16,32"}, 5, ""},
		{"old file, finished config outside", []store.Record{recordOf(5, run, c8, nil)}, []string{"-T", "16"}, 0, ""},
		{"the latest run of this grid, not the latest run",
			[]store.Record{recordOf(5, run, c8, &g), recordOf(6, run, c8, &bench.Grid{Dims: []int{3}, Branches: []int{2}, SeqLens: []int{8}})},
			[]string{"-T", "8,16"}, 5, ""},
		{"other settings", []store.Record{recordOf(5, run, c8, &g)}, []string{"-T", "8,16", "--seed", "9"}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := planOf(t, append([]string{"-D", "3", "-K", "2"}, tc.args...)...)
			res, ok := store.FindResumable(tc.recs, &plan)
			switch {
			case tc.wantID != 0 && (!ok || res.RunID != tc.wantID || res.Done() != 1):
				t.Errorf("FindResumable = run %d, %d results, %v; want run %d with 1", res.RunID, res.Done(), ok, tc.wantID)
			case tc.wantID == 0 && ok:
				t.Errorf("FindResumable = run %d; want none", res.RunID)
			case tc.wantID == 0 && tc.hint != "" && (res.OtherGrid == nil || !strings.Contains(store.DescribePlan(bench.Plan{Grid: *res.OtherGrid}), tc.hint)):
				t.Errorf("no match names the grid %v; want %q", res.OtherGrid, tc.hint)
			}
		})
	}
}

// TestResumeThroughTheCLI: a run recorded by this version is not continued
// by a larger grid: --resume says so, naming the recorded grid, and starts
// a new run (so "hcbench || hcbench --resume" always gets somewhere). Once
// the grid is stripped from the file, as an older version wrote it, the old
// rule lets the larger grid continue it under the same run_id.
func TestResumeThroughTheCLI(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	args := func(dir, T string) []string {
		return append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", T}, quick...)
	}
	small := args(dir, "8,16")
	if code, _, stderr := runCLI(t, small...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	jsonl := filepath.Join(dir, store.FileJSONL)
	grown := append([]string{"--resume"}, args(dir, "8,16,32")...)

	b, err := os.ReadFile(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	old := regexp.MustCompile(`,"grid":\{[^}]*\}`).ReplaceAll(b, nil)
	if bytes.Equal(old, b) {
		t.Fatal("the JSONL carries no grid to strip")
	}
	if err := os.WriteFile(jsonl, old, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, grown...); code != 0 {
		t.Fatalf("--resume of an old file with a grown grid: exit %d: %s", code, stderr)
	}
	recs := readJSONLLines(t, jsonl)
	checkOnce(t, "JSONL", recs)
	if len(recs) != 3 || recs[2].RunID != recs[0].RunID {
		t.Errorf("JSONL holds %+v; want the three configs under one run_id", recs)
	}

	// With grids recorded: a grown grid is a new run, and says why.
	dir2 := filepath.Join(t.TempDir(), "res")
	if code, _, stderr := runCLI(t, args(dir2, "8,16")...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	grown = append([]string{"--resume"}, args(dir2, "8,16,32")...)
	code, _, stderr := runCLI(t, grown...)
	if code != 0 || !strings.Contains(stderr, "nothing to resume") || !strings.Contains(stderr, "-T 8,16;") {
		t.Errorf("--resume with a grown grid: exit %d, %q; want 0 and a note naming the run's -T 8,16", code, stderr)
	}
	recs = readJSONLLines(t, filepath.Join(dir2, store.FileJSONL))
	if len(recs) != 5 || recs[4].RunID == recs[0].RunID {
		t.Errorf("JSONL holds %d records; want 2 + 3 of a new run", len(recs))
	}
}

// TestMalformedHistory: a JSONL with a broken line in its middle (not a
// crash: a crash only tears the last line) is refused, by --resume and by a
// new run alike, with exit 1 and one line naming the file and line; the
// file is left as it was.
func TestMalformedHistory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	jsonl := filepath.Join(dir, store.FileJSONL)
	future := time.Now().Unix() + 1000
	content := `{"run_id":1,"D":3,"K":2,"T":8}` + "\n" + "this is { not json\n" + `{"run_id":` + itoa(future) + `,"D":3,"K":2,"T":8}` + "\n"
	if err := os.WriteFile(jsonl, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", "8"}, quick...)
	for _, a := range [][]string{append([]string{"--resume"}, args...), args} {
		code, stdout, stderr := runCLI(t, a...)
		if code != exitError || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, jsonl+":2:") {
			t.Errorf("%v over a malformed line: exit %d, stderr %q; want 1 and one line naming %s:2", a[:2], code, stderr, jsonl)
		}
	}
	if b, _ := os.ReadFile(jsonl); string(b) != content {
		t.Errorf("the refused history changed:\n%s", b)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
