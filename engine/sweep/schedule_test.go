package sweep

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"gonum.org/v1/gonum/stat"
)

func TestAdmission(t *testing.T) {
	ms := time.Millisecond
	def := schedule{}.orDefaults()
	for _, tc := range []struct {
		name      string
		s         schedule
		next, per time.Duration
		inFlight  int
		n         int
		want      int
	}{
		// 10 ms measurements: a 400 ms cycle holds 40 configs, 5 at a time.
		{"ramp up", def, 10 * ms, 10 * ms, 1, 9, 5},
		{"room for 3", def, 370 * ms, 10 * ms, 37, 9, 3},
		{"full", def, 400 * ms, 10 * ms, 40, 9, 0},
		{"over the target", def, 900 * ms, 10 * ms, 40, 9, 0},
		// Tiny measurements: the cap bounds the window (64), 8 at a time.
		{"tiny", def, 1 * ms, 100 * time.Microsecond, 10, 9, 8},
		{"at the cap", def, 6 * ms, 100 * time.Microsecond, 60, 9, 4},
		// A config slower than a cycle goes alone, but something always runs.
		{"slow, busy", def, 2 * time.Second, 2 * time.Second, 1, 9, 0},
		{"slow, idle", def, 0, 2 * time.Second, 0, 9, 1},
		{"no timing yet", def, 0, 0, 0, 9, 8},
		{"small cap", schedule{target: time.Hour, cap: 8}, ms, ms, 3, 9, 1},
		{"more measurements", def, 10 * ms, 10 * ms, 1, 20, 2},
	} {
		if got := tc.s.admission(tc.next, tc.per, tc.inFlight, tc.n); got != tc.want {
			t.Errorf("%s: admission(%v, %v, %d, %d) = %d, want %d", tc.name, tc.next, tc.per, tc.inFlight, tc.n, got, tc.want)
		}
	}
}

// testWorker starts workers that log each request (see recordEnv) to the
// file it returns. With gateT > 0 a request for a config with T ≥ gateT
// waits until open is called, before it is measured or, when is "after",
// after. With the timeless schedule, the first config has finished by
// then (it does at cycle 8; T=10 is admitted later).
func testWorker(t *testing.T, gateT int, when string) (start func() (*exec.Cmd, error), log string, open func()) {
	dir := t.TempDir()
	log, gate := filepath.Join(dir, "requests"), filepath.Join(dir, "gate")
	start = func() (*exec.Cmd, error) {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), recordEnv+"="+log)
		if gateT > 0 {
			cmd.Env = append(cmd.Env, strings.TrimSpace(fmt.Sprintf("%s=%d %s %s", gateEnv, gateT, gate, when)))
		}
		return cmd, nil
	}
	open = func() {
		if err := os.WriteFile(gate, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return start, log, open
}

// live calls f on each event as it arrives, and returns them all. A sweep
// that never ends is the failure go test's -timeout reports.
func live(t *testing.T, r *Runner, f func(Event)) []Event {
	t.Helper()
	var evs []Event
	for ev := range r.Events() {
		evs = append(evs, ev)
		f(ev)
	}
	return evs
}

type request struct {
	pid int
	cfg bench.Config
}

// readRequests reads the requests of a test worker's log.
func readRequests(t *testing.T, path string) []request {
	t.Helper()
	reqs, _ := readLog(t, path)
	return reqs
}

// readLog reads a test worker's log: the requests, and the other lines
// ("gated pid", "paused pid") by their first word. A log not yet written
// is empty.
func readLog(t *testing.T, path string) ([]request, map[string]int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []request
	signals := map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l == "" {
			continue
		}
		if w, _, _ := strings.Cut(l, " "); w == "gated" || w == "paused" {
			signals[w]++
			continue
		}
		var q request
		if _, err := fmt.Sscan(l, &q.pid, &q.cfg.D, &q.cfg.K, &q.cfg.T); err != nil {
			t.Fatalf("request line %q: %v", l, err)
		}
		out = append(out, q)
	}
	return out, signals
}

// tinyPlan is a plan of n tiny configs measured as fast as the worker can.
func tinyPlan(n int) bench.Plan {
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{Dims: []int{2}, Branches: []int{2}, SeqLens: seq(1, n+1)}
	p.Depths = []int{1}
	p.Repeats = 1
	p.Timing = fast
	return p
}

// timeless makes admission independent of the machine's speed: the cap
// bounds the window, and ceil(cap/9) configs are admitted a cycle.
var timeless = schedule{target: time.Hour, cap: 8}

