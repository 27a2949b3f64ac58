package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"sync/atomic"
	"syscall"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/shard"
	"github.com/hcbench/hcbench/report/console"
	"github.com/hcbench/hcbench/report/merge"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/shards"
	"github.com/hcbench/hcbench/report/store"
)

// ShardUsage is what `hcbench --shard I/N --help` adds to hcbench --help.
const ShardUsage = `usage: hcbench --shard I/N [--run-id ID] -o DIR [grid and measurement flags]

Measures shard I (0-based) of N of the grid, and the calibration config, into DIR/shard-I-of-N:
a headless run of that part, under the run id all shards of the sweep share (--run-id, else
$SLURM_ARRAY_JOB_ID). Run again, it continues its own run: what it has is kept, only what is
missing is measured. hcbench merge DIR makes the shards one run.
`

// Shard is `hcbench --shard I/N …`; it returns the exit code (as the main
// command's: 0 done, 1 error, 2 usage, 130 interrupted with the finished
// configs saved).
func Shard(args []string, version string, stdout, stderr io.Writer) int {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	return runShard(args, version, stdout, console.Locked(stderr), sigs)
}

func runShard(args []string, version string, stdout, stderr io.Writer, sigs <-chan os.Signal) int {
	f := newSweepFlags("hcbench")
	var shardRaw string
	var headless, resume bool
	bench.OnceString(f.fs, &shardRaw, bench.FlagShard, "", "")
	f.fs.BoolVar(&headless, session.FlagHeadless, true, "") // a shard is always headless
	f.fs.BoolVar(&resume, session.FlagResume, false, "")    // a shard always continues its own run
	if err := f.parse("hcbench --shard", args); err != nil {
		return fail(stderr, err)
	}
	if f.help {
		io.WriteString(stdout, ShardUsage)
		return 0
	}
	sh, err := bench.ParseShard(shardRaw)
	if err != nil {
		return fail(stderr, &session.UsageError{Err: &bench.FlagError{Flag: bench.FlagShard, Value: shardRaw, Err: err}})
	}
	spec, err := f.spec(version)
	if err != nil {
		return fail(stderr, err)
	}
	root, err := f.outDir("hcbench --shard")
	if err != nil {
		return fail(stderr, err)
	}
	id, err := f.runIDFrom(getenv)
	if err != nil {
		return fail(stderr, err)
	}
	if id == 0 {
		return fail(stderr, session.Usagef("--%s %s: the shards of one sweep share one run id: give --%s ID (under Slurm, %s gives it)",
			bench.FlagShard, sh, bench.FlagRunID, EnvSlurmJob))
	}
	spec.Out, spec.RunID, spec.Part = shards.Dir(root, sh), id, shard.Measured(spec.Plan, sh)
	if err := continueOwnRun(&spec); err != nil {
		return fail(stderr, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var first atomic.Pointer[string]
	go func() {
		for sig := range sigs {
			name := sig.String()
			if s, ok := sig.(syscall.Signal); ok && s == syscall.SIGTERM {
				name = "SIGTERM"
			} else if sig == os.Interrupt {
				name = "SIGINT"
			}
			if first.CompareAndSwap(nil, &name) {
				cancel()
			}
		}
	}()
	signalName := func() string {
		if p := first.Load(); p != nil {
			return *p
		}
		return ""
	}
	sess, err := session.Open(ctx, spec)
	if err != nil {
		if ctx.Err() != nil {
			return 130
		}
		return fail(stderr, err)
	}
	pr := console.New(stderr, console.Options{Prior: sess.Prior()})
	part := shard.Part(spec.Plan, sh)
	note := fmt.Sprintf("shard %s of run %d: %s of %d", sh, id, bench.Plural(len(part), "config"), spec.Plan.Grid.Size())
	if !slices.Contains(part, shard.Calibration(spec.Plan)) {
		note += fmt.Sprintf(", and the calibration config %s", shard.Calibration(spec.Plan))
	}
	pr.Note(append([]string{note + ", into " + spec.Out}, sess.Notes()...)...)
	if err := sess.Start(ctx); err != nil {
		return fail(stderr, errors.Join(err, sess.Close()))
	}
	pr.Follow(sess.Updates(), ctx.Done(), signalName)
	out := sess.Finish()
	out.Continue = merge.Command(out.Plan, spec.Engine.Args(), sh, id, root)
	out.Rerun = out.Continue
	pr.End(out, stdout, signalName())
	switch {
	case out.SaveErr != nil || (out.Err != nil && !out.Stopped):
		return 1
	case out.Stopped:
		return 130
	}
	return 0
}

// continueOwnRun makes the shard continue its run when its directory has
// records of it (a requeued or resubmitted task): nothing is measured
// twice, and the JSONL gets no duplicate. A run of that id measured with
// another plan is refused.
func continueOwnRun(spec *session.Spec) error {
	recs, _, err := store.ReadJSONLRepair(store.PathsFor(spec.Out).JSONL)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the shard's history: %w", err)
	}
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].RunID != spec.RunID {
			continue
		}
		had, want := store.DescribePlan(shards.PlanOf(recs[i])), store.DescribePlan(spec.Plan)
		if had != want {
			return session.Usagef("run %d in %s was measured with %s, not %s: give its settings, or another --%s",
				spec.RunID, spec.Out, had, want, bench.FlagRunID)
		}
		spec.Resume, spec.ResumeID = true, spec.RunID
		return nil
	}
	return nil
}
