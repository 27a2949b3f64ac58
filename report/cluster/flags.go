// Package cluster is the front door of a sweep sharded over many nodes:
// `hcbench --shard I/N` (one shard, a headless run of its part of the
// grid), `hcbench merge`, `hcbench slurm` and `hcbench k8s`. It reads
// their command lines and hands the work to report/session (a shard's
// run), report/merge, report/slurm and report/k8s.
package cluster

import (
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/launch"
	"github.com/hcbench/hcbench/report/merge"
	"github.com/hcbench/hcbench/report/session"
)

// Merge is `hcbench merge DIR` (report/merge).
func Merge(args []string, stdout, stderr io.Writer) int { return merge.Main(args, stdout, stderr) }

// IsShard reports whether a main command line asks for a shard (--shard):
// Shard runs it.
func IsShard(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "--"+bench.FlagShard || strings.HasPrefix(a, "--"+bench.FlagShard+"=") {
			return true
		}
	}
	return false
}

// EnvSlurmJob is the Slurm array's job id, a shard's run id by default.
const EnvSlurmJob = "SLURM_ARRAY_JOB_ID"

// sweepFlags are the flags of a sharded sweep: the plan's, the engine's,
// the output directory and the memory budget, as the main command has
// them.
type sweepFlags struct {
	fs        *pflag.FlagSet
	pf        bench.PlanFlags
	lf        launch.Flags
	out       string
	maxMemory string
	runID     string
	help      bool
}

func newSweepFlags(name string) *sweepFlags {
	f := &sweepFlags{fs: pflag.NewFlagSet(name, pflag.ContinueOnError)}
	f.fs.SetOutput(io.Discard)
	f.pf.Register(f.fs)
	f.lf.Register(f.fs)
	f.fs.StringVarP(&f.out, session.FlagOut, "o", "", "")
	bench.OnceString(f.fs, &f.maxMemory, session.FlagMaxMemory, "", "")
	bench.OnceString(f.fs, &f.runID, bench.FlagRunID, "", "")
	f.fs.BoolVarP(&f.help, "help", "h", false, "")
	return f
}

// parse reads args; name is the command in messages ("hcbench slurm").
func (f *sweepFlags) parse(name string, args []string) error {
	if err := f.fs.Parse(args); err != nil {
		return session.Usagef("%s: %v (run %s --help)", name, err, name)
	}
	if f.help {
		return nil
	}
	if f.fs.NArg() > 0 {
		return session.Usagef("%s: unexpected argument %q: it takes only flags (run %s --help)", name, f.fs.Arg(0), name)
	}
	return nil
}

// spec is the session spec of the flags (no output directory yet).
func (f *sweepFlags) spec(version string) (session.Spec, error) {
	var s session.Spec
	var err error
	if s.Plan, err = f.pf.Plan(); err != nil {
		return s, &session.UsageError{Err: err}
	}
	if s.Engine, err = f.lf.Spec(); err != nil {
		return s, &session.UsageError{Err: err}
	}
	s.Plan.Engine = s.Engine.Name()
	s.PlanGiven, s.EngineGiven = true, f.fs.Changed(launch.FlagEngine)
	s.Version = version
	s.MaxMemory, s.MemorySource = session.MemoryBudget()
	if f.fs.Changed(session.FlagMaxMemory) {
		if s.MaxMemory, err = bench.ParseBytes(f.maxMemory); err != nil {
			return s, &session.UsageError{Err: &bench.FlagError{Flag: session.FlagMaxMemory, Value: f.maxMemory, Err: err}}
		}
		s.MemorySource = "--" + session.FlagMaxMemory
	}
	if err := s.Plan.Validate(); err != nil {
		return s, session.Usagef("invalid benchmark plan: %v", err)
	}
	return s, nil
}

// outDir is -o, which a sharded sweep needs: it is where the shards meet.
func (f *sweepFlags) outDir(name string) (string, error) {
	if strings.TrimSpace(f.out) == "" {
		return "", session.Usagef("%s needs -o DIR, the directory (shared by the nodes) where the shards write and the merge reads", name)
	}
	return f.out, nil
}

// runIDFrom is --run-id, else the Slurm array's job id, else 0.
func (f *sweepFlags) runIDFrom(getenv func(string) string) (int64, error) {
	raw, what := f.runID, "--"+bench.FlagRunID
	if !f.fs.Changed(bench.FlagRunID) {
		raw, what = getenv(EnvSlurmJob), EnvSlurmJob
		if raw == "" {
			return 0, nil
		}
	}
	id, err := bench.ParseRunID(raw)
	if err != nil {
		return 0, session.Usagef("%s %q: %v", what, raw, err)
	}
	return id, nil
}

// getenv is os.Getenv (tests replace it).
var getenv = os.Getenv

// fail prints err as one line and returns the exit code.
func fail(stderr io.Writer, err error) int { return merge.Fail(stderr, err) }