// TestScheduleInterleaves runs a sweep of tiny configs with at most 8 in
// flight, and reads the workers' request log: every config is measured 9
// times, measurement j of every config in the same worker process and the
// 9 in different ones; a config's measurements interleave with those of
// the other configs in flight; results arrive while configs are still
// being admitted; a pause mid-window reaches the workers and resumes.
func TestScheduleInterleaves(t *testing.T) {
	p := tinyPlan(20)
	start, log, open := testWorker(t, 10, "")
	r, err := Start(context.Background(), p, Options{Worker: start, sched: timeless})
	if err != nil {
		t.Fatal(err)
	}
	inFlight, maxInFlight := 0, 0
	firstFinish, lastStart := -1, -1
	n := 0 // events so far
	live(t, r, func(ev Event) {
		n++
		switch ev.Kind {
		case ConfigStarted:
			inFlight++
			maxInFlight = max(maxInFlight, inFlight)
			lastStart = n
		case ConfigFinished:
			inFlight--
			if firstFinish < 0 {
				// Pause mid-window, while a measurement waits at the gate.
				firstFinish = n
				r.Pause()
			}
		case Paused:
			open()
			r.Resume()
		}
	})
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	if maxInFlight > timeless.cap || maxInFlight < 2 {
		t.Errorf("%d configs in flight at most; want 2..%d", maxInFlight, timeless.cap)
	}
	if !(firstFinish >= 0 && firstFinish < lastStart) {
		t.Errorf("the first result (event %d) came after the last config started (event %d): results are not streamed", firstFinish, lastStart)
	}
	res := r.Results()
	if len(res) != 20 {
		t.Fatalf("%d results, want 20", len(res))
	}
	for _, x := range res {
		if len(x.Measurements) != 9 {
			t.Errorf("%v: %d measurements, want 9", x.Config, len(x.Measurements))
		}
	}

	reqs := readRequests(t, log)
	if len(reqs) != 20*9 {
		t.Fatalf("%d requests, want %d", len(reqs), 20*9)
	}
	pos := map[bench.Config][]int{} // a config's requests' positions in the log
	for i, q := range reqs {
		pos[q.cfg] = append(pos[q.cfg], i)
	}
	// Measurement j of every config is made by one process, a different
	// one for each j.
	pidOf := map[int]int{}
	seen := map[int]int{}
	for c, ps := range pos {
		for j, i := range ps {
			pid := reqs[i].pid
			if want, ok := pidOf[j]; ok && pid != want {
				t.Errorf("%v: measurement %d in process %d, other configs' in %d", c, j, pid, want)
			}
			pidOf[j] = pid
			if k, ok := seen[pid]; ok && k != j {
				t.Errorf("process %d made measurements %d and %d", pid, k, j)
			}
			seen[pid] = j
		}
	}
	if len(seen) != 9 {
		t.Errorf("%d worker processes, want 9", len(seen))
	}
	// Between measurements j and j+2 of a config lies at least one whole
	// cycle: every other config in flight all along is measured there.
	// (Consecutive measurements can be adjacent at a turn of direction.)
	for c, ps := range pos {
		for j := 0; j+2 < len(ps); j++ {
			lo, hi := ps[j], ps[j+2]
			between := map[bench.Config]bool{}
			for _, q := range reqs[lo+1 : hi] {
				between[q.cfg] = true
			}
			for d, qs := range pos {
				if d != c && qs[0] < lo && qs[len(qs)-1] > hi && !between[d] {
					t.Errorf("%v: %v, in flight all along, not measured between its measurements %d and %d", c, d, j, j+2)
				}
			}
		}
	}
	// Each config shares its time with others: its measurements are not
	// 9 requests in a row.
	for c, ps := range pos {
		if ps[len(ps)-1]-ps[0] < 9 {
			t.Errorf("%v measured back to back (requests %d..%d)", c, ps[0], ps[len(ps)-1])
		}
	}
}

