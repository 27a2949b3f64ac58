package report

import (
	"fmt"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
)

// runReport is what the report files of one run are written from.
type runReport struct {
	RunID    int64
	Results  []bench.Result
	Total    int       // configs in the run's grid: more than Results in a partial run
	Machine  *Machine  // nil: unknown (no Machine line)
	Baseline *Baseline // nil without a baseline
}

// baselineRun is a recorder's baseline: compared with the run at each Save.
type baselineRun struct {
	path    string
	results []bench.Result
}

// SetBaseline makes every later Save compare the run with base (read from
// path): the CSV gets the comparison columns and the Markdown the
// comparison table.
func (r *Recorder) SetBaseline(path string, base []bench.Result) {
	r.base = &baselineRun{path: path, results: base}
}

// SetBaseline makes the run's reports compare it with base (see
// Recorder.SetBaseline).
func (r *Run) SetBaseline(path string, base []bench.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rec.SetBaseline(path, base)
}

// Comparison is the run compared with its baseline, nil without one.
func (r *Run) Comparison() *Baseline {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rec.Comparison()
}

// Comparison is the run compared with its baseline now, nil without one.
func (r *Recorder) Comparison() *Baseline {
	if r.base == nil {
		return nil
	}
	b := CompareBaseline(r.base.path, r.base.results, r.inGrid())
	return &b
}

// report is what Save writes the reports from: the results of the run's grid.
func (r *Recorder) report() runReport {
	m := r.machine
	return runReport{RunID: r.meta.RunID, Results: r.inGrid(), Total: r.meta.Plan.Grid.Size(), Machine: &m, Baseline: r.Comparison()}
}

// DescribeEntries lists compared configs for a message:
// "D=3 K=5 T=48 1.43× [1.38×, 1.49×], …".
func DescribeEntries(es []BaselineEntry) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = fmt.Sprintf("%s %s", e.Config, FormatRatioCI(e.Cmp))
	}
	return strings.Join(s, ", ")
}
