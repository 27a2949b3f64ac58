package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
)

func newTestRecorder(t *testing.T, fsys fileSystem, dir string, runID int64, prior []bench.Result) *Recorder {
	t.Helper()
	m := fixtureMeta()
	m.RunID = runID
	r, err := newRecorder(m, dir, prior, testEnv(fsys))
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

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func configsOf(rs []bench.Result) []bench.Config {
	var out []bench.Config
	for _, r := range rs {
		out = append(out, r.Config)
	}
	return out
}

// noTempFiles fails if a temporary file of an atomic write was left behind.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}

// TestDiskFullMidFile fills the disk while the CSV (and everything else) is
// being written: the errors name the files, the CSV on disk is still the
// previous complete one, the JSONL holds only whole lines, no result is
// lost from memory, and once space is back a Save writes everything.
func TestDiskFullMidFile(t *testing.T) {
	dir := t.TempDir()
	ffs := &faultFS{}
	rec := newTestRecorder(t, ffs, dir, fixtureRunID, nil)
	all := fixtureResults()
	addAll(t, rec, all[:6])
	if err := rec.Save(); err != nil {
		t.Fatal(err)
	}
	p := rec.Paths()
	before, err := os.ReadFile(p.CSV)
	if err != nil {
		t.Fatal(err)
	}

	// The disk fills after 100 bytes: the next JSONL line and every report
	// break off mid-file.
	ffs.set(func(f *faultFS) { f.diskFull, f.match, f.budget = true, dir, 100 })
	err = rec.Add(all[6])
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

	// Only the CSV breaks off, after 1000 bytes: the pending JSONL line
	// goes out, the CSV on disk stays the previous one.
	ffs.set(func(f *faultFS) { f.match, f.budget = FileCSV, 1000 })
	err = rec.Save()
	if err == nil || !strings.Contains(err.Error(), p.CSV) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Save with the CSV breaking off: %v; want an error naming %s with ENOSPC", err, p.CSV)
	}
	t.Logf("Save with the CSV breaking off: %v", err)
	if after, _ := os.ReadFile(p.CSV); !bytes.Equal(after, before) {
		t.Errorf("the CSV on disk changed after a failed save:\n%s", after)
	}
	if recs, err := ReadJSONL(p.JSONL); err != nil || len(recs) != 7 {
		t.Errorf("JSONL after the retry: %d records, %v; want 7", len(recs), err)
	}

	// Nothing fits: every file's error is reported, each naming it.
	ffs.set(func(f *faultFS) { f.match, f.budget = dir, 0 })
	if err := rec.Add(all[7]); err == nil {
		t.Fatal("Add on a full disk succeeded")
	}
	err = rec.Save()
	for _, path := range []string{p.JSONL, p.CSV, p.Markdown, p.TimesPNG, p.TimesSVG, p.ScalingPNG, p.ScalingSVG} {
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("Save's error does not name %s:\n%v", path, err)
		}
	}
	if after, _ := os.ReadFile(p.CSV); !bytes.Equal(after, before) {
		t.Errorf("the CSV on disk changed after a failed save")
	}
	if got := len(rec.Results()); got != 8 {
		t.Errorf("memory holds %d results after the failures, want 8", got)
	}
	noTempFiles(t, dir)

	// Space is back: the pending line and the reports are written.
	ffs.set(func(f *faultFS) { f.diskFull = false })
	if err := rec.Save(); err != nil {
		t.Fatalf("Save after the fault cleared: %v", err)
	}
	recs, err := ReadJSONL(p.JSONL)
	if err != nil {
		t.Fatal(err)
	}
	if _, got := LatestRun(recs); !slices.Equal(configsOf(got), configsOf(all[:8])) || len(recs) != 8 {
		t.Errorf("JSONL holds %v (%d lines), want the first 8 configs once each, in order", configsOf(got), len(recs))
	}
	if rows := readCSV(t, p.CSV); len(rows) != 9 {
		t.Errorf("CSV has %d rows, want header + 8", len(rows))
	}
	noTempFiles(t, dir)
}

