//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/pyworker/pyworkertest"
)

// --engine python through the binary, with a fake interpreter written in
// Go (engine/pyworker/internal/fakepython) for the failure paths, and with
// the real one when QMLHC_PATH names a qml-hcs checkout.

// fakePython builds the fake interpreter into a test directory.
var fakePython = pyworkertest.FakePython

// fakeEnv sets the fake's mode and returns the directory its workers write
// their pids to.
func fakeEnv(t *testing.T, mode string) string {
	t.Helper()
	pids := t.TempDir()
	t.Setenv("FAKE_PYTHON_MODE", mode)
	t.Setenv("FAKE_PYTHON_PIDS", pids)
	return pids
}

// noWorkerLeft fails when a fake worker is still running.
func noWorkerLeft(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) == 0 {
		t.Fatal("no worker wrote its pid: the fake never ran")
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			t.Errorf("worker pid %d still runs after hcbench exited", pid)
		}
	}
}

func TestBinaryPythonEngineFailures(t *testing.T) {
	binary(t)
	py := fakePython(t)
	qm := qmlhcCheckout(t)
	grid := []string{"--headless", "--engine", "python", "-D", "3", "-K", "3", "-T", "16,24"}
	tests := []struct {
		name, mode string
		args       []string // default: --qmlhc qm --python py
		code       int
		saved      int // configs in the JSONL; -1: the output directory must not exist
		want       []string
	}{
		{"no interpreter", "ok", []string{"--qmlhc", qm, "--python", filepath.Join(qm, "nope")}, exitUsage, -1, []string{"--python", "no such interpreter"}},
		{"not a checkout", "ok", []string{"--qmlhc", t.TempDir(), "--python", py}, exitUsage, -1, []string{"--qmlhc", "not a qml-hcs checkout"}},
		{"no numpy", "nonumpy", nil, exitError, -1, []string{"--engine python", "numpy is not installed"}},
		{"import error", "importerror", nil, exitError, -1, []string{"--engine python", "importing qmlhc", "scipy"}},
		{"crash mid-config", "crash", nil, exitError, 1, []string{"D=3 K=3 T=24", "Segmentation fault"}},
		{"bad JSON mid-config", "badjson", nil, exitError, 1, []string{"D=3 K=3 T=24", "not JSON"}},
		{"ok", "ok", nil, exitOK, 2, []string{"engine: python — qml-hcs 0.1.0+fake"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pids := fakeEnv(t, tt.mode)
			out := filepath.Join(t.TempDir(), "out")
			paths := tt.args
			if paths == nil {
				paths = []string{"--qmlhc", qm, "--python", py}
			}
			args := append(append(append([]string{}, grid...), paths...), append([]string{"-o", out}, quick...)...)
			r := runBinary(t, args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, tt.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, r.stderr)
				}
			}
			if tt.saved < 0 {
				if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("the output directory was created (%v): a refused engine must create nothing", err)
				}
				if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n > 0 {
					t.Errorf("refusal is %d lines, want one:\n%s", n+1, r.stderr)
				}
			} else if got := len(readRecords(t, filepath.Join(out, "qmlhc_benchmarks.jsonl"))); got != tt.saved {
				t.Errorf("JSONL has %d configs, want %d (finished configs kept)", got, tt.saved)
			}
			if tt.mode != "ok" || tt.code == exitOK {
				if ents, _ := os.ReadDir(pids); len(ents) > 0 {
					noWorkerLeft(t, pids)
				}
			}
		})
	}
}

