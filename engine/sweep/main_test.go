package sweep

import (
	"bufio"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/measure"
	"github.com/hcbench/hcbench/engine/worker"
)

// crashEnv makes the test binary a worker that says hello and dies on its
// first request (TestWorkerCrashFailsSweep).
const crashEnv = "HCBENCH_TEST_CRASHING_WORKER"

// recordEnv makes the test binary a Go worker that appends "pid D K T" to
// the file it names before each measurement: the parent waits for each
// result before the next request, so the file is the sweep's request
// order. With gateEnv ("T path") too, a request for a config with T at
// least that waits until path exists (see testWorker).
const (
	recordEnv = "HCBENCH_TEST_RECORD"
	gateEnv   = "HCBENCH_TEST_GATE"
)

// serveTestWorker is the worker of recordEnv and gateEnv.
func serveTestWorker(log, gate string) error {
	var gateT int
	var gatePath string
	if gate != "" {
		if _, err := fmt.Sscan(gate, &gateT, &gatePath); err != nil {
			return fmt.Errorf("%s=%q: %w", gateEnv, gate, err)
		}
	}
	hello := worker.Hello{Engine: "go", EngineVersion: measure.Hello().EngineVersion}
	return worker.Serve(os.Stdin, os.Stdout, hello, func(req worker.Request, ctl *worker.Control) (worker.Result, error) {
		f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return worker.Result{}, err
		}
		_, err = fmt.Fprintf(f, "%d %d %d %d\n", os.Getpid(), req.Config.D, req.Config.K, req.Config.T)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return worker.Result{}, err
		}
		for gatePath != "" && req.Config.T >= gateT {
			if _, err := os.Stat(gatePath); err == nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		return measure.Measure(req, ctl)
	})
}

// TestMain lets the test binary serve as its own Go worker: sweeps here
// re-execute it (worker.SelfCommand).
func TestMain(m *testing.M) {
	if os.Getenv(crashEnv) != "" {
		fmt.Println(`{"type":"hello","protocol":1,"engine":"go"}`)
		bufio.NewReader(os.Stdin).ReadString('\n')
		fmt.Fprintln(os.Stderr, "fatal error: out of memory")
		os.Exit(2)
	}
	if log := os.Getenv(recordEnv); log != "" {
		if err := serveTestWorker(log, os.Getenv(gateEnv)); err != nil {
			fmt.Fprintln(os.Stderr, "test worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	measure.MainIfWorker()
	os.Exit(m.Run())
}
