package pyworker

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/hc"
	"github.com/hcbench/hcbench/engine/measure"
)

// These tests run the embedded worker.py with a real Python and the user's
// qml-hcs checkout: QMLHC_PATH names the checkout, QMLHC_PYTHON the
// interpreter (default /usr/bin/python3, else python3 in PATH), which must
// have numpy. Without them the tests are skipped, saying why.

// realSetup finds python with numpy and a checkout, or skips.
func realSetup(t *testing.T) Setup {
	t.Helper()
	dir := os.Getenv(EnvQMLHC)
	if dir == "" {
		t.Skipf("skipped: set %s to a qml-hcs checkout (and QMLHC_PYTHON to a python with numpy) to run the real worker", EnvQMLHC)
	}
	python := os.Getenv("QMLHC_PYTHON")
	if python == "" {
		python = "/usr/bin/python3"
		if _, err := os.Stat(python); err != nil {
			python = DefaultPython
		}
	}
	s, err := Resolve(python, dir)
	if err != nil {
		t.Skipf("skipped: %v", err)
	}
	if out, err := exec.Command(s.Python, "-c", "import numpy").CombinedOutput(); err != nil {
		t.Skipf("skipped: %s has no numpy (%v: %s); set QMLHC_PYTHON to one that has", s.Python, err, strings.TrimSpace(string(out)))
	}
	return s
}

// proc is a running worker and its decoded output lines.
type proc struct {
	t     *testing.T
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan map[string]any
	done  chan struct{} // closed when the worker has exited; err is then set
	err   error
}

func start(t *testing.T, cmd *exec.Cmd) *proc {
	t.Helper()
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, in: in, lines: make(chan map[string]any, 100), done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				m = map[string]any{"type": "_not_json", "line": sc.Text()}
			}
			p.lines <- m
		}
		close(p.lines)
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		in.Close()
		go func() { // keep the reader from blocking on a full channel
			for range p.lines {
			}
		}()
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("worker stderr:\n%s", stderr.String())
		}
	})
	return p
}

func (p *proc) send(v any) {
	p.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.in.Write(append(b, '\n')); err != nil {
		p.t.Fatalf("writing to the worker: %v", err)
	}
}

// next returns the next line that is not progress. A worker that never
// answers is the failure go test's -timeout reports.
func (p *proc) next() map[string]any {
	p.t.Helper()
	for m := range p.lines {
		if m["type"] != "progress" {
			return m
		}
	}
	p.t.Fatal("the worker closed its stdout")
	return nil
}

// progress waits for a progress line.
func (p *proc) progress() map[string]any {
	p.t.Helper()
	m, ok := <-p.lines
	if !ok {
		p.t.Fatal("the worker closed its stdout")
	}
	if m["type"] != "progress" {
		p.t.Fatalf("got %v, want progress", m)
	}
	return m
}

// exited waits for the worker to exit and fails unless its status is 0.
// A worker that does not exit is the failure go test's -timeout reports.
func (p *proc) exited(what string) {
	p.t.Helper()
	<-p.done
	if err := p.err; err != nil {
		p.t.Errorf("worker exit %s: %v, want status 0", what, err)
	}
}

func (p *proc) expect(typ string) map[string]any {
	p.t.Helper()
	m := p.next()
	if m["type"] != typ {
		p.t.Fatalf("worker said %v, want type %q", m, typ)
	}
	return m
}

// result is the worker's result line, decoded into the engine's own types.
type result struct {
	ID      int       `json:"id"`
	Batch   int       `json:"batch"`
	Rounds  int       `json:"rounds"`
	Samples []float64 `json:"samples"`
	Run     bench.Run
	MemKind string `json:"mem_kind"`
}

func decodeResult(t *testing.T, m map[string]any) result {
	t.Helper()
	b, _ := json.Marshal(m)
	var r result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("result %s: %v", b, err)
	}
	return r
}

func measureReq(id int, c bench.Config, seed uint64, policy string, depths []int) map[string]any {
	return map[string]any{"type": "measure", "id": id, "config": c, "seed": seed, "policy": policy,
		"depths": depths, "time_min": 0.005, "min_epochs": 5, "max_rounds": 1000, "warmup": 2, "batch": 0}
}

