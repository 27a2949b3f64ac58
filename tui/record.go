package tui

import (
	"sync"
	"time"

	"github.com/hcbench/hcbench/engine"
	"github.com/hcbench/hcbench/report"
)

// recorder serialises a report.Recorder between the goroutine that drains
// events (Add) and the commands that save (Save): a save may come from a
// key press while results are still being appended.
type recorder struct {
	mu     sync.Mutex
	rec    *report.Recorder
	paths  report.Paths
	closed bool
}

// openRecorder records into dir; its paths are shown as shown (the
// directory as the user typed it).
func openRecorder(meta report.Meta, dir, shown string, prior []engine.Result) (*recorder, error) {
	r, err := report.NewRecorder(meta, dir, prior)
	if err != nil {
		return nil, err
	}
	return &recorder{rec: r, paths: report.PathsFor(shown)}, nil
}

func (r *recorder) Add(res engine.Result) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rec.Add(res)
}

func (r *recorder) Save() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rec.Save()
}

func (r *recorder) Results() []engine.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rec.Results()
}

func (r *recorder) Paths() report.Paths { return r.paths }

// SetGrid records a live grid edit, so the run's later records (and a
// --resume) carry the grid it ends with.
func (r *recorder) SetGrid(g engine.Grid) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rec.SetGrid(g)
}

func (r *recorder) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.closed = true
		r.rec.Close()
	}
}

// nextRunID names a new run by report's one rule (its start time in Unix
// seconds, past every id already in the JSONL). An unreadable history
// cannot hold a clashing id we could see, so the start time stands.
func nextRunID(dir string, now time.Time) int64 {
	id, err := report.NextRunID(report.PathsFor(dir).JSONL, now)
	if err != nil {
		return now.Unix()
	}
	return id
}