// TestAppendFailsAndTruncateFails leaves a torn line in the JSONL (the
// write broke off and cutting it back failed too): the next append must
// still produce a file every reader accepts.
func TestAppendFailsAndTruncateFails(t *testing.T) {
	dir := t.TempDir()
	ffs := &faultFS{}
	rec := newTestRecorder(t, ffs, dir, fixtureRunID, nil)
	all := fixtureResults()
	addAll(t, rec, all[:2])
	ffs.set(func(f *faultFS) { f.diskFull, f.match, f.budget, f.noTruncate = true, FileJSONL, 50, true })
	if err := rec.Add(all[2]); err == nil {
		t.Fatal("append on a full disk succeeded")
	}
	if _, err := ReadJSONL(rec.Paths().JSONL); err == nil {
		t.Fatal("the test meant to leave a torn line, but the JSONL reads cleanly")
	}
	ffs.set(func(f *faultFS) { f.diskFull, f.noTruncate = false, false })
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
	// A file where the CSV should go: Save names it, the JSONL still works.
	rec := newTestRecorder(t, osFS{}, dir, fixtureRunID, nil)
	if err := os.Mkdir(rec.Paths().CSV, 0o755); err != nil {
		t.Fatal(err)
	}
	addAll(t, rec, fixtureResults()[:2])
	err := rec.Save()
	if err == nil || !strings.Contains(err.Error(), rec.Paths().CSV) {
		t.Errorf("Save with a directory in the CSV's place: %v", err)
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
		err := prepareDir(&faultFS{denyCreate: true}, dir)
		if err == nil || !strings.Contains(err.Error(), dir+": is not writable") || !errors.Is(err, fs.ErrPermission) {
			t.Errorf("prepareDir(no create) = %v; want %q with permission denied", err, dir+": is not writable")
		}
		t.Logf("prepareDir(no create): %v", err)
		noTempFiles(t, dir)
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
// other. The JSONL keeps both runs; the CSV is the second run's, with the
// reference's header.
func TestTwoRunsOneDir(t *testing.T) {
	dir := t.TempDir()
	all := fixtureResults()
	first := newTestRecorder(t, osFS{}, dir, 1700000000, nil)
	addAll(t, first, all[:5])
	if err := errors.Join(first.Save(), first.Close()); err != nil {
		t.Fatal(err)
	}
	second := newTestRecorder(t, osFS{}, dir, 1700000100, nil)
	addAll(t, second, all[5:])
	if err := errors.Join(second.Save(), second.Close()); err != nil {
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

	rows := readCSV(t, p.CSV)
	if got := strings.Join(rows[0][:16], ","); got != referenceHeader {
		t.Errorf("CSV header starts %q, want the reference's %q", got, referenceHeader)
	}
	if len(rows) != 8 {
		t.Fatalf("CSV has %d rows, want header + 7", len(rows))
	}
	for _, row := range rows[1:] {
		if row[0] != "1700000100" {
			t.Errorf("CSV row of run %s, want only run 1700000100", row[0])
		}
	}
	checkPNG(t, p.TimesPNG, 1500, 600, 10, 0.01)
	checkPNG(t, p.ScalingPNG, 900, 600, 50, 0.5)
}

func keys(m map[int64][]bench.Result) []int64 {
	var out []int64
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestResume: prior results are kept in memory and in the reports but not
// appended again; new ones are.
func TestResume(t *testing.T) {
	dir := t.TempDir()
	all := fixtureResults()
	first := newTestRecorder(t, osFS{}, dir, fixtureRunID, nil)
	addAll(t, first, all[:4])
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadJSONL(PathsFor(dir).JSONL)
	if err != nil {
		t.Fatal(err)
	}
	_, prior := LatestRun(recs)

	again := newTestRecorder(t, osFS{}, dir, fixtureRunID, prior)
	addAll(t, again, all[4:6])
	if err := again.Save(); err != nil {
		t.Fatal(err)
	}
	if got := configsOf(again.Results()); !slices.Equal(got, configsOf(all[:6])) {
		t.Errorf("Results = %v, want the 4 prior then the 2 new", got)
	}
	recs, err = ReadJSONL(again.Paths().JSONL)
	if err != nil || len(recs) != 6 {
		t.Errorf("JSONL has %d lines (%v), want 6: prior results must not be appended again", len(recs), err)
	}
	if rows := readCSV(t, again.Paths().CSV); len(rows) != 7 {
		t.Errorf("CSV has %d rows, want header + 6", len(rows))
	}
}

// TestAddTwiceKeepsLast: a config added again replaces the first result in
// place.
func TestAddTwiceKeepsLast(t *testing.T) {
	rec := newTestRecorder(t, osFS{}, t.TempDir(), fixtureRunID, nil)
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
			rec := newTestRecorder(t, osFS{}, dir, 2, nil)
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
	rec := newTestRecorder(t, osFS{}, t.TempDir(), fixtureRunID, nil)
	all := fixtureResults()
	addAll(t, rec, all[:1])
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	addAll(t, rec, all[1:2])
	if err := errors.Join(rec.Save(), rec.Close(), rec.Close()); err != nil {
		t.Fatal(err)
	}
	if recs, err := ReadJSONL(rec.Paths().JSONL); err != nil || len(recs) != 2 {
		t.Errorf("JSONL: %d records, %v; want 2", len(recs), err)
	}
	if m := rec.Meta(); m.RunID != fixtureRunID {
		t.Errorf("Meta().RunID = %d", m.RunID)
	}
}

// TestReportsInSweepOrder: results are added as configs finish, out of
// the grid's order; the CSV lists them in the grid's order, as the
// reference does.
func TestReportsInSweepOrder(t *testing.T) {
	dir := t.TempDir()
	rec := newTestRecorder(t, osFS{}, dir, fixtureRunID, nil)
	rs := fixtureResults()
	slices.Reverse(rs)
	addAll(t, rec, rs)
	if err := rec.Save(); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, rec.Paths().CSV)
	want := bench.DefaultPlan().Grid.Configs()
	if len(rows) != len(want)+1 {
		t.Fatalf("%d CSV rows, want %d", len(rows)-1, len(want))
	}
	for i, c := range want {
		if got := rows[i+1][1] + "," + rows[i+1][2] + "," + rows[i+1][3]; got != fmt.Sprintf("%d,%d,%d", c.D, c.K, c.T) {
			t.Errorf("row %d is %s, want %v", i+1, got, c)
		}
	}
}
