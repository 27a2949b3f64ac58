package store

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fsys"
)

// jsonlLines are three records of run 7, encoded as the Recorder writes them.
func jsonlLines(t testing.TB) [][]byte {
	var out [][]byte
	for _, r := range fixtureResults()[:3] {
		line, err := encodeRecord(Record{RunID: 7, Result: r, Machine: fixedMachine("v1")})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, line)
	}
	return out
}

func writeTemp(t *testing.T, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), FileJSONL)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadJSONL(t *testing.T) {
	l := jsonlLines(t)
	for _, tc := range []struct {
		name      string
		content   []byte
		n         int    // records read by ReadJSONL (when no error)
		err       string // ReadJSONL's error contains this ("" = none)
		repairN   int
		torn      int
		repairErr string
	}{
		{"clean", bytes.Join(l, nil), 3, "", 3, 0, ""},
		{"blank lines skipped", bytes.Join([][]byte{l[0], []byte("\n  \n"), l[1]}, nil), 2, "", 2, 0, ""},
		{"last line without newline", bytes.Join([][]byte{l[0], bytes.TrimSpace(l[1])}, nil), 2, "", 2, 0, ""},
		{"malformed middle line", bytes.Join([][]byte{l[0], []byte("{not json\n"), l[2]}, nil), 0, ":2: not a JSON object", 0, 0, ":2: not a JSON object"},
		{"middle line not a record", bytes.Join([][]byte{l[0], []byte("{\"a\":1}\n"), l[2]}, nil), 0, `:2: not a benchmark record: no "run_id" field`, 0, 0, ":2:"},
		{"last line of the wrong type", bytes.Join([][]byte{l[0], []byte(`{"run_id":1,"D":3.5,"K":3,"T":48}` + "\n")}, nil), 0, ":2:", 1, 2, ""},
		{"torn last line", bytes.Join([][]byte{l[0], l[1], l[2][:len(l[2])/2]}, nil), 0, ":3: not a JSON object", 2, 3, ""},
		{"torn last line, then blanks", bytes.Join([][]byte{l[0], l[1][:40], []byte("\n\n")}, nil), 0, ":2:", 1, 2, ""},
		{"empty file", nil, 0, "", 0, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, tc.content)
			recs, err := ReadJSONL(path)
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("ReadJSONL: %v", err)
			case tc.err == "" && len(recs) != tc.n:
				t.Errorf("ReadJSONL: %d records, want %d", len(recs), tc.n)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), path+tc.err)):
				t.Errorf("ReadJSONL error = %v, want it to contain %q", err, path+tc.err)
			}
			recs, torn, err := ReadJSONLRepair(path)
			switch {
			case tc.repairErr == "" && err != nil:
				t.Errorf("ReadJSONLRepair: %v", err)
			case tc.repairErr == "" && (len(recs) != tc.repairN || torn != tc.torn):
				t.Errorf("ReadJSONLRepair: %d records, torn line %d; want %d, %d", len(recs), torn, tc.repairN, tc.torn)
			case tc.repairErr != "" && (err == nil || !strings.Contains(err.Error(), path+tc.repairErr)):
				t.Errorf("ReadJSONLRepair error = %v, want it to contain %q", err, path+tc.repairErr)
			}
		})
	}
}

func TestReadJSONLMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.jsonl")
	if _, err := ReadJSONL(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadJSONL(missing) = %v, want fs.ErrNotExist", err)
	}
	if _, _, err := ReadJSONLRepair(path); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadJSONLRepair(missing) = %v, want fs.ErrNotExist naming the path", err)
	}
}

// TestRecordRoundTrip: what the Recorder writes reads back as the same
// results and extras: by default without the rounds themselves (their
// summary stands for them), with --keep-rounds with every one.
func TestRecordRoundTrip(t *testing.T) {
	for _, keep := range []bool{false, true} {
		dir := t.TempDir()
		m := fixtureMeta()
		m.Plan.KeepRounds = keep
		rec, err := newRecorder(m, dir, nil, testEnv(fsys.OS{}))
		if err != nil {
			t.Fatal(err)
		}
		addAll(t, rec, fixtureResults())
		rec.Close()
		recs, err := ReadJSONL(rec.Paths().JSONL)
		if err != nil {
			t.Fatal(err)
		}
		want := fixtureResults()
		for i, r := range recs {
			if r.RunID != fixtureRunID || r.Machine != fixedMachine("v0.0.0-test") || r.Seed != 123 ||
				r.Timing != fixtureMeta().Plan.Timing || !r.Started.Equal(fixedNow()) || r.KeepRounds != keep {
				t.Errorf("keep %v: record %d extras: %+v", keep, i, r)
			}
			if !keep {
				if len(r.Samples) != 0 || !r.RoundSummarized() || r.RoundCount() != len(want[i].Samples) {
					t.Errorf("record %d: %d rounds written, summary of %d; want none and %d", i, len(r.Samples), r.RoundCount(), len(want[i].Samples))
				}
				want[i].Samples = nil
			}
			if !sameResult(r.Result, want[i]) {
				t.Errorf("keep %v: record %d reads back as\n%+v\nwant\n%+v", keep, i, r.Result, want[i])
			}
		}
	}
}

