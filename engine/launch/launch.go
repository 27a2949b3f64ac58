// Package launch chooses and starts the engine that measures, for every
// front door: the built-in Go port (this program re-executed as worker
// processes, package measure) or the user's own qml-hcs through the Python
// worker (package pyworker). A front door describes the engine with a
// Spec, read from flags (Flags) or a form (Resolve, CheckQMLHC,
// FindPython); gets back the sweep options that measure with it
// (Spec.Options) and the command-line spelling of it (Spec.Args); and can
// check that the engine starts before a run creates anything (Probe).
// Front doors import neither worker package: this one does.
package launch

import (
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/pyworker"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/engine/worker"
)

// Flag names of the engine.
const (
	FlagEngine = "engine"
	FlagQMLHC  = pyworker.FlagQMLHC
	FlagPython = pyworker.FlagPython
)

// EnvQMLHC is where the qml-hcs checkout is looked for when none is given,
// and DefaultPython the interpreter used when none is given.
const (
	EnvQMLHC      = pyworker.EnvQMLHC
	DefaultPython = pyworker.DefaultPython
)

// Spec says who measures.
type Spec struct {
	// Engine is bench.EngineGo ("" too) or bench.EnginePython.
	Engine string
	// QMLHC and Python, for the python engine: the checkout ("" is
	// $QMLHC_PATH) and the interpreter ("" is DefaultPython). Resolve
	// makes both absolute.
	QMLHC, Python string
}

// Name is the engine's name, "" read as bench.EngineGo.
func (s Spec) Name() string {
	if s.Engine == "" {
		return bench.EngineGo
	}
	return s.Engine
}

// Args is the command-line spelling of s: nothing for the Go engine.
func (s Spec) Args() []string {
	if s.Name() != bench.EnginePython {
		return nil
	}
	args := []string{"--" + FlagEngine, bench.EnginePython}
	if s.QMLHC != "" {
		args = append(args, "--"+FlagQMLHC, s.QMLHC)
	}
	if s.Python != "" {
		args = append(args, "--"+FlagPython, s.Python)
	}
	return args
}

// Flags are the engine's flags as typed.
type Flags struct {
	engine, qmlhc, python string
	fs                    *pflag.FlagSet
}

// Register declares the engine's flags on fs.
func (f *Flags) Register(fs *pflag.FlagSet) {
	f.fs = fs
	bench.OnceString(fs, &f.engine, FlagEngine, "", bench.EngineGo)
	bench.OnceString(fs, &f.qmlhc, FlagQMLHC, "", "")
	bench.OnceString(fs, &f.python, FlagPython, "", "")
}

// Spec is the engine the flags ask for, checked as far as can be without
// running anything: the name, and for python that the checkout has the
// library and the example and that the interpreter exists. The error
// names the flag.
func (f *Flags) Spec() (Spec, error) {
	name, err := bench.ParseEngine(f.engine)
	if err != nil {
		return Spec{}, &bench.FlagError{Flag: FlagEngine, Value: f.engine, Err: err}
	}
	if name != bench.EnginePython {
		for _, fl := range []string{FlagQMLHC, FlagPython} {
			if f.fs.Changed(fl) {
				return Spec{}, fmt.Errorf("--%s is for --%s %s; the engine is %s (give --%s %s to measure your qml-hcs)",
					fl, FlagEngine, bench.EnginePython, name, FlagEngine, bench.EnginePython)
			}
		}
		return Spec{Engine: name}, nil
	}
	return Resolve(Spec{Engine: name, QMLHC: f.qmlhc, Python: f.python})
}

// Resolve checks s and makes the python engine's paths absolute, so that
// a printed command works from any directory. Nothing is run.
func Resolve(s Spec) (Spec, error) {
	if s.Name() != bench.EnginePython {
		return Spec{Engine: s.Name()}, nil
	}
	setup, err := pyworker.Resolve(s.Python, s.QMLHC)
	if err != nil {
		return Spec{}, err
	}
	return Spec{Engine: bench.EnginePython, QMLHC: setup.Dir, Python: setup.Python}, nil
}

// Options are the sweep options that measure with s (Prior unset). s must
// be resolved.
func (s Spec) Options() sweep.Options {
	if s.Name() != bench.EnginePython {
		return sweep.Options{WorkerOptions: worker.Options{Name: "go worker"}}
	}
	setup := pyworker.Setup{Python: s.Python, Dir: s.QMLHC}
	return sweep.Options{
		Worker:        func() (*exec.Cmd, error) { return setup.Command(), nil },
		WorkerOptions: worker.Options{Name: "python worker"},
	}
}

// Probe starts one worker of s and reads its handshake, so that a Python
// without numpy, a checkout that does not import or an incompatible worker
// is refused before a sweep creates anything; it returns one line saying
// what measures. The Go engine is this program: nothing to probe, "".
func Probe(ctx context.Context, s Spec) (string, error) {
	if s.Name() != bench.EnginePython {
		return "", nil
	}
	eo := s.Options()
	cmd, err := eo.Worker()
	if err != nil {
		return "", err
	}
	c, err := worker.Start(ctx, cmd, eo.WorkerOptions)
	if err != nil {
		return "", fmt.Errorf("--%s %s: %w", FlagEngine, bench.EnginePython, err)
	}
	h := c.Hello()
	if err := c.Close(); err != nil {
		return "", err
	}
	return describe(h), nil
}

// describe is one line saying what measures, from a worker's hello: the
// engine, and for python the checkout, the interpreter and numpy.
func describe(h worker.Hello) string {
	d := h.Details
	if h.Engine != bench.EnginePython {
		return fmt.Sprintf("engine: %s %s", h.Engine, h.EngineVersion)
	}
	parts := []string{fmt.Sprintf("engine: python — qml-hcs %s", h.EngineVersion)}
	if dir := d["qmlhc_dir"]; dir != "" {
		parts[0] += " at " + dir
	}
	if v := d["python"]; v != "" {
		if exe := d["python_executable"]; exe != "" {
			v += " (" + exe + ")"
		}
		parts = append(parts, "Python "+v)
	}
	if v := d["numpy"]; v != "" {
		parts = append(parts, "numpy "+v)
	}
	return strings.Join(parts, ", ")
}

// SpecOf is the engine that measured r, as its record says (the python
// worker's hello names its checkout and interpreter): what a command that
// continues r's run needs.
func SpecOf(r bench.Result) Spec {
	if r.Engine != bench.EnginePython {
		return Spec{Engine: bench.EngineGo}
	}
	return Spec{Engine: bench.EnginePython, QMLHC: r.EngineDetails["qmlhc_dir"], Python: r.EngineDetails["python_executable"]}
}

// CheckQMLHC checks that dir is a qml-hcs checkout and returns its
// absolute path (the files only: nothing is run). The error does not name
// the setting, so that a form can show it under its field.
func CheckQMLHC(dir string) (string, error) { return pyworker.CheckDir(dir) }

// FindPython looks the interpreter up as the shell would ("" is
// DefaultPython) and returns its absolute path, without running it.
func FindPython(python string) (string, error) { return pyworker.FindPython(python) }
