//go:build race

package sweep

// raceEnabled: the race detector slows instrumented Go code but not the
// assembly kernels, so timings under it say nothing about the engine.
const raceEnabled = true
