package cluster

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/measure"
	"github.com/hcbench/hcbench/report/merge"
	"github.com/hcbench/hcbench/report/shards"
	"github.com/hcbench/hcbench/report/store"
)

func TestMain(m *testing.M) {
	measure.MainIfWorker()
	os.Exit(m.Run())
}

// quick are the measurement flags that keep a test short: the reference
// grid's configs, measured for a fraction of the default time.
var quick = []string{"--repeats", "1", "--min-time", "1ms"}

// shard runs `hcbench --shard` in process and returns its exit code and
// streams.
func shardT(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runShard(args, "test", &out, &errb, nil)
	return code, out.String(), errb.String()
}

func mergeDir(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := merge.Main(append(args, dir), &out, &errb)
	return code, out.String(), errb.String()
}

// readCSV is the CSV's rows by config, each a map of column to value.
func readCSV(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		key := "D=" + m["D"] + " K=" + m["K"] + " T=" + m["T"]
		if _, dup := out[key]; dup {
			t.Errorf("%s: %s twice", path, key)
		}
		out[key] = m
	}
	return out
}

// The first acceptance test: --shard 0/3, 1/3, 2/3 of the
// reference grid into one DIR, then merge: each of the 12 configs once,
// the quality columns equal to an unsharded run's to 1e-12, one run id.
// With a shard missing the merge is partial, names the missing configs
// and prints the command for the rest; running it and merging again
// completes the run. Shards whose CPU models differ are refused in one
// line.
func TestShardsMergeLikeAnUnshardedRun(t *testing.T) {
	dir := t.TempDir()
	sharded, whole := filepath.Join(dir, "sharded"), filepath.Join(dir, "whole")
	// The unsharded run: one shard of one.
	if code, _, errs := shardT(t, append([]string{"--shard", "0/1", "--run-id", "100", "-o", whole}, quick...)...); code != 0 {
		t.Fatalf("unsharded run: exit %d: %s", code, errs)
	}
	for _, i := range []string{"0", "1"} {
		code, out, errs := shardT(t, append([]string{"--shard", i + "/3", "--run-id", "4242", "-o", sharded}, quick...)...)
		if code != 0 || !strings.Contains(out, "Benchmark complete") {
			t.Fatalf("shard %s/3: exit %d\n%s\n%s", i, code, out, errs)
		}
	}
	// Shard 2/3 is missing: a partial merge.
	code, out, errs := mergeDir(t, sharded)
	if code != 1 {
		t.Fatalf("partial merge: exit %d, want 1\n%s\n%s", code, out, errs)
	}
	p := bench.DefaultPlan()
	p.Repeats, p.Timing.MinTime = 1, 1e6
	var missing []string
	for _, c := range partOf(p, 2) {
		missing = append(missing, c.String())
	}
	wantCmd := "hcbench --headless --shard 2/3 --run-id 4242 -D 3,6 -K 3,5,9 -T 48,96 --repeats 1 --min-time 1ms -o " + sharded
	for _, want := range []string{"Merge partial: ", "Missing " + strconv.Itoa(len(missing)) + " configs (the reports are partial): " + strings.Join(missing, ", "), wantCmd} {
		if !strings.Contains(out, want) {
			t.Errorf("partial merge's summary lacks %q:\n%s", want, out)
		}
	}
	md, err := os.ReadFile(filepath.Join(sharded, store.FileMarkdown))
	if err != nil || !bytes.Contains(md, []byte("**partial: ")) {
		t.Errorf("the partial merge's Markdown is not marked partial (%v)", err)
	}
	if rows := readCSV(t, filepath.Join(sharded, store.FileCSV)); len(rows) != 12-len(missing) {
		t.Errorf("partial CSV has %d rows, want %d", len(rows), 12-len(missing))
	}
	// The printed command, run as printed, then the merge again.
	words := strings.Fields(wantCmd)[1:]
	if code, _, errs := shardT(t, words...); code != 0 {
		t.Fatalf("%s: exit %d: %s", wantCmd, code, errs)
	}
	code, out, errs = mergeDir(t, sharded)
	if code != 0 || !strings.HasPrefix(out, "Benchmark complete. Results saved to:") || !strings.Contains(out, "Node offsets") {
		t.Fatalf("complete merge: exit %d\n%s\n%s", code, out, errs)
	}
	got, want := readCSV(t, filepath.Join(sharded, store.FileCSV)), readCSV(t, filepath.Join(shards.Dir(whole, bench.Shard{Index: 0, Count: 1}), store.FileCSV))
	if len(got) != 12 {
		t.Fatalf("merged CSV has %d configs, want 12", len(got))
	}
	quality := []string{"total_mean", "total_std", "rmse_mean", "rmse_std", "overshoot_mean", "robustness_mean", "mem_peak_bytes_max"}
	for key, w := range want {
		g := got[key]
		if g == nil {
			t.Errorf("%s missing from the merged CSV", key)
			continue
		}
		if g["run_id"] != "4242" {
			t.Errorf("%s: run_id %s, want 4242", key, g["run_id"])
		}
		for _, col := range quality {
			a, _ := strconv.ParseFloat(g[col], 64)
			b, _ := strconv.ParseFloat(w[col], 64)
			if math.Abs(a-b) > 1e-12*math.Max(1, math.Abs(b)) {
				t.Errorf("%s %s: merged %s, unsharded %s", key, col, g[col], w[col])
			}
		}
	}
	recs, _, err := store.ReadJSONLRepair(filepath.Join(sharded, store.FileJSONL))
	if err != nil {
		t.Fatal(err)
	}
	runs := store.Runs(recs)
	if len(runs) != 1 || len(runs[4242]) != 12 {
		t.Errorf("the merged JSONL holds runs %v, want run 4242 with 12 configs", slices.Collect(mapsKeys(runs)))
	}
	// Merging again appends nothing.
	before, _ := os.ReadFile(filepath.Join(sharded, store.FileJSONL))
	mergeDir(t, sharded)
	if after, _ := os.ReadFile(filepath.Join(sharded, store.FileJSONL)); !bytes.Equal(before, after) {
		t.Error("a second merge changed the JSONL")
	}
	// Another CPU model in shard 1's records: refused, in one line naming both.
	path := filepath.Join(shards.Dir(sharded, bench.Shard{Index: 1, Count: 3}), store.FileJSONL)
	b, _ := os.ReadFile(path)
	edited := bytes.ReplaceAll(b, []byte(`"num_cpu":`), []byte(`"cpu":"Imaginary CPU 9000","num_cpu":`))
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = mergeDir(t, sharded)
	if code != 2 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "shard 0/3 and shard 1/3 disagree on hardware") ||
		!strings.Contains(errs, "Imaginary CPU 9000") || !strings.Contains(errs, "--allow-mixed-hardware") {
		t.Errorf("mixed CPUs: exit %d, stderr %q; want 2 and one line naming the shards", code, errs)
	}
	if code, _, errs = mergeDir(t, sharded, "--allow-mixed-hardware"); code != 0 {
		t.Errorf("--allow-mixed-hardware: exit %d: %s", code, errs)
	}
}

