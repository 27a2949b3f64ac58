package engine

import (
	"bufio"
	"fmt"
	"os"
	"testing"
)

// crashEnv makes the test binary a worker that says hello and dies on its
// first request (TestWorkerCrashFailsSweep).
const crashEnv = "HCBENCH_TEST_CRASHING_WORKER"

// TestMain lets the test binary serve as its own Go worker: sweeps here
// re-execute it (worker.SelfCommand).
func TestMain(m *testing.M) {
	if os.Getenv(crashEnv) != "" {
		fmt.Println(`{"type":"hello","protocol":1,"engine":"go"}`)
		bufio.NewReader(os.Stdin).ReadString('\n')
		fmt.Fprintln(os.Stderr, "fatal error: out of memory")
		os.Exit(2)
	}
	MainIfWorker()
	os.Exit(m.Run())
}
