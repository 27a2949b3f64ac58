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
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fsys"
	"github.com/hcbench/hcbench/report/internal/fsys/fsystest"
)

// These tests take the output away from a Recorder in the middle of a run
// (issue 7): the directory removed, the JSONL removed or replaced, the
// directory or its file system made read-only. Each checks that the error
// names the path and the reason, that no result is lost from memory, that
// the JSONL holds what can be held, and that once the fault is gone every
// result is in the JSONL exactly once. (Report's TestReportsAfterLostOutput
// and TestOutputDirReadOnlyMidRun check that the other files are never
// half-written and, once written again, hold every result once.)

// checkRunOnDisk fails unless the JSONL holds run id's results for exactly
// want, each once.
func checkRunOnDisk(t *testing.T, p Paths, id int64, want []bench.Result) {
	t.Helper()
	recs, err := ReadJSONL(p.JSONL)
	if err != nil {
		t.Fatalf("JSONL: %v", err)
	}
	var got []bench.Config
	for _, r := range recs {
		if r.RunID == id {
			got = append(got, r.Config)
		}
	}
	if !sameSet(got, configsOf(want)) {
		t.Errorf("JSONL holds run %d's configs %v, want %v once each", id, got, configsOf(want))
	}
}

// sameSet reports whether a and b hold the same configs with no repeats.
func sameSet(a, b []bench.Config) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[bench.Config]bool{}
	for _, c := range a {
		if seen[c] {
			return false
		}
		seen[c] = true
	}
	for _, c := range b {
		if !seen[c] {
			return false
		}
	}
	return true
}

// wantLost checks that err is a *LostError naming the JSONL and reason.
func wantLost(t *testing.T, err error, p Paths, reason string) {
	t.Helper()
	var le *LostError
	if !errors.As(err, &le) || le.Path != p.JSONL || le.Reason != reason ||
		!strings.Contains(err.Error(), p.JSONL) || !strings.Contains(err.Error(), reason) {
		t.Fatalf("Add after the loss: %v; want a *LostError naming %s: %s", err, p.JSONL, reason)
	}
	t.Logf("Add after the loss: %v", err)
}

// TestOutputDirRemovedMidRun: the directory goes away after two results of
// a resumed run (one prior result on disk). The next Add says so and keeps
// the result in memory; the Add after it recreates the directory with a
// JSONL holding the whole run once, prior result included.
func TestOutputDirRemovedMidRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	all := fixtureResults()
	first := newTestRecorder(t, fsys.OS{}, dir, fixtureRunID, nil)
	addAll(t, first, all[:1])
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	rec := newTestRecorder(t, fsys.OS{}, dir, fixtureRunID, all[:1])
	addAll(t, rec, all[1:3])
	if err := rec.Flush(); err != nil {
		t.Fatal(err)
	}
	p := rec.Paths()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	wantLost(t, rec.Add(all[3]), p, "output directory was removed")
	if got := configsOf(rec.Results()); !slices.Equal(got, configsOf(all[:4])) {
		t.Errorf("memory holds %v after the loss, want %v", got, configsOf(all[:4]))
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the directory was recreated by the Add that reported its loss (stat: %v)", err)
	}

	if err := rec.Add(all[4]); err != nil {
		t.Fatalf("Add after the loss was reported: %v", err)
	}
	recs, err := ReadJSONL(p.JSONL)
	if err != nil {
		t.Fatal(err)
	}
	if got := configsOf(Runs(recs)[fixtureRunID]); len(recs) != 5 || !slices.Equal(got, configsOf(all[:5])) {
		t.Errorf("recreated JSONL holds %v in %d lines, want %v once each", got, len(recs), configsOf(all[:5]))
	}
	if err := rec.Flush(); err != nil {
		t.Fatal(err)
	}
	checkRunOnDisk(t, p, fixtureRunID, all[:5])

	// A second loss is caught the same way: the watch moved to the new file.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	wantLost(t, rec.Add(all[5]), p, "output directory was removed")
	if err := errors.Join(rec.Flush(), rec.Close()); err != nil {
		t.Fatal(err)
	}
	checkRunOnDisk(t, p, fixtureRunID, all[:6])
	fsystest.NoTempFiles(t, dir)
}

