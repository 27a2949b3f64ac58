package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gofrs/flock"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fsys"
)

// The JSONL cut short in place while a run appends to it (issue 21, item 2:
// `: > FILE`, `truncate -s N FILE`). The file keeps its identity, so only
// its size (and the last line the run wrote) can show it.

// earlierRun writes two records of run 42 to the JSONL in dir, as a run
// before this one left them, and returns their lines.
func earlierRun(t *testing.T, dir string) [][]byte {
	t.Helper()
	var lines [][]byte
	for _, r := range fixtureResults()[10:12] {
		line, err := encodeRecord(Record{RunID: 42, Result: r})
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	if err := os.WriteFile(PathsFor(dir).JSONL, bytes.Join(lines, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	return lines
}

// lineEnds are the offsets just past each line of the file at path.
func lineEnds(t *testing.T, path string) []int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ends []int64
	for i, c := range b {
		if c == '\n' {
			ends = append(ends, int64(i+1))
		}
	}
	return ends
}

func TestJSONLTruncatedMidRun(t *testing.T) {
	all := fixtureResults()
	for _, tc := range []struct {
		name string
		// cut is the size to truncate to, from the offsets past each line:
		// lines 1–2 are run 42's, 3–6 this run's.
		cut     func(ends []int64) int64
		others  int  // run 42's records afterwards
		dropped bool // a line was cut through
		earlier bool // bytes of run 42 were lost
	}{
		{"to zero", func([]int64) int64 { return 0 }, 0, false, true},
		{"to the middle of a line of the run", func(e []int64) int64 { return e[3] + 40 }, 2, true, false},
		{"to a line boundary", func(e []int64) int64 { return e[3] }, 2, false, false},
		{"to the middle of an earlier run's line", func(e []int64) int64 { return e[0] + 10 }, 1, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			earlierRun(t, dir)
			rec := newTestRecorder(t, fsys.OS{}, dir, fixtureRunID, nil)
			addAll(t, rec, all[:4])
			p := rec.Paths()
			ends := lineEnds(t, p.JSONL)
			if len(ends) != 6 {
				t.Fatalf("the JSONL has %d lines, want 6", len(ends))
			}
			if err := os.Truncate(p.JSONL, tc.cut(ends)); err != nil {
				t.Fatal(err)
			}

			err := rec.Add(all[4])
			var te *TruncatedError
			if !errors.As(err, &te) || te.Err != nil || te.Path != p.JSONL || te.Size != tc.cut(ends) || te.Written != ends[5] {
				t.Fatalf("Add after the cut: %v; want a repaired *TruncatedError naming %s, size %d of %d", err, p.JSONL, tc.cut(ends), ends[5])
			}
			t.Logf("Add after the cut: %v (rewritten %d, dropped %d, earlier lost %d)", err, te.Rewritten, te.Dropped, te.EarlierLost)
			if (te.Dropped > 0) != tc.dropped || (te.EarlierLost > 0) != tc.earlier {
				t.Errorf("dropped %d bytes, earlier lost %d; want dropped %v, earlier lost %v", te.Dropped, te.EarlierLost, tc.dropped, tc.earlier)
			}
			checkRunOnDisk(t, p, fixtureRunID, all[:5])
			recs, err := ReadJSONL(p.JSONL)
			if err != nil {
				t.Fatalf("the JSONL does not read after the repair: %v", err)
			}
			if n := len(Runs(recs)[42]); n != tc.others {
				t.Errorf("run 42 keeps %d records, want %d", n, tc.others)
			}

			// Nothing more to repair: the next Add and Close are plain.
			if err := rec.Add(all[5]); err != nil {
				t.Errorf("the Add after the repair: %v", err)
			}
			if err := rec.Close(); err != nil {
				t.Fatal(err)
			}
			checkRunOnDisk(t, p, fixtureRunID, all[:6])
		})
	}
}

// TestJSONLTruncatedThenAppended: the cut went through a line and another
// writer's record landed right after it, glued to the torn remains (what
// happens when the cut comes between the run's check and its write, or
// another run of this process appends first). The glued record is kept,
// the torn bytes go, and the run's lost results are written again.
func TestJSONLTruncatedThenAppended(t *testing.T) {
	all := fixtureResults()
	for _, tc := range []struct {
		name string
		tail func(other []byte) []byte // appended after the cut
	}{
		{"a record glued to the torn line", func(o []byte) []byte { return o }},
		{"a line past the run's offset", func(o []byte) []byte { return slices.Concat(o, o, o, o, o, o) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			rec := newTestRecorder(t, fsys.OS{}, dir, fixtureRunID, nil)
			addAll(t, rec, all[:3])
			p := rec.Paths()
			ends := lineEnds(t, p.JSONL)
			if err := os.Truncate(p.JSONL, ends[0]+25); err != nil {
				t.Fatal(err)
			}
			other, err := encodeRecord(Record{RunID: 42, Result: all[11]})
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(p.JSONL, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Write(tc.tail(other))
			f.Close()

			err = rec.Add(all[3])
			var te *TruncatedError
			if !errors.As(err, &te) || te.Err != nil {
				t.Fatalf("Add: %v; want a repaired *TruncatedError", err)
			}
			t.Logf("Add: %v (rewritten %d, dropped %d)", err, te.Rewritten, te.Dropped)
			if te.Dropped != 25 {
				t.Errorf("dropped %d bytes, want the 25 of the torn line", te.Dropped)
			}
			checkRunOnDisk(t, p, fixtureRunID, all[:4])
			recs, err := ReadJSONL(p.JSONL)
			if err != nil {
				t.Fatalf("the JSONL does not read after the repair: %v", err)
			}
			if n, want := len(recs)-4, bytes.Count(tc.tail(other), []byte("\n")); n != want {
				t.Errorf("%d records of the other writer kept, want %d", n, want)
			}
		})
	}
}

// TestJSONLTruncatedBeforeFlush: the cut comes after the last Add; Flush
// (the run's last call) repairs it without an error, as it repairs a loss.
func TestJSONLTruncatedBeforeFlush(t *testing.T) {
	all := fixtureResults()
	rec := newTestRecorder(t, fsys.OS{}, t.TempDir(), fixtureRunID, nil)
	addAll(t, rec, all[:4])
	p := rec.Paths()
	if err := os.Truncate(p.JSONL, 0); err != nil {
		t.Fatal(err)
	}
	if err := rec.Flush(); err != nil {
		t.Fatalf("Flush after the cut: %v", err)
	}
	checkRunOnDisk(t, p, fixtureRunID, all[:4])
	if err := os.Truncate(p.JSONL, lineEnds(t, p.JSONL)[1]+3); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatalf("Close after the cut: %v", err)
	}
	checkRunOnDisk(t, p, fixtureRunID, all[:4])
}

// TestRunSaysTheJSONLWasTruncated: the run's note names the file, what it
// had and what it has, and that the run is saved again.
func TestRunSaysTheJSONLWasTruncated(t *testing.T) {
	dir := t.TempDir()
	r, err := OpenRun(dir, fixturePlan(), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	res := fixtureResults()
	for _, x := range res[:3] {
		if msg := r.Add(x); msg != "" {
			t.Fatalf("Add says %q", msg)
		}
	}
	jsonl := filepath.Join(dir, FileJSONL)
	if err := os.Truncate(jsonl, 100); err != nil {
		t.Fatal(err)
	}
	msg := r.Add(res[3])
	t.Logf("Add after the cut: %s", msg)
	for _, want := range []string{"warning: " + jsonl + " was cut to 100 bytes", "wrote 4 results of run", "in it once", "removed the 100 bytes"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the note %q lacks %q", msg, want)
		}
	}
	if msg := r.Add(res[4]); msg != "" {
		t.Errorf("the Add after the repair says %q", msg)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadJSONL(jsonl)
	if err != nil || !sameSet(configsOf(Runs(recs)[r.ID]), configsOf(res[:5])) || len(recs) != 5 {
		t.Errorf("JSONL: %d records (%v); want the run's 5 once each", len(recs), err)
	}
}

// TestDeletedLockFileRefusesASecondWriter (issue 21, item 3): the lock
// file deleted mid-run does not let another hcbench in — the directory is
// locked too — and the run's next append takes a lock file again.
func TestDeletedLockFileRefusesASecondWriter(t *testing.T) {
	dir := t.TempDir()
	r, err := OpenRun(dir, fixturePlan(), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	res := fixtureResults()
	r.Add(res[0])
	p := PathsFor(dir)
	if err := os.Remove(p.Lock); err != nil {
		t.Fatal(err)
	}
	// Another process: the OS locks taken through descriptors of its own.
	_, _, err = lockOS(p)
	var le *LockedError
	if !errors.As(err, &le) || err.Error() != "another hcbench is writing "+p.JSONL {
		t.Fatalf("a second writer after the lock file was deleted: %v; want a *LockedError naming %s", err, p.JSONL)
	}
	if msg := r.Add(res[1]); msg != "" {
		t.Errorf("Add says %q", msg)
	}
	if _, err := os.Stat(p.Lock); err != nil {
		t.Fatalf("the run did not take a lock file again: %v", err)
	}
	if ok, err := flock.New(p.Lock).TryLock(); ok || err != nil {
		t.Errorf("locking the new lock file from outside: %v, %v; want it held by the run", ok, err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	fl, d, err := lockOS(p)
	if err != nil {
		t.Fatalf("locking after the run ended: %v", err)
	}
	fl.Close()
	if d != nil {
		d.Close()
	}
}

// TestLockFileTakenByAnother: the lock file was deleted and another
// process (an hcbench that locks only the file) took a new one before the
// run could: the run warns once, goes on, and says when it holds it again.
func TestLockFileTakenByAnother(t *testing.T) {
	dir := t.TempDir()
	r, err := OpenRun(dir, fixturePlan(), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	res := fixtureResults()
	r.Add(res[0])
	p := PathsFor(dir)
	if err := os.Remove(p.Lock); err != nil {
		t.Fatal(err)
	}
	other := flock.New(p.Lock)
	if ok, err := other.TryLock(); !ok || err != nil {
		t.Fatalf("taking the new lock file: %v, %v", ok, err)
	}
	msg := r.Add(res[1])
	if !strings.Contains(msg, "warning: cannot lock "+dir+" against a second hcbench: another hcbench is writing") {
		t.Errorf("Add while another holds the lock file says %q", msg)
	}
	if msg := r.Add(res[2]); msg != "" {
		t.Errorf("the warning is repeated: %q", msg)
	}
	other.Close()
	if msg := r.Add(res[3]); !strings.Contains(msg, "locked against a second hcbench again") {
		t.Errorf("Add once the lock file is free says %q", msg)
	}
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadJSONL(p.JSONL)
	if err != nil || !sameSet(configsOf(Runs(recs)[r.ID]), []bench.Config{res[0].Config, res[1].Config, res[2].Config, res[3].Config}) {
		t.Errorf("JSONL: %d records (%v); want the run's 4", len(recs), err)
	}
}

// FuzzJSONLTruncated cuts the JSONL anywhere below what the run wrote and
// appends any bytes after the cut (what others wrote since): the next Add
// leaves a file every reader accepts, holding every result of the run —
// exactly once unless the appended bytes make records of the run
// themselves, alone or by completing the line that was cut. (Bytes that put
// back exactly what was cut are no cut at all.)
func FuzzJSONLTruncated(f *testing.F) {
	f.Add(uint(0), []byte(nil))
	f.Add(uint(100), []byte(nil))
	f.Add(uint(3000), []byte("garbage\n"))
	f.Add(uint(2500), []byte(`{"run_id":42,"D":3,"K":3,"T":48}`+"\n"))
	f.Add(uint(4000), []byte("\n\n{\n"))
	f.Add(uint(0), []byte("\f"))             // blank to Go, not to JSON: must not glue
	f.Add(uint(2430), []byte(`":0,"T":48}`)) // completes the cut line into a record
	all := fixtureResults()
	f.Fuzz(func(t *testing.T, cut uint, tail []byte) {
		dir := t.TempDir()
		rec := newTestRecorder(t, fsys.OS{}, dir, fixtureRunID, nil)
		addAll(t, rec, all[:4])
		p := rec.Paths()
		before, err := os.ReadFile(p.JSONL)
		if err != nil {
			t.Fatal(err)
		}
		at := int64(cut % uint(len(before)))
		if bytes.HasPrefix(tail, before[at:]) {
			return
		}
		if err := os.Truncate(p.JSONL, at); err != nil {
			t.Fatal(err)
		}
		appendTo(t, p.JSONL, tail)
		err = rec.Add(all[4])
		var te *TruncatedError
		if err != nil && (!errors.As(err, &te) || te.Err != nil) {
			t.Fatalf("Add after a cut to %d and %q: %v", at, tail, err)
		}
		recs, err := ReadJSONL(p.JSONL)
		if err != nil {
			t.Fatalf("after a cut to %d and %q the JSONL does not read: %v", at, tail, err)
		}
		count := map[bench.Config]int{}
		for _, r := range recs {
			if r.RunID == fixtureRunID {
				count[r.Config]++
			}
		}
		cutLine := before[bytes.LastIndexByte(before[:at], '\n')+1 : at]
		completed, _, _ := bytes.Cut(slices.Concat(cutLine, tail), []byte("\n"))
		_, perr := parseRecord(completed)
		ours := perr == nil || bytes.Contains(tail, []byte(`"run_id":`+strconv.FormatInt(fixtureRunID, 10)))
		for _, r := range all[:5] {
			if n := count[r.Config]; n == 0 || (n > 1 && !ours) {
				t.Errorf("after a cut to %d and %q, %s is in the JSONL %d times", at, tail, r.Config, n)
			}
		}
	})
}

func appendTo(t *testing.T, path string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
}