// TestBinaryPythonEngineSignal: SIGTERM or SIGINT while a Python worker
// measures: exit 130 and no worker left running.
func TestBinaryPythonEngineSignal(t *testing.T) {
	binary(t)
	py := fakePython(t)
	qm := qmlhcCheckout(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			pids := fakeEnv(t, "slow")
			cmd, _, stderr := command(t, "--headless", "--engine", "python", "--qmlhc", qm, "--python", py,
				"-D", "3", "-K", "3", "-T", "16", "-o", filepath.Join(t.TempDir(), "out"))
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = pw
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			pw.Close()
			// The engine line comes from the probe; the sweep's workers
			// write their pids as they start. Wait for a measuring worker:
			// the probe's and a sweep worker's pid files.
			sc := bufio.NewScanner(pr)
			for sc.Scan() {
				stderr.WriteString(sc.Text() + "\n")
				if strings.Contains(sc.Text(), "engine: python") {
					break
				}
			}
			deadline := time.Now().Add(time.Minute)
			for {
				ents, _ := os.ReadDir(pids)
				if len(ents) >= 2 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("no sweep worker started in a minute")
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			go func() {
				for sc.Scan() {
				}
			}()
			err = cmd.Wait()
			if code := exitCode(t, err); code != exitInterrupted {
				t.Errorf("exit %d after %v, want %d", code, sig, exitInterrupted)
			}
			noWorkerLeft(t, pids)
		})
	}
}

// readRecords reads a JSONL file's records (none when it does not exist).
func readRecords(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		recs = append(recs, m)
	}
	return recs
}

// TestBinaryPythonEngineReal is the acceptance run against a real
// qml-hcs checkout: the Python engine's quality columns equal the Go
// engine's within 1e-9, and its epochs take far longer (the library's own
// time, not the port's).
func TestBinaryPythonEngineReal(t *testing.T) {
	dir := os.Getenv("QMLHC_PATH")
	if dir == "" {
		t.Skip("skipped: set QMLHC_PATH to a qml-hcs checkout (and QMLHC_PYTHON to a python with numpy, default /usr/bin/python3) to run the Python engine end to end")
	}
	python := os.Getenv("QMLHC_PYTHON")
	if python == "" {
		python = "/usr/bin/python3"
	}
	if out, err := exec.Command(python, "-c", "import numpy").CombinedOutput(); err != nil {
		t.Skipf("skipped: %s cannot import numpy (%v: %s)", python, err, strings.TrimSpace(string(out)))
	}
	binary(t)
	grid := []string{"--headless", "-D", "3,5", "-K", "3,7", "-T", "24", "--depths", "1,2", "--repeats", "2", "--seed", "11"}
	base := t.TempDir()
	goOut, pyOut := filepath.Join(base, "go"), filepath.Join(base, "py")
	if r := runBinary(t, append(grid, "-o", goOut)...); r.code != 0 {
		t.Fatalf("go engine: exit %d:\n%s", r.code, r.stderr)
	}
	r := runBinary(t, append(grid, "-o", pyOut, "--engine", "python", "--qmlhc", dir, "--python", python)...)
	if r.code != 0 {
		t.Fatalf("python engine: exit %d:\n%s", r.code, r.stderr)
	}
	goRecs := readRecords(t, filepath.Join(goOut, "qmlhc_benchmarks.jsonl"))
	pyRecs := readRecords(t, filepath.Join(pyOut, "qmlhc_benchmarks.jsonl"))
	if len(goRecs) != 4 || len(pyRecs) != 4 {
		t.Fatalf("%d Go and %d Python records, want 4 each", len(goRecs), len(pyRecs))
	}
	key := func(m map[string]any) bench.Config {
		return bench.Config{D: int(m["D"].(float64)), K: int(m["K"].(float64)), T: int(m["T"].(float64))}
	}
	goBy := map[bench.Config]map[string]any{}
	for _, m := range goRecs {
		goBy[key(m)] = m
	}
	for _, p := range pyRecs {
		c := key(p)
		g := goBy[c]
		if g == nil {
			t.Fatalf("%s measured by python only", c)
		}
		if p["engine"] != "python" || g["engine"] != "go" || p["mem_kind"] != "tracemalloc" {
			t.Errorf("%s: engines %v/%v mem_kind %v, want go/python tracemalloc", c, g["engine"], p["engine"], p["mem_kind"])
		}
		details, _ := p["engine_details"].(map[string]any)
		if details["numpy"] == nil || details["qmlhc_version"] == nil {
			t.Errorf("%s: engine_details %v lack numpy and qmlhc_version", c, details)
		}
		for _, f := range []string{"total_mean", "total_std", "rmse_mean", "rmse_std", "overshoot_mean", "robustness_mean"} {
			if d := math.Abs(p[f].(float64) - g[f].(float64)); d > 1e-9 {
				t.Errorf("%s %s: python %v, go %v (differ by %g)", c, f, p[f], g[f], d)
			}
		}
		ratio := p["time_epoch_median"].(float64) / g["time_epoch_median"].(float64)
		t.Logf("%s: python/go epoch time %.0f×", c, ratio)
		if ratio < 10 {
			t.Errorf("%s: python's epoch is only %.1f× Go's: not the library's own time", c, ratio)
		}
	}
}

