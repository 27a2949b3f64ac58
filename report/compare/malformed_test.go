package compare

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fixture"
)

// Malformed history (issue 21, items 7 and 8): values no measurement can
// take get "?" with a note, never a verdict or a failed gate; whatever is
// left out or suspicious is noted once; FILE@RUN_ID is read everywhere, and
// errors name the path once.

// TestMalformedValuesNeverAVerdict writes a baseline whose first config
// holds a value that is not a time, reads it back as compare and
// --baseline do, and compares it with a run 10× slower everywhere: the
// damaged config gets "?" with the reason (and the load a note naming its
// line), the others are still called slower and fail the gate.
func TestMalformedValuesNeverAVerdict(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(r *bench.Result)
		reason string
	}{
		{"a measurement of 5e-324", func(r *bench.Result) { r.Measurements[0] = 5e-324 }, "time_measurements holds 5e-324"},
		{"a measurement of 1e308", func(r *bench.Result) { r.Measurements[3] = 1e308 }, "time_measurements holds 1e+308"},
		{"every measurement 5e-324", func(r *bench.Result) {
			for i := range r.Measurements {
				r.Measurements[i] = 5e-324
			}
		}, "time_measurements holds 5e-324"},
		{"a zero measurement", func(r *bench.Result) { r.Measurements[1] = 0 }, "time_measurements holds 0,"},
		{"a negative measurement", func(r *bench.Result) { r.Measurements[1] = -2e-5 }, "time_measurements holds -2e-05"},
		{"a negative median", func(r *bench.Result) { r.TimeEpochMedian = -1e-4 }, "time_epoch_median is -0.0001"},
		{"a huge shared spread", func(r *bench.Result) { r.SharedSpread = 1e308 }, "shared_spread is 1e+308"},
		{"a legacy record with a negative mean", func(r *bench.Result) {
			r.Measurements = nil
			r.Runs = []bench.Run{{TimeEpochMean: -1}, {TimeEpochMean: 1e-4}}
		}, "a repeat's time_epoch_mean is -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := synthetic(4, 1e-4)
			tc.damage(&base[0])
			jsonl := recordRun(t, t.TempDir(), 100, base)
			old, err := LoadRecordedRun(jsonl)
			if err != nil {
				t.Fatal(err)
			}
			if len(old.Notes) != 1 || !strings.Contains(old.Notes[0], base[0].Config.String()+" (line 1): "+tc.reason) ||
				!strings.Contains(old.Notes[0], "no verdict") || !strings.HasPrefix(old.Notes[0], old.Label()+": ") {
				t.Errorf("notes %q; want one naming %s@100, %s on line 1 and %q", old.Notes, jsonl, base[0].Config, tc.reason)
			}
			t.Logf("note: %s", old.Notes)

			for _, side := range []string{"old", "new"} {
				cur := scaleTimes(synthetic(4, 1e-4), 10)
				o := old.Results
				if side == "new" { // the same damage in the current run
					o = synthetic(4, 1e-4)
					cur = scaleTimes(synthetic(4, 1e-4), 10)
					tc.damage(&cur[0])
				}
				b := CompareBaseline("old.jsonl", o, cur)
				e, ok := b.Lookup(base[0].Config)
				if !ok || !e.Invalid || e.Verdict != VerdictTooFew || !strings.HasPrefix(e.Reason, "the "+side+" run's "+tc.reason) ||
					!math.IsNaN(e.PAdj) || !math.IsNaN(e.Cmp.Ratio) {
					t.Errorf("%s side damaged: entry invalid %v, verdict %q, reason %q, Holm p %v, ratio %v; want ?, %q, NaN",
						side, e.Invalid, e.Verdict, e.Reason, e.PAdj, e.Cmp.Ratio, tc.reason)
				}
				if regs := b.Regressions(5); len(regs) != 3 || b.Slower != 3 || b.Invalid != 1 || b.Few != 0 {
					t.Errorf("%s side damaged: %d regressions, %d slower, %d invalid, %d few; want 3, 3, 1, 0",
						side, len(regs), b.Slower, b.Invalid, b.Few)
				}
				if math.Abs(b.GeoMeanRatio/10-1) > 1e-9 || math.IsNaN(b.GeoMeanCILow) {
					t.Errorf("%s side damaged: geomean %v [%v, %v]; want 10× from the three others", side, b.GeoMeanRatio, b.GeoMeanCILow, b.GeoMeanCIHigh)
				}
				if d := b.Describe(); !strings.Contains(d, "1 with values that are not times (no verdict)") {
					t.Errorf("Describe() = %q", d)
				}
			}
		})
	}
}

