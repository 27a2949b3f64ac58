package store

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fsys"
	"github.com/hcbench/hcbench/report/internal/fsys/fsystest"
)

func newTestRecorder(t *testing.T, fs fsys.FS, dir string, runID int64, prior []bench.Result) *Recorder {
	t.Helper()
	m := fixtureMeta()
	m.RunID = runID
	r, err := newRecorder(m, dir, prior, testEnv(fs))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func addAll(t *testing.T, r *Recorder, rs []bench.Result) {
	t.Helper()
	for _, res := range rs {
		if err := r.Add(res); err != nil {
			t.Fatal(err)
		}
	}
}

func configsOf(rs []bench.Result) []bench.Config {
	var out []bench.Config
	for _, r := range rs {
		out = append(out, r.Config)
	}
	return out
}

// TestDiskFullMidFile fills the disk while a line is being appended: the
// errors name the JSONL, the JSONL holds only whole lines, no result is
// lost from memory, a pending line goes out as soon as the JSONL can take
// it, and once space is back a Flush writes everything, each line once.
// (The reports' side of a full disk is report's TestDiskFullMidFile.)
func TestDiskFullMidFile(t *testing.T) {
	dir := t.TempDir()
	ffs := &fsystest.FaultFS{}
	rec := newTestRecorder(t, ffs, dir, fixtureRunID, nil)
	all := fixtureResults()
	addAll(t, rec, all[:6])
	if err := rec.Flush(); err != nil {
		t.Fatal(err)
	}
	p := rec.Paths()

	// The disk fills after 100 bytes: the next JSONL line breaks off
	// mid-line.
	ffs.Set(func(f *fsystest.FaultFS) { f.DiskFull, f.Match, f.Budget = true, dir, 100 })
	err := rec.Add(all[6])
	if err == nil || !strings.Contains(err.Error(), p.JSONL) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Add on a full disk: %v; want an error naming %s with ENOSPC", err, p.JSONL)
	}
	t.Logf("Add on a full disk: %v", err)
	if got := len(rec.Results()); got != 7 {
		t.Errorf("memory holds %d results after the failed append, want 7", got)
	}
	if recs, err := ReadJSONL(p.JSONL); err != nil || len(recs) != 6 {
		t.Errorf("JSONL after a failed append: %d records, %v; want the 6 complete ones", len(recs), err)
	}

	// Only another file breaks off (the CSV, which the store never
	// writes): the pending JSONL line goes out.
	ffs.Set(func(f *fsystest.FaultFS) { f.Match, f.Budget = FileCSV, 1000 })
	if err := rec.Flush(); err != nil {
		t.Fatalf("Flush with only the CSV's writes failing: %v", err)
	}
	if recs, err := ReadJSONL(p.JSONL); err != nil || len(recs) != 7 {
		t.Errorf("JSONL after the retry: %d records, %v; want 7", len(recs), err)
	}

	// Nothing fits: the append and the Flush fail, each naming the JSONL.
	ffs.Set(func(f *fsystest.FaultFS) { f.Match, f.Budget = dir, 0 })
	if err := rec.Add(all[7]); err == nil {
		t.Fatal("Add on a full disk succeeded")
	}
	err = rec.Flush()
	if err == nil || !strings.Contains(err.Error(), p.JSONL) || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Flush on a full disk: %v; want an error naming %s with ENOSPC", err, p.JSONL)
	}
	if recs, err := ReadJSONL(p.JSONL); err != nil || len(recs) != 7 {
		t.Errorf("JSONL after a failed flush: %d records, %v; want the 7 complete ones", len(recs), err)
	}
	if got := len(rec.Results()); got != 8 {
		t.Errorf("memory holds %d results after the failures, want 8", got)
	}
	fsystest.NoTempFiles(t, dir)

	// Space is back: the pending line is written.
	ffs.Set(func(f *fsystest.FaultFS) { f.DiskFull = false })
	if err := rec.Flush(); err != nil {
		t.Fatalf("Flush after the fault cleared: %v", err)
	}
	recs, err := ReadJSONL(p.JSONL)
	if err != nil {
		t.Fatal(err)
	}
	if _, got := LatestRun(recs); !slices.Equal(configsOf(got), configsOf(all[:8])) || len(recs) != 8 {
		t.Errorf("JSONL holds %v (%d lines), want the first 8 configs once each, in order", configsOf(got), len(recs))
	}
	fsystest.NoTempFiles(t, dir)
}

