// Command fakepython stands in for a Python interpreter in tests of
// --engine python: started as `fakepython -B -c SCRIPT DIR`, as hcbench
// starts its Python worker, it speaks the worker protocol the way a broken
// or slow worker would. FAKE_PYTHON_MODE chooses how:
//
//	ok           hello, then a plausible result for every measure
//	nonumpy      a fatal "numpy is not installed" and exit 1
//	importerror  a traceback on stderr, a fatal and exit 1
//	crash        results until one config is complete, then dies on the next measure
//	hang         results until one config is complete, then silence for ever
//	stuck        results until one config is complete, then a measurement
//	             that never ends while a heartbeat repeats its progress
//	             every 100ms, as the real worker's thread does while
//	             forward_epoch never returns
//	closeout     hello, then closes its stdout on the first measure and
//	             runs on
//	oom          results until one config is complete, then dies as a Go
//	             program out of memory does: the cause, a long goroutine
//	             dump, exit 2
//	refuse       results until one config is complete, then refuses the
//	             next measure as the worker did before issue 21, its
//	             message starting with the config and seed
//	badjson      results until one config is complete, then a line that is not JSON
//	slow         hello, then measures that take 30s with a heartbeat
//
// With FAKE_PYTHON_PIDS set to a directory it writes its pid there, so that
// a test can check that no worker outlives hcbench. "Complete" is
// complete measurements: a config measured 9 times (--repeats 1), counted
// over all the sweep's workers in that directory; the sweep measures
// several configs at once, so the failure hits another config's
// measurement once the first is final. Without the directory, each worker
// fails on its own second measure.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	if dir := os.Getenv("FAKE_PYTHON_PIDS"); dir != "" {
		pid := strconv.Itoa(os.Getpid())
		_ = os.WriteFile(filepath.Join(dir, pid), []byte(pid), 0o644)
	}
	out := json.NewEncoder(os.Stdout)
	var mu sync.Mutex // a heartbeat goroutine writes too
	say := func(v map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		if err := out.Encode(v); err != nil {
			os.Exit(1)
		}
	}
	// The launcher's command line: -B -c SCRIPT DIR, SCRIPT the worker.
	a := os.Args[1:]
	if len(a) != 4 || a[0] != "-B" || a[1] != "-c" || !strings.Contains(a[2], "\nPROTOCOL = 1\n") {
		say(map[string]any{"type": "fatal", "error": fmt.Sprintf("fakepython: unexpected command line %q", a)})
		os.Exit(1)
	}
	mode := os.Getenv("FAKE_PYTHON_MODE")
	switch mode {
	case "nonumpy":
		say(map[string]any{"type": "fatal", "error": "numpy is not installed for /usr/bin/fakepython (Python 3.11.2): No module named 'numpy'"})
		os.Exit(1)
	case "importerror":
		fmt.Fprintln(os.Stderr, "Traceback (most recent call last):\nModuleNotFoundError: No module named 'scipy'")
		say(map[string]any{"type": "fatal", "error": "importing qmlhc from " + a[3] + "/src failed: ModuleNotFoundError: No module named 'scipy'"})
		os.Exit(1)
	}
	say(map[string]any{"type": "hello", "protocol": 1, "engine": "python", "engine_version": "0.1.0+fake",
		"details": map[string]string{"python": "3.11.2", "numpy": "1.24.2", "qmlhc_version": "0.1.0", "qmlhc_dir": a[3]}})
	in := bufio.NewScanner(os.Stdin)
	if mode == "closeout" {
		if !in.Scan() { // the probe's worker: closed after its hello
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "fakepython: closing stdout")
		os.Stdout.Close()
		for {
			time.Sleep(time.Hour)
		}
	}
	measured := 0
	for in.Scan() {
		var req struct {
			Type   string `json:"type"`
			ID     int64  `json:"id"`
			Seed   uint64 `json:"seed"`
			Depths []int  `json:"depths"`
			Config struct {
				D, K, T int
			} `json:"config"`
		}
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			os.Exit(1)
		}
		switch req.Type {
		case "pause", "resume", "stop":
			say(map[string]any{"type": req.Type + map[string]string{"pause": "d", "resume": "d", "stop": "ped"}[req.Type], "id": 0})
			continue
		case "measure":
		default:
			os.Exit(1)
		}
		measured++
		if failNow(req.Config.T, measured) {
			switch mode {
			case "crash":
				fmt.Fprintln(os.Stderr, "Fatal Python error: Segmentation fault")
				os.Exit(139)
			case "hang":
				for {
					time.Sleep(time.Hour)
				}
			case "stuck":
				go func(id int64, depth int) {
					for {
						say(map[string]any{"type": "progress", "id": id, "depth": depth, "fraction": 0})
						time.Sleep(100 * time.Millisecond)
					}
				}(req.ID, req.Depths[0])
				continue
			case "badjson":
				fmt.Println("<frozen importlib._bootstrap>: numpy warning printed on stdout")
				continue
			case "oom":
				fmt.Fprint(os.Stderr, "runtime: out of memory: cannot allocate 4194304-byte block (0 in use)\nfatal error: out of memory\n\nruntime stack:\n")
				for i := 0; i < 100; i++ {
					fmt.Fprintf(os.Stderr, "goroutine %d gp=0xc000002380 m=nil [chan receive]:\nruntime.gopark(0x0?, 0x0?, 0x0?)\n\t/usr/local/go/src/runtime/proc.go:462 +0xce\n", i+1)
				}
				os.Exit(2)
			case "refuse":
				say(map[string]any{"type": "error", "id": req.ID, "error": fmt.Sprintf("D=%d K=%d T=%d seed %d: ZeroDivisionError: float division by zero",
					req.Config.D, req.Config.K, req.Config.T, req.Seed)})
				continue
			}
		}
		if mode == "slow" {
			for i := 0; i < 300; i++ {
				say(map[string]any{"type": "progress", "id": req.ID, "depth": req.Depths[0], "fraction": float64(i) / 300})
				time.Sleep(100 * time.Millisecond)
			}
		}
		say(result(req.ID, req.Seed, req.Config.T, req.Depths))
	}
}

