package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/shards"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/tui/views/history"
	"github.com/hcbench/hcbench/tui/widgets/keys"
)

// showNote is what the footer and the help say under hcbench show.
const showNote = "read-only: hcbench show"

// ShowOptions configure Show.
type ShowOptions struct {
	Dir    string    // the results directory ("": .benchmarks)
	Input  io.Reader // nil: os.Stdin, which must then be a terminal
	Output io.Writer // nil: os.Stdout, which must then be a terminal
}

// Show is hcbench show: the workbench on the recorded runs of a results
// directory — the history of its JSONL (read with report/store), a run's
// view, the detail and the comparison of two runs — until the user quits
// or ctx is cancelled. It measures nothing, writes nothing and takes no
// lock: no key starts, edits, pauses, saves or continues a run. SIGINT,
// SIGTERM and SIGHUP end it as q does (nothing is left to save).
//
// On a directory holding the shards of a sweep not merged yet (hcbench
// --shard I/N -o DIR, no JSONL of its own), it follows them live instead:
// their states and the run so far (tui/views/shardview), read again as
// their files grow.
//
// A directory or JSONL that does not exist, or no terminal to draw on, is
// a *session.UsageError (a bad command line); one that cannot be read is
// another error. Either names what it is about, in one line.
func Show(ctx context.Context, opt ShowOptions) error {
	dir := bench.ExpandHome(opt.Dir) // show '~/x' as the shell's ~/x
	if dir == "" {
		dir = session.DefaultOut
	}
	sharded, err := checkShowDir(dir)
	if err != nil {
		return err
	}
	if opt.Output == nil && (!term.IsTerminal(os.Stdout.Fd()) || os.Getenv("TERM") == "dumb") ||
		opt.Input == nil && !term.IsTerminal(os.Stdin.Fd()) {
		if opt.Output == nil && os.Getenv("TERM") == "dumb" && term.IsTerminal(os.Stdout.Fd()) {
			return &session.UsageError{Err: errors.New("hcbench show needs a terminal that can draw a screen: TERM=dumb cannot (hcbench compare prints runs as text)")}
		}
		return &session.UsageError{Err: errors.New("hcbench show needs a terminal")}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	_, err = Run(ctx, Options{Spec: session.Spec{Out: dir}, Input: opt.Input, Output: opt.Output, show: true, shards: sharded})
	return err
}

// checkShowDir checks that dir is a directory with a readable JSONL, or
// the shards of a sweep not merged yet (sharded: followed live).
func checkShowDir(dir string) (sharded bool, err error) {
	usage := func(format string, args ...any) error { return &session.UsageError{Err: fmt.Errorf(format, args...)} }
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, usage("show: no directory %s (hcbench show [DIR]: a results directory, default %s)", dir, session.DefaultOut)
	case err != nil:
		return false, fmt.Errorf("show: cannot read %s: %w", dir, err)
	case !fi.IsDir():
		return false, usage("show: %s is not a directory (hcbench show [DIR]: a results directory, default %s)", dir, session.DefaultOut)
	}
	path := store.PathsFor(dir).JSONL
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && shards.IsSharded(dir):
		return true, nil // the shards of a sweep, not merged yet: followed live
	case errors.Is(err, fs.ErrNotExist):
		return false, usage("show: %s holds no recorded runs (no %s)", dir, path)
	case err != nil:
		return false, fmt.Errorf("show: cannot read %s: %w", path, err)
	}
	return false, f.Close()
}

// changesRun reports whether act would start, edit, pause, save or
// continue a run: what hcbench show refuses.
func changesRun(act keys.Action) bool {
	switch act {
	case keys.ActStart, keys.ActRerun, keys.ActEdit, keys.ActApply, keys.ActPause, keys.ActSave, keys.ActResume:
		return true
	}
	return false
}

// exportRun writes the reports of the run under the history's cursor (or
// the one opened) again — the CSV, the Markdown, the benchstat file and
// the figures, into the directory shown — after the user says yes:
// hcbench show writes nothing else, and nothing unasked. The JSONL is
// never touched; a run another hcbench is still writing is left to it.
func (a *app) exportRun() tea.Cmd {
	h := a.views.history
	r, ok := h.Selected()
	if o, _ := h.Opened(); h.Tab == history.Opened && o != nil {
		r, ok = *o, true
	}
	switch {
	case !ok:
		return nil
	case len(r.Results) == 0:
		a.setStatus(fmt.Sprintf("run %d has no results to write reports of", r.ID), false)
		return nil
	case h.Live[r.ID] != "":
		a.setStatus(fmt.Sprintf("run %d is still being written: the hcbench measuring it writes its reports", r.ID), false)
		return nil
	}
	dir := a.resolve(a.outDir())
	a.prompt = &prompt{
		text: fmt.Sprintf("Write the reports of run %d (%s) into %s — CSV, Markdown, benchstat file, figures — replacing the ones there? The JSONL is not touched.",
			r.ID, r.Status(), a.outDir()),
		onYes: func(a *app) tea.Cmd {
			a.setStatus(fmt.Sprintf("writing run %d's reports…", r.ID), false)
			return safeCmd(func() tea.Msg {
				total := len(r.Results)
				if r.GridKnown {
					total = r.Plan.Grid.Size()
				}
				m := r.Machine
				err := report.Write(store.PathsFor(dir), report.Report{RunID: r.ID, Results: r.Results, Total: total, Machine: &m})
				return applyMsg(func(a *app) {
					if err != nil {
						a.setStatus("✗ "+err.Error(), true)
						return
					}
					a.setStatus(fmt.Sprintf("✓ run %d's reports written to %s (CSV, Markdown, benchstat, PNG/SVG figures)", r.ID, a.outDir()), false)
				})
			})
		},
		onNo: func(a *app) tea.Cmd { a.setStatus("nothing written", false); return nil },
	}
	return nil
}
