// Package worker runs measurements in worker processes and speaks the
// protocol of PROTOCOL.md (JSON lines over stdin/stdout, a version
// handshake first) from both ends.
//
// The parent side is Client: Start launches a worker from an *exec.Cmd (in
// its own process group where the OS has them), checks its hello, and
// Measure runs one measurement with progress callbacks, pause/resume/stop,
// a no-output timeout and a clear error naming the config when the worker
// misbehaves (bad JSON, a crash, silence). Every way out of a Client —
// Close, a broken worker, a cancelled context — ends the worker's whole
// process group, so no worker outlives its parent's interest in it.
//
// The worker side is Serve: it answers a hello, reads measure requests one
// at a time and runs them with a MeasureFunc that checks Control.Hold
// between rounds (which is where a pause takes effect and a stop is seen).
// The Go engine's MeasureFunc lives in package engine (engine.ServeWorker),
// because measuring needs engine's series and run aggregation and engine
// imports this package; Python's worker is a separate program speaking the
// same lines.
//
// Which program a sweep's workers are is the caller's choice: engine.Options
// takes a function returning the *exec.Cmd to start (SelfCommand, the
// running binary re-executing itself with EnvVar=go, is the default).
package worker
