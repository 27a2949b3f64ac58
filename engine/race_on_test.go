//go:build race

package engine

// raceEnabled: the race detector slows instrumented Go code but not the
// assembly kernels, so timings under it say nothing about the engine.
const raceEnabled = true
