package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// An A/B sweep through the front door: both variants measured, the A/B
// line in the summary, the ab_ columns in the CSV, the variant in the
// JSONL, and --fail-on-regression gating on B against A — which a much
// slower policy fails and the same policy (A/A) passes.
func TestABHeadless(t *testing.T) {
	for _, tc := range []struct {
		vs, verdict string
		code        int
	}{
		{"policy=median", "slower", exitRegression},
		{"policy=mean", "", exitOK},
	} {
		t.Run(tc.vs, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "res")
			code, stdout, stderr := runCLI(t, "--headless", "-o", dir, "-D", "3", "-K", "3,5", "-T", "8", "--repeats", "1",
				"--min-time", "2ms", "--vs", tc.vs, "--fail-on-regression", "5")
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, "- A/B            : B/A geomean") || !strings.Contains(stdout, "B is --vs "+tc.vs) {
				t.Errorf("no A/B line in the summary:\n%s", stdout)
			}
			if tc.code == exitRegression && !strings.Contains(stderr, "variant B is slower than A by more than 5%") {
				t.Errorf("the gate does not say why:\n%s", stderr)
			}
			f, err := os.Open(filepath.Join(dir, "qmlhc_benchmarks.csv"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := csv.NewReader(f).ReadAll()
			if err != nil || len(rows) != 3 {
				t.Fatalf("CSV: %d rows, %v", len(rows), err)
			}
			col := func(name string) int {
				i := slices.Index(rows[0], name)
				if i < 0 {
					t.Fatalf("CSV has no column %s: %v", name, rows[0])
				}
				return i
			}
			for _, row := range rows[1:] {
				if tc.verdict != "" && row[col("ab_verdict")] != tc.verdict {
					t.Errorf("config K=%s: ab_verdict %q, want %q (ratio %s)", row[col("K")], row[col("ab_verdict")], tc.verdict, row[col("ab_ratio")])
				}
				for _, c := range []string{"ab_ratio", "ab_ci_low", "ab_ci_high", "ab_p", "b_time_epoch_median"} {
					if row[col(c)] == "" {
						t.Errorf("config K=%s: %s is empty", row[col("K")], c)
					}
				}
				if row[col("b_policy")] != strings.TrimPrefix(tc.vs, "policy=") || row[col("policy")] != "mean" {
					t.Errorf("policies A %s, B %s", row[col("policy")], row[col("b_policy")])
				}
			}
			jsonl, err := os.ReadFile(filepath.Join(dir, "qmlhc_benchmarks.jsonl"))
			if err != nil || !strings.Contains(string(jsonl), `"ab_vs":{"policy":"`) || !strings.Contains(string(jsonl), `"ab_log_ratios":[`) {
				t.Errorf("the JSONL does not record the variant: %v", err)
			}
			bench, err := os.ReadFile(filepath.Join(dir, "qmlhc_benchmarks.bench.txt"))
			if err != nil || !strings.Contains(string(bench), "/variant=B \t") || !strings.Contains(string(bench), "/variant=A \t") {
				t.Errorf("bench.txt has no variant key: %v", err)
			}
		})
	}
}

// Bad --vs values are refused before anything runs, naming the flag.
func TestABRefusals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--vs", "speed=fast"}, `--vs "speed=fast": unknown key "speed"`},
		{[]string{"--same-within", "3"}, "give --vs too"},
		{[]string{"--vs", "binary=/nonexistent/hcbench"}, "binary=/nonexistent/hcbench: no such file"},
		{[]string{"--vs", "qmlhc=/tmp"}, "engine=python"},
		{[]string{"--fail-on-regression", "5"}, "--baseline FILE.jsonl or --vs"},
	} {
		dir := filepath.Join(t.TempDir(), "res")
		code, _, stderr := runCLI(t, append([]string{"--headless", "-o", dir, "-D", "3", "-K", "3", "-T", "8"}, tc.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%q: exit %d, stderr %q; want one line with %q", tc.args, code, stderr, tc.want)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%q: the output directory was created", tc.args)
		}
	}
}

// An interrupted A/B run continues as A/B: --resume alone (its own
// settings from the history) measures the configs left, both variants,
// under the same run id and the same variant.
func TestABResume(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "res")
	args := append([]string{"--headless", "-o", dir, "-D", "3", "-K", "3", "-T", "8,16,24", "--vs", "policy=median"}, quick...)
	if code, _, stderr := runCLI(t, args...); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	jsonl := filepath.Join(dir, "qmlhc_benchmarks.jsonl")
	b, err := os.ReadFile(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d records, want 3", len(lines))
	}
	// As a run stopped after its first config leaves it.
	if err := os.WriteFile(jsonl, []byte(lines[0]), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "--resume", "-o", dir)
	if code != exitOK {
		t.Fatalf("--resume: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "B is --vs policy=median") {
		t.Errorf("the resumed run's summary has no A/B line:\n%s", stdout)
	}
	recs := readJSONLLines(t, jsonl)
	checkOnce(t, "JSONL", recs)
	if len(recs) != 3 {
		t.Fatalf("%d records after --resume, want 3", len(recs))
	}
	b, err = os.ReadFile(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r struct {
			T      int               `json:"T"`
			VsSpec map[string]string `json:"ab_vs"`
			B      *struct{ T int }  `json:"vs"`
			Logs   []float64         `json:"ab_log_ratios"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if recs[i].RunID != recs[0].RunID || r.VsSpec["policy"] != "median" || r.B == nil || len(r.Logs) == 0 {
			t.Errorf("T=%d: run %d, ab_vs %v, B %v, %d pairs; want run %d, B policy=median, paired",
				r.T, recs[i].RunID, r.VsSpec, r.B != nil, len(r.Logs), recs[0].RunID)
		}
	}
}
