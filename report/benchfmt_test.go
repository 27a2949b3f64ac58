package report

import (
	"bytes"
	"encoding/csv"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fsys"
	"github.com/hcbench/hcbench/report/store"
)

// benchstat runs the real benchstat (the go.mod tool) on files.
func benchstat(t *testing.T, args ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs benchstat")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to run benchstat with")
	}
	cmd := exec.Command(goBin, append([]string{"tool", "benchstat"}, args...)...)
	cmd.Dir = ".." // the module root, where go.mod names the tool
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("benchstat %v: %v\n%s", args, err, errb.String())
	}
	return out.String()
}

func writeBenchFile(t *testing.T, dir string, results []bench.Result, m store.Machine) string {
	t.Helper()
	path := filepath.Join(dir, store.FileBench)
	if err := writeBench(fsys.OS{}, path, Report{RunID: fixtureRunID, Results: results, Machine: &m}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBenchFormat(t *testing.T) {
	var b bytes.Buffer
	m := fixedMachine("v0.0.0-test")
	if err := encodeBench(&b, Report{RunID: fixtureRunID, Results: fixtureResults()[:1], Machine: &m}); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"goos: linux\ngoarch: amd64\ncpu: Test CPU @ 3.00GHz\npkg: github.com/hcbench/hcbench/engine\nengine: go\npolicy: mean\ndepths: [1, 2, 3]\n",
		"\nhcbench run 1700000000, hcbench v0.0.0-test, host , load 0.00 at start, 3 repeats\n",
		"BenchmarkEpoch/D=3/K=3/T=48 \t1\t43930.9 ns/op\t6144 peak-bytes\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("bench.txt lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "BenchmarkEpoch/"); n != 6 {
		t.Errorf("%d benchmark lines, want one per measurement (6)", n)
	}
}

// TestBenchstatReadsBenchFile: benchstat reads the file, its centre per
// config is within 5% of time_epoch_median, and two identical runs are
// "~" for every config.
func TestBenchstatReadsBenchFile(t *testing.T) {
	results := fixtureResults()
	m := fixedMachine("v0.0.0-test")
	a := writeBenchFile(t, t.TempDir(), results, m)
	m.LoadAvg, m.Host, m.Revision = 3.5, "other", "abc" // what differs between runs must not split them
	b := writeBenchFile(t, t.TempDir(), results, m)

	rows, err := csv.NewReader(strings.NewReader(tableAfter(benchstat(t, "-format", "csv", a), ",sec/op"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, r := range results {
		name := "Epoch/D=" + strconv.Itoa(r.D) + "/K=" + strconv.Itoa(r.K) + "/T=" + strconv.Itoa(r.T)
		for _, row := range rows {
			if len(row) < 2 || row[0] != name {
				continue
			}
			centre, err := strconv.ParseFloat(row[1], 64)
			if err != nil {
				t.Fatalf("%s: centre %q", name, row[1])
			}
			if math.Abs(centre/r.TimeEpochMedian-1) > 0.05 {
				t.Errorf("%s: benchstat centre %g, time_epoch_median %g", name, centre, r.TimeEpochMedian)
			}
			seen++
		}
	}
	if seen != len(results) {
		t.Fatalf("benchstat showed %d of %d configs:\n%v", seen, len(results), rows)
	}

	cmp := tableAfter(benchstat(t, a, b), "sec/op")
	if n := strings.Count(cmp, "~ (p=1.000 n=6)"); n != len(results) {
		t.Errorf("identical runs: %d of %d configs '~':\n%s", n, len(results), cmp)
	}
	if strings.Contains(cmp, "load") || strings.Contains(cmp, "host") {
		t.Errorf("per-run details reached benchstat's configuration:\n%s", cmp)
	}
}

// tableAfter is the CSV table of benchstat's output that starts at the
// line holding marker (benchstat prints configuration lines first).
func tableAfter(out, marker string) string {
	i := strings.Index(out, marker)
	if i < 0 {
		return ""
	}
	rest := out[i:]
	if j := strings.Index(rest, "\n\n"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
