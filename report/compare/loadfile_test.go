package compare

import "github.com/hcbench/hcbench/engine/bench"

// LoadBaselineFile is LoadRecordedRun's results, as --baseline uses them.
func LoadBaselineFile(spec string) ([]bench.Result, error) {
	r, err := LoadRecordedRun(spec)
	return r.Results, err
}