// TestJSONLRemovedOrReplacedMidRun: the file alone goes, or another file
// takes its place. A replacement keeps its own lines (here an earlier
// run's record and a copy of this run's first result); the run's results
// it lacks are appended, so each is in the file exactly once.
func TestJSONLRemovedOrReplacedMidRun(t *testing.T) {
	all := fixtureResults()
	other, err := encodeRecord(Record{RunID: 42, Result: all[11]})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		reason string
		fault  func(t *testing.T, p Paths)
		others int // lines of other runs afterwards
	}{
		{"removed", "file was removed", func(t *testing.T, p Paths) {
			if err := os.Remove(p.JSONL); err != nil {
				t.Fatal(err)
			}
		}, 0},
		{"replaced", "file was replaced", func(t *testing.T, p Paths) {
			b, err := os.ReadFile(p.JSONL)
			if err != nil {
				t.Fatal(err)
			}
			firstLine, _, _ := bytes.Cut(b, []byte("\n"))
			tmp := p.JSONL + ".new"
			content := slices.Concat(other, firstLine, []byte("\n"))
			if err := os.WriteFile(tmp, content, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, p.JSONL); err != nil {
				t.Fatal(err)
			}
		}, 1},
		{"replaced with a torn tail", "file was replaced", func(t *testing.T, p Paths) {
			tmp := p.JSONL + ".new"
			if err := os.WriteFile(tmp, slices.Concat(other, other[:20]), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, p.JSONL); err != nil {
				t.Fatal(err)
			}
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			rec := newTestRecorder(t, fsys.OS{}, dir, fixtureRunID, nil)
			addAll(t, rec, all[:2])
			p := rec.Paths()
			tc.fault(t, p)
			wantLost(t, rec.Add(all[2]), p, tc.reason)
			if len(rec.Results()) != 3 {
				t.Errorf("memory holds %d results, want 3", len(rec.Results()))
			}
			if err := rec.Flush(); err != nil {
				t.Fatal(err)
			}
			checkRunOnDisk(t, p, fixtureRunID, all[:3])
			recs, err := ReadJSONL(p.JSONL)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(recs) - 3; n != tc.others {
				t.Errorf("%d lines of other runs, want %d", n, tc.others)
			}
		})
	}
}

// TestOutputDirRemovedBeforeFlush: the loss comes after the last Add;
// Flush repairs it at once, since nothing may come after it.
func TestOutputDirRemovedBeforeFlush(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	all := fixtureResults()
	rec := newTestRecorder(t, fsys.OS{}, dir, fixtureRunID, nil)
	addAll(t, rec, all[:4])
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := rec.Flush(); err != nil {
		t.Fatalf("Flush after the directory was removed: %v", err)
	}
	checkRunOnDisk(t, rec.Paths(), fixtureRunID, all[:4])
	fsystest.NoTempFiles(t, dir)
}

// TestOutputDirReadOnlyMidRun: the directory becomes read-only after a
// flush. With the mode bits (as a non-root user sees chmod a-w), the open
// JSONL stays writable, so results still reach the disk; with a read-only
// file system even the JSONL fails, and the errors name it and the reason.
// Either way memory keeps everything and the JSONL only whole lines, and
// once writable again a Flush puts every result on disk once. (Report's
// TestOutputDirReadOnlyMidRun checks the other files.)
func TestOutputDirReadOnlyMidRun(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fault      func(f *fsystest.FaultFS)
		errno      syscall.Errno
		jsonlFails bool
	}{
		{"permission denied", func(f *fsystest.FaultFS) { f.DenyCreate = true }, syscall.EACCES, false},
		{"read-only file system", func(f *fsystest.FaultFS) { f.ReadOnly = true }, syscall.EROFS, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ffs := &fsystest.FaultFS{}
			rec := newTestRecorder(t, ffs, dir, fixtureRunID, nil)
			all := fixtureResults()
			addAll(t, rec, all[:3])
			if err := rec.Flush(); err != nil {
				t.Fatal(err)
			}
			p := rec.Paths()

			ffs.Set(tc.fault)
			for _, res := range all[3:5] {
				err := rec.Add(res)
				switch {
				case tc.jsonlFails && (err == nil || !strings.Contains(err.Error(), p.JSONL) || !errors.Is(err, tc.errno)):
					t.Fatalf("Add: %v; want an error naming %s with %v", err, p.JSONL, tc.errno)
				case !tc.jsonlFails && err != nil:
					t.Fatalf("Add to the already open JSONL: %v", err)
				}
			}
			recs, err := ReadJSONL(p.JSONL)
			if want := map[bool]int{true: 3, false: 5}[tc.jsonlFails]; err != nil || len(recs) != want {
				t.Errorf("JSONL during the fault: %d records, %v; want %d whole ones", len(recs), err, want)
			}
			err = rec.Flush()
			t.Logf("Flush during the fault: %v", err)
			switch {
			case tc.jsonlFails && (err == nil || !strings.Contains(err.Error(), p.JSONL) ||
				!errors.Is(err, tc.errno) || !strings.Contains(err.Error(), tc.errno.Error())):
				t.Errorf("Flush's error does not name %s and the reason %q", p.JSONL, tc.errno.Error())
			case !tc.jsonlFails && err != nil:
				t.Errorf("Flush to the already open JSONL: %v", err)
			}
			if got := configsOf(rec.Results()); !slices.Equal(got, configsOf(all[:5])) {
				t.Errorf("memory holds %v, want %v", got, configsOf(all[:5]))
			}
			fsystest.NoTempFiles(t, dir)

			ffs.Set(func(f *fsystest.FaultFS) { f.DenyCreate, f.ReadOnly = false, false })
			if err := rec.Flush(); err != nil {
				t.Fatalf("Flush once writable again: %v", err)
			}
			checkRunOnDisk(t, p, fixtureRunID, all[:5])
			fsystest.NoTempFiles(t, dir)
		})
	}
}

