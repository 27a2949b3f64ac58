package tui

import (
	"os"
	"testing"

	"github.com/hcbench/hcbench/engine/measure"
)

// TestMain lets the test binary serve as its own Go worker: sweeps started
// by these tests measure in re-executions of it, as hcbench does.
func TestMain(m *testing.M) {
	measure.MainIfWorker()
	os.Exit(m.Run())
}