// TestNothingDroppedSilently: a torn last line and a config recorded twice
// under one run id are each noted once, also when a file is compared with
// itself; a clean file has no notes.
func TestNothingDroppedSilently(t *testing.T) {
	res := fixture.Results()
	for _, tc := range []struct {
		name  string
		write func(t *testing.T, dir string) string
		notes []string // what each note contains, in order
	}{
		{"clean", func(t *testing.T, dir string) string {
			return recordRun(t, dir, 100, res[:3])
		}, nil},
		{"torn last line", func(t *testing.T, dir string) string {
			jsonl := recordRun(t, dir, 100, res[:3])
			appendBytes(t, jsonl, `{"run_id":100,"D":3,"K":9,"T":4`)
			return jsonl
		}, []string{"line 4 is not a whole record (a write cut short?): left out"}},
		{"two runs share a run id", func(t *testing.T, dir string) string {
			recordRun(t, dir, 100, res[:2])
			return recordRun(t, dir, 100, res[:3])
		}, []string{"@100 records " + res[0].Config.String() + " (lines 1, 3), " + res[1].Config.String() +
			" (lines 2, 4) more than once: two runs may share this run id; the last record of each is compared"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jsonl := tc.write(t, t.TempDir())
			r, err := LoadRecordedRun(jsonl)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Notes) != len(tc.notes) {
				t.Fatalf("notes %q; want %d", r.Notes, len(tc.notes))
			}
			for i, want := range tc.notes {
				if !strings.Contains(r.Notes[i], want) || !strings.Contains(r.Notes[i], jsonl) {
					t.Errorf("note %q; want it to name %s and say %q", r.Notes[i], jsonl, want)
				}
			}
			if len(r.Results) != 3 {
				t.Errorf("%d results, want 3", len(r.Results))
			}
			diffs := RunDifferences(r, r)
			for _, n := range r.Notes {
				count := 0
				for _, d := range diffs {
					if d == n {
						count++
					}
				}
				if count != 1 {
					t.Errorf("comparing the file with itself lists the note %q %d times", n, count)
				}
			}
		})
	}
}

func appendBytes(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// TestLoadErrorsNameThePathOnce (item 8): every refusal names the path
// once, and FILE@junk is a bad run id, not a missing file.
func TestLoadErrorsNameThePathOnce(t *testing.T) {
	dir := t.TempDir()
	jsonl := recordRun(t, dir, 100, fixture.Results()[:2])
	notJSONL := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notJSONL, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	badFirst := filepath.Join(dir, "bad-first.jsonl")
	if err := os.WriteFile(badFirst, append([]byte("hello\n"), good...), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.jsonl")
	empty := t.TempDir()
	for _, tc := range []struct {
		name, spec, path, want string
	}{
		{"a device", "/dev/zero", "/dev/zero", "/dev/zero: is a device, not a regular file"},
		{"a directory without a history", empty, empty, empty + ": a directory without qmlhc_benchmarks.jsonl"},
		{"a missing file", missing, missing, missing + ": no such file or directory"},
		{"junk after @", jsonl + "@junk", jsonl, jsonl + `@junk: bad run id "junk": want FILE@RUN_ID with RUN_ID an integer`},
		{"nothing after @", jsonl + "@", jsonl, jsonl + `@: bad run id "": want FILE@RUN_ID with RUN_ID an integer`},
		{"a missing file with junk after @", missing + "@junk", missing, missing + "@junk: no such file or directory"},
		{"no such run", jsonl + "@42", jsonl, jsonl + " has no run 42 (runs: 100)"},
		{"not a JSONL", notJSONL, notJSONL, notJSONL + " is not an hcbench JSONL: line 1 is not a benchmark record"},
		{"a bad line before records", badFirst, badFirst, badFirst + " is not an hcbench JSONL: line 1: not a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.path == "/dev/zero" {
				if _, err := os.Stat(tc.path); err != nil {
					t.Skip("no /dev/zero here")
				}
			}
			for name, load := range map[string]func(string) error{
				"LoadRecordedRun":  func(s string) error { _, err := LoadRecordedRun(s); return err },
				"LoadBaselineFile": func(s string) error { _, err := LoadBaselineFile(s); return err },
			} {
				err := load(tc.spec)
				if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Count(err.Error(), tc.path) != 1 {
					t.Errorf("%s(%s) = %v; want %q, naming %s once", name, tc.spec, err, tc.want, tc.path)
				}
			}
		})
	}
}

