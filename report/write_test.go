package report

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fsys"
	"github.com/hcbench/hcbench/report/internal/fsys/fsystest"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/report/store/storetest"
)

// These tests write the reports of runs the store records, as a session
// saves them (save): the store's tests check the JSONL and the results it
// keeps, these the files written from those results.

// TestDiskFullMidFile fills the disk while the reports are being written:
// the errors name the files, the CSV on disk is still the previous complete
// one, every file is attempted, no temporary file is left, and once space
// is back a save writes everything. (The JSONL's side of a full disk is
// store's TestDiskFullMidFile.)
func TestDiskFullMidFile(t *testing.T) {
	dir := t.TempDir()
	ffs := &fsystest.FaultFS{}
	rec := newTestRecorder(t, dir, fixtureRunID, nil)
	all := fixtureResults()
	addAll(t, rec, all[:6])
	if err := save(ffs, rec); err != nil {
		t.Fatal(err)
	}
	p := rec.Paths()
	before, err := os.ReadFile(p.CSV)
	if err != nil {
		t.Fatal(err)
	}

	// Only the CSV breaks off, after 1000 bytes: the CSV on disk stays the
	// previous one, the other files are written.
	addAll(t, rec, all[6:7])
	ffs.Set(func(f *fsystest.FaultFS) { f.DiskFull, f.Match, f.Budget = true, store.FileCSV, 1000 })
	err = save(ffs, rec)
	if err == nil || !strings.Contains(err.Error(), p.CSV) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("save with the CSV breaking off: %v; want an error naming %s with ENOSPC", err, p.CSV)
	}
	t.Logf("save with the CSV breaking off: %v", err)
	if after, _ := os.ReadFile(p.CSV); !bytes.Equal(after, before) {
		t.Errorf("the CSV on disk changed after a failed save:\n%s", after)
	}
	if md, _ := os.ReadFile(p.Markdown); !strings.Contains(string(md), "| "+all[6].Config.String()+" |") {
		t.Errorf("the Markdown was not written when only the CSV failed:\n%s", md)
	}

	// Nothing fits: every file's error is reported, each naming it.
	ffs.Set(func(f *fsystest.FaultFS) { f.Match, f.Budget = dir, 0 })
	addAll(t, rec, all[7:8])
	err = save(ffs, rec)
	for _, path := range []string{p.CSV, p.Markdown, p.TimesPNG, p.TimesSVG, p.ScalingPNG, p.ScalingSVG, p.Bench} {
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("save's error does not name %s:\n%v", path, err)
		}
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("save's error does not give the reason ENOSPC: %v", err)
	}
	if after, _ := os.ReadFile(p.CSV); !bytes.Equal(after, before) {
		t.Errorf("the CSV on disk changed after a failed save")
	}
	fsystest.NoTempFiles(t, dir)

	// Space is back: the reports are written.
	ffs.Set(func(f *fsystest.FaultFS) { f.DiskFull = false })
	if err := save(ffs, rec); err != nil {
		t.Fatalf("save after the fault cleared: %v", err)
	}
	if got := csvConfigs(t, p.CSV); !slices.Equal(got, configsOf(all[:8])) {
		t.Errorf("CSV holds %v, want the first 8 configs once each, in order", got)
	}
	fsystest.NoTempFiles(t, dir)
}

// TestOutputPathIsAFile: a directory where the CSV should go. The error
// names it; every other file is written all the same.
func TestOutputPathIsAFile(t *testing.T) {
	dir := t.TempDir()
	rec := newTestRecorder(t, dir, fixtureRunID, nil)
	p := rec.Paths()
	if err := os.Mkdir(p.CSV, 0o755); err != nil {
		t.Fatal(err)
	}
	addAll(t, rec, fixtureResults()[:2])
	err := save(fsys.OS{}, rec)
	if err == nil || !strings.Contains(err.Error(), p.CSV) {
		t.Errorf("save with a directory in the CSV's place: %v", err)
	}
	for _, path := range []string{p.Markdown, p.TimesPNG, p.TimesSVG, p.ScalingPNG, p.ScalingSVG, p.Bench} {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("not written when the CSV failed: %v", err)
		}
	}
	fsystest.NoTempFiles(t, dir)
}

