// Package sweep runs a plan. A Runner measures the plan's configs in
// worker processes (package worker; which program they are is the
// caller's choice, Options.Worker) on a schedule that spreads each
// config's measurements over seconds, streams Events in order, and takes
// pause, resume, grid edits and cancellation while it runs. Tracker folds
// those events into what a progress display shows — done, elapsed, time
// left — the same for every front door, and Estimator says roughly how
// long a plan will take before it runs. It knows nothing of terminals or
// files.
package sweep
