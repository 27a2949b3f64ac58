package sweep

import (
	"context"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
)

// fast measures each depth for one epoch after warm-up: enough for the
// quality columns, which do not depend on timing.
var fast = bench.Timing{MinTime: 0, MinEpochs: 1}

// collect drains a runner's events and returns them with the final error.
func collect(t *testing.T, r *Runner) []Event {
	t.Helper()
	return live(t, r, func(Event) {})
}

func finished(evs []Event) []bench.Result {
	var out []bench.Result
	for _, ev := range evs {
		if ev.Kind == ConfigFinished {
			out = append(out, *ev.Result)
		}
	}
	return out
}

type refRow struct {
	cfg    bench.Config
	depths []int
	vals   map[string]float64
}

func readRefCSV(t *testing.T, path string) []refRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comment = '#'
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	var rows []refRow
	for _, rec := range recs[1:] {
		row := refRow{vals: map[string]float64{}}
		for i, h := range head {
			if h == "depths" {
				for _, s := range strings.Split(strings.Trim(rec[i], "[]"), ",") {
					d, err := strconv.Atoi(strings.TrimSpace(s))
					if err != nil {
						t.Fatal(err)
					}
					row.depths = append(row.depths, d)
				}
				continue
			}
			v, err := strconv.ParseFloat(rec[i], 64)
			if err != nil {
				t.Fatalf("%s: %s=%q: %v", path, h, rec[i], err)
			}
			row.vals[h] = v
		}
		row.cfg = bench.Config{D: int(row.vals["D"]), K: int(row.vals["K"]), T: int(row.vals["T"])}
		rows = append(rows, row)
	}
	return rows
}

var qualityCols = []string{"total_mean", "total_std", "rmse_mean", "rmse_std", "overshoot_mean", "robustness_mean"}

func quality(r bench.Result) map[string]float64 {
	return map[string]float64{"total_mean": r.TotalMean, "total_std": r.TotalStd, "rmse_mean": r.RMSEMean,
		"rmse_std": r.RMSEStd, "overshoot_mean": r.OvershootMean, "robustness_mean": r.RobustnessMean}
}

// close1e9 compares within 1e-9 relative (absolute for a zero reference).
func close1e9(got, want float64) bool {
	if want == 0 {
		return math.Abs(got) <= 1e-12
	}
	return math.Abs(got-want) <= 1e-9*math.Abs(want)
}

