package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hcbench/hcbench/engine/bench"
)

func TestQuickSummaryLines(t *testing.T) {
	oneD := fixtureResults()[:6] // D=3 only
	for _, tc := range []struct {
		name    string
		results []bench.Result
		want    []string
	}{
		{"nothing finished", nil, []string{
			"- Fastest config : none (no config finished)",
			"- Slowest config : none (no config finished)",
			"- Scaling fit    : none (no config finished)"}},
		{"one config", fixtureResults()[:1], []string{
			"- Fastest config : D=3 K=3 T=48  time/epoch=44.4µs  RMSE=0.1938  Robustness=0.964",
			"- Slowest config : D=3 K=3 T=48  time/epoch=44.4µs  RMSE=0.1938  Robustness=0.964",
			"- Scaling fit    : none (D, K and T each have a single value)"}},
		{"two configs, two varying axes", fixtureResults()[:3][1:], []string{
			"- Fastest config : D=3 K=5 T=48  time/epoch=62.1µs  RMSE=0.1938  Robustness=0.964",
			"- Slowest config : D=3 K=3 T=96  time/epoch=92.4µs  RMSE=0.1915  Robustness=0.965",
			"- Scaling fit    : none (too few points: fitting K, T needs at least 3 points, got 2)"}},
		{"one D", oneD, []string{
			"- Fastest config : D=3 K=3 T=48  time/epoch=44.4µs  RMSE=0.1938  Robustness=0.964",
			"- Slowest config : D=3 K=9 T=96  time/epoch=154µs  RMSE=0.1915  Robustness=0.965",
			"- Scaling fit    : time ∝ K^0.51 T^0.96  (R²=1.00); D left out (one value)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := QuickSummaryLines(tc.results)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestSummaryListsOnlyWrittenFiles: after a failed save the summary does
// not claim files that are not there; paths stay as given.
func TestSummaryListsOnlyWrittenFiles(t *testing.T) {
	t.Chdir(t.TempDir())
	rec := newTestRecorder(t, "out", fixtureRunID, nil)
	addAll(t, rec, fixtureResults()[:2])
	var b bytes.Buffer
	if err := WriteSummary(&b, rec.Paths(), rec.Results(), SummaryOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "Benchmark complete. Results saved to:\n- out/qmlhc_benchmarks.jsonl\n\nQuick Summary:\n"
	if !strings.HasPrefix(b.String(), want) {
		t.Errorf("summary before the reports are written:\n%s\nwant it to start\n%s", b.String(), want)
	}
}

func TestNoiseWarningsCapped(t *testing.T) {
	var rs []bench.Result
	for k := 2; k < 2+maxWarnings; k++ {
		r := bench.Result{Config: bench.Config{D: 3, K: k, T: 48}, TimeEpochMean: 1e-5,
			Measurements: []float64{1e-5, 1.3e-5, 0.8e-5}}
		bench.Headline(&r)
		rs = append(rs, r)
	}
	rs = append(rs, bench.Result{Config: bench.Config{D: 4, K: 2, T: 48}, TimeEpochMean: 1e-5}) // no measurements: no judgement
	got := noiseWarnings(rs)
	if len(got) != maxWarnings {
		t.Fatalf("%d noisy configs give %d lines, want one each:\n%s", maxWarnings, len(got), strings.Join(got, "\n"))
	}
	if !strings.Contains(got[0], "D=3 K=2 T=48 is noisy (95% CI ±") || !strings.Contains(got[0], "over 3 measurements") ||
		strings.Contains(got[0], "--min-time") || !strings.Contains(got[0], "--repeats") {
		t.Errorf("first warning %q should name the config and the interval, and suggest --repeats, not --min-time", got[0])
	}

	// 175 noisy configs of 200 (issue 14 #12): a few lines that fit 80
	// columns, the count per reason, the widest intervals named.
	defer func() {
		for _, l := range got {
			if n := utf8.RuneCountInString(l); n > 80 {
				t.Errorf("%d columns: %q", n, l)
			}
		}
	}()
	rs = nil
	for k := 0; k < 200; k++ {
		spread := 1.0 + 0.001*float64(k) // configs 25.. have wide intervals, the widest last
		if k < 25 {
			spread = 1.0001
		}
		r := bench.Result{Config: bench.Config{D: 3, K: 2 + k, T: 48}, TimeEpochMean: 1e-5,
			Measurements: []float64{1e-5, 1e-5 * spread * spread, 1e-5 / spread}}
		bench.Headline(&r)
		rs = append(rs, r)
	}
	got = noiseWarnings(rs)
	want := []string{
		"- Warning        : 175 of 200 configs are noisy",
		"  175 with a CI over ±5%: rerun on a quieter machine, or add --repeats",
		"  widest: D=3 K=201 T=48, D=3 K=200 T=48, D=3 K=199 T=48 (see the CSV)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("summary of many noisy configs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestNoiseWarning(t *testing.T) {
	quiet := bench.Result{Config: bench.Config{D: 3, K: 3, T: 48}, Measurements: []float64{1e-5, 1.01e-5, 0.99e-5},
		Samples: []float64{1e-5, 1e-5, 1e-5, 1e-5}}
	bench.Headline(&quiet)
	if msg := NoiseWarning(quiet); msg != "" {
		t.Errorf("quiet config warned: %q", msg)
	}
	stalled := quiet
	stalled.Samples = []float64{1e-5, 1e-5, 1e-5, 5e-5} // a quarter stalled
	bench.Headline(&stalled)
	if msg := NoiseWarning(stalled); !strings.Contains(msg, "25% of rounds stalled") || !strings.Contains(msg, "busy") {
		t.Errorf("stalled config: %q", msg)
	}
	one := bench.Result{Config: bench.Config{D: 3, K: 3, T: 48}, Measurements: []float64{1e-5}}
	bench.Headline(&one)
	if msg := NoiseWarning(one); !strings.Contains(msg, "one measurement, so no interval") {
		t.Errorf("one measurement: %q", msg)
	}
}

// TestHeadlineLeads: Fastest/Slowest and the fit go by time_epoch_median,
// not by the mean (which stalls inflate).
func TestHeadlineLeads(t *testing.T) {
	rs := fixtureResults()[:2]
	rs[0].TimeEpochMean = 100 * rs[1].TimeEpochMean // stalls: a huge mean, a fast median
	lines := QuickSummaryLines(rs)
	if !strings.Contains(lines[0], rs[0].Config.String()) || !strings.Contains(lines[0], bench.FormatSeconds(rs[0].TimeEpochMedian)) {
		t.Errorf("fastest line %q should name %v at its median %s", lines[0], rs[0].Config, bench.FormatSeconds(rs[0].TimeEpochMedian))
	}
}

func TestContentionReported(t *testing.T) {
	r := bench.Result{Config: bench.Config{D: 3, K: 5, T: 96},
		Measurements: []float64{18.1, 24.2, 18.5, 24.5, 19.3, 24.6, 18.5, 24.8, 25.6}}
	bench.Headline(&r)
	clean := bench.Result{Config: bench.Config{D: 3, K: 3, T: 48}, Measurements: []float64{7.3, 7.4, 7.5, 7.4, 7.3, 7.4, 7.5, 7.4, 7.3}}
	bench.Headline(&clean)
	if got := measurementCount(r); got != "9 (5 contended)" {
		t.Errorf("measurementCount = %q", got)
	}
	if got := measurementCount(clean); got != "9" {
		t.Errorf("measurementCount(clean) = %q", got)
	}
	want := "5 of 18 measurements >15% slower (contended): left out"
	if got := ContentionLine([]bench.Result{r, clean}); got != want {
		t.Errorf("ContentionLine = %q\nwant %q", got, want)
	}
	if l := len([]rune(summaryLabel("Contention") + "125 of 1080 " + want[len("5 of 18 "):])); l > 80 {
		t.Errorf("the contention line takes %d columns, want ≤ 80", l)
	}
	if got := ContentionLine([]bench.Result{clean}); got != "" {
		t.Errorf("ContentionLine with none = %q", got)
	}
}
