package store

import (
	"os"

	"github.com/hcbench/hcbench/engine/bench"
)

// ReadJSONL reads every record of a JSONL file. A line that is not a record
// is refused with a *LineError "PATH:LINE: reason"; blank lines are skipped.
func ReadJSONL(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, _, err := readJSONL(f, path, false)
	return recs, err
}

// LatestRun is the run written last: the run of the last record (a resumed
// run appends under its old id, so the largest id is not always the
// latest); 0, nil for no records.
func LatestRun(recs []Record) (runID int64, results []bench.Result) {
	if len(recs) == 0 {
		return 0, nil
	}
	id := recs[len(recs)-1].RunID
	return id, Runs(recs)[id]
}
