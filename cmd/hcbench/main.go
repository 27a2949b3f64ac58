// Command hcbench benchmarks the QMLHC hypercausal engine over a D × K × T
// grid, in a terminal workbench or headless (hcbench --help). It is a thin
// client of report/session, which owns a run's life: it reads the flags
// into a session.Spec, looks at the terminal, turns signals into a
// cancelled context and connects the session to the console printer
// (headless) or the workbench (tui).
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/charmbracelet/x/term"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/measure"
	"github.com/hcbench/hcbench/report/cluster"
	"github.com/hcbench/hcbench/report/console"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/tui"
)

// subcommands are the commands beside the main one: hcbench compare, show, merge, slurm, k8s.
var subcommands = map[string]func(args []string, stdout, stderr io.Writer) int{"compare": runCompare, "show": runShow, "merge": cluster.Merge, "slurm": cluster.Slurm, "k8s": cluster.K8s}

// Exit codes, as the README lists them.
const exitOK, exitError, exitUsage, exitRegression, exitInterrupted = 0, 1, 2, 3, 130

func main() {
	measure.MainIfWorker() // a worker process (hcbench re-executed to measure) ends here
	if len(os.Args) > 1 && subcommands[os.Args[1]] != nil {
		os.Exit(subcommands[os.Args[1]](os.Args[2:], os.Stdout, os.Stderr))
	}
	if cluster.IsShard(os.Args[1:]) { // --shard I/N: one shard of a sweep, a headless run of its part
		os.Exit(cluster.Shard(os.Args[1:], versionString(), os.Stdout, os.Stderr))
	}
	// Buffered, so that no signal is lost while run is busy. SIGPIPE makes
	// a write to a closed pipe fail and stop the sweep like an interrupt
	// (results saved, exit 130) instead of killing the process unsaved.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	env := environment{stdoutTerminal: term.IsTerminal(os.Stdout.Fd()), signals: sigs, stderr: console.Options{
		Terminal: term.IsTerminal(os.Stderr.Fd()), Term: os.Getenv("TERM"), NoColor: os.Getenv("NO_COLOR") != ""}}
	env.memory, env.memorySource = session.MemoryBudget()
	env.stderr.Width, _, _ = term.GetSize(os.Stderr.Fd()) // 0 when stderr is no terminal
	code := run(os.Args[1:], os.Stdout, os.Stderr, env)
	signal.Stop(sigs)
	os.Exit(code)
}

// environment is what run needs to know about the process beyond its
// arguments and streams; tests fill it in by hand.
type environment struct {
	stdoutTerminal bool
	stderr         console.Options  // what stderr is, for the progress line
	memory         int64            // the default memory budget (0: none)
	memorySource   string           // where it comes from
	signals        <-chan os.Signal // SIGINT, SIGTERM, SIGHUP and SIGPIPE (nil: none)
}

// run is the whole command; it returns the exit code.
func run(args []string, stdout, stderr io.Writer, env environment) int {
	stderr = console.Locked(stderr) // the signal watcher writes there too
	o, err := parseArgs(args, env)
	switch {
	case err != nil:
		return fail(stderr, err)
	case o.help:
		io.WriteString(stdout, usage)
		return exitOK
	case o.version:
		fmt.Fprintf(stdout, "hcbench %s (%s %s/%s)\n", versionString(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return exitOK
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	intr := watchSignals(env.signals, cancel, stderr)
	defer intr.stop()
	// --resume continues a recorded run, which the workbench does not take
	// over: it runs headless. TERM=dumb cannot draw a full screen.
	if o.headless || o.spec.Resume || !env.stdoutTerminal || env.stderr.Term == "dumb" {
		return headless(ctx, o, env, stdout, stderr, intr)
	}
	return interactive(ctx, o, stdout, stderr, intr)
}

// fail prints err as one line; its exit code is 2 for a request refused
// as asked, 1 for anything else.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "hcbench: %s\n", strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; "))
	var ue *session.UsageError
	var fe *bench.FlagError
	if errors.As(err, &ue) || errors.As(err, &fe) {
		return exitUsage
	}
	return exitError
}

// version is set at link time (-ldflags "-X main.version=v1.0.0").
var version string

// versionString is the link-time version, else the module's, else "devel".
func versionString() string {
	if bi, ok := debug.ReadBuildInfo(); version == "" && ok && bi.Main.Version != "(devel)" {
		return cmp.Or(bi.Main.Version, "devel")
	}
	return cmp.Or(version, "devel")
}

// runShow is `hcbench show [DIR]`: the workbench on DIR's recorded runs (tui.Show).
func runShow(args []string, _, stderr io.Writer) int {
	if len(args) > 1 || len(args) == 1 && strings.HasPrefix(args[0], "-") {
		return fail(stderr, session.Usagef("usage: hcbench show [DIR]   the workbench on recorded runs: measures nothing, writes nothing"))
	}
	if err := tui.Show(context.Background(), tui.ShowOptions{Dir: strings.Join(args, "")}); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}
