// Command abcheck reads A/B runs (hcbench --vs) back from their JSONL and
// prints what the A/B statistics claim and how well they keep it: per run
// the verdict counts, the median and 90th-percentile half-width of the
// paired ratio's interval (at the 95% level and at the level shown), and
// the share of configs whose interval holds the true ratio — 1 for an A/A
// run, or with -truth the per-config ratio B/A of a long run (the same
// A/B measured with a much longer --min-time), which stands for it.
// Then the totals over all the runs. It also prints each run's duration.
//
//	go run ./scripts/abcheck DIR_OR_JSONL...                 # A/A: truth 1
//	go run ./scripts/abcheck -truth LONG_DIR DIR_OR_JSONL...  # sensitivity
//
// Every run of every file is read (a results directory stands for its
// JSONL). scripts/ab-check.sh makes the runs.
package main

import (
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"slices"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/stats"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/store"
)

func main() {
	truthPath := flag.String("truth", "", "a long A/B run whose per-config B/A is the true ratio (default: 1, an A/A check)")
	flag.Parse()
	truth := map[bench.Config]float64{}
	if *truthPath != "" {
		runs := readRuns(*truthPath)
		last := runs[len(runs)-1]
		a := compare.CompareAB(last.results, last.margin)
		for _, e := range a.Entries {
			truth[e.Config] = e.Cmp.Ratio
		}
		fmt.Printf("truth: %s run %d, B/A geomean %.4f over %d configs\n", *truthPath, last.id, a.GeoMeanRatio, len(a.Entries))
	}
	var all tally
	for _, path := range flag.Args() {
		for _, r := range readRuns(path) {
			a := compare.CompareAB(r.results, r.margin)
			var t tally
			for _, e := range a.Entries {
				want := 1.0
				if len(truth) > 0 {
					v, ok := truth[e.Config]
					if !ok {
						continue
					}
					want = v
				}
				t.add(e, want)
			}
			fmt.Printf("%s@%d (%s measuring, pairs: %s): %s\n", path, r.id, r.took.Round(100*time.Millisecond), r.pairing, t)
			all.merge(t)
		}
	}
	fmt.Printf("all: %s\n", all)
}

type run struct {
	id      int64
	results []bench.Result
	margin  float64
	took    time.Duration
	pairing string
}

// readRuns reads every run of a JSONL (or a results directory's).
func readRuns(path string) []run {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = store.PathsFor(path).JSONL
	}
	lines, _, err := store.ReadJSONLLines(path)
	if err != nil {
		log.Fatalf("%s: %v", path, err)
	}
	var out []run
	byID := map[int64]int{}
	for _, l := range lines {
		i, ok := byID[l.RunID]
		if !ok {
			i = len(out)
			byID[l.RunID] = i
			out = append(out, run{id: l.RunID, margin: l.SameWithin, pairing: l.ABPairing})
		}
		out[i].results = append(out[i].results, l.Result)
		out[i].took += time.Duration(l.TimeElapsed * float64(time.Second))
	}
	if len(out) == 0 {
		log.Fatalf("%s holds no runs", path)
	}
	return out
}

// tally counts one or more runs' configs.
type tally struct {
	n, faster, slower, same, unchanged, few, covered int
	half95, halfShown                                []float64
}

func (t *tally) add(e compare.ABEntry, want float64) {
	t.n++
	switch e.Verdict {
	case compare.VerdictFaster:
		t.faster++
	case compare.VerdictSlower:
		t.slower++
	case compare.VerdictSame:
		t.same++
	case compare.VerdictUnchanged:
		t.unchanged++
	default:
		t.few++
	}
	logs, _ := compare.PairLogs(e.A)
	c95 := stats.PairedRatio(logs, 0.95)
	if !math.IsNaN(c95.CILow) {
		t.half95 = append(t.half95, (c95.CIHigh/c95.CILow-1)/2)
		if c95.CILow <= want && want <= c95.CIHigh {
			t.covered++
		}
	}
	if !math.IsNaN(e.Cmp.CILow) {
		t.halfShown = append(t.halfShown, (e.Cmp.CIHigh/e.Cmp.CILow-1)/2)
	}
}

func (t *tally) merge(o tally) {
	t.n += o.n
	t.faster += o.faster
	t.slower += o.slower
	t.same += o.same
	t.unchanged += o.unchanged
	t.few += o.few
	t.covered += o.covered
	t.half95 = append(t.half95, o.half95...)
	t.halfShown = append(t.halfShown, o.halfShown...)
}

func (t tally) String() string {
	if t.n == 0 {
		return "no configs"
	}
	return fmt.Sprintf("%d configs: %d faster, %d slower, %d same, %d ~, %d ?; 95%% CI holds the truth in %d (%.0f%%); half-width median %.2f%% p90 %.2f%% (95%%), median %.2f%% (shown)",
		t.n, t.faster, t.slower, t.same, t.unchanged, t.few, t.covered, 100*float64(t.covered)/float64(t.n),
		100*pct(t.half95, 0.5), 100*pct(t.half95, 0.9), 100*pct(t.halfShown, 0.5))
}

func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[int(math.Round(p*float64(len(s)-1)))]
}