// A shard run again (a requeued task) continues its own run: it measures
// nothing twice and appends no duplicate.
func TestShardRerunAppendsNoDuplicate(t *testing.T) {
	dir := t.TempDir()
	args := append([]string{"--shard", "1/4", "--run-id", "7", "-o", dir, "-D", "3", "-K", "3,5", "-T", "8,16"}, quick...)
	if code, _, errs := shardT(t, args...); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	path := filepath.Join(shards.Dir(dir, bench.Shard{Index: 1, Count: 4}), store.FileJSONL)
	before, _ := os.ReadFile(path)
	code, _, errs := shardT(t, args...)
	if code != 0 {
		t.Fatalf("again: exit %d: %s", code, errs)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Errorf("the second run of the shard changed its JSONL:\n%s\n---\n%s", before, after)
	}
	if !strings.Contains(errs, "nothing left to measure") {
		t.Errorf("the second run does not say it continues the complete run: %s", errs)
	}
}

func TestShardRefusals(t *testing.T) {
	t.Setenv(EnvSlurmJob, "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--shard", "3/3", "--run-id", "1", "-o", "x"}, `--shard "3/3": I must be an integer in 0..2`},
		{[]string{"--shard", "0/3", "-o", "x"}, "--run-id ID"},
		{[]string{"--shard", "0/3", "--run-id", "0", "-o", "x"}, `--run-id "0": want a positive integer`},
		{[]string{"--shard", "0/3", "--run-id", "5"}, "needs -o DIR"},
		{[]string{"--shard", "0/3", "--run-id", "5", "-o", "x", "-K", "1"}, "--branches"},
	} {
		code, _, errs := shardT(t, tc.args...)
		if code != 2 || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, %q; want 2 and one line with %q", tc.args, code, errs, tc.want)
		}
	}
}

func TestIsShard(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"--shard", "0/3"}, true},
		{[]string{"--headless", "--shard=1/2"}, true},
		{[]string{"--headless"}, false},
		{[]string{"--", "--shard"}, false},
		{[]string{"--sharded"}, false},
	} {
		if got := IsShard(tc.args); got != tc.want {
			t.Errorf("IsShard(%v) = %v", tc.args, got)
		}
	}
}
