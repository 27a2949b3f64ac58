package engine

import (
	"os"
	"testing"
)

// TestMain lets the test binary serve as its own Go worker: sweeps here
// re-execute it (worker.SelfCommand).
func TestMain(m *testing.M) {
	MainIfWorker()
	os.Exit(m.Run())
}
