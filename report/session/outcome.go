package session

import (
	"fmt"
	"io"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/launch"
	"github.com/hcbench/hcbench/report"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/store"
)

// Outcome is how a run ended, for whoever prints it.
type Outcome struct {
	RunID   int64
	Plan    bench.Plan // with live grid edits
	Engine  launch.Spec
	Paths   store.Paths // under the directory as typed
	Results []bench.Result
	// Started: the sweep was started (a session opened and closed without
	// starting measured nothing).
	Started bool
	// Done of Total configs of the final grid have a result; Measured of
	// them were measured by this session (the rest a resumed run had);
	// Dropped finished after leaving the grid and were not recorded.
	Done, Total, Measured, Dropped int
	// Stopped: ended early by Stop or a cancelled context, the grid not done.
	Stopped bool
	// Err is why the sweep failed (nil when it finished or was stopped).
	Err error
	// SaveErr is what could not be written.
	SaveErr error
	// ReportsWritten: the CSV, Markdown, figures and bench.txt were written.
	// With nothing finished they are left as they were (an earlier run's).
	ReportsWritten bool
	Comparison     *compare.Baseline // nil without a baseline
	AB             *compare.AB       // an A/B sweep's comparison; nil without --vs
	BaselinePath   string
	// Continue resumes the run, Rerun measures it again as a new run:
	// command lines that reproduce it exactly.
	Continue, Rerun string
	Elapsed         time.Duration
}

// Complete reports whether every config of the grid has a result and
// every file was written.
func (o Outcome) Complete() bool {
	return o.Done == o.Total && o.Err == nil && o.SaveErr == nil
}

// WriteSummary prints the end of the run: the reference's summary block,
// opening with how the run ended. Only a run that finished and saved
// everything says "complete"; an unfinished one says how many configs are
// saved and the command that continues it; one that finished nothing says
// that the directory's reports were left as they were.
func (o Outcome) WriteSummary(w io.Writer) error {
	how := "interrupted"
	if o.Err != nil {
		how = "failed"
	}
	if o.Done == 0 {
		// Nothing of this run is recorded, so a resume would find nothing
		// of it (or an earlier, finished run of the same plan): the way
		// to measure it is to start it again.
		what := "No sweep was started"
		if o.Started {
			what = "Benchmark " + how + " before any config finished"
		}
		_, err := fmt.Fprintf(w, "%s: nothing was recorded, and the reports in %s were left as they were.\nTo run it: %s\n",
			what, o.Paths.Dir, o.Rerun)
		return err
	}
	header := ""
	switch {
	case o.SaveErr != nil:
		header = fmt.Sprintf("Benchmark incomplete: %d of %d configs measured, but not every report could be saved (see the error below). Files written:", o.Done, o.Total)
	case o.Done < o.Total || o.Err != nil:
		header = fmt.Sprintf("Benchmark %s: %d of %d configs saved to:", how, o.Done, o.Total)
	}
	if err := report.WriteSummary(w, o.Paths, o.Results, report.SummaryOptions{Baseline: o.Comparison, AB: o.AB, Vs: o.Plan.Vs, Warnings: true, Header: header}); err != nil {
		return err
	}
	if o.Dropped > 0 {
		if _, err := fmt.Fprintf(w, "- %-15s: %d config(s) finished after leaving the grid: not recorded\n", "Grid edits", o.Dropped); err != nil {
			return err
		}
	}
	if o.Done < o.Total {
		_, err := fmt.Fprintf(w, "\nTo continue this run: %s\n", o.Continue)
		return err
	}
	return nil
}