// goMetrics is what the Go port computes for one depth of a config.
func goMetrics(t *testing.T, c bench.Config, seed uint64, policy string, depth int) hc.Metrics {
	t.Helper()
	pol, err := hc.NewPolicy(policy)
	if err != nil {
		t.Fatal(err)
	}
	chain, err := hc.NewChain(hc.ReferenceBackends(), c.D, c.K, pol, hc.CoherenceVariance)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, c.T*c.D)
	measure.FillSeries(x, c.T, c.D, seed)
	ws, err := hc.NewWorkspace(chain, c.T, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	chain.SetDepth(depth)
	return ws.Epoch()
}

func TestRealWorkerMatchesGoPort(t *testing.T) {
	s := realSetup(t)
	p := start(t, s.Command())
	hello := p.expect("hello")
	if hello["protocol"] != 1.0 || hello["engine"] != "python" {
		t.Fatalf("hello %v: want protocol 1, engine python", hello)
	}
	details, _ := hello["details"].(map[string]any)
	for _, k := range []string{"python", "numpy", "qmlhc_version", "qmlhc_dir"} {
		if v, _ := details[k].(string); v == "" {
			t.Errorf("hello details lack %q: %v", k, details)
		}
	}
	if details["qmlhc_dir"] != s.Dir {
		t.Errorf("qmlhc_dir %v, want %s", details["qmlhc_dir"], s.Dir)
	}

	depths := []int{1, 2}
	id := 0
	for _, policy := range bench.Policies {
		for _, c := range []bench.Config{{D: 3, K: 3, T: 24}, {D: 5, K: 7, T: 24}} {
			for _, seed := range []uint64{11, 12} {
				id++
				t.Run(fmt.Sprintf("%s/%s/seed=%d", policy, c.Label(), seed), func(t *testing.T) {
					p.send(measureReq(id, c, seed, policy, depths))
					r := decodeResult(t, p.expect("result"))
					if r.ID != id || r.Run.Seed != seed || r.MemKind != "tracemalloc" {
						t.Errorf("id %d seed %d mem_kind %q, want %d %d tracemalloc", r.ID, r.Run.Seed, r.MemKind, id, seed)
					}
					if len(r.Samples) != r.Rounds || r.Rounds*r.Batch < 5 {
						t.Errorf("%d samples, %d rounds of %d epochs: want a sample per round, ≥ 5 epochs", len(r.Samples), r.Rounds, r.Batch)
					}
					if r.Run.MemPeakBytes <= 0 || r.Run.TimeEpochMean <= 0 {
						t.Errorf("mem %d B, time %g s: want both > 0", r.Run.MemPeakBytes, r.Run.TimeEpochMean)
					}
					if len(r.Run.Depths) != len(depths) {
						t.Fatalf("%d depth results, want %d", len(r.Run.Depths), len(depths))
					}
					var q []hc.Metrics
					for i, d := range depths {
						got, want := r.Run.Depths[i], goMetrics(t, c, seed, policy, d)
						q = append(q, want)
						if got.Depth != d || got.Epochs != r.Rounds*r.Batch {
							t.Errorf("depth %d: depth %d epochs %d, want %d", d, got.Depth, got.Epochs, r.Rounds*r.Batch)
						}
						for _, f := range []struct {
							name      string
							got, want float64
						}{{"total", got.Total, want.Total}, {"task", got.Task, want.Task},
							{"consistency", got.Consistency, want.Consistency}, {"coherence", got.Coherence, want.Coherence},
							{"rmse", got.RMSE, want.RMSE}, {"overshoot", got.Overshoot, want.Overshoot},
							{"robustness", got.Robustness, want.Robustness}} {
							if math.Abs(f.got-f.want) > 1e-9 {
								t.Errorf("depth %d %s: python %.17g, Go %.17g", d, f.name, f.got, f.want)
							}
						}
					}
					if want := (q[0].RMSE + q[1].RMSE) / 2; math.Abs(r.Run.RMSEMean-want) > 1e-9 {
						t.Errorf("rmse_mean %.17g, want %.17g", r.Run.RMSEMean, want)
					}
				})
			}
		}
	}
}

