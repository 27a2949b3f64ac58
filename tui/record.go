package tui

import (
	"sync"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report"
)

// recorder is the workbench's handle on a report.Run — the one owner of a
// run's life on disk, as for the headless mode: lock, run id, resume,
// recording with lost-file recovery. Results are added from the goroutine
// that drains events and saved from commands; report.Run serialises them.
type recorder struct {
	run   *report.Run
	paths report.Paths // the run's files as the user typed the directory
	once  sync.Once
}

// openRecorder opens a run of plan in dir (locked like -o: a directory
// another hcbench writes is refused with a *report.LockedError); its paths
// are shown under shown, the directory as the user typed it.
func openRecorder(dir, shown string, plan bench.Plan, opts report.RunOptions) (*recorder, error) {
	run, err := report.OpenRun(dir, plan, opts)
	if err != nil {
		return nil, err
	}
	return &recorder{run: run, paths: report.PathsFor(shown)}, nil
}

// Add records a result and returns what the user should be told ("" when
// nothing): a write failing, the JSONL lost or recreated.
func (r *recorder) Add(res bench.Result) string { return r.run.Add(res) }

func (r *recorder) Save() error { return r.run.Save() }

// Results are the run's results in its current grid.
func (r *recorder) Results() []bench.Result { return r.run.Results() }

func (r *recorder) Paths() report.Paths { return r.paths }

// SetGrid records a live grid edit, so the run's later records (and a
// --resume) carry the grid it ends with, and its reports cover that grid.
func (r *recorder) SetGrid(g bench.Grid) { r.run.SetGrid(g) }

// Close ends the run: it never writes again, and its lock is released.
func (r *recorder) Close() { r.once.Do(func() { r.run.Close() }) }
