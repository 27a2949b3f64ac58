package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/charmbracelet/x/term"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report"
)

// Exit codes, as in DESIGN.md.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitRegression  = 3
	exitInterrupted = 130
)

// version is set at link time (-ldflags "-X main.version=v1.0.0"); without
// it the module version from the build info is shown.
var version string

// environment is what run needs to know about the process beyond its
// arguments and streams; tests fill it in by hand.
type environment struct {
	stdoutTerminal bool
	stderrTerminal bool
	stderrWidth    int  // columns of stderr's terminal, 0 when unknown
	noColor        bool // NO_COLOR is set (https://no-color.org)
	// dumbTerminal is TERM=dumb: no cursor movement, so no full screen.
	dumbTerminal bool
	// memory is the memory a run may use by default, in bytes, and where
	// that figure comes from; 0 when unknown (no check without
	// --max-memory).
	memory       int64
	memorySource string
	// signals delivers SIGINT, SIGTERM, SIGHUP and SIGPIPE; nil means none
	// arrive.
	signals <-chan os.Signal
}

// processEnvironment describes the real process.
func processEnvironment(sigs <-chan os.Signal) environment {
	env := environment{
		stdoutTerminal: term.IsTerminal(os.Stdout.Fd()),
		stderrTerminal: term.IsTerminal(os.Stderr.Fd()),
		// NO_COLOR counts when set to anything non-empty.
		noColor:      os.Getenv("NO_COLOR") != "",
		dumbTerminal: os.Getenv("TERM") == "dumb",
		signals:      sigs,
	}
	env.memory, env.memorySource = memoryBudget()
	if env.stderrTerminal {
		if w, _, err := term.GetSize(os.Stderr.Fd()); err == nil {
			env.stderrWidth = w
		}
	}
	return env
}

// run is the whole command: it parses and validates args, then runs the
// interactive or headless mode, and returns the exit code.
func run(args []string, stdout, stderr io.Writer, env environment) int {
	// The signal watcher and the sweep both write to stderr.
	stderr = &lockedWriter{w: stderr}
	o, err := parseArgs(args)
	if err != nil {
		return fail(stderr, err)
	}
	if o.help {
		fmt.Fprint(stdout, usageText())
		return exitOK
	}
	if o.version {
		fmt.Fprintf(stdout, "hcbench %s (%s %s/%s)\n", versionString(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return exitOK
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	intr := watchSignals(env.signals, cancel, stderr)
	defer intr.stop()

	// Everything that can refuse the command line does so before anything
	// is created: the memory the grid needs, then the baseline.
	if err := checkMemory(o.plan, o, env); err != nil {
		return fail(stderr, err)
	}
	engineLine, err := checkEngine(ctx, o)
	if ctx.Err() != nil {
		return interruptedBeforeStart(stderr, intr)
	}
	if err != nil {
		return fail(stderr, err)
	}
	if engineLine != "" {
		fmt.Fprintf(stderr, "hcbench: %s\n", engineLine)
	}
	base, err := loadBaseline(ctx, o.baselinePath)
	if errors.Is(err, context.Canceled) {
		return interruptedBeforeStart(stderr, intr)
	}
	if err != nil {
		return fail(stderr, err)
	}
	// --resume continues a recorded run, which the interactive screen does
	// not take over: it runs headless. TERM=dumb cannot draw a full screen.
	if o.headless || o.resume || !env.stdoutTerminal || env.dumbTerminal {
		return runHeadless(ctx, o, base, stdout, stderr, env, intr)
	}
	return runInteractive(ctx, o, base, stdout, stderr, env, intr)
}

// loadBaseline reads --baseline's file. The read is abandoned when ctx is
// cancelled (a signal), so that a file that never answers (a slow network
// mount) cannot hold the process; a FIFO or device is refused outright.
func loadBaseline(ctx context.Context, path string) ([]bench.Result, error) {
	if path == "" {
		return nil, nil
	}
	type loaded struct {
		res []bench.Result
		err error
	}
	ch := make(chan loaded, 1)
	go func() {
		res, err := report.LoadBaselineFile(path)
		ch <- loaded{res, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case l := <-ch:
		if l.err != nil {
			// LoadBaseline's errors start with "baseline"; the flag says that.
			msg := strings.TrimPrefix(strings.TrimPrefix(l.err.Error(), "baseline: "), "baseline ")
			return nil, flagError(flagBaseline, path, errors.New(msg))
		}
		if len(l.res) == 0 {
			return nil, flagError(flagBaseline, path, errors.New("holds no results to compare with"))
		}
		return l.res, nil
	}
}

// interruptedBeforeStart is the exit for a signal that came before any
// measuring started.
func interruptedBeforeStart(stderr io.Writer, intr *interrupts) int {
	by := ""
	if sig := intr.signal(); sig != nil {
		by = " by " + signalName(sig)
	}
	fmt.Fprintf(stderr, "hcbench: interrupted%s before the sweep started: nothing was measured or saved\n", by)
	return exitInterrupted
}

// fail prints err as one line and returns its exit code.
func fail(stderr io.Writer, err error) int {
	msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
	fmt.Fprintf(stderr, "hcbench: %s\n", msg)
	var ue *usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitError
}

// versionString is the link-time version, else the module's, else "devel".
func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
