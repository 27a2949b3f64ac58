package main

import (
	_ "embed"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/launch"
	"github.com/hcbench/hcbench/report/session"
)

//go:embed usage.txt
var usage string // what --help prints

// flagFailOnRegr is the gate's flag, of the main command and of compare.
const flagFailOnRegr = "fail-on-regression"

// options is a checked command line.
type options struct {
	spec               session.Spec
	headless, startNow bool
	gate               bool    // --fail-on-regression given
	pct                float64 // its value, in percent
	help, version      bool
}

// parseArgs reads and checks the command line into a session.Spec,
// touching nothing on disk: the session checks the rest (memory, the
// engine's handshake, the baseline) before it creates anything.
func parseArgs(args []string, env environment) (*options, error) {
	fs := pflag.NewFlagSet("hcbench", pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // one line of ours instead of pflag's usage
	o := &options{}
	var pf bench.PlanFlags
	var lf launch.Flags
	pf.Register(fs)
	lf.Register(fs)
	var maxMemory, failPct string
	fs.StringVarP(&o.spec.Out, session.FlagOut, "o", session.DefaultOut, "")
	bench.OnceString(fs, &maxMemory, session.FlagMaxMemory, "", "")
	fs.BoolVar(&o.headless, session.FlagHeadless, false, "")
	fs.BoolVar(&o.startNow, "run", false, "")
	fs.BoolVar(&o.spec.Resume, session.FlagResume, false, "")
	fs.StringVar(&o.spec.Baseline, session.FlagBaseline, "", "")
	fs.StringVar(&failPct, flagFailOnRegr, "", "")
	fs.BoolVar(&o.version, "version", false, "")
	fs.BoolVarP(&o.help, "help", "h", false, "")
	if err := fs.Parse(args); err != nil {
		return nil, session.Usagef("%v (run hcbench --help for the flags)", err)
	}
	if o.help || o.version {
		if fs.NArg() > 0 { // "hcbench --version junk" in a script is a mistake worth saying
			return nil, session.Usagef("unexpected argument %q after --help/--version (run hcbench --help)", fs.Arg(0))
		}
		return o, nil
	}
	if err := o.read(fs, &pf, &lf, env, maxMemory, failPct); err != nil {
		return nil, &session.UsageError{Err: err}
	}
	// Checked last: "-D -o out" gives -D the value "-o", and the message
	// about that value helps more than one about the stray "out".
	if fs.NArg() > 0 {
		return nil, session.Usagef("unexpected argument %q: hcbench takes only flags (run hcbench --help)", fs.Arg(0))
	}
	return o, nil
}

// read fills o.spec from the parsed flags; every error is a usage error.
func (o *options) read(fs *pflag.FlagSet, pf *bench.PlanFlags, lf *launch.Flags, env environment, maxMemory, failPct string) error {
	s := &o.spec
	var err error
	if s.Plan, err = pf.Plan(); err != nil {
		return err
	}
	if s.Engine, err = lf.Spec(); err != nil {
		return err
	}
	s.Plan.Engine = s.Engine.Name()
	s.PlanGiven, s.EngineGiven = pf.Given(), fs.Changed(launch.FlagEngine)
	s.Version = versionString()
	s.MaxMemory, s.MemorySource, s.Out = env.memory, env.memorySource, bench.ExpandHome(s.Out) // -o '~/x' is ~/x, as in the form
	if fs.Changed(session.FlagMaxMemory) {
		if s.MaxMemory, err = bench.ParseBytes(maxMemory); err != nil {
			return &bench.FlagError{Flag: session.FlagMaxMemory, Value: maxMemory, Err: err}
		}
		s.MemorySource = "--" + session.FlagMaxMemory
	}
	if err := s.CheckPaths(fs.Changed(session.FlagBaseline)); err != nil {
		return err
	}
	if o.gate = fs.Changed(flagFailOnRegr); o.gate {
		if o.pct, err = parsePercent(failPct); err != nil {
			return err
		}
		if s.Baseline == "" && s.Plan.Vs.IsZero() {
			return fmt.Errorf("--%s %s needs --%s FILE.jsonl or --vs to compare with", flagFailOnRegr, failPct, session.FlagBaseline)
		}
	}
	return nil
}

// parsePercent reads --fail-on-regression's value, "5" or "5%" alike.
func parsePercent(s string) (float64, error) {
	v, err := bench.ParsePercent(s)
	if err != nil {
		return 0, &bench.FlagError{Flag: flagFailOnRegr, Value: s, Err: err}
	}
	return v, nil
}
