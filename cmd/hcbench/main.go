// Command hcbench benchmarks the QMLHC hypercausal engine over a D × K × T
// grid, interactively in a terminal or headless, and saves the reference's
// JSONL/CSV reports. Run hcbench --help for the flags.
//
// main only connects the process to run (arguments, standard streams,
// terminal detection, signals); everything else is testable in-process.
package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/hcbench/hcbench/engine/measure"
)

func main() {
	// A worker process (hcbench re-executing itself to measure) serves the
	// worker protocol and exits here.
	measure.MainIfWorker()
	if len(os.Args) > 1 && os.Args[1] == "compare" {
		os.Exit(runCompare(os.Args[2:], os.Stdout, os.Stderr))
	}
	// Buffered so that a signal arriving while run is busy is not lost.
	sigs := make(chan os.Signal, 4)
	// SIGPIPE is asked for so that a write to a closed pipe returns an
	// error and stops the sweep like an interrupt (results saved, exit 130)
	// instead of killing the process before it saves.
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	code := run(os.Args[1:], os.Stdout, os.Stderr, processEnvironment(sigs))
	signal.Stop(sigs)
	os.Exit(code)
}
