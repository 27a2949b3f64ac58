package store

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/hcbench/hcbench/engine/bench"
)

// writeHistory writes recs as a JSONL (one line each) plus extra bytes.
func writeHistory(t *testing.T, path string, recs []Record, extra string) {
	t.Helper()
	var b strings.Builder
	for _, r := range recs {
		line, err := encodeRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
	}
	b.WriteString(extra)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fixtureRecords are the fixture's results as records of run id with grid g.
func fixtureRecords(id int64, g bench.Grid, res []bench.Result) []Record {
	p := fixtureMeta().Plan
	var out []Record
	for _, r := range res {
		gg := g
		out = append(out, Record{RunID: id, Result: r, Timing: p.Timing, Seed: p.Seed, Grid: &gg})
	}
	return out
}

func fixturePlan() bench.Plan { return fixtureMeta().Plan }

func TestOpenRunLocksTheDirectory(t *testing.T) {
	dir := t.TempDir()
	first, err := OpenRun(dir, fixturePlan(), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	first.Add(fixtureResults()[0])
	// Another process's lock: an OS lock taken through another handle.
	other := flock.New(filepath.Join(dir, FileLock))
	if ok, err := other.TryLock(); ok || err != nil {
		t.Errorf("a second handle locked the directory (%v, %v) while the run holds it", ok, err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if ok, err := other.TryLock(); !ok || err != nil {
		t.Fatalf("the lock is still held after Close (%v, %v)", ok, err)
	}
	_, err = OpenRun(dir, fixturePlan(), RunOptions{})
	var le *LockedError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "another hcbench is writing "+filepath.Join(dir, FileJSONL)) {
		t.Errorf("OpenRun while another process holds the lock = %v; want a *LockedError naming the JSONL", err)
	}
	other.Close()
	second, err := OpenRun(dir, fixturePlan(), RunOptions{})
	if err != nil {
		t.Fatalf("OpenRun after Close = %v; want the lock free", err)
	}
	if second.ID <= first.ID {
		t.Errorf("second run id %d is not above the first's %d", second.ID, first.ID)
	}
	second.Close()
}

func TestOpenRunRunIDNeverOverflows(t *testing.T) {
	dir := t.TempDir()
	recs := fixtureRecords(9223372036854775807, fixturePlan().Grid, fixtureResults()[:1])
	writeHistory(t, filepath.Join(dir, FileJSONL), recs, "")
	now := time.Unix(1_700_000_000, 0)
	r, err := OpenRun(dir, fixturePlan(), RunOptions{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.ID != now.Unix() {
		t.Errorf("run id = %d; want %d (the first free id from now on)", r.ID, now.Unix())
	}
}

func TestOpenRunMovesDamagedTailAside(t *testing.T) {
	for _, tc := range []struct{ name, tail string }{
		{"torn line with a newline", `{"run_id":1700000000,"D":3,"K":` + "\n"},
		{"note without a newline", "# my note"},
		{"non-integer run id", `{"run_id":1.5,"D":3,"K":3,"T":48}` + "\n"},
		{"D=0", `{"run_id":1700000000,"D":0,"K":3,"T":48}` + "\n"},
		{"non-numeric samples", `{"run_id":1700000000,"D":3,"K":3,"T":48,"time_samples":["x"]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			jsonl := filepath.Join(dir, FileJSONL)
			writeHistory(t, jsonl, fixtureRecords(fixtureRunID, fixturePlan().Grid, fixtureResults()[:3]), tc.tail)
			r, err := OpenRun(dir, fixturePlan(), RunOptions{Resume: true})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Resumed || len(r.Prior) != 3 {
				t.Errorf("resumed %v with %d results; want the run's 3", r.Resumed, len(r.Prior))
			}
			if len(r.Notes) == 0 || !strings.Contains(r.Notes[0], jsonl+" line 4") || !strings.Contains(r.Notes[0], ".damaged-") {
				t.Errorf("notes %q; want one naming %s line 4 and the side file", r.Notes, jsonl)
			}
			r.Add(fixtureResults()[3])
			r.Close()
			if _, err := ReadJSONL(jsonl); err != nil {
				t.Errorf("the history is not readable after the repair: %v", err)
			}
			side, _ := filepath.Glob(jsonl + ".damaged-*")
			if len(side) != 1 {
				t.Fatalf("side files %v; want one", side)
			}
			if b, _ := os.ReadFile(side[0]); string(b) != tc.tail {
				t.Errorf("side file holds %q; want %q", b, tc.tail)
			}
		})
	}
}

func TestOpenRunRefusesDamageInTheMiddle(t *testing.T) {
	dir := t.TempDir()
	jsonl := filepath.Join(dir, FileJSONL)
	recs := fixtureRecords(fixtureRunID, fixturePlan().Grid, fixtureResults()[:2])
	writeHistory(t, jsonl, recs[:1], "garbage\n")
	f, _ := os.OpenFile(jsonl, os.O_APPEND|os.O_WRONLY, 0)
	line, _ := encodeRecord(recs[1])
	f.Write(line)
	f.Close()
	before, _ := os.ReadFile(jsonl)
	_, err := OpenRun(dir, fixturePlan(), RunOptions{})
	if err == nil || !strings.Contains(err.Error(), jsonl+":2") {
		t.Errorf("OpenRun = %v; want a refusal naming %s:2", err, jsonl)
	}
	if after, _ := os.ReadFile(jsonl); !slices.Equal(before, after) {
		t.Error("the refused history was changed")
	}
	// Two bad lines at the end are more than a torn write too.
	writeHistory(t, jsonl, recs, "# one\n# two\n")
	if _, err := OpenRun(dir, fixturePlan(), RunOptions{}); err == nil {
		t.Error("OpenRun accepted two bad lines at the end")
	}
}

// TestOpenRunRefusesAFIFO: a JSONL that is not a regular file is refused
// (compare's TestLoadBaselineFileRefusesADirectory does the same for a
// baseline).
func TestOpenRunRefusesAFIFO(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, FileJSONL), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenRun(dir, fixturePlan(), RunOptions{}); err == nil || !strings.Contains(err.Error(), "a directory") {
		t.Errorf("OpenRun with a directory as the JSONL = %v", err)
	}
	if err := CheckRegular(dir); err == nil || !strings.Contains(err.Error(), "a directory") {
		t.Errorf("CheckRegular(dir) = %v", err)
	}
}

func TestFindResumable(t *testing.T) {
	all := fixtureResults() // 12 configs of the default grid
	g := fixturePlan().Grid
	small := bench.Grid{Dims: []int{3}, Branches: []int{3, 5, 9}, SeqLens: []int{48, 96}}
	other := fixturePlan()
	other.Seed = 7
	var recs []Record
	recs = append(recs, fixtureRecords(1, g, all[:4])...)     // unfinished, default plan
	recs = append(recs, fixtureRecords(2, small, all[:6])...) // finished, small grid
	otherRecs := fixtureRecords(3, g, all[:2])                // unfinished, another seed
	for i := range otherRecs {
		otherRecs[i].Seed = 7
	}
	recs = append(recs, otherRecs...)

	// Whatever the flags: the latest unfinished run, with its own plan.
	res, ok := FindResumable(recs, nil)
	if !ok || res.RunID != 3 || res.Plan.Seed != 7 || res.Done() != 2 {
		t.Errorf("any plan: run %d seed %d with %d done, %v; want run 3 (seed 7, 2 done)", res.RunID, res.Plan.Seed, res.Done(), ok)
	}
	// With the flags' plan: the latest run with its settings and grid,
	// searched over every run, not only the latest.
	p := fixturePlan()
	if res, ok := FindResumable(recs, &p); !ok || res.RunID != 1 || res.Done() != 4 {
		t.Errorf("default plan: run %d with %d done, %v; want run 1 with 4", res.RunID, res.Done(), ok)
	}
	p.Grid = small
	if res, ok := FindResumable(recs, &p); !ok || res.RunID != 2 || res.Done() != 6 {
		t.Errorf("small grid: run %d with %d done, %v; want the finished run 2", res.RunID, res.Done(), ok)
	}
	p.Grid = bench.Grid{Dims: []int{3}, Branches: []int{3}, SeqLens: []int{48}}
	res, ok = FindResumable(recs, &p)
	if ok || res.OtherGrid == nil || !sameGrid(*res.OtherGrid, small) {
		t.Errorf("unknown grid: %v, other grid %v; want no match naming run 2's grid", ok, res.OtherGrid)
	}
	if _, ok := FindResumable(recs, &other); !ok {
		t.Error("seed 7: no match")
	}
}

func TestResumeWithNothingToResumeStartsANewRun(t *testing.T) {
	dir := t.TempDir()
	r, err := OpenRun(dir, fixturePlan(), RunOptions{Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Resumed || r.ID == 0 || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "starting a new run") {
		t.Errorf("resumed %v, id %d, notes %q; want a new run and a note", r.Resumed, r.ID, r.Notes)
	}
}

func TestEndedRunNeverRecreatesItsDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	r, err := OpenRun(dir, fixturePlan(), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r.Add(fixtureResults()[0])
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := r.Flush(); !errors.Is(err, ErrRunEnded) {
		t.Errorf("Flush after Close = %v; want ErrRunEnded", err)
	}
	if msg := r.Add(fixtureResults()[1]); !strings.Contains(msg, "ended") {
		t.Errorf("Add after Close says %q", msg)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists again after the run ended (%v)", dir, err)
	}
}

func TestLostJSONLRelocks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	r, err := OpenRun(dir, fixturePlan(), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	res := fixtureResults()
	if msg := r.Add(res[0]); msg != "" {
		t.Fatalf("first Add says %q", msg)
	}
	os.RemoveAll(dir)
	if msg := r.Add(res[1]); !strings.Contains(msg, "output directory was removed") {
		t.Errorf("Add after the directory went says %q", msg)
	}
	if msg := r.Add(res[2]); !strings.Contains(msg, "recreated") || strings.Contains(msg, "warning") {
		t.Errorf("Add after that says %q; want the recreation and the lock taken", msg)
	}
	if ok, _ := flock.New(filepath.Join(dir, FileLock)).TryLock(); ok {
		t.Error("a second writer could lock the recreated directory")
	}
}

// TestDroppedResultsStayInHistoryOnly: a live edit of the grid leaves the
// dropped configs' results in the JSONL but not in Results (report's
// TestDroppedResultsStayInHistoryOnly checks the partial run's reports).
func TestDroppedResultsStayInHistoryOnly(t *testing.T) {
	dir := t.TempDir()
	r, err := OpenRun(dir, fixturePlan(), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := fixtureResults()
	for _, x := range res[:8] { // D=3 all six, D=6 two
		r.Add(x)
	}
	g := fixturePlan().Grid
	g.Dims = []int{6}
	r.SetGrid(g)
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if got := configsOf(r.Results()); !slices.Equal(got, configsOf(res[6:8])) {
		t.Errorf("Results: %v; want the 2 of the new grid %v", got, configsOf(res[6:8]))
	}
	if n := r.Plan.Grid.Size(); n != 6 {
		t.Errorf("the run's grid has %d configs after the edit; want 6", n)
	}
	recs, err := ReadJSONL(filepath.Join(dir, FileJSONL))
	if err != nil || len(recs) != 8 {
		t.Errorf("JSONL has %d records (%v); want all 8", len(recs), err)
	}
}

func TestRunsOfOneProcessShareTheLock(t *testing.T) {
	dir := t.TempDir()
	a, err := OpenRun(dir, fixturePlan(), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a.Add(fixtureResults()[0])
	b, err := OpenRun(dir, fixturePlan(), RunOptions{})
	if err != nil {
		t.Fatalf("a restart in the same process was refused: %v", err)
	}
	if b.ID == a.ID {
		t.Errorf("both runs have id %d", a.ID)
	}
	a.Close()
	if ok, _ := flock.New(filepath.Join(dir, FileLock)).TryLock(); ok {
		t.Error("the lock was released while a run still has it")
	}
	b.Close()
}