// TestBinaryPythonABReal runs the two A/B pairings against a real qml-hcs:
// a second checkout (a copy) measured round by round beside the first in
// one interpreter, and the Go port as variant B of a Python A, measured
// in two workers. Same code gives the same quality figures; the copy is
// recorded as B's checkout; the Go port's B/A is far below 1.
func TestBinaryPythonABReal(t *testing.T) {
	dir := os.Getenv("QMLHC_PATH")
	if dir == "" {
		t.Skip("skipped: set QMLHC_PATH to a qml-hcs checkout (and QMLHC_PYTHON to a python with numpy, default /usr/bin/python3) to run the Python A/B end to end")
	}
	python := os.Getenv("QMLHC_PYTHON")
	if python == "" {
		python = "/usr/bin/python3"
	}
	if out, err := exec.Command(python, "-c", "import numpy").CombinedOutput(); err != nil {
		t.Skipf("skipped: %s cannot import numpy (%v: %s)", python, err, strings.TrimSpace(string(out)))
	}
	binary(t)
	copyDir := filepath.Join(t.TempDir(), "qmlhc-copy")
	if out, err := exec.Command("cp", "-r", dir, copyDir).CombinedOutput(); err != nil {
		t.Fatalf("copying the checkout: %v: %s", err, out)
	}
	for _, tc := range []struct {
		vs, pairing string
	}{
		{"qmlhc=" + copyDir, "rounds"},
		{"engine=go", "measurements"},
	} {
		out := filepath.Join(t.TempDir(), "ab")
		r := runBinary(t, "--headless", "-D", "3", "-K", "3", "-T", "24", "--depths", "1", "--repeats", "1", "--min-time", "1ms",
			"-o", out, "--engine", "python", "--qmlhc", dir, "--python", python, "--vs", tc.vs)
		if r.code != 0 {
			t.Fatalf("--vs %s: exit %d:\n%s", tc.vs, r.code, r.stderr)
		}
		recs := readRecords(t, filepath.Join(out, "qmlhc_benchmarks.jsonl"))
		if len(recs) != 1 {
			t.Fatalf("--vs %s: %d records", tc.vs, len(recs))
		}
		a := recs[0]
		b, _ := a["vs"].(map[string]any)
		if b == nil || a["ab_pairing"] != tc.pairing {
			t.Fatalf("--vs %s: variant B %v, pairing %v", tc.vs, b, a["ab_pairing"])
		}
		for _, f := range []string{"total_mean", "rmse_mean", "robustness_mean"} {
			if d := math.Abs(a[f].(float64) - b[f].(float64)); d > 1e-9 {
				t.Errorf("--vs %s %s: A %v, B %v", tc.vs, f, a[f], b[f])
			}
		}
		ratio := b["time_epoch_median"].(float64) / a["time_epoch_median"].(float64)
		t.Logf("--vs %s: B/A %.4f", tc.vs, ratio)
		switch tc.pairing {
		case "rounds":
			details, _ := b["engine_details"].(map[string]any)
			if details["qmlhc_dir"] != copyDir {
				t.Errorf("B's checkout is recorded as %v, want %s", details["qmlhc_dir"], copyDir)
			}
		default:
			if b["engine"] != "go" || ratio > 0.1 {
				t.Errorf("the Go port as B: engine %v, B/A %.3f", b["engine"], ratio)
			}
		}
		if !strings.Contains(r.stdout, "A/B") {
			t.Errorf("--vs %s: no A/B line in the summary:\n%s", tc.vs, r.stdout)
		}
	}
}
