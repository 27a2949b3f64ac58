package report

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/internal/fixture"
)

// Every format carries the same computation: the CSV's and the JSON's
// ratio, interval, level, p and verdict are the entries', the Markdown is
// the report's table, and an unknown format is refused by name.
func TestComparisonFormats(t *testing.T) {
	cur := fixture.Synthetic(3, 1e-4)
	base := fixture.ScaleTimes(fixture.Synthetic(3, 1e-4), 0.5)
	b := compare.CompareBaseline("old.jsonl", base, cur)
	notes := []string{"different machines"}

	var c strings.Builder
	if err := WriteComparisonAs(&c, "csv", "old", "new", b, notes); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(c.String())).ReadAll()
	if err != nil || len(rows) != len(b.Entries)+1 {
		t.Fatalf("CSV: %d rows, %v", len(rows), err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, e := range b.Entries {
		r := rows[i+1]
		for name, want := range map[string]string{"ratio": pyFloat(e.Cmp.Ratio), "ci_low": pyFloat(e.Cmp.CILow),
			"ci_high": pyFloat(e.Cmp.CIHigh), "ci_level": pyFloat(e.Cmp.Level), "p": pyFloat(e.PAdj), "verdict": e.Verdict} {
			if got := r[col[name]]; got != want {
				t.Errorf("CSV row %d %s = %q, want %q", i+1, name, got, want)
			}
		}
	}

	var j strings.Builder
	if err := WriteComparisonAs(&j, "json", "old", "new", b, notes); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Notes   []string
		Counts  struct{ Slower int }
		Configs []struct {
			Ratio, P float64
			Verdict  string
		}
	}
	if err := json.Unmarshal([]byte(j.String()), &got); err != nil {
		t.Fatalf("JSON: %v\n%s", err, j.String())
	}
	if len(got.Configs) != len(b.Entries) || got.Counts.Slower != b.Slower || len(got.Notes) != 1 {
		t.Fatalf("JSON %+v", got)
	}
	for i, e := range b.Entries {
		if g := got.Configs[i]; g.Ratio != e.Cmp.Ratio || g.P != e.PAdj || g.Verdict != e.Verdict {
			t.Errorf("JSON config %d = %+v, entry %v %v %v", i, g, e.Cmp.Ratio, e.PAdj, e.Verdict)
		}
	}

	var m strings.Builder
	if err := WriteComparisonAs(&m, "markdown", "old", "new", b, notes); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.String(), "| Config | Old | New | Ratio [CI] | Level | Holm p | Verdict |") || !strings.Contains(m.String(), "> note: different machines") {
		t.Errorf("Markdown:\n%s", m.String())
	}
	if err := WriteComparisonAs(&m, "yaml", "old", "new", b, nil); err == nil || !strings.Contains(err.Error(), "text, csv, json, markdown") {
		t.Errorf("an unknown format: %v", err)
	}
}