func TestRealWorkerControl(t *testing.T) {
	s := realSetup(t)
	p := start(t, s.Command())
	p.expect("hello")

	// Idle: control messages are answered with id 0.
	for kind, reply := range map[string]string{"pause": "paused", "resume": "resumed", "stop": "stopped"} {
		p.send(map[string]any{"type": kind})
		if m := p.expect(reply); m["id"] != 0.0 {
			t.Errorf("idle %s answered %v, want id 0", kind, m)
		}
	}

	// A run long enough to be paused, resumed and stopped.
	long := measureReq(7, bench.Config{D: 3, K: 3, T: 24}, 1, "mean", []int{1})
	long["time_min"], long["max_rounds"] = 3600.0, 1_000_000
	p.send(long)
	p.progress() // measuring: a pause now holds this run
	p.send(map[string]any{"type": "pause"})
	if m := p.expect("paused"); m["id"] != 7.0 {
		t.Errorf("paused %v, want id 7", m)
	}
	// A second request waits for the first.
	p.send(map[string]any{"type": "measure", "id": 8})
	p.send(map[string]any{"type": "resume"})
	p.expect("resumed")
	p.send(map[string]any{"type": "stop"})
	if m := p.expect("stopped"); m["id"] != 7.0 {
		t.Errorf("stopped %v, want id 7", m)
	}
	if m := p.expect("error"); m["id"] != 8.0 || !strings.Contains(m["error"].(string), "config missing") {
		t.Errorf("the queued request without config: %v, want an error for id 8", m)
	}

	// Bad requests fail that request only, naming the bad value.
	bad := measureReq(9, bench.Config{D: 3, K: 1, T: 24}, 1, "mean", []int{1})
	p.send(bad)
	if m := p.expect("error"); m["id"] != 9.0 || !strings.Contains(m["error"].(string), "K=1") {
		t.Errorf("K=1 answered %v, want an error naming K=1", m)
	}
	bad = measureReq(10, bench.Config{D: 3, K: 3, T: 24}, 1, "fastest", []int{1})
	p.send(bad)
	if m := p.expect("error"); !strings.Contains(m["error"].(string), "fastest") {
		t.Errorf("unknown policy answered %v", m)
	}
	if _, err := io.WriteString(p.in, "not json\n"); err != nil {
		t.Fatal(err)
	}
	if m := p.expect("error"); !strings.Contains(m["error"].(string), "not JSON") {
		t.Errorf("a line that is not JSON answered %v", m)
	}
	// Still usable.
	p.send(measureReq(11, bench.Config{D: 3, K: 3, T: 8}, 1, "mean", []int{1}))
	p.expect("result")

	// EOF on stdin ends the worker, with status 0.
	p.in.Close()
	p.exited("after EOF")
}

// TestRealWorkerEOFMidRun: closing stdin while a run of an hour measures
// ends the worker without waiting for the run.
func TestRealWorkerEOFMidRun(t *testing.T) {
	s := realSetup(t)
	p := start(t, s.Command())
	p.expect("hello")
	long := measureReq(1, bench.Config{D: 3, K: 3, T: 24}, 1, "mean", []int{1})
	long["time_min"], long["max_rounds"] = 3600.0, 1_000_000
	p.send(long)
	p.progress()
	p.in.Close()
	p.exited("after EOF mid-run")
}

func TestRealWorkerFatal(t *testing.T) {
	s := realSetup(t)
	notCheckout := t.TempDir()
	broken := checkout(t, "examples/ex_benchmark_performance_demo.py")
	if err := os.MkdirAll(filepath.Join(broken, "src", "qmlhc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "src", "qmlhc", "__init__.py"),
		[]byte("import qmlhc_missing_dependency\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"not a checkout", []string{"-B", "-c", script, notCheckout}, []string{notCheckout, "not a qml-hcs checkout"}},
		{"import error", []string{"-B", "-c", script, broken}, []string{"importing qmlhc", "qmlhc_missing_dependency"}},
		{"no argument", []string{"-B", "-c", script}, []string{"usage"}},
	}
	// -S hides site-packages, where numpy usually lives: a python without numpy.
	if exec.Command(s.Python, "-S", "-c", "import numpy").Run() != nil {
		tests = append(tests, struct {
			name string
			args []string
			want []string
		}{"no numpy", []string{"-S", "-B", "-c", script, s.Dir}, []string{"numpy is not installed", "--python"}})
	} else {
		t.Log("no-numpy case not run: numpy is importable even without site-packages")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := start(t, exec.Command(s.Python, tt.args...))
			m := p.expect("fatal")
			msg, _ := m["error"].(string)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("fatal %q does not mention %q", msg, w)
				}
			}
			<-p.done
			if p.err == nil {
				t.Error("worker exited 0 after fatal, want non-zero")
			}
		})
	}
}