// TestSeedGrid reproduces the reference's own sweep: all 12 configs of its
// grid, in its order, quality columns within 1e-9 relative.
func TestSeedGrid(t *testing.T) {
	ref := readRefCSV(t, "../../testdata/qmlhc_seed_grid.csv")
	p := bench.DefaultPlan()
	p.Timing = fast
	r, err := Start(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(finished(collect(t, r))); n != len(ref) {
		t.Fatalf("%d configs finished, want %d", n, len(ref))
	}
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	// Configs in flight finish in the order their last measurements come;
	// Results is in sweep order.
	got := r.Results()
	if len(got) != len(ref) {
		t.Fatalf("%d results, want %d", len(got), len(ref))
	}
	worst := 0.0
	for i, row := range ref {
		if got[i].Config != row.cfg {
			t.Fatalf("result %d is %v, want %v (sweep order D, K, T)", i, got[i].Config, row.cfg)
		}
		q := quality(got[i])
		for _, col := range qualityCols {
			if !close1e9(q[col], row.vals[col]) {
				t.Errorf("%v %s = %.17g, want %.17g", row.cfg, col, q[col], row.vals[col])
			}
			if row.vals[col] != 0 {
				worst = math.Max(worst, math.Abs(q[col]-row.vals[col])/math.Abs(row.vals[col]))
			}
		}
	}
	t.Logf("largest relative difference from the reference: %.3g", worst)
}

// TestUnseenGrid checks configs, depth schedules and seeds that appear
// nowhere in the seed grid (produced by running the Python reference; see
// the file's first line), including T=1, K=2 and a depth of 4.
func TestUnseenGrid(t *testing.T) {
	ref := readRefCSV(t, "../../testdata/qmlhc_unseen_grid.csv")
	for _, row := range ref {
		p := bench.Plan{Grid: bench.Grid{Dims: []int{row.cfg.D}, Branches: []int{row.cfg.K}, SeqLens: []int{row.cfg.T}},
			Depths: row.depths, Repeats: 2, Seed: uint64(row.vals["seed"]), Policy: bench.PolicyMean, Timing: fast}
		r, err := Start(context.Background(), p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := finished(collect(t, r))
		if len(got) != 1 {
			t.Fatalf("%v: %d results", row.cfg, len(got))
		}
		q := quality(got[0])
		for _, col := range qualityCols {
			if !close1e9(q[col], row.vals[col]) {
				t.Errorf("%v depths %v %s = %.17g, want %.17g", row.cfg, row.depths, col, q[col], row.vals[col])
			}
		}
	}
}

func TestEventsInOrder(t *testing.T) {
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{2, 3}, Branches: []int{2}, SeqLens: []int{5, 7}}
	p.Timing = bench.Timing{MinTime: time.Millisecond, MinEpochs: 5}
	r, err := Start(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	evs := collect(t, r)
	if evs[0].Kind != SweepStarted || evs[0].Total != 4 {
		t.Fatalf("first event %v total %d, want SweepStarted total 4", evs[0].Kind, evs[0].Total)
	}
	if last := evs[len(evs)-1]; last.Kind != SweepFinished || last.Done != 4 {
		t.Fatalf("last event %v done %d, want SweepFinished done 4", last.Kind, last.Done)
	}
	// Configs in flight have their measurements interleaved: a config
	// starts once, reports progress only between its start and its
	// finish, and finishes once.
	started := map[bench.Config]bool{}
	finishedCfg := map[bench.Config]bool{}
	done := 0
	for _, ev := range evs[1 : len(evs)-1] {
		switch ev.Kind {
		case ConfigStarted:
			if started[ev.Config] {
				t.Fatalf("%v started twice", ev.Config)
			}
			started[ev.Config] = true
		case Progress:
			if !started[ev.Config] || finishedCfg[ev.Config] || ev.Fraction < 0 || ev.Fraction > 1 {
				t.Fatalf("bad progress %+v", ev)
			}
		case ConfigFinished:
			done++
			if !started[ev.Config] || finishedCfg[ev.Config] || ev.Done != done || ev.Result == nil {
				t.Fatalf("bad finish %+v", ev)
			}
			finishedCfg[ev.Config] = true
			res := ev.Result
			if res.EpochsMeasured < 5*len(p.Depths)*p.Repeats {
				t.Errorf("%v: %d epochs measured, want ≥ 5 per depth and repeat", res.Config, res.EpochsMeasured)
			}
			if !(res.TimeEpochCILow <= res.TimeEpochMedian && res.TimeEpochMedian <= res.TimeEpochCIHigh) {
				t.Errorf("%v: median %g outside its CI [%g, %g]", res.Config, res.TimeEpochMedian, res.TimeEpochCILow, res.TimeEpochCIHigh)
			}
			if res.TimeEpochMean <= 0 || res.TimeForwardMean*float64(res.T) > res.TimeEpochMean*1.0000001 {
				t.Errorf("%v: time_epoch_mean %g, time_forward_mean %g", res.Config, res.TimeEpochMean, res.TimeForwardMean)
			}
		default:
			t.Fatalf("unexpected %v mid-sweep", ev.Kind)
		}
	}
}

// TestCancelStopsWithinAnEpoch cancels a sweep of slow configs and expects
// it to stop promptly, keeping what finished and nothing of the configs in
// flight.
func TestCancelStopsWithinAnEpoch(t *testing.T) {
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{4}, Branches: []int{3}, SeqLens: []int{10, 20000, 30000}}
	p.Timing = bench.Timing{MinTime: 0, MinEpochs: 1000} // many seconds per config
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, err := Start(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var evs []Event
	var cancelledAt time.Time
	reported := map[bench.Config]bool{}
	for ev := range r.Events() {
		evs = append(evs, ev)
		if ev.Kind == ConfigFinished {
			reported[ev.Config] = true
		}
		if ev.Kind == ConfigStarted && ev.Config.T >= 20000 && cancelledAt.IsZero() {
			time.Sleep(20 * time.Millisecond)
			cancelledAt = time.Now()
			cancel()
		}
	}
	stopped := time.Since(cancelledAt)
	if err := r.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	if last := evs[len(evs)-1]; last.Kind != SweepCancelled {
		t.Fatalf("last event %v, want SweepCancelled", last.Kind)
	}
	// One epoch of T=30000 takes a few ms; allow generous slack for a loaded machine.
	if stopped > 500*time.Millisecond {
		t.Errorf("stopped %v after cancel", stopped)
	}
	// The slow configs were in flight: dropped, as is T=10 unless it
	// finished first.
	res := r.Results()
	if len(res) != len(reported) {
		t.Errorf("%d results after cancel, %d reported", len(res), len(reported))
	}
	for _, x := range res {
		if x.T != 10 || !reported[x.Config] || len(x.Measurements) != 9 {
			t.Errorf("result after cancel: %v with %d measurements", x.Config, len(x.Measurements))
		}
	}
}

// TestLiveGridEdit adds T=144 to the reference grid mid-run: 18 results, the
// first 12 measured once each.
func TestLiveGridEdit(t *testing.T) {
	p := bench.DefaultPlan()
	p.Timing = fast
	r, err := Start(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	started := map[bench.Config]int{}
	edited := false
	for ev := range r.Events() {
		if ev.Kind == ConfigStarted {
			started[ev.Config]++
		}
		if ev.Kind == ConfigFinished && !edited {
			edited = true
			g := p.Grid
			g.SeqLens = []int{48, 96, 144}
			if err := r.SetGrid(g); err != nil {
				t.Fatal(err)
			}
		}
	}
	res := r.Results()
	if len(res) != 18 {
		t.Fatalf("%d results, want 18", len(res))
	}
	for c, n := range started {
		if n != 1 {
			t.Errorf("%v measured %d times", c, n)
		}
	}
	if len(started) != 18 {
		t.Errorf("%d configs measured, want 18", len(started))
	}
	// Sweep order follows the edited grid.
	if res[2].Config != (bench.Config{D: 3, K: 3, T: 144}) {
		t.Errorf("result 2 is %v, want D=3 K=3 T=144", res[2].Config)
	}
	if err := r.SetGrid(p.Grid); !errors.Is(err, ErrSweepOver) {
		t.Errorf("SetGrid after the end = %v, want ErrSweepOver", err)
	}
}

// TestPriorResultsReused restarts with earlier results: only new configs run.
func TestPriorResultsReused(t *testing.T) {
	p := bench.DefaultPlan()
	p.Timing = fast
	p.Grid.SeqLens = []int{48}
	r, _ := Start(context.Background(), p, Options{})
	collect(t, r)
	prior := r.Results()
	p.Grid.SeqLens = []int{48, 96}
	// A dropped config: removing D=6 from the grid means it is not run.
	p.Grid.Dims = []int{3}
	r2, err := Start(context.Background(), p, Options{Prior: prior})
	if err != nil {
		t.Fatal(err)
	}
	reused, measured := 0, 0
	for _, ev := range collect(t, r2) {
		switch {
		case ev.Kind == ConfigFinished && ev.Reused:
			reused++
		case ev.Kind == ConfigStarted:
			measured++
			if ev.Config.T != 96 {
				t.Errorf("%v measured again", ev.Config)
			}
		}
	}
	if reused != 3 || measured != 3 {
		t.Errorf("reused %d, measured %d; want 3 and 3", reused, measured)
	}
	if n := len(r2.Results()); n != 9 {
		t.Errorf("%d results kept, want 9 (6 in the grid, 3 prior outside it)", n)
	}
}

func TestPauseResume(t *testing.T) {
	p := bench.DefaultPlan()
	p.Timing = bench.Timing{MinTime: 2 * time.Millisecond, MinEpochs: 5}
	r, _ := Start(context.Background(), p, Options{})
	r.Pause()
	time.Sleep(50 * time.Millisecond)
	d1, _ := r.Progress()
	time.Sleep(100 * time.Millisecond)
	d2, _ := r.Progress()
	if d2 != d1 || !r.IsPaused() {
		t.Errorf("progress moved while paused: %d → %d", d1, d2)
	}
	r.Resume()
	evs := collect(t, r)
	if evs[len(evs)-1].Kind != SweepFinished {
		t.Fatalf("sweep ended with %v", evs[len(evs)-1].Kind)
	}
	var sawPaused, sawResumed bool
	for _, ev := range evs {
		sawPaused = sawPaused || ev.Kind == Paused
		sawResumed = sawResumed || ev.Kind == Resumed
	}
	if !sawPaused || !sawResumed {
		t.Error("Paused/Resumed events missing")
	}
}

// TestProgressCoalesced: however fast the epochs, at most ~30 progress
// events a second reach the consumer.
func TestProgressCoalesced(t *testing.T) {
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{1}, Branches: []int{2}, SeqLens: []int{1}}
	p.Timing = bench.Timing{MinTime: 100 * time.Millisecond, MinEpochs: 5}
	p.Repeats = 3
	start := time.Now()
	r, _ := Start(context.Background(), p, Options{})
	n := 0
	for _, ev := range collect(t, r) {
		if ev.Kind == Progress {
			n++
		}
	}
	secs := time.Since(start).Seconds()
	if limit := 30*secs + 3; float64(n) > limit {
		t.Errorf("%d progress events in %.2fs, want ≤ %.0f", n, secs, limit)
	}
	if n == 0 {
		t.Error("no progress events")
	}
}

func TestPlanValidate(t *testing.T) {
	ok := bench.DefaultPlan()
	tests := []struct {
		name string
		edit func(*bench.Plan)
		want string
	}{
		{"K=1", func(p *bench.Plan) { p.Grid.Branches = []int{1, 3} }, "K=1"},
		{"D=0", func(p *bench.Plan) { p.Grid.Dims = []int{0} }, "D=0"},
		{"T negative", func(p *bench.Plan) { p.Grid.SeqLens = []int{-4} }, "T=-4"},
		{"no T", func(p *bench.Plan) { p.Grid.SeqLens = nil }, "T: no values"},
		{"depth 0", func(p *bench.Plan) { p.Depths = []int{0} }, "depth=0"},
		{"repeats 0", func(p *bench.Plan) { p.Repeats = 0 }, "repeats=0"},
		{"policy", func(p *bench.Plan) { p.Policy = "max" }, `policy "max"`},
		{"min-time", func(p *bench.Plan) { p.Timing.MinTime = -1 }, "min-time"},
		{"huge grid", func(p *bench.Plan) {
			p.Grid = bench.Grid{Dims: seq(1, 102), Branches: seq(2, 102), SeqLens: seq(1, 101)}
		}, "at most 1000000"},
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("default plan: %v", err)
	}
	for _, tc := range tests {
		p := bench.DefaultPlan()
		tc.edit(&p)
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
		if _, err := Start(context.Background(), p, Options{}); err == nil {
			t.Errorf("%s: Start accepted an invalid plan", tc.name)
		}
	}
}

func seq(lo, hi int) []int {
	var s []int
	for i := lo; i < hi; i++ {
		s = append(s, i)
	}
	return s
}
