// Package storetest reads a history for the tests of packages above
// report/store: every record of a JSONL, strictly.
package storetest

import (
	"fmt"

	"github.com/hcbench/hcbench/report/store"
)

// ReadJSONL reads every record of the JSONL at path; a line that is not a
// whole record, the last one included, is an error naming the line.
func ReadJSONL(path string) ([]store.Record, error) {
	lines, torn, err := store.ReadJSONLLines(path)
	if err != nil {
		return nil, err
	}
	if torn > 0 {
		return nil, fmt.Errorf("%s:%d: not a whole record", path, torn)
	}
	recs := make([]store.Record, len(lines))
	for i, l := range lines {
		recs[i] = l.Record
	}
	return recs, nil
}