// TestRealWorkerTimesTheExample: the worker's epoch time is the library's
// own, within 0.5×–2× of what the example's forward_epoch takes when timed
// directly with tracemalloc off (same interpreter, same config). The machine
// may be busy: both are timed three times, alternating, and the fastest
// epoch of each is compared, which load can only slow down. A claim about
// timings, it runs only when asked (HCBENCH_TIMING=1), like the sweep's.
func TestRealWorkerTimesTheExample(t *testing.T) {
	s := realSetup(t)
	if testing.Short() || os.Getenv("HCBENCH_TIMING") != "1" {
		t.Skip("compares two timings: set HCBENCH_TIMING=1")
	}
	const direct = `
import sys, time, importlib.util
sys.path.insert(0, sys.argv[1] + "/src")
spec = importlib.util.spec_from_file_location("ex", sys.argv[1] + "/examples/ex_benchmark_performance_demo.py")
ex = importlib.util.module_from_spec(spec); spec.loader.exec_module(ex)
x, y = ex.synthetic_sequence(24, 3, seed=11)
model, backends = ex.build_model_chain(3, seed=11)
ts = []
for i in range(40):
    t0 = time.perf_counter(); ex.forward_epoch(model, backends, x, y, 3); ts.append(time.perf_counter() - t0)
print(min(ts[3:]))
`
	p := start(t, s.Command())
	p.expect("hello")
	exampleTime, workerTime := math.Inf(1), math.Inf(1)
	for i := 0; i < 3; i++ {
		out, err := exec.Command(s.Python, "-B", "-c", direct, s.Dir).Output()
		if err != nil {
			t.Fatalf("timing the example directly: %v", err)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
		if err != nil {
			t.Fatal(err)
		}
		exampleTime = min(exampleTime, v)
		req := measureReq(i+1, bench.Config{D: 3, K: 3, T: 24}, 11, "mean", []int{1})
		req["time_min"], req["min_epochs"] = 0.1, 30
		p.send(req)
		r := decodeResult(t, p.expect("result"))
		workerTime = min(workerTime, slices.Min(r.Samples))
	}
	ratio := workerTime / exampleTime
	t.Logf("fastest epoch: worker %.3gs, example timed directly %.3gs: ratio %.2f", workerTime, exampleTime, ratio)
	if ratio < 0.5 || ratio > 2 {
		t.Errorf("worker's epoch time is %.2f× the example's own: want 0.5×–2×", ratio)
	}
}

// TestRealWorkerHeartbeat: while an epoch runs for seconds the worker still
// says something (its last progress again), so the parent's no-output
// timeout only catches a worker that is really stuck. The warm-up epochs
// report no progress of their own: what comes before the first round's
// progress (a fraction above 0) is heartbeats.
func TestRealWorkerHeartbeat(t *testing.T) {
	s := realSetup(t)
	if testing.Short() {
		t.Skip("skipped in -short: needs epochs of several seconds")
	}
	p := start(t, s.Command())
	p.expect("hello")
	// About 0.2 ms per time step: T=20000 is an epoch of several seconds
	// (more under the traced pass, which comes first), then 3 warm-ups.
	req := measureReq(1, bench.Config{D: 3, K: 3, T: 20000}, 1, "mean", []int{1})
	req["warmup"] = 3
	p.send(req)
	m := p.progress()
	if m["id"] != 1.0 || m["fraction"] != 0.0 {
		t.Fatalf("got %v, want a heartbeat for id 1 (fraction 0) during the warm-up", m)
	}
}
