package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gofrs/flock"

	"github.com/hcbench/hcbench/report/store"
)

// The history and the lock under attack (issue 21, items 2, 3, 7 and 8),
// through the built binary: the JSONL truncated in place mid-run, the lock
// file deleted mid-run, malformed history given to compare and --baseline.

// grid18 is an 18-config sweep of about 6 s here (configs finish from
// about 2 s on): long enough to do something to its files while it runs.
var grid18 = []string{"-D", "3,6", "-K", "3,5,9", "-T", "48,96,192", "--min-time", "200ms", "--repeats", "1", "--depths", "1"}

// TestBinaryJSONLTruncatedMidRun: `: > FILE` or `truncate -s 3000 FILE`
// once a few configs are saved. The next config's save notices (the file is
// shorter than what the run wrote), says so, and writes the run again; the
// run ends with exit 0 and every config it finished in the JSONL exactly
// once, the file readable by compare and by a following --resume.
func TestBinaryJSONLTruncatedMidRun(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int64
	}{
		{": > FILE", 0},
		{"truncate -s 3000 FILE", 3000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "res")
			s := startSweep(t, dir, 3, grid18...)
			s.waitFor(t, "the JSONL to pass 3000 bytes", func() bool {
				st, err := os.Stat(s.jsonl)
				return err == nil && st.Size() > 3000
			})
			saved := countLines(s.jsonl)
			if err := os.Truncate(s.jsonl, tc.size); err != nil {
				t.Fatal(err)
			}
			code := s.wait(t)
			stderr := s.stderr()
			if code != exitOK {
				t.Fatalf("exit %d, want 0\nstderr: %s", code, stderr)
			}
			t.Logf("stderr:\n%s", grepLines(stderr, " was cut "))
			// A cut after the last config is mended silently by the final
			// save: only a cut with configs still to come must be told.
			if saved < 18 && !strings.Contains(stderr, "warning: "+s.jsonl+" was cut") {
				t.Errorf("no warning that %s was cut short:\n%s", s.jsonl, stderr)
			}
			if !strings.Contains(s.stdout.String(), "Benchmark complete") {
				t.Errorf("no summary of a complete run:\n%s", s.stdout)
			}
			recs := checkWholeLines(t, s.jsonl, false)
			checkWholeRun(t, dir, recs, 18)

			if r := runBinary(t, "compare", s.jsonl, s.jsonl); r.code != exitOK {
				t.Errorf("compare FILE FILE: exit %d\nstderr: %s", r.code, r.stderr)
			}
			r := runBinary(t, append([]string{"--headless", "--resume", "-o", dir}, grid18...)...)
			if r.code != exitOK || !strings.Contains(r.stderr, "already complete") {
				t.Errorf("--resume: exit %d\nstderr: %s", r.code, r.stderr)
			}
			checkWholeRun(t, dir, checkWholeLines(t, s.jsonl, false), 18)
		})
	}
}

// TestBinaryLockFileDeleted: the lock file removed while a run writes does
// not let a second hcbench in — it is refused with the usual one line
// naming the directory, exit 1 — and the first takes a lock file again
// with its next config and finishes with its whole run.
func TestBinaryLockFileDeleted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	s := startSweep(t, dir, 2, grid18...)
	lock := store.PathsFor(dir).Lock
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	r := runBinary(t, append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", "8"}, quick...)...)
	if r.code != exitError || strings.Count(r.stderr, "\n") != 1 ||
		!strings.Contains(r.stderr, "another hcbench is writing "+filepath.Join(dir, store.FileJSONL)) {
		t.Errorf("second writer after the lock file was deleted: exit %d, stderr %q; want 1 and one line saying another hcbench is writing in %s",
			r.code, r.stderr, dir)
	}
	s.waitFor(t, "the lock file to be taken again", func() bool {
		_, err := os.Stat(lock)
		return err == nil
	})
	if ok, err := flock.New(lock).TryLock(); ok || err != nil {
		t.Errorf("locking the new lock file from outside: %v, %v; want it held by the run", ok, err)
	}
	if code := s.wait(t); code != exitOK {
		t.Fatalf("first writer: exit %d, want 0\nstderr: %s", code, s.stderr())
	}
	recs := checkWholeLines(t, s.jsonl, false)
	checkWholeRun(t, dir, recs, 18)
	for _, rec := range recs {
		if rec.K == 2 {
			t.Errorf("the refused writer's config %v is in the JSONL", rec.config())
		}
	}
	// Released at the end: the next run there starts.
	if r := runBinary(t, append([]string{"--headless", "-o", dir, "-D", "3", "-K", "2", "-T", "8"}, quick...)...); r.code != exitOK {
		t.Errorf("a run after the first ended: exit %d\nstderr: %s", r.code, r.stderr)
	}
}

