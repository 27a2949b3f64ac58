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

func openRecorder(meta report.Meta, dir string, prior []engine.Result) (*recorder, error) {
	r, err := report.NewRecorder(meta, dir, prior)
	if err != nil {
		return nil, err
	}
	return &recorder{rec: r, paths: r.Paths()}, nil
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

func (r *recorder) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.closed = true
		r.rec.Close()
	}
}

// nextRunID names a new run as report.Meta asks, by its start time in Unix
// seconds, bumped past the largest id in dir's JSONL so that two runs
// started within a second stay apart.
func nextRunID(dir string, now time.Time) int64 {
	id := now.Unix()
	recs, _, err := report.ReadJSONLRepair(report.PathsFor(dir).JSONL)
	if err != nil {
		return id
	}
	for _, r := range recs {
		id = max(id, r.RunID+1)
	}
	return id
}
