package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hcbench/hcbench/report"
)

// compareUsage is `hcbench compare --help`.
const compareUsage = `Usage: hcbench compare OLD NEW [--fail-on-regression PCT]

Compares two recorded runs without measuring. OLD and NEW are
qmlhc_benchmarks.jsonl files, optionally FILE@RUN_ID (default: the file's
latest run). Per config: the medians, the ratio new/old with its 95%
interval and a verdict (faster, slower, ~ no significant change, ? too few
steady measurements), Holm-corrected over the configs.

      --fail-on-regression PCT  exit 3 when a config is slower than OLD by
                                more than PCT % with confidence

Exit: 0 compared, 3 regression, 2 unreadable input or nothing comparable.
`

// runCompare is `hcbench compare`.
func runCompare(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("hcbench compare", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var pctRaw string
	var help bool
	fs.StringVar(&pctRaw, flagFailOnRegr, "", "")
	fs.BoolVarP(&help, "help", "h", false, "")
	if err := fs.Parse(args); err != nil {
		return fail(stderr, usagef("compare: %v (run hcbench compare --help)", err))
	}
	if help {
		fmt.Fprint(stdout, compareUsage)
		return exitOK
	}
	if fs.NArg() != 2 {
		return fail(stderr, usagef("compare needs two runs, OLD and NEW (FILE.jsonl or FILE.jsonl@RUN_ID); got %d argument(s)", fs.NArg()))
	}
	gate := fs.Changed(flagFailOnRegr)
	var pct float64
	if gate {
		v, err := strconv.ParseFloat(strings.TrimSpace(pctRaw), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return fail(stderr, flagError(flagFailOnRegr, pctRaw, errors.New("must be a percentage ≥ 0, e.g. 5")))
		}
		pct = v
	}
	old, err := report.LoadRecordedRun(fs.Arg(0))
	if err != nil {
		return fail(stderr, usagef("compare: %v", err))
	}
	cur, err := report.LoadRecordedRun(fs.Arg(1))
	if err != nil {
		return fail(stderr, usagef("compare: %v", err))
	}
	b := report.CompareBaseline(old.Label(), old.Results, cur.Results)
	if len(b.Entries) == 0 {
		return fail(stderr, usagef("compare: %s and %s have no config in common (same D, K, T and depths)", old.Label(), cur.Label()))
	}
	if err := report.WriteComparison(stdout, old.Label(), cur.Label(), b, report.RunDifferences(old, cur)); err != nil {
		return fail(stderr, fmt.Errorf("cannot print the comparison: %w", err))
	}
	if gate {
		return regressions(stderr, &b, pct)
	}
	return exitOK
}
