package report

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/internal/fsys"
	"github.com/hcbench/hcbench/report/store"
)

// Report is what the report files of one run are written from.
type Report struct {
	RunID    int64
	Results  []bench.Result    // in the run's grid, in its sweep order
	Total    int               // configs in the run's grid: more than Results in a partial run
	Machine  *store.Machine    // nil: unknown (no Machine line)
	Baseline *compare.Baseline // nil without a baseline
	// AB is an A/B sweep's comparison of variant B (Vs) with A; nil
	// without --vs.
	AB *compare.AB
	Vs bench.Variant
}

// Write rewrites every report of the run in p but the JSONL (which the
// store appends to as configs finish): the CSV (atomically), the Markdown,
// the benchstat file and both figures. Every file is attempted; the errors
// are joined, each naming its file.
func Write(p store.Paths, rep Report) error { return write(fsys.OS{}, p, rep) }

func write(fs fsys.FS, p store.Paths, rep Report) error {
	return errors.Join(
		writeCSV(fs, p.CSV, rep),
		writeMarkdown(fs, p.Markdown, rep),
		writeBench(fs, p.Bench, rep),
		writeFigures(fs, p, rep.Results),
	)
}

// DescribeEntries lists compared configs for a message:
// "D=3 K=5 T=48 1.43× [1.38×, 1.49×], …".
func DescribeEntries(es []compare.BaselineEntry) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = fmt.Sprintf("%s %s", e.Config, compare.FormatRatioCI(e.Cmp))
	}
	return strings.Join(s, ", ")
}
