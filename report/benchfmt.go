package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/internal/fsys"
)

// writeBench replaces path (atomically) with the run in Go's benchmark
// format (golang.org/x/perf/benchfmt), so benchstat can read and compare
// runs: configuration lines for the machine and the settings, then one
// line per independent measurement the config's headline is made of
// (those not slowed by contention, compare.Measurements),
//
//	BenchmarkEpoch/D=3/K=3/T=48  1234  6620 ns/op  15352 peak-bytes
//
// where the iteration count is the measurement's epochs per depth and the
// time its median round (what time_measurements holds). benchstat's centre
// is the median of those values: time_epoch_median, the same number. Its
// interval is the order-statistic one (narrower than hcbench's when a few
// measurements were slowed), and its comparison Mann–Whitney's test on
// them, uncorrected for the number of configs.
func writeBench(fs fsys.FS, path string, rep Report) error {
	return fsys.WriteAtomic(fs, path, func(w io.Writer) error { return encodeBench(w, rep) })
}

func encodeBench(w io.Writer, rep Report) error {
	bw := bufio.NewWriter(w)
	kv := func(k, v string) {
		if v != "" {
			fmt.Fprintf(bw, "%s: %s\n", k, oneLine(v))
		}
	}
	// Only what must match for two runs to be compared is a configuration
	// line: benchstat puts files whose configuration differs in separate
	// tables. What differs from run to run (run id, revision, host, load)
	// goes on a line of its own, which benchstat ignores.
	if m := rep.Machine; m != nil {
		kv("goos", m.OS)
		kv("goarch", m.Arch)
		kv("cpu", m.CPU)
	}
	kv("pkg", "github.com/hcbench/hcbench/engine")
	if len(rep.Results) > 0 {
		r := rep.Results[0]
		kv("engine", r.Engine)
		kv("policy", r.Policy)
		if rep.AB != nil {
			kv("vs", rep.Vs.String())
		}
		if sameDepths(rep.Results) {
			kv("depths", bench.FormatDepths(r.Depths))
		}
	}
	about := fmt.Sprintf("hcbench run %d", rep.RunID)
	if m := rep.Machine; m != nil {
		about += fmt.Sprintf(", hcbench %s", m.Version)
		if m.Revision != "" {
			about += " (" + m.Revision + ")"
		}
		about += fmt.Sprintf(", host %s, load %.2f at start", m.Host, m.LoadAvg)
	}
	if len(rep.Results) > 0 {
		about += fmt.Sprintf(", %d repeats", rep.Results[0].Repeats)
	}
	fmt.Fprintf(bw, "\n%s\n\n", oneLine(about))
	for _, r := range rep.Results {
		name := fmt.Sprintf("BenchmarkEpoch/D=%d/K=%d/T=%d", r.D, r.K, r.T)
		if !sameDepths(rep.Results) {
			name += "/depths=" + strings.Trim(strings.ReplaceAll(bench.FormatDepths(r.Depths), " ", ""), "[]")
		}
		if rep.AB == nil {
			benchLines(bw, name, r)
			continue
		}
		// An A/B sweep: a variant key in the name, so that benchstat
		// -col /variant sets B beside A.
		benchLines(bw, name+"/variant=A", r)
		if r.Vs != nil {
			benchLines(bw, name+"/variant=B", *r.Vs)
		}
	}
	return bw.Flush()
}

// benchLines writes one line per independent measurement of r.
func benchLines(bw *bufio.Writer, name string, r bench.Result) {
	ms := compare.Measurements(r)
	n := 1
	if all := max(len(ms), len(r.Measurements)); all > 0 && len(r.Depths) > 0 {
		n = max(1, r.EpochsMeasured/all/len(r.Depths))
	}
	for _, v := range ms {
		fmt.Fprintf(bw, "%s \t%d\t%.1f ns/op\t%d peak-bytes\n", name, n, v*1e9, r.MemPeakBytesMax)
	}
}

func sameDepths(rs []bench.Result) bool {
	for _, r := range rs {
		if !slices.Equal(r.Depths, rs[0].Depths) {
			return false
		}
	}
	return true
}

// oneLine keeps a configuration value on its line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
