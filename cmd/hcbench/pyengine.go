package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/pyworker"
	"github.com/hcbench/hcbench/engine/worker"
)

// Flags choosing who measures: the built-in Go port or the user's own
// qml-hcs through the Python worker (package pyworker).
const (
	flagEngine = "engine"
	flagQMLHC  = pyworker.FlagQMLHC
	flagPython = pyworker.FlagPython
)

// engineFlags are the engine flags as typed.
type engineFlags struct{ name, qmlhc, python string }

// declare adds the engine flags to fs; once refuses a flag given twice.
func (e *engineFlags) declare(once func(p *string, name, short, value string)) {
	once(&e.name, flagEngine, "", bench.EngineGo)
	once(&e.qmlhc, flagQMLHC, "", "")
	once(&e.python, flagPython, "", "")
}

// apply validates the engine flags into o: the plan's engine and, for
// python, the worker command. The interpreter and the checkout are checked
// here (they exist, the checkout has the library and the example); whether
// they import is checked by checkEngine, still before anything is created.
func (e *engineFlags) apply(fs *pflag.FlagSet, o *options) error {
	name, err := bench.ParseEngine(e.name)
	if err != nil {
		return flagError(flagEngine, e.name, err)
	}
	o.plan.Engine = name
	if name != bench.EnginePython {
		for _, f := range []string{flagQMLHC, flagPython} {
			if fs.Changed(f) {
				return usagef("--%s is for --%s %s; the engine is %s (give --%s %s to measure your qml-hcs)",
					f, flagEngine, bench.EnginePython, name, flagEngine, bench.EnginePython)
			}
		}
		return nil
	}
	setup, err := pyworker.Resolve(e.python, e.qmlhc)
	if err != nil {
		return usagef("%v", err)
	}
	o.workers = setup.Workers()
	o.python = *e
	return nil
}

// checkEngine starts one worker of a non-default engine and reads its
// handshake, so that a Python without numpy, a checkout that does not
// import or an incompatible worker is refused before anything is created.
// It returns what the worker says about itself, for one line on stderr.
func checkEngine(ctx context.Context, o *options) (string, error) {
	if o.workers.Worker == nil {
		return "", nil
	}
	h, err := pyworker.Probe(ctx, o.workers)
	if err != nil {
		return "", fmt.Errorf("--%s %s: %w", flagEngine, o.plan.EngineName(), err)
	}
	return describeEngine(h), nil
}

// describeEngine is one line saying what measures, from a worker's hello.
func describeEngine(h worker.Hello) string { return pyworker.Describe(h) }

// checkResumedEngine refuses to continue a run measured by another engine:
// its results and the new ones would not be comparable.
func checkResumedEngine(resumed bool, runPlan bench.Plan, o *options) error {
	if !resumed || runPlan.EngineName() == o.plan.EngineName() {
		return nil
	}
	return usagef("the run to resume was measured by --%s %s, not %s: resume it with --%s %s (or start a new run in another --%s)",
		flagEngine, runPlan.EngineName(), o.plan.EngineName(), flagEngine, runPlan.EngineName(), flagOut)
}
