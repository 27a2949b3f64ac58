package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/internal/fixture"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/report/store/storetest"
)

// TestReportsFromLeanFileEqualFullRounds: the reports and a comparison
// made from a JSONL that summarised the rounds (the default) are byte for
// byte those made from the run's own results with every round, and from
// a JSONL with every round (--keep-rounds): nothing the statistics use is
// lost with the rounds.
func TestReportsFromLeanFileEqualFullRounds(t *testing.T) {
	var results []bench.Result
	for i, c := range bench.DefaultGrid().Configs() {
		results = append(results, fixture.Realistic(c, 6.5e-6*float64(1+i), 300))
	}
	// A stall-heavy config, so that the noise warning about stalled rounds
	// (a share of the round count) is in the reports.
	results[3].Outliers = results[3].RoundCount() / 4

	record := func(keep bool) []bench.Result {
		p := bench.DefaultPlan()
		p.KeepRounds = keep
		rec, err := store.NewRecorder(store.Meta{RunID: 1796404311, Plan: p, Version: "test"}, t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if err := rec.Add(r); err != nil {
				t.Fatal(err)
			}
		}
		rec.Close()
		recs, err := storetest.ReadJSONL(rec.Paths().JSONL)
		if err != nil {
			t.Fatal(err)
		}
		return store.Runs(recs)[recs[len(recs)-1].RunID]
	}
	lean, kept := record(false), record(true)
	if len(lean[0].Samples) != 0 || len(kept[0].Samples) != 2700 {
		t.Fatalf("lean file has %d rounds, the kept one %d; want 0 and 2700", len(lean[0].Samples), len(kept[0].Samples))
	}

	reports := func(rs []bench.Result) map[string]string {
		dir := t.TempDir()
		p := store.PathsFor(dir)
		b := compare.CompareBaseline("old.jsonl", rs, rs)
		if err := Write(p, Report{RunID: 1796404311, Results: rs, Total: len(rs), Baseline: &b}); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, f := range []string{p.CSV, p.Markdown, p.Bench} {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out[filepath.Base(f)] = string(data)
		}
		var cmp, sum bytes.Buffer
		if err := WriteComparisonAs(&cmp, "json", "old", "new", b, nil); err != nil {
			t.Fatal(err)
		}
		out["comparison.json"] = cmp.String()
		if err := WriteSummary(&sum, p, rs, SummaryOptions{Warnings: true}); err != nil {
			t.Fatal(err)
		}
		out["summary"] = strings.ReplaceAll(sum.String(), dir, "DIR")
		return out
	}
	want := reports(results)
	if !strings.Contains(want["summary"], "of rounds stalled") {
		t.Errorf("the summary does not judge the stalled rounds:\n%s", want["summary"])
	}
	for name, got := range map[string]map[string]string{"lean file": reports(lean), "--keep-rounds file": reports(kept)} {
		for f, w := range want {
			if got[f] != w {
				t.Errorf("%s: %s differs from the run's own\n got: %s\nwant: %s", name, f, got[f], w)
			}
		}
	}
}