// TestAppendFailsAndTruncateFails leaves a torn line in the JSONL (the
// write broke off and cutting it back failed too): the next append must
// still produce a file every reader accepts.
func TestAppendFailsAndTruncateFails(t *testing.T) {
	dir := t.TempDir()
	ffs := &fsystest.FaultFS{}
	rec := newTestRecorder(t, ffs, dir, fixtureRunID, nil)
	all := fixtureResults()
	addAll(t, rec, all[:2])
	ffs.Set(func(f *fsystest.FaultFS) { f.DiskFull, f.Match, f.Budget, f.NoTruncate = true, FileJSONL, 50, true })
	if err := rec.Add(all[2]); err == nil {
		t.Fatal("append on a full disk succeeded")
	}
	if _, err := ReadJSONL(rec.Paths().JSONL); err == nil {
		t.Fatal("the test meant to leave a torn line, but the JSONL reads cleanly")
	}
	ffs.Set(func(f *fsystest.FaultFS) { f.DiskFull, f.NoTruncate = false, false })
	if err := rec.Add(all[3]); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadJSONL(rec.Paths().JSONL)
	if err != nil {
		t.Fatalf("JSONL after recovery: %v", err)
	}
	if got := configsOf(Runs(recs)[fixtureRunID]); !slices.Equal(got, configsOf(all[:4])) {
		t.Errorf("JSONL holds %v, want %v", got, configsOf(all[:4]))
	}
}

func TestOutputPathIsAFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "results")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{file, filepath.Join(file, "sub")} {
		err := PrepareDir(out)
		if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("PrepareDir(%s) = %v; want an error naming %s, not a directory", out, err, file)
		}
		t.Logf("PrepareDir(%s): %v", out, err)
		if _, err := NewRecorder(fixtureMeta(), out, nil); err == nil {
			t.Errorf("NewRecorder(%s) succeeded", out)
		}
	}
	// A directory where the CSV should go is the writers' trouble (report's
	// TestOutputPathIsAFile): the JSONL still works.
	rec := newTestRecorder(t, fsys.OS{}, dir, fixtureRunID, nil)
	if err := os.Mkdir(rec.Paths().CSV, 0o755); err != nil {
		t.Fatal(err)
	}
	addAll(t, rec, fixtureResults()[:2])
	if err := rec.Flush(); err != nil {
		t.Errorf("Flush with a directory in the CSV's place: %v", err)
	}
	if recs, err := ReadJSONL(rec.Paths().JSONL); err != nil || len(recs) != 2 {
		t.Errorf("JSONL: %d records, %v", len(recs), err)
	}
}

func TestOutputDirReadOnly(t *testing.T) {
	t.Run("real", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "ro")
		if err := os.Mkdir(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		// Root (and some file systems) ignore the mode: find out first.
		if f, err := os.Create(filepath.Join(dir, "probe")); err == nil {
			f.Close()
			t.Skip("permissions are not enforced here (running as root?)")
		}
		err := PrepareDir(dir)
		if err == nil || !strings.Contains(err.Error(), dir) || !errors.Is(err, fs.ErrPermission) {
			t.Errorf("PrepareDir(read-only) = %v; want a permission error naming %s", err, dir)
		}
	})
	t.Run("simulated", func(t *testing.T) {
		dir := t.TempDir()
		err := fsys.Prepare(&fsystest.FaultFS{DenyCreate: true}, dir)
		if err == nil || !strings.Contains(err.Error(), dir+": is not writable") || !errors.Is(err, fs.ErrPermission) {
			t.Errorf("fsys.Prepare(no create) = %v; want %q with permission denied", err, dir+": is not writable")
		}
		t.Logf("fsys.Prepare(no create): %v", err)
		fsystest.NoTempFiles(t, dir)
	})
}

