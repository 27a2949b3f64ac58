package main

import (
	_ "embed"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/console"
	"github.com/hcbench/hcbench/report/session"
)

//go:embed compare_usage.txt
var compareUsage string // hcbench compare --help

// runCompare is `hcbench compare OLD NEW`: two recorded runs compared by
// report/compare, printed by report, gated as the main command gates.
func runCompare(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("hcbench compare", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var pctRaw, format string
	var help bool
	fs.StringVar(&pctRaw, flagFailOnRegr, "", "")
	fs.StringVar(&format, "format", "text", "")
	fs.BoolVarP(&help, "help", "h", false, "")
	if err := fs.Parse(args); err != nil {
		return fail(stderr, session.Usagef("compare: %v (run hcbench compare --help)", err))
	}
	if help {
		io.WriteString(stdout, compareUsage)
		return exitOK
	}
	if fs.NArg() != 2 {
		return fail(stderr, session.Usagef("compare needs two runs, OLD and NEW (FILE.jsonl, FILE.jsonl@RUN_ID or a results directory); got %d argument(s)", fs.NArg()))
	}
	if err := report.CheckComparisonFormat(format); err != nil {
		return fail(stderr, &bench.FlagError{Flag: "format", Value: format, Err: err})
	}
	gated := fs.Changed(flagFailOnRegr)
	pct, err := parsePercent(pctRaw)
	if gated && err != nil {
		return fail(stderr, err)
	}
	old, err := compare.LoadRecordedRun(fs.Arg(0))
	if err != nil {
		return fail(stderr, session.Usagef("compare: %v", err))
	}
	cur, err := compare.LoadRecordedRun(fs.Arg(1))
	if err != nil {
		return fail(stderr, session.Usagef("compare: %v", err))
	}
	b := compare.CompareBaseline(old.Label(), old.Results, cur.Results)
	if len(b.Entries) == 0 {
		return fail(stderr, session.Usagef("compare: %s and %s have no config in common (same D, K, T and depths)", old.Label(), cur.Label()))
	}
	if err := report.WriteComparisonAs(stdout, format, old.Label(), cur.Label(), b, compare.RunDifferences(old, cur)); err != nil {
		return fail(stderr, fmt.Errorf("cannot print the comparison: %w", err))
	}
	if gated {
		return gate(console.New(stderr, console.Options{}), stderr, session.Outcome{Comparison: &b}, pct)
	}
	return exitOK
}
