// Package measure is the Go engine's worker: the process that measures.
// MainIfWorker, first thing in hcbench's main, turns the process into a
// worker when a sweep started it as one (worker.EnvVar is "go"); Measure
// then runs each request — one run of the reference's benchmark_once for
// one seed on package hc's model and the reference's input series
// (FillSeries), timed in rounds of a fixed batch of epochs at each depth —
// and holds between rounds while the parent pauses. EpochTime is a quick
// in-process calibration for estimates, never a measurement.
package measure
