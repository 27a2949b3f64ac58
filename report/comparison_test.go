package report

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/internal/fixture"
)

// TestComparisonWrittenDown: with a baseline, the CSV gets the comparison
// columns and the Markdown the comparison table, the same numbers as the
// summary.
func TestComparisonWrittenDown(t *testing.T) {
	cur := fixture.Synthetic(3, 1e-4)
	base := scaleTimes(fixture.Synthetic(2, 1e-4), 0.5) // the third config is new
	b := compare.CompareBaseline("old.jsonl", base, cur)
	rep := Report{RunID: 7, Results: cur, Baseline: &b}

	var csvOut strings.Builder
	if err := encodeCSV(&csvOut, rep); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(csvOut.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	const cols = "baseline_ratio,baseline_ci_low,baseline_ci_high,baseline_verdict,baseline_p,baseline_ci_level,baseline_reason"
	n := strings.Count(cols, ",") + 1
	if got := strings.Join(head[len(head)-n:], ","); got != cols {
		t.Fatalf("last columns %s", got)
	}
	e := b.Entries[0]
	r1 := rows[1]
	want := []string{pyFloat(e.Cmp.Ratio), pyFloat(e.Cmp.CILow), pyFloat(e.Cmp.CIHigh), "slower", pyFloat(e.PAdj), pyFloat(e.Cmp.Level), ""}
	if got := r1[len(r1)-n:]; !slices.Equal(got, want) {
		t.Errorf("row 1 comparison cells %q, want %q", got, want)
	}
	if r3 := rows[3]; strings.Join(r3[len(r3)-n:], ",") != ",,,,,," {
		t.Errorf("a config without baseline has comparison cells %v", r3[len(r3)-n:])
	}

	md := markdown(rep)
	for _, want := range []string{"## Compared with old.jsonl", "| Config | Old | New | Ratio [CI] | Level | Holm p | Verdict |",
		"| D=3 K=2 T=48 | 50.0µs | 100µs | 2.00× [", "| slower |", "0 faster, 2 slower, 0 unchanged of 2 matched", "1 not in the baseline"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	// Without a baseline: no comparison columns, no table.
	var plain strings.Builder
	if err := encodeCSV(&plain, Report{RunID: 7, Results: cur}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "baseline_") || strings.Contains(markdown(Report{RunID: 7, Results: cur}), "Compared with") {
		t.Error("comparison written without a baseline")
	}
}
