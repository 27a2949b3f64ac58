package cluster

import (
	"path/filepath"
	"strings"
	"testing"
)

// An A/B sweep sharded and merged keeps its comparison: the merged CSV
// has B/A for every config and the summary the A/B line.
func TestShardedABMerges(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ab")
	grid := []string{"-D", "3", "-K", "3,5", "-T", "8", "--vs", "policy=median", "--run-id", "77", "-o", dir}
	for _, i := range []string{"0", "1"} {
		if code, out, errs := shardT(t, append(append([]string{"--shard", i + "/2"}, grid...), quick...)...); code != 0 {
			t.Fatalf("shard %s/2: exit %d\n%s\n%s", i, code, out, errs)
		}
	}
	code, out, errs := mergeDir(t, dir)
	if code != 0 || !strings.Contains(out, "- A/B            : B/A geomean") {
		t.Fatalf("merge: exit %d\n%s\n%s", code, out, errs)
	}
	rows := readCSV(t, filepath.Join(dir, "qmlhc_benchmarks.csv"))
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	for c, r := range rows {
		if r["ab_ratio"] == "" || r["ab_verdict"] == "" || r["b_policy"] != "median" {
			t.Errorf("%s: ab_ratio %q, ab_verdict %q, b_policy %q", c, r["ab_ratio"], r["ab_verdict"], r["b_policy"])
		}
	}
}