func sameResult(a, b bench.Result) bool {
	ja, err1 := encodeRecord(Record{Result: a})
	jb, err2 := encodeRecord(Record{Result: b})
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// TestNonFiniteWritten: JSON has no NaN; such a result is still appended
// (as null) and the Recorder's memory keeps the NaN.
func TestNonFiniteWritten(t *testing.T) {
	rec := newTestRecorder(t, fsys.OS{}, t.TempDir(), fixtureRunID, nil)
	r := fixtureResults()[0]
	r.TimeEpochCILow, r.TimeEpochCIHigh = math.NaN(), math.Inf(1)
	r.Samples = append([]float64{math.NaN()}, r.Samples...)
	r.RoundsMin[0] = math.NaN()
	if err := rec.Add(r); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(rec.Paths().JSONL)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"time_epoch_ci_low":null,"time_epoch_ci_high":null`)) || !bytes.Contains(b, []byte(`"time_rounds_min":[null,`)) {
		t.Errorf("non-finite values not written as null:\n%s", b)
	}
	recs, err := ReadJSONL(rec.Paths().JSONL)
	if err != nil || len(recs) != 1 || recs[0].TimeEpochMean != r.TimeEpochMean {
		t.Fatalf("read back: %v, %v", recs, err)
	}
	if got := rec.Results()[0]; !math.IsNaN(got.TimeEpochCILow) || !math.IsNaN(got.Samples[0]) || !math.IsNaN(got.RoundsMin[0]) {
		t.Errorf("memory was changed by the encoding: %v, %v, %v", got.TimeEpochCILow, got.Samples[0], got.RoundsMin[0])
	}
	// With --keep-rounds the rounds are written, a NaN as null.
	m := fixtureMeta()
	m.Plan.KeepRounds = true
	keep, err := newRecorder(m, t.TempDir(), nil, testEnv(fsys.OS{}))
	if err != nil {
		t.Fatal(err)
	}
	defer keep.Close()
	if err := keep.Add(r); err != nil {
		t.Fatal(err)
	}
	if b, err = os.ReadFile(keep.Paths().JSONL); err != nil || !bytes.Contains(b, []byte(`"time_samples":[null,`)) {
		t.Errorf("--keep-rounds: non-finite round not written as null (%v):\n%s", err, b)
	}
}

func TestRunsAndLatestRun(t *testing.T) {
	all := fixtureResults()
	mk := func(id int64, r bench.Result) Record { return Record{RunID: id, Result: r} }
	redo := all[0]
	redo.TimeEpochMean = 42
	recs := []Record{mk(5, all[0]), mk(5, all[1]), mk(9, all[2]), mk(5, redo), mk(3, all[3])}
	runs := Runs(recs)
	if len(runs) != 3 || len(runs[5]) != 2 || runs[5][0].TimeEpochMean != 42 || runs[5][1].Config != all[1].Config {
		t.Errorf("Runs = %v", runs)
	}
}

// FuzzReadJSONL: any bytes are read without a panic; the strict and the
// repairing reader agree (repair differs only by a torn last line).
//
// The seeds are kept short (one full record, the rest compact): the fuzzer
// minimises every input that finds new code, and minimising a file of
// several full records takes most of a 20-second run.
func FuzzReadJSONL(f *testing.F) {
	l := jsonlLines(f)
	f.Add(l[0])
	f.Add(bytes.Join([][]byte{l[0][:200], []byte("\n"), l[1][:30]}, nil))
	f.Add([]byte("{\"run_id\":1,\"D\":1,\"K\":2,\"T\":3}\n{\"run_id\":2,\"D\":1,\"K\":2,\"T\":4}\n"))
	f.Add([]byte(`{"run_id":1,"D":3,"K":3,"T":48,"grid":{"dims":[3],"branches":[3,5],"seq_lens":[48]}}` + "\n"))
	f.Add([]byte("{\"run_id\":1,\"D\":1,\"K\":2,\"T\":3}\n{"))
	f.Add([]byte("\n\n{}\n"))
	f.Add([]byte(`{"run_id":1,"D":1,"K":2,"T":3,"time_samples":[1e400]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		strict, _, serr := readJSONL(bytes.NewReader(data), "fuzz", false)
		repaired, torn, rerr := readJSONL(bytes.NewReader(data), "fuzz", true)
		switch {
		case serr == nil && (rerr != nil || torn != 0 || len(repaired) != len(strict)):
			t.Errorf("strict read %d records; repair read %d, torn %d, %v", len(strict), len(repaired), torn, rerr)
		case serr != nil && rerr == nil && torn == 0:
			t.Errorf("strict read failed (%v) but repair found nothing torn", serr)
		case serr != nil && !strings.HasPrefix(serr.Error(), "fuzz:"):
			t.Errorf("error does not name the file and line: %v", serr)
		}
		for _, r := range repaired {
			if r.D < 1 || r.K < 1 || r.T < 1 {
				t.Errorf("accepted a record with config %v", r.Config)
			}
		}
	})
}