// setTimes rewrites every record of the JSONL at from into to with the
// given JSON values for its first time_measurements entry and, when not
// "", its time_epoch_median.
func setTimes(t *testing.T, from, to, measurement, median string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var rec map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		var ms []json.RawMessage
		if err := json.Unmarshal(rec["time_measurements"], &ms); err != nil || len(ms) == 0 {
			t.Fatalf("record without time_measurements: %v", err)
		}
		if measurement != "" {
			ms[0] = json.RawMessage(measurement)
		}
		if rec["time_measurements"], err = json.Marshal(ms); err != nil {
			t.Fatal(err)
		}
		if median != "" {
			rec["time_epoch_median"] = json.RawMessage(median)
		}
		enc, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		out.Write(enc)
		out.WriteByte('\n')
	}
	if err := os.WriteFile(to, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBinaryCompareMalformedHistory: a baseline 10× faster than the run
// fails the gate (exit 3); the same baseline with values no measurement can
// take gives "?" and a note instead, never exit 3 (a gate over nothing but
// such values compared nothing: exit 2) — for compare and for
// --baseline, which takes FILE@RUN_ID too. A torn last line and two runs
// sharing a run id are noted once; errors name the path once.
func TestBinaryCompareMalformedHistory(t *testing.T) {
	dir := t.TempDir()
	grid := []string{"--headless", "-D", "3", "-K", "2,3", "-T", "16,32", "--repeats", "1", "--depths", "1", "--min-time", "5ms"}
	cur := filepath.Join(dir, "cur")
	if r := runBinary(t, append(grid, "-o", cur)...); r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	jsonl := filepath.Join(cur, store.FileJSONL)
	fast := filepath.Join(dir, "fast.jsonl")
	scaleTimes(t, jsonl, fast, 0.1)
	if r := runBinary(t, "compare", fast, jsonl, "--fail-on-regression", "20"); r.code != exitRegression {
		t.Fatalf("against a 10× faster baseline: exit %d, want 3 (the control)\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}

	for _, tc := range []struct{ name, measurement, median, says string }{
		{"a measurement of 5e-324", "5e-324", "", "time_measurements holds 5e-324"},
		{"a measurement of 1e308", "1e308", "", "time_measurements holds 1e+308"},
		{"a zero measurement", "0", "", "time_measurements holds 0,"},
		{"a negative measurement", "-1e-5", "", "time_measurements holds -1e-05"},
		{"a negative median", "", "-0.001", "time_epoch_median is -0.001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.jsonl")
			setTimes(t, fast, bad, tc.measurement, tc.median)
			r := runBinary(t, "compare", bad, jsonl)
			if r.code != exitOK || !strings.Contains(r.stdout, "note: "+bad+"@") || !strings.Contains(r.stdout, tc.says) ||
				!strings.Contains(r.stdout, "? (the old run's "+tc.says) {
				t.Errorf("compare: exit %d; want 0, a note and \"?\" saying %q\nstdout: %s\nstderr: %s", r.code, tc.says, r.stdout, r.stderr)
			}
			// Every config invalid: a gate that compared nothing is an
			// error (exit 2), never a pass and never a regression.
			const nothing = "so nothing was compared"
			r = runBinary(t, "compare", bad, jsonl, "--fail-on-regression", "20")
			if r.code != exitUsage || !strings.Contains(r.stdout, tc.says) || !strings.Contains(r.stderr, nothing) {
				t.Errorf("compare gated: exit %d; want 2 saying %q\nstdout: %s\nstderr: %s", r.code, nothing, r.stdout, r.stderr)
			}
			r = runBinary(t, append(grid, "-o", filepath.Join(t.TempDir(), "out"), "--baseline", bad, "--fail-on-regression", "20")...)
			if r.code != exitUsage || !strings.Contains(r.stderr, "note: baseline "+bad) || !strings.Contains(r.stderr, tc.says) || !strings.Contains(r.stderr, nothing) {
				t.Errorf("--baseline: exit %d; want 2, a note saying %q and %q\nstderr: %s", r.code, tc.says, nothing, r.stderr)
			}
		})
	}

	t.Run("a torn last line", func(t *testing.T) {
		torn := filepath.Join(t.TempDir(), "torn.jsonl")
		b, err := os.ReadFile(jsonl)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(torn, append(b, b[:100]...), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runBinary(t, "compare", torn, torn)
		if note := "note: " + torn + " line 5 is not a whole record"; r.code != exitOK || strings.Count(r.stdout, note) != 1 {
			t.Errorf("exit %d; want 0 and %q once\nstdout: %s\nstderr: %s", r.code, note, r.stdout, r.stderr)
		}
	})

	t.Run("two runs sharing a run id", func(t *testing.T) {
		twice := filepath.Join(t.TempDir(), "twice.jsonl")
		b, err := os.ReadFile(jsonl)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(twice, append(b, b...), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runBinary(t, "compare", twice, jsonl)
		if r.code != exitOK || strings.Count(r.stdout, "more than once: two runs may share this run id") != 1 {
			t.Errorf("exit %d; want 0 and one note on the shared run id\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("--baseline FILE@RUN_ID", func(t *testing.T) {
		hist := filepath.Join(t.TempDir(), "hist.jsonl")
		setTimes(t, jsonl, hist, "", "") // the run, then a damaged later run
		b, _ := os.ReadFile(hist)
		id := latestID(t, hist)
		damaged := filepath.Join(t.TempDir(), "damaged.jsonl")
		setTimes(t, jsonl, damaged, "5e-324", "")
		d, _ := os.ReadFile(damaged)
		d = bytes.ReplaceAll(d, []byte(`"run_id":`+strconv.FormatInt(id, 10)), []byte(`"run_id":`+strconv.FormatInt(id+1, 10)))
		if err := os.WriteFile(hist, append(b, d...), 0o644); err != nil {
			t.Fatal(err)
		}
		spec := hist + "@" + strconv.FormatInt(id, 10)
		r := runBinary(t, append(grid, "-o", filepath.Join(t.TempDir(), "out"), "--baseline", spec)...)
		if r.code != exitOK || strings.Contains(r.stderr, "note: baseline") || !strings.Contains(r.stdout, "Baseline") {
			t.Errorf("--baseline %s: exit %d; want 0, a comparison and no note\nstdout: %s\nstderr: %s", spec, r.code, r.stdout, r.stderr)
		}
		for _, args := range [][]string{
			append(grid, "-o", filepath.Join(t.TempDir(), "out"), "--baseline", hist+"@junk"),
			{"compare", hist + "@junk", jsonl},
		} {
			r := runBinary(t, args...)
			if r.code != exitUsage || strings.Count(r.stderr, "\n") != 1 ||
				!strings.Contains(r.stderr, `bad run id "junk": want FILE@RUN_ID with RUN_ID an integer`) {
				t.Errorf("%s: exit %d, stderr %q; want 2 and one line saying the run id is bad", strings.Join(args, " "), r.code, r.stderr)
			}
		}
	})

	t.Run("a device", func(t *testing.T) {
		if _, err := os.Stat("/dev/zero"); err != nil {
			t.Skip("no /dev/zero here")
		}
		r := runBinary(t, "compare", "/dev/zero", jsonl)
		if r.code != exitUsage || strings.Count(r.stderr, "/dev/zero") != 1 {
			t.Errorf("exit %d, stderr %q; want 2 and one line naming /dev/zero once", r.code, r.stderr)
		}
	})
}

// latestID is the run id of the JSONL's last record.
func latestID(t *testing.T, path string) int64 {
	t.Helper()
	recs := readJSONLLines(t, path)
	if len(recs) == 0 {
		t.Fatalf("%s holds no records", path)
	}
	return recs[len(recs)-1].RunID
}