// TestTwoRunsOneDir: two runs into the same directory, one after the other.
// The CSV is the second run's, with the reference's header, and the
// figures are drawn.
func TestTwoRunsOneDir(t *testing.T) {
	dir := t.TempDir()
	all := fixtureResults()
	first := newTestRecorder(t, dir, 1700000000, nil)
	addAll(t, first, all[:5])
	if err := errors.Join(save(fsys.OS{}, first), first.Close()); err != nil {
		t.Fatal(err)
	}
	second := newTestRecorder(t, dir, 1700000100, nil)
	addAll(t, second, all[5:])
	if err := errors.Join(save(fsys.OS{}, second), second.Close()); err != nil {
		t.Fatal(err)
	}
	p := second.Paths()

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

// TestResume: a resumed run's reports hold its prior results as well as
// the new ones.
func TestResume(t *testing.T) {
	dir := t.TempDir()
	all := fixtureResults()
	first := newTestRecorder(t, dir, fixtureRunID, nil)
	addAll(t, first, all[:4])
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	recs, err := storetest.ReadJSONL(store.PathsFor(dir).JSONL)
	if err != nil {
		t.Fatal(err)
	}
	prior := store.Runs(recs)[recs[len(recs)-1].RunID]

	again := newTestRecorder(t, dir, fixtureRunID, prior)
	addAll(t, again, all[4:6])
	if err := save(fsys.OS{}, again); err != nil {
		t.Fatal(err)
	}
	if rows := readCSV(t, again.Paths().CSV); len(rows) != 7 {
		t.Errorf("CSV has %d rows, want header + 6", len(rows))
	}
	if got := csvConfigs(t, again.Paths().CSV); !slices.Equal(got, configsOf(all[:6])) {
		t.Errorf("CSV holds %v, want the 4 prior then the 2 new", got)
	}
}

// TestReportsInSweepOrder: results are added as configs finish, out of
// the grid's order; the CSV lists them in the grid's order, as the
// reference does.
func TestReportsInSweepOrder(t *testing.T) {
	dir := t.TempDir()
	rec := newTestRecorder(t, dir, fixtureRunID, nil)
	rs := fixtureResults()
	slices.Reverse(rs)
	addAll(t, rec, rs)
	if err := save(fsys.OS{}, rec); err != nil {
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

// TestDroppedResultsStayInHistoryOnly: after a live edit of the grid the
// reports (written by Write, as a session does) cover only the new grid's
// configs, and the Markdown says the run is partial.
func TestDroppedResultsStayInHistoryOnly(t *testing.T) {
	dir := t.TempDir()
	r, err := store.OpenRun(dir, fixturePlan(), store.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
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
	m := r.Machine()
	if err := Write(r.Paths(), Report{RunID: r.ID, Results: r.Results(), Total: r.Plan.Grid.Size(), Machine: &m}); err != nil {
		t.Fatal(err)
	}
	if md, _ := os.ReadFile(filepath.Join(dir, store.FileMarkdown)); !strings.Contains(string(md), "**partial: 2 of 6 configs**") {
		t.Errorf("the Markdown of a partial run does not say so:\n%s", md)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, store.FileCSV))
	if rows := strings.Count(string(csv), "\n") - 1; rows != 2 {
		t.Errorf("CSV has %d rows; want 2", rows)
	}
}

// TestReportsAfterLostOutput takes the output away from a run in the
// middle (issue 7), twice: the directory removed (before more results or
// just before the save), the JSONL removed or replaced. Once the store has
// written the JSONL again, a save writes every report into the directory,
// each holding every result of the run once, and no temporary file is
// left. (Store's TestOutputDirRemovedMidRun, TestJSONLRemovedOrReplacedMidRun
// and TestOutputDirRemovedBeforeFlush check the losses and the JSONL.)
func TestReportsAfterLostOutput(t *testing.T) {
	removeDir := func(t *testing.T, p store.Paths) {
		if err := os.RemoveAll(p.Dir); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		fault func(t *testing.T, p store.Paths)
		adds  int // results added after each fault
	}{
		{"directory removed", removeDir, 2},
		{"directory removed before the save", removeDir, 0},
		{"JSONL removed", func(t *testing.T, p store.Paths) {
			if err := os.Remove(p.JSONL); err != nil {
				t.Fatal(err)
			}
		}, 1},
		{"JSONL replaced", func(t *testing.T, p store.Paths) {
			b, err := os.ReadFile(p.JSONL)
			if err != nil {
				t.Fatal(err)
			}
			firstLine, _, _ := bytes.Cut(b, []byte("\n"))
			tmp := p.JSONL + ".new"
			if err := os.WriteFile(tmp, append(firstLine, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, p.JSONL); err != nil {
				t.Fatal(err)
			}
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			all := fixtureResults()
			rec := newTestRecorder(t, dir, fixtureRunID, nil)
			addAll(t, rec, all[:3])
			if err := save(fsys.OS{}, rec); err != nil {
				t.Fatal(err)
			}
			p := rec.Paths()
			n := 3
			for round := range 2 {
				tc.fault(t, p)
				for _, res := range all[n : n+tc.adds] {
					_ = rec.Add(res) // the first Add after a loss reports it: store's tests check how
				}
				n += tc.adds
				if err := save(fsys.OS{}, rec); err != nil {
					t.Fatalf("save after loss %d: %v", round+1, err)
				}
				for _, path := range p.Written() {
					if _, err := os.Stat(path); err != nil {
						t.Errorf("after loss %d and a save: %v", round+1, err)
					}
				}
				if got := csvConfigs(t, p.CSV); !sameSet(got, configsOf(all[:n])) {
					t.Errorf("after loss %d the CSV holds %v, want %v once each", round+1, got, configsOf(all[:n]))
				}
				fsystest.NoTempFiles(t, dir)
			}
		})
	}
}

// TestOutputDirReadOnlyMidRun: the directory becomes read-only for the
// writers after a save, by its mode bits (permission denied on create) or
// by a read-only file system. The errors name each file and the reason,
// the CSV on disk stays the previous complete one, no temporary file is
// left, and once writable again a save writes every result once. (The
// JSONL's side: store's TestOutputDirReadOnlyMidRun.)
func TestOutputDirReadOnlyMidRun(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(f *fsystest.FaultFS)
		errno syscall.Errno
	}{
		{"permission denied", func(f *fsystest.FaultFS) { f.DenyCreate = true }, syscall.EACCES},
		{"read-only file system", func(f *fsystest.FaultFS) { f.ReadOnly = true }, syscall.EROFS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ffs := &fsystest.FaultFS{}
			rec := newTestRecorder(t, dir, fixtureRunID, nil)
			all := fixtureResults()
			addAll(t, rec, all[:3])
			if err := save(ffs, rec); err != nil {
				t.Fatal(err)
			}
			p := rec.Paths()
			before, err := os.ReadFile(p.CSV)
			if err != nil {
				t.Fatal(err)
			}

			ffs.Set(tc.fault)
			addAll(t, rec, all[3:5])
			err = save(ffs, rec)
			t.Logf("save during the fault: %v", err)
			for _, path := range []string{p.CSV, p.Markdown, p.TimesPNG, p.TimesSVG, p.ScalingPNG, p.ScalingSVG, p.Bench} {
				if err == nil || !strings.Contains(err.Error(), path) {
					t.Errorf("save's error does not name %s", path)
				}
			}
			if !errors.Is(err, tc.errno) || !strings.Contains(err.Error(), tc.errno.Error()) {
				t.Errorf("save's error does not give the reason %q", tc.errno.Error())
			}
			if after, _ := os.ReadFile(p.CSV); !bytes.Equal(after, before) {
				t.Errorf("the CSV on disk changed during the fault")
			}
			fsystest.NoTempFiles(t, dir)

			ffs.Set(func(f *fsystest.FaultFS) { f.DenyCreate, f.ReadOnly = false, false })
			if err := save(ffs, rec); err != nil {
				t.Fatalf("save once writable again: %v", err)
			}
			if got := csvConfigs(t, p.CSV); !sameSet(got, configsOf(all[:5])) {
				t.Errorf("CSV holds %v, want %v once each", got, configsOf(all[:5]))
			}
			fsystest.NoTempFiles(t, dir)
		})
	}
}
