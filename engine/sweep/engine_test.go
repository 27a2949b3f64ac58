package sweep

import (
	"context"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
)

// fast measures each depth for one epoch after warm-up: enough for the
// quality columns, which do not depend on timing.
var fast = bench.Timing{MinTime: 0, MinEpochs: 1}

// collect drains a runner's events and returns them.
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
	done, progress := 0, 0
	for _, ev := range evs[1 : len(evs)-1] {
		switch ev.Kind {
		case ConfigStarted:
			if started[ev.Config] {
				t.Fatalf("%v started twice", ev.Config)
			}
			started[ev.Config] = true
		case Progress:
			progress++
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
	if progress == 0 {
		t.Error("no progress reported")
	}
}

// TestCancelDropsConfigsInFlight cancels a sweep while a slow config is
// being measured: the sweep ends cancelled, keeping what finished and
// nothing of the configs in flight. (How soon it stops is a timing claim,
// measured by BenchmarkCancel.)
func TestCancelDropsConfigsInFlight(t *testing.T) {
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
	reported := map[bench.Config]bool{}
	for ev := range r.Events() {
		evs = append(evs, ev)
		if ev.Kind == ConfigFinished {
			reported[ev.Config] = true
		}
		// A slow config's progress: a worker is measuring it now.
		if ev.Kind == Progress && ev.Config.T >= 20000 {
			cancel()
		}
	}
	if err := r.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	if last := evs[len(evs)-1]; last.Kind != SweepCancelled {
		t.Fatalf("last event %v, want SweepCancelled", last.Kind)
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

// BenchmarkCancel measures how soon a sweep ends once cancelled while a
// worker measures a config whose epochs take a few milliseconds: within
// about an epoch (the worker is killed), plus ending the other workers.
func BenchmarkCancel(b *testing.B) {
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{4}, Branches: []int{3}, SeqLens: []int{30000}}
	p.Timing = bench.Timing{MinTime: 0, MinEpochs: 1000}
	var total time.Duration
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		r, err := Start(ctx, p, Options{})
		if err != nil {
			b.Fatal(err)
		}
		var at time.Time
		for ev := range r.Events() {
			if ev.Kind == Progress && at.IsZero() {
				at = time.Now()
				cancel()
			}
		}
		_ = r.Wait()
		total += time.Since(at)
		cancel()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-to-stop/op")
	b.ReportMetric(0, "ns/op")
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

// TestPauseResume pauses a sweep while its first measurement waits at a
// gate in the worker: before it is measured (the pause reaches the worker,
// which holds at its first round) or after (the sweep holds before its
// next measurement). Once the gate opens, nothing may move until Resume:
// no worker is sent a measurement, no config starts or finishes, and the
// only progress reported is the gated measurement's own. That the pause
// holds is seen, never waited for: the worker says that it holds its
// measurement, or the sweep starts waiting for Resume. Then the sweep
// resumes and finishes.
func TestPauseResume(t *testing.T) {
	gated := bench.Config{D: 2, K: 2, T: 1} // the first config
	for _, when := range []string{"before", "after"} {
		t.Run("gate "+when+" measuring", func(t *testing.T) {
			p := tinyPlan(3)
			start, log, open := testWorker(t, gated.T, when)
			held := make(chan struct{}, 1)
			onHold := func() {
				select {
				case held <- struct{}{}:
				default:
				}
			}
			r, err := Start(context.Background(), p, Options{Worker: start, sched: timeless, held: onHold})
			if err != nil {
				t.Fatal(err)
			}
			tick := time.NewTicker(2 * time.Millisecond)
			defer tick.Stop()
			var evs []Event
			// await reads events until done holds, looking at the worker's
			// log at each event and tick; the sweep must not end first.
			await := func(what string, done func(reqs []request, signals map[string]int, held bool) bool) []request {
				t.Helper()
				wasHeld := false
				for {
					select {
					case ev, ok := <-r.Events():
						if !ok {
							t.Fatalf("the sweep ended (%v) before %s", evs[len(evs)-1].Kind, what)
						}
						evs = append(evs, ev)
					case <-held:
						wasHeld = true
					case <-tick.C:
					}
					reqs, signals := readLog(t, log)
					if done(reqs, signals, wasHeld) {
						return reqs
					}
				}
			}
			before := await("the first measurement waited at the gate", func(_ []request, signals map[string]int, _ bool) bool {
				return signals["gated"] > 0
			})
			if len(before) != 1 || before[0].cfg != gated {
				t.Fatalf("requests before the pause: %v, want one of %v", before, gated)
			}
			r.Pause()
			open()
			sent := func(reqs []request) {
				t.Helper()
				if len(reqs) > len(before) {
					t.Fatalf("a worker was sent a measurement of %v while the sweep was paused", reqs[len(before)].cfg)
				}
			}
			await("the pause held", func(reqs []request, signals map[string]int, wasHeld bool) bool {
				sent(reqs)
				switch {
				case signals["paused"] > 0:
					t.Log("the worker holds its measurement")
				case wasHeld:
					t.Log("the sweep waits for Resume")
				default:
					return false
				}
				return true
			})
			reqs, _ := readLog(t, log)
			sent(reqs)
			r.Resume()
			evs = append(evs, collect(t, r)...)

			if last := evs[len(evs)-1]; last.Kind != SweepFinished {
				t.Fatalf("the sweep ended with %v", last.Kind)
			}
			if err := r.Wait(); err != nil {
				t.Fatal(err)
			}
			paused, resumed := -1, -1
			for i, ev := range evs {
				switch ev.Kind {
				case Paused:
					if paused >= 0 {
						t.Errorf("Paused twice (events %d and %d)", paused, i)
					}
					paused = i
				case Resumed:
					if resumed >= 0 {
						t.Errorf("Resumed twice (events %d and %d)", resumed, i)
					}
					resumed = i
				}
			}
			if paused < 0 || resumed < paused {
				t.Fatalf("Paused at event %d, Resumed at %d: want one of each, in that order", paused, resumed)
			}
			for _, ev := range evs[paused+1 : resumed] {
				if ev.Kind != Progress || ev.Config != gated {
					t.Errorf("while paused: %v of %v; want only the gated measurement's progress", ev.Kind, ev.Config)
				}
			}
			res := r.Results()
			if len(res) != 3 {
				t.Fatalf("%d results, want 3", len(res))
			}
			for _, x := range res {
				if len(x.Measurements) != 9 {
					t.Errorf("%v: %d measurements, want 9", x.Config, len(x.Measurements))
				}
			}
		})
	}
}

// TestProgressCoalesced: however fast the progress comes, a Progress
// event is queued at most every progressInterval, a newer one replacing
// one still queued; other events are never held back. The clock is the
// events' own: emitAt is given it.
func TestProgressCoalesced(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	prog := func(f float64) Event { return Event{Kind: Progress, Fraction: f} }
	iv := progressInterval
	type emit struct {
		at   time.Duration
		ev   Event
		take bool // the forwarder takes the queue after this emit
	}
	for _, tc := range []struct {
		name  string
		emits []emit
		want  []float64 // fractions of the Progress events delivered; -1 for another event
	}{
		{"first is queued", []emit{{iv, prog(0.1), false}}, []float64{0.1}},
		{"newer replaces queued", []emit{{iv, prog(0.1), false}, {iv + 1, prog(0.2), false}, {iv + 2, prog(0.3), false}}, []float64{0.3}},
		{"too soon after one taken", []emit{{iv, prog(0.1), true}, {iv + iv/2, prog(0.2), false}}, []float64{0.1}},
		{"an interval later", []emit{{iv, prog(0.1), true}, {2 * iv, prog(0.2), false}}, []float64{0.1, 0.2}},
		{"others pass at once", []emit{{iv, prog(0.1), true}, {iv + 1, Event{Kind: Paused}, false}, {iv + 2, prog(0.2), false}},
			[]float64{0.1, -1}},
		{"no replacing across another event", []emit{{iv, prog(0.1), false}, {iv + 1, Event{Kind: Paused}, false}, {2 * iv, prog(0.2), false}},
			[]float64{0.1, -1, 0.2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Runner{start: t0, notify: make(chan struct{}, 1)}
			var got []float64
			take := func() {
				for _, ev := range r.pending {
					f := -1.0
					if ev.Kind == Progress {
						f = ev.Fraction
					}
					got = append(got, f)
				}
				r.pending = nil
			}
			for _, e := range tc.emits {
				r.emitAt(e.ev, at(e.at))
				if e.take {
					take()
				}
			}
			take()
			if !slices.Equal(got, tc.want) {
				t.Errorf("delivered %v, want %v", got, tc.want)
			}
		})
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