// TestStopMidWindow cancels a sweep while configs are in flight: the
// finished ones are kept, complete, and those in flight are dropped.
func TestStopMidWindow(t *testing.T) {
	p := tinyPlan(30)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start, _, _ := testWorker(t, 10, "") // the gate stays shut: cancelling kills the worker
	r, err := Start(ctx, p, Options{Worker: start, sched: timeless})
	if err != nil {
		t.Fatal(err)
	}
	started, reported := map[bench.Config]bool{}, map[bench.Config]bool{}
	var last Event
	live(t, r, func(ev Event) {
		switch ev.Kind {
		case ConfigStarted:
			started[ev.Config] = true
		case ConfigFinished:
			reported[ev.Config] = true
			cancel()
		}
		last = ev
	})
	if err := r.Wait(); !errors.Is(err, context.Canceled) || last.Kind != SweepCancelled {
		t.Fatalf("Wait = %v, last event %v; want cancelled", err, last.Kind)
	}
	if len(started) <= len(reported) {
		t.Errorf("%d configs started, %d finished: none was in flight", len(started), len(reported))
	}
	res := r.Results()
	if len(res) != len(reported) {
		t.Errorf("%d results kept, %d reported", len(res), len(reported))
	}
	for _, x := range res {
		if !reported[x.Config] || len(x.Measurements) != 9 {
			t.Errorf("kept %v (%d measurements), reported %v", x.Config, len(x.Measurements), reported[x.Config])
		}
	}
}

// TestSetGridMidWindow drops most of the grid while configs are in
// flight: those in flight finish (and are kept, after the grid's), those
// not started are skipped, and a config the edit adds is measured.
func TestSetGridMidWindow(t *testing.T) {
	p := tinyPlan(24)
	start, _, open := testWorker(t, 10, "")
	r, err := Start(context.Background(), p, Options{Worker: start, sched: timeless})
	if err != nil {
		t.Fatal(err)
	}
	started, reported := map[bench.Config]int{}, map[bench.Config]int{}
	edited := false
	g := p.Grid
	g.SeqLens = []int{1, 2, 3, 100}
	live(t, r, func(ev Event) {
		switch ev.Kind {
		case ConfigStarted:
			started[ev.Config]++
		case ConfigFinished:
			reported[ev.Config]++
			if !edited {
				edited = true
				if err := r.SetGrid(g); err != nil {
					t.Fatal(err)
				}
				open()
			}
		}
	})
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	outside := 0
	for c, n := range started {
		if n != 1 || reported[c] != 1 {
			t.Errorf("%v started %d times, finished %d", c, n, reported[c])
		}
		if !g.Contains(c) {
			outside++
		}
	}
	// T=1 finished when T=2..8 were in flight (T=4..8 outside the new
	// grid); T=9 and T=10 may have been admitted before the edit landed;
	// T=11 and later could not (T=10 waits at the gate until after it).
	if outside < 5 || outside > 7 {
		t.Errorf("%d configs outside the edited grid were measured; want the 5 to 7 in flight", outside)
	}
	if started[bench.Config{D: 2, K: 2, T: 100}] != 1 {
		t.Error("the config the edit added was not measured")
	}
	res := r.Results()
	if len(res) != 4+outside {
		t.Fatalf("%d results, want %d", len(res), 4+outside)
	}
	for i, want := range g.Configs() {
		if res[i].Config != want {
			t.Errorf("result %d is %v, want %v (the grid's first)", i, res[i].Config, want)
		}
	}
}

// TestCommonModeSpread: the spread of what configs measured in the same
// cycle share. Three configs whose measurements in cycle 1 are all 2%
// slow and in cycle 2 all 2% fast give offsets 0, +2%, −2% (roughly, about
// each config's median): a spread near 2%; with fewer configs than
// minPerCycle per cycle there is nothing to tell.
func TestCommonModeSpread(t *testing.T) {
	var c commonMode
	for i := 0; i < 3; i++ {
		f := &flight{res: &bench.Result{Measurements: []float64{1, 1.02, 0.98, 1, 1.02, 0.98}}, cycles: []int{0, 1, 2, 3, 4, 5}}
		c.add(f)
		if i < minPerCycle-1 {
			if s := c.spread(5); s != 0 {
				t.Fatalf("with %d configs a cycle: spread %v, want 0", i+1, s)
			}
		}
	}
	s := c.spread(5)
	want := stat.StdDev([]float64{0, math.Log(1.02), math.Log(0.98), 0, math.Log(1.02), math.Log(0.98)}, nil)
	if math.Abs(s-want) > 1e-12 {
		t.Errorf("spread %v, want %v", s, want)
	}
	// Cycles older than commonWindow are forgotten.
	if s := c.spread(5 + commonWindow + 10); s != 0 {
		t.Errorf("old cycles still count: %v", s)
	}
	// Contended measurements (more than 15% above the fastest) are not the
	// machine's common speed and stay out.
	var d commonMode
	for i := 0; i < 3; i++ {
		d.add(&flight{res: &bench.Result{Measurements: []float64{1, 1, 1, 1.5}}, cycles: []int{0, 1, 2, 3}})
	}
	if s := d.spread(3); s != 0 {
		t.Errorf("contended measurements counted: spread %v", s)
	}
}
