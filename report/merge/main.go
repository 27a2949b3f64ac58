package merge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/shardstatus"
)

// FlagAllowMixed lets shards of different hardware be merged.
const FlagAllowMixed = "allow-mixed-hardware"

// Usage is `hcbench merge --help`.
const Usage = `usage: hcbench merge DIR [--run-id ID] [--allow-mixed-hardware]

One run from the shards in DIR (DIR/shard-I-of-N, written by hcbench --shard I/N -o DIR):
its JSONL history entry and reports in DIR, as an unsharded run writes them. Shards that
disagree on settings, engine or hardware (CPU model, core count) are refused. Configs no
shard has finished are listed, the reports marked partial, and the command that measures
only them is printed. Exit 0: complete; 1: partial or an error; 2: refused.

      --run-id ID               merge this run (default: the latest any shard recorded)
      --allow-mixed-hardware    merge shards measured on different CPUs anyway
`

// Main is `hcbench merge`; it returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("hcbench merge", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var opt Options
	var runID string
	var help bool
	fs.StringVar(&runID, bench.FlagRunID, "", "")
	fs.BoolVar(&opt.AllowMixedHardware, FlagAllowMixed, false, "")
	fs.BoolVarP(&help, "help", "h", false, "")
	if err := fs.Parse(args); err != nil {
		return Fail(stderr, session.Usagef("merge: %v (run hcbench merge --help)", err))
	}
	if help {
		io.WriteString(stdout, Usage)
		return 0
	}
	if fs.NArg() != 1 {
		return Fail(stderr, session.Usagef("merge needs one directory, the -o DIR the shards wrote to; got %d argument(s)", fs.NArg()))
	}
	opt.Dir = fs.Arg(0)
	if fs.Changed(bench.FlagRunID) {
		id, err := bench.ParseRunID(runID)
		if err != nil {
			return Fail(stderr, session.Usagef("%v", &bench.FlagError{Flag: bench.FlagRunID, Value: runID, Err: err}))
		}
		opt.RunID = id
	}
	out, err := Merge(opt)
	if err != nil && len(out.Results) == 0 {
		return Fail(stderr, err)
	}
	if perr := Print(stdout, out); perr != nil && err == nil {
		err = perr
	}
	if err != nil {
		return Fail(stderr, err)
	}
	if !out.Complete() {
		// Which shards are still at it, and which ended without finishing.
		if st, err := shardstatus.Read(context.Background(), opt.Dir, time.Now()); err == nil {
			fmt.Fprintf(stdout, "\nShards: %s\n", st.Line())
			for _, l := range st.Lines() {
				fmt.Fprintf(stdout, "  %s\n", l)
			}
		}
		return 1
	}
	return 0
}

// Print writes the merge's summary: the reference's block (opening with
// "partial" when configs are missing), the node offsets, and what is
// missing with the commands that measure it.
func Print(w io.Writer, o Outcome) error {
	header := ""
	total := o.Plan.Grid.Size()
	if !o.Complete() {
		header = fmt.Sprintf("Merge partial: %d of %d configs of run %d saved to:", len(o.Results), total, o.RunID)
	}
	if err := report.WriteSummary(w, o.Paths, o.Results, report.SummaryOptions{Warnings: true, Header: header, AB: o.AB, Vs: o.Vs}); err != nil {
		return err
	}
	var b strings.Builder
	if len(o.Offsets) > 0 {
		parts := make([]string, len(o.Offsets))
		for i, off := range o.Offsets {
			parts[i] = fmt.Sprintf("shard %s (%s) %+.1f%%", off.Shard, off.Host, 100*off.Offset)
		}
		fmt.Fprintf(&b, "- %-15s: %s\n", "Node offsets", strings.Join(parts, ", "))
		if o.Spread > 0 {
			fmt.Fprintf(&b, "- %-15s: %.2f%% (sd of the calibration's log times), added to every interval\n", "Node spread", 100*o.Spread)
		}
	}
	if !o.Complete() {
		names := make([]string, len(o.Missing))
		for i, c := range o.Missing {
			names[i] = c.String()
		}
		fmt.Fprintf(&b, "\nMissing %s (the reports are partial): %s\n", bench.Plural(len(o.Missing), "config"), strings.Join(names, ", "))
		b.WriteString("To measure only those, then merge again:\n")
		for _, c := range o.Rest {
			b.WriteString("  " + c + "\n")
		}
		b.WriteString("  " + bench.CommandLine("hcbench", "merge", o.Paths.Dir) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Fail prints err as hcbench's one line on stderr and returns its exit
// code: 2 for a request refused as asked, 1 for anything else.
func Fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "hcbench: %s\n", strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; "))
	var ue *session.UsageError
	var fe *bench.FlagError
	if errors.As(err, &ue) || errors.As(err, &fe) {
		return 2
	}
	return 1
}