func TestPrepareDirCreatesParents(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b", "c")
	if err := PrepareDir(dir); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil || len(ents) != 0 {
		t.Errorf("PrepareDir left %v in %s (%v); want it empty", ents, dir, err)
	}
}

// TestTwoRunsOneDir: two recorders into the same directory, one after the
// other. The JSONL keeps both runs, and the second is the latest.
// (Report's TestTwoRunsOneDir checks that the CSV is the second run's.)
func TestTwoRunsOneDir(t *testing.T) {
	dir := t.TempDir()
	all := fixtureResults()
	first := newTestRecorder(t, fsys.OS{}, dir, 1700000000, nil)
	addAll(t, first, all[:5])
	if err := errors.Join(first.Flush(), first.Close()); err != nil {
		t.Fatal(err)
	}
	second := newTestRecorder(t, fsys.OS{}, dir, 1700000100, nil)
	addAll(t, second, all[5:])
	if err := errors.Join(second.Flush(), second.Close()); err != nil {
		t.Fatal(err)
	}
	p := second.Paths()

	recs, err := ReadJSONL(p.JSONL)
	if err != nil {
		t.Fatal(err)
	}
	runs := Runs(recs)
	if len(recs) != 12 || len(runs) != 2 || len(runs[1700000000]) != 5 || len(runs[1700000100]) != 7 {
		t.Errorf("JSONL: %d records in runs %v; want 5 of run 1700000000 and 7 of run 1700000100", len(recs), keys(runs))
	}
	if id, res := LatestRun(recs); id != 1700000100 || len(res) != 7 {
		t.Errorf("LatestRun = %d with %d results", id, len(res))
	}
	if got := configsOf(second.Results()); !slices.Equal(got, configsOf(all[5:])) {
		t.Errorf("the second run's Results = %v, want only its own %v", got, configsOf(all[5:]))
	}
}

