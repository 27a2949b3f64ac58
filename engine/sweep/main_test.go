package sweep

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
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
// order. It also appends "paused pid" there when it holds a measurement
// for a pause. With gateEnv ("T path" or "T path after") too, a request
// for a config with T at least that waits, before it is measured (or after,
// with "after"), until path exists; the worker appends "gated pid" to the
// file when it starts to wait (see testWorker).
const (
	recordEnv = "HCBENCH_TEST_RECORD"
	gateEnv   = "HCBENCH_TEST_GATE"
)

// appendLine appends one line to the file at path.
func appendLine(path, format string, a ...any) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, format+"\n", a...)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// pauseSignal passes the worker's output on and logs "paused pid" when it
// says that it holds a measurement (a "paused" line with the measurement's
// id; an idle worker answers a pause with id 0).
type pauseSignal struct {
	w   io.Writer
	log string
}

func (s pauseSignal) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	var m struct {
		Type string `json:"type"`
		ID   int64  `json:"id"`
	}
	if json.Unmarshal(p, &m) == nil && m.Type == "paused" && m.ID != 0 {
		if lerr := appendLine(s.log, "paused %d", os.Getpid()); err == nil {
			err = lerr
		}
	}
	return n, err
}

// serveTestWorker is the worker of recordEnv and gateEnv.
func serveTestWorker(log, gate string) error {
	var gateT int
	var gatePath, when string
	if gate != "" {
		if _, err := fmt.Sscan(gate, &gateT, &gatePath); err != nil {
			return fmt.Errorf("%s=%q: %w", gateEnv, gate, err)
		}
		if f := strings.Fields(gate); len(f) == 3 {
			when = f[2]
		}
	}
	wait := func(req worker.Request) error {
		if gatePath == "" || req.Config.T < gateT {
			return nil
		}
		if _, err := os.Stat(gatePath); err == nil {
			return nil
		}
		if err := appendLine(log, "gated %d", os.Getpid()); err != nil {
			return err
		}
		for {
			if _, err := os.Stat(gatePath); err == nil {
				return nil
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	hello := worker.Hello{Engine: "go", EngineVersion: measure.Hello().EngineVersion}
	out := pauseSignal{w: os.Stdout, log: log}
	return worker.Serve(os.Stdin, out, hello, func(req worker.Request, ctl *worker.Control) (worker.Result, error) {
		if err := appendLine(log, "%d %d %d %d", os.Getpid(), req.Config.D, req.Config.K, req.Config.T); err != nil {
			return worker.Result{}, err
		}
		if when != "after" {
			if err := wait(req); err != nil {
				return worker.Result{}, err
			}
		}
		res, err := measure.Measure(req, ctl)
		if when == "after" {
			if werr := wait(req); err == nil {
				err = werr
			}
		}
		return res, err
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