// TestRecordCarriesGrid: every record names its run's grid, and a grid
// changed during the run (a live edit) is what later records carry.
func TestRecordCarriesGrid(t *testing.T) {
	rec := newTestRecorder(t, fsys.OS{}, t.TempDir(), fixtureRunID, nil)
	all := fixtureResults()
	addAll(t, rec, all[:2])
	edited := bench.Grid{Dims: []int{3, 6, 12}, Branches: []int{3, 5, 9}, SeqLens: []int{48, 96}}
	rec.SetGrid(edited)
	edited.Dims[2] = 99 // the Recorder keeps its own copy
	addAll(t, rec, all[2:3])
	recs, err := ReadJSONL(rec.Paths().JSONL)
	if err != nil {
		t.Fatal(err)
	}
	want := []bench.Grid{fixtureMeta().Plan.Grid, fixtureMeta().Plan.Grid,
		{Dims: []int{3, 6, 12}, Branches: []int{3, 5, 9}, SeqLens: []int{48, 96}}}
	for i, r := range recs {
		if r.Grid == nil || !slices.Equal(r.Grid.Dims, want[i].Dims) || !slices.Equal(r.Grid.Branches, want[i].Branches) ||
			!slices.Equal(r.Grid.SeqLens, want[i].SeqLens) {
			t.Errorf("record %d carries grid %+v, want %+v", i, r.Grid, want[i])
		}
	}
	// A record from before grids were written reads back with none.
	old := []byte(`{"run_id":1,"D":3,"K":3,"T":48,"seed":123}` + "\n")
	recs, _, err = readJSONL(bytes.NewReader(old), "old", false)
	if err != nil || len(recs) != 1 || recs[0].Grid != nil {
		t.Errorf("old record: %+v, %v; want one record without a grid", recs, err)
	}
}

func TestNextRunID(t *testing.T) {
	dir := t.TempDir()
	now := time.Unix(1_700_000_000, 0)
	jsonl := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, tc := range []struct {
		name string
		path string
		want int64
	}{
		{"missing file", filepath.Join(dir, "none.jsonl"), 1_700_000_000},
		{"empty file", jsonl("empty", ""), 1_700_000_000},
		{"older runs", jsonl("older", `{"run_id":1600000000,"D":3,"K":3,"T":48}`+"\n"), 1_700_000_000},
		{"a run in this second", jsonl("same", `{"run_id":1700000000,"D":3,"K":3,"T":48}`+"\n"), 1_700_000_001},
		{"runs ahead of the clock", jsonl("ahead", `{"run_id":1700000005,"D":3,"K":3,"T":48}`+"\n"+
			`{"run_id":1700000002,"D":3,"K":3,"T":48}`+"\n"), 1_700_000_006},
		// Only the ids count: a malformed or torn line does not hide the
		// ids of the lines around it.
		// No id above the largest int64: the first free one from now on,
		// never a negative one.
		{"largest id", jsonl("max", `{"run_id":9223372036854775807,"D":3,"K":3,"T":48}`+"\n"), 1_700_000_000},
		{"largest id and now taken", jsonl("maxnow", `{"run_id":9223372036854775807,"D":3,"K":3,"T":48}`+"\n"+
			`{"run_id":1700000000,"D":3,"K":3,"T":48}`+"\n"+`{"run_id":1700000001,"D":3,"K":3,"T":48}`+"\n"), 1_700_000_002},
		{"malformed lines", jsonl("bad", "garbage\n"+`{"run_id":1700000003}`+"\n"+`{"run_id":1700000009,"D":3,"K`), 1_700_000_004},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NextRunID(tc.path, now)
			if err != nil || got != tc.want {
				t.Errorf("NextRunID = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
	// A path that cannot be read as a file: the error names it.
	if _, err := NextRunID(dir, now); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("NextRunID(a directory) = %v; want an error naming %s", err, dir)
	}
}