func keys(m map[int64][]bench.Result) []int64 {
	var out []int64
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestResume: prior results are kept in memory (so the reports hold them:
// report's TestResume) but not appended again; new ones are.
func TestResume(t *testing.T) {
	dir := t.TempDir()
	all := fixtureResults()
	first := newTestRecorder(t, fsys.OS{}, dir, fixtureRunID, nil)
	addAll(t, first, all[:4])
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadJSONL(PathsFor(dir).JSONL)
	if err != nil {
		t.Fatal(err)
	}
	_, prior := LatestRun(recs)

	again := newTestRecorder(t, fsys.OS{}, dir, fixtureRunID, prior)
	addAll(t, again, all[4:6])
	if err := again.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := configsOf(again.Results()); !slices.Equal(got, configsOf(all[:6])) {
		t.Errorf("Results = %v, want the 4 prior then the 2 new", got)
	}
	recs, err = ReadJSONL(again.Paths().JSONL)
	if err != nil || len(recs) != 6 {
		t.Errorf("JSONL has %d lines (%v), want 6: prior results must not be appended again", len(recs), err)
	}
}

// TestAddTwiceKeepsLast: a config added again replaces the first result in
// place.
func TestAddTwiceKeepsLast(t *testing.T) {
	rec := newTestRecorder(t, fsys.OS{}, t.TempDir(), fixtureRunID, nil)
	all := fixtureResults()
	addAll(t, rec, all[:3])
	redo := all[1]
	redo.TimeEpochMean = 1
	addAll(t, rec, []bench.Result{redo})
	got := rec.Results()
	if !slices.Equal(configsOf(got), configsOf(all[:3])) || got[1].TimeEpochMean != 1 {
		t.Errorf("Results = %v with time %g at [1], want the same order and the last result", configsOf(got), got[1].TimeEpochMean)
	}
	recs, err := ReadJSONL(rec.Paths().JSONL)
	if err != nil {
		t.Fatal(err)
	}
	if _, res := LatestRun(recs); len(res) != 3 || res[1].TimeEpochMean != 1 {
		t.Errorf("read back: %d results, [1] = %g; want 3, the last kept", len(res), res[1].TimeEpochMean)
	}
}

// TestTornTailMended: a crash left half a line at the end of the JSONL; a
// new recorder cuts it off so its own lines start cleanly. A complete last
// line without its newline is kept.
func TestTornTailMended(t *testing.T) {
	all := fixtureResults()
	var good bytes.Buffer
	for _, r := range all[:2] {
		line, err := encodeRecord(Record{RunID: 1, Result: r})
		if err != nil {
			t.Fatal(err)
		}
		good.Write(line)
	}
	for _, tc := range []struct {
		name string
		tail string
		want int // records of run 1 afterwards
	}{
		{"torn", `{"run_id":1,"D":6,"K":3,"T":4`, 2},
		{"complete without newline", `{"run_id":1,"D":7,"K":3,"T":48}`, 3},
		{"clean", ``, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := PathsFor(dir).JSONL
			if err := os.WriteFile(path, append(slices.Clone(good.Bytes()), tc.tail...), 0o644); err != nil {
				t.Fatal(err)
			}
			rec := newTestRecorder(t, fsys.OS{}, dir, 2, nil)
			addAll(t, rec, all[5:6])
			recs, err := ReadJSONL(path)
			if err != nil {
				t.Fatalf("after mending: %v", err)
			}
			runs := Runs(recs)
			if len(runs[1]) != tc.want || len(runs[2]) != 1 {
				t.Errorf("run 1 has %d records (want %d), run 2 has %d (want 1)", len(runs[1]), tc.want, len(runs[2]))
			}
		})
	}
}

// TestCloseThenUse: Close flushes and closes; a later Add reopens the file.
func TestCloseThenUse(t *testing.T) {
	rec := newTestRecorder(t, fsys.OS{}, t.TempDir(), fixtureRunID, nil)
	all := fixtureResults()
	addAll(t, rec, all[:1])
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	addAll(t, rec, all[1:2])
	if err := errors.Join(rec.Flush(), rec.Close(), rec.Close()); err != nil {
		t.Fatal(err)
	}
	if recs, err := ReadJSONL(rec.Paths().JSONL); err != nil || len(recs) != 2 {
		t.Errorf("JSONL: %d records, %v; want 2", len(recs), err)
	}
	if m := rec.Meta(); m.RunID != fixtureRunID {
		t.Errorf("Meta().RunID = %d", m.RunID)
	}
}

// TestResultsInSweepOrder: results are added as configs finish, out of
// the grid's order; Results lists them in the grid's order, as the
// reference's reports do (report's TestReportsInSweepOrder checks the CSV).
func TestResultsInSweepOrder(t *testing.T) {
	rec := newTestRecorder(t, fsys.OS{}, t.TempDir(), fixtureRunID, nil)
	rs := fixtureResults()
	slices.Reverse(rs)
	addAll(t, rec, rs)
	if err := rec.Flush(); err != nil {
		t.Fatal(err)
	}
	want := bench.DefaultPlan().Grid.Configs()
	if got := configsOf(rec.Results()); !slices.Equal(got, want) {
		t.Errorf("Results in the order %v, want the grid's %v", got, want)
	}
	// The JSONL keeps the order in which they finished.
	recs, err := ReadJSONL(rec.Paths().JSONL)
	if err != nil {
		t.Fatal(err)
	}
	var got []bench.Config
	for _, r := range recs {
		got = append(got, r.Config)
	}
	if !slices.Equal(got, configsOf(rs)) {
		t.Errorf("JSONL in the order %v, want the order added %v", got, configsOf(rs))
	}
}
