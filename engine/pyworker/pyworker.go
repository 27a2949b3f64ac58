// Package pyworker is the Python worker of --engine python: a small program
// (worker.py, embedded here) that imports the user's own qml-hcs checkout
// and measures its benchmark example's forward_epoch, speaking the worker
// protocol (docs/protocol.md) on stdin/stdout.
//
// This package checks the setup — the checkout and the interpreter, given
// as --qmlhc and --python or in the workbench's form (Resolve, CheckDir,
// FindPython) — and builds the worker's command (Setup.Command). Package
// launch starts it for a sweep; package worker talks to it.
package pyworker

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
)

// script is the worker program's source, passed to the interpreter with -c.
//
//go:embed worker.py
var script string

// Names of the settings, as the command line spells them.
const (
	FlagQMLHC  = "qmlhc"
	FlagPython = "python"
	// EnvQMLHC is read when --qmlhc is not given.
	EnvQMLHC = "QMLHC_PATH"
	// DefaultPython is the interpreter used when --python is not given.
	DefaultPython = "python3"
)

// Files a qml-hcs checkout must have: the library's package and the
// benchmark example whose forward_epoch is measured.
var checkoutFiles = []string{
	filepath.Join("src", "qmlhc", "__init__.py"),
	filepath.Join("examples", "ex_benchmark_performance_demo.py"),
}

// SetupError is a refused --qmlhc or --python value: a usage error that
// names the setting, the value and what is wanted.
type SetupError struct {
	Flag  string // FlagQMLHC or FlagPython
	Env   bool   // the value came from EnvQMLHC, not the flag
	Value string
	Err   error
}

func (e *SetupError) Error() string {
	if e.Env {
		return fmt.Sprintf("%s=%q (used for --%s): %v", EnvQMLHC, e.Value, e.Flag, e.Err)
	}
	return fmt.Sprintf("--%s %q: %v", e.Flag, e.Value, e.Err)
}

func (e *SetupError) Unwrap() error { return e.Err }

// Setup is a validated Python engine setup.
type Setup struct {
	// Python is the interpreter as found (an absolute path when it was
	// looked up in PATH or given relative).
	Python string
	// Dir is the absolute path of the qml-hcs checkout.
	Dir string
}

// Resolve validates the interpreter and the checkout before anything runs.
// An empty dir falls back to $QMLHC_PATH, an empty python to DefaultPython.
// Whether the interpreter has numpy and the checkout imports is only known
// once the worker starts: it then reports a fatal error in its handshake
// (Probe asks for it).
func Resolve(python, dir string) (Setup, error) {
	var s Setup
	fromEnv := false
	if dir == "" {
		dir, fromEnv = os.Getenv(EnvQMLHC), true
	}
	if dir == "" {
		return s, &SetupError{Flag: FlagQMLHC, Err: fmt.Errorf("--engine python needs a qml-hcs checkout: give --qmlhc DIR or set %s", EnvQMLHC)}
	}
	abs, err := CheckDir(dir)
	if err != nil {
		return s, &SetupError{Flag: FlagQMLHC, Env: fromEnv, Value: dir, Err: err}
	}
	path, err := FindPython(python)
	if err != nil {
		if python == "" {
			python = DefaultPython
		}
		return s, &SetupError{Flag: FlagPython, Value: python, Err: err}
	}
	return Setup{Python: path, Dir: abs}, nil
}

// CheckDir checks that dir is a qml-hcs checkout and returns its absolute
// path. It only looks at the files: nothing is run or created. The error
// does not name the setting, so that a form can show it under its field.
func CheckDir(dir string) (string, error) {
	if dir == "" {
		return "", errors.New("give a qml-hcs checkout (the repository root, with src/ and examples/)")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	switch fi, err := os.Stat(abs); {
	case errors.Is(err, fs.ErrNotExist):
		return "", errors.New("no such directory: want a qml-hcs checkout (the repository root, with src/ and examples/)")
	case err != nil:
		return "", err
	case !fi.IsDir():
		return "", errors.New("not a directory: want a qml-hcs checkout (the repository root, with src/ and examples/)")
	}
	for _, f := range checkoutFiles {
		if fi, err := os.Stat(filepath.Join(abs, f)); err != nil || !fi.Mode().IsRegular() {
			return "", fmt.Errorf("not a qml-hcs checkout: it has no %s (want the repository root, with src/ and examples/)", filepath.ToSlash(f))
		}
	}
	return abs, nil
}

// FindPython looks the interpreter up as the shell would ("" is
// DefaultPython) and returns its absolute path, without running it.
func FindPython(python string) (string, error) {
	if python == "" {
		python = DefaultPython
	}
	path, err := exec.LookPath(python)
	if err != nil {
		why := err
		if inner := errors.Unwrap(err); inner != nil {
			why = inner
		}
		return "", fmt.Errorf(
			"no such interpreter (%v): install Python 3 with numpy, e.g. apt-get install python3-numpy and --python /usr/bin/python3", why)
	}
	if !filepath.IsAbs(path) {
		if path, err = filepath.Abs(path); err != nil {
			return "", err
		}
	}
	return path, nil
}

// Args is the worker's command line: the interpreter, the embedded program
// passed with -c (so nothing is written to disk) and the checkout. -B keeps
// Python from writing __pycache__ into the user's checkout.
func (s Setup) Args() []string {
	return []string{s.Python, "-B", "-c", script, s.Dir}
}

// Command is the worker's command, not yet started. The caller connects its
// pipes, starts it in its own process group and owns its life.
func (s Setup) Command() *exec.Cmd {
	a := s.Args()
	cmd := exec.Command(a[0], a[1:]...)
	// Python reads the environment as given; only these are pinned, so that
	// the protocol stream is UTF-8 whatever the user's locale says.
	cmd.Env = append(os.Environ(), "PYTHONIOENCODING=utf-8")
	return cmd
}