// TestRunIDSpecs: FILE@RUN_ID picks the run, for compare and --baseline
// alike; a file whose own name holds "@" is read as it is.
func TestRunIDSpecs(t *testing.T) {
	dir := t.TempDir()
	recordRun(t, dir, 100, fixture.Results()[:2])
	jsonl := recordRun(t, dir, 200, fixture.Results()[:5])
	at := filepath.Join(dir, "runs@7")
	b, err := os.ReadFile(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(at, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		spec string
		id   int64
		n    int
	}{
		{jsonl, 200, 5},
		{jsonl + "@100", 100, 2},
		{jsonl + "@200", 200, 5},
		{at, 200, 5},
		{at + "@100", 100, 2},
	} {
		r, err := LoadRecordedRun(tc.spec)
		if err != nil || r.RunID != tc.id || len(r.Results) != tc.n {
			t.Errorf("LoadRecordedRun(%s) = run %d with %d results, %v; want run %d with %d", tc.spec, r.RunID, len(r.Results), err, tc.id, tc.n)
		}
		if res, err := LoadBaselineFile(tc.spec); err != nil || len(res) != tc.n {
			t.Errorf("LoadBaselineFile(%s) = %d results, %v; want %d", tc.spec, len(res), err, tc.n)
		}
	}
}

// FuzzParseSpec: any spec splits without a panic, and a run id split off
// is exactly what followed the last "@".
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"a.jsonl", "a.jsonl@1", "a@b@2", "@", "x@", "x@-3", "x@+4", "x@99999999999999999999", "x@junk"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		path, id, hasID, err := parseSpec(spec)
		switch {
		case err != nil && (!strings.Contains(err.Error(), "bad run id") || !strings.HasPrefix(err.Error(), spec+": ")):
			t.Errorf("parseSpec(%q): %v", spec, err)
		case err == nil && hasID:
			i := strings.LastIndex(spec, "@")
			if i < 0 || path != spec[:i] {
				t.Errorf("parseSpec(%q) = path %q", spec, path)
			}
			if v, perr := strconv.ParseInt(spec[i+1:], 10, 64); perr != nil || v != id {
				t.Errorf("parseSpec(%q) = id %d", spec, id)
			}
		case err == nil && path != spec:
			t.Errorf("parseSpec(%q) = path %q without a run id", spec, path)
		}
	})
}

// FuzzCompareValues puts any value into a baseline's measurements, its
// median and its shared spread: a verdict other than "?" always comes with
// a finite ratio and interval, values that are not times always give "?",
// and the gate never fails on a config without a verdict.
func FuzzCompareValues(f *testing.F) {
	f.Add(5e-324, 1e-4, 0.0, 1.0)
	f.Add(1e308, 1e-4, 0.0, 10.0)
	f.Add(0.0, -1e-4, 0.0, 0.7)
	f.Add(1e-4, 1e-4, 1e308, 10.0)
	f.Add(-1e-5, 1e-4, 0.01, 10.0)
	f.Add(math.Inf(1), math.NaN(), math.NaN(), 10.0)
	f.Fuzz(func(t *testing.T, m, median, spread, scale float64) {
		if !(scale >= 0.01 && scale <= 100) {
			return
		}
		base := synthetic(3, 1e-4)
		base[0].Measurements[0], base[0].TimeEpochMedian, base[0].SharedSpread = m, median, spread
		b := CompareBaseline("old.jsonl", base, scaleTimes(synthetic(3, 1e-4), scale))
		for _, e := range b.Entries {
			finite := func(x float64) bool { return x > 0 && !math.IsInf(x, 0) }
			if e.Verdict != VerdictTooFew && !(finite(e.Cmp.Ratio) && finite(e.Cmp.CILow) && finite(e.Cmp.CIHigh) && finite(e.FastestRatio)) {
				t.Errorf("%s: verdict %q with ratio %v [%v, %v], fastest %v", e.Config, e.Verdict, e.Cmp.Ratio, e.Cmp.CILow, e.Cmp.CIHigh, e.FastestRatio)
			}
			if implausible(e.Old) != "" && (e.Verdict != VerdictTooFew || !e.Invalid) {
				t.Errorf("%s: values that are not times got verdict %q", e.Config, e.Verdict)
			}
		}
		for _, e := range b.Regressions(5) {
			if e.Verdict != VerdictSlower || e.Invalid {
				t.Errorf("%s: a regression with verdict %q", e.Config, e.Verdict)
			}
		}
	})
}

// An output directory stands for its history, with or without @RUN_ID.
func TestDirectorySpec(t *testing.T) {
	dir := t.TempDir()
	recordRun(t, dir, 100, fixture.Results()[:2])
	recordRun(t, dir, 200, fixture.Results()[:5])
	for spec, want := range map[string]struct {
		id int64
		n  int
	}{dir: {200, 5}, dir + "@100": {100, 2}} {
		r, err := LoadRecordedRun(spec)
		if err != nil || r.RunID != want.id || len(r.Results) != want.n {
			t.Errorf("LoadRecordedRun(%q) = run %d with %d results, %v; want run %d with %d", spec, r.RunID, len(r.Results), err, want.id, want.n)
		}
	}
	if _, err := LoadRecordedRun(t.TempDir()); err == nil {
		t.Error("a directory without a history was read")
	}
}
