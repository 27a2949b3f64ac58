// Package worker is the measuring protocol between hcbench and its worker
// processes (docs/protocol.md: JSON lines over stdin/stdout, a version
// handshake first), from both ends; it knows no engine.
//
// The parent side is Client: Start launches a worker from an *exec.Cmd (in
// its own process group where the OS has them), checks its hello, and
// Measure runs one measurement with progress callbacks, pause/resume/stop,
// a no-output timeout, a limit on its length derived from its plan
// (Limit: a heartbeat is not progress) and a clear error naming the config
// when the worker misbehaves (bad JSON, a crash, silence, no result in
// time), quoting the line of its stderr that says why (the whole of it
// goes to a log file in Options.LogDir). Every way out of a Client —
// Close, a broken worker, a cancelled context — ends the worker's whole
// process group, so no worker outlives its parent's interest in it.
//
// The worker side is Serve: it answers a hello, reads measure requests one
// at a time and runs them with a MeasureFunc that checks Control.Hold
// between rounds (which is where a pause takes effect and a stop is seen).
// The Go engine's MeasureFunc is package measure's; the Python worker is a
// separate program speaking the same lines (package pyworker).
//
// Which program a sweep's workers are is package launch's choice, passed
// to the sweep as a function returning the *exec.Cmd to start;
// SelfCommand, the running binary re-executing itself with EnvVar=go, is
// the Go engine's.
package worker
