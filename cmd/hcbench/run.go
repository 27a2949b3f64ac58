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
	// signals delivers SIGINT, SIGTERM and SIGHUP; nil means none arrive.
	signals <-chan os.Signal
}

// processEnvironment describes the real process.
func processEnvironment(sigs <-chan os.Signal) environment {
	env := environment{
		stdoutTerminal: term.IsTerminal(os.Stdout.Fd()),
		stderrTerminal: term.IsTerminal(os.Stderr.Fd()),
		// NO_COLOR counts when set to anything non-empty.
		noColor: os.Getenv("NO_COLOR") != "",
		signals: sigs,
	}
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

	s, err := setUp(o, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	defer s.close()
	// --resume continues a recorded run, which the interactive screen does
	// not take over: it runs headless.
	if o.headless || o.resume || !env.stdoutTerminal {
		return runHeadless(ctx, s, stdout, stderr, env, intr)
	}
	return runInteractive(ctx, s, stdout, stderr, intr)
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