// result is a plausible result: 5 rounds of one epoch at each depth, about
// 0.1ms per time step, a little different for each seed and round.
func result(id int64, seed uint64, T int, depths []int) map[string]any {
	t := 1e-4 * float64(max(T, 1)) * (1 + float64(seed%5)/100)
	var drs []map[string]any
	for _, d := range depths {
		drs = append(drs, map[string]any{"depth": d, "epochs": 5, "time_epoch_mean": t, "total": 0.03,
			"task": 0.02, "consistency": 0.001, "coherence": 0.002, "rmse": 0.19, "overshoot": 0.0, "robustness": 0.96})
	}
	return map[string]any{"type": "result", "id": id, "batch": 1, "rounds": 5,
		"samples": []float64{t * 0.98, t, t * 1.02, t * 1.01, t * 0.99},
		"run": map[string]any{"seed": seed, "depth_results": drs, "time_epoch_mean": t, "time_epoch_std": 0.0,
			"time_forward_mean": t / float64(max(T, 1)), "time_forward_std": 0.0, "mem_peak_bytes": 16000, "total_mean": 0.03,
			"total_std": 0.0, "rmse_mean": 0.19, "rmse_std": 0.0, "overshoot_mean": 0.0, "robustness_mean": 0.96},
		"mem_kind": "tracemalloc"}
}

// complete is the number of measurements that completes a config (9 with
// --repeats 1; see bench.Split).
const complete = 9

// failNow reports whether a failing mode fails this measure of a config
// with seq len T, the worker's measured-th: once some config had complete
// measurements by the sweep's workers (counted in FAKE_PYTHON_PIDS, one
// file per T; the parent sends one measure at a time), or on the worker's
// second without that directory.
func failNow(T, measured int) bool {
	dir := os.Getenv("FAKE_PYTHON_PIDS")
	if dir == "" {
		return measured > 1
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "measured-") {
			if info, err := e.Info(); err == nil && info.Size() >= complete {
				return true
			}
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("measured-%d", T)), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		_, _ = f.Write([]byte{'.'})
		_ = f.Close()
	}
	return false
}
