package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/k8s"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/shards"
	"github.com/hcbench/hcbench/report/slurm"
)

// SlurmUsage is `hcbench slurm --help`.
const SlurmUsage = `usage: hcbench slurm [grid and measurement flags] --tasks N -o DIR [--partition P] [--time T]
                     [--sbatch-arg ARG]... [--run-id ID] [--submit]
       hcbench slurm --resume -o DIR [--submit]

Writes DIR/hcbench.sbatch, a Slurm job array of N tasks (task i runs hcbench --shard i/N, alone on
its node: --exclusive; --requeue), and DIR/hcbench-merge.sbatch (hcbench merge DIR, after the
array: --dependency=afterany). DIR must be shared by the nodes. --submit submits both with
sbatch --parsable and prints the job ids. --resume resubmits only the tasks whose shard is not
finished (and not queued or running), then the merge.

      --tasks N            shards, one array task each
      --partition P        sbatch --partition
      --time T             sbatch --time (each task's limit)
      --sbatch-arg ARG     another sbatch option for the array, e.g. --sbatch-arg=--constraint=epyc (repeatable)
      --run-id ID          the run id the shards share (default: now, in Unix seconds)
      --submit             submit with sbatch
      --resume             resubmit what DIR's sweep is missing
`

// Slurm is `hcbench slurm`; it returns the exit code.
func Slurm(args []string, stdout, stderr io.Writer) int {
	f := newSweepFlags("hcbench slurm")
	var tasks int
	var partition, limit string
	var extra []string
	var submit, resume bool
	f.fs.IntVar(&tasks, "tasks", 0, "")
	f.fs.StringVar(&partition, "partition", "", "")
	f.fs.StringVar(&limit, "time", "", "")
	f.fs.StringArrayVar(&extra, "sbatch-arg", nil, "")
	f.fs.BoolVar(&submit, "submit", false, "")
	f.fs.BoolVar(&resume, session.FlagResume, false, "")
	if err := f.parse("hcbench slurm", args); err != nil {
		return fail(stderr, err)
	}
	if f.help {
		io.WriteString(stdout, SlurmUsage)
		return 0
	}
	dir, err := f.outDir("hcbench slurm")
	if err != nil {
		return fail(stderr, err)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return fail(stderr, err)
	}
	ctx := context.Background()
	if resume {
		if f.pf.Given() || f.fs.Changed("tasks") {
			return fail(stderr, session.Usagef("hcbench slurm --resume continues the sweep recorded in %s: give no grid flags or --tasks", filepath.Join(dir, slurm.FileJobs)))
		}
		return slurmResume(ctx, dir, submit, stdout, stderr)
	}
	spec, err := f.spec("")
	if err != nil {
		return fail(stderr, err)
	}
	if tasks < 1 || tasks > bench.MaxShards {
		return fail(stderr, session.Usagef("--tasks %d: give the number of shards (array tasks), 1..%d", tasks, bench.MaxShards))
	}
	if j, err := slurm.ReadJobs(dir); err == nil {
		return fail(stderr, session.Usagef("%s already holds the sweep of run %d: continue it with hcbench slurm --resume -o %s --submit, or choose another -o",
			dir, j.RunID, bench.ShellQuote(dir)))
	}
	id, err := f.runIDFrom(func(string) string { return "" })
	if err != nil {
		return fail(stderr, err)
	}
	if id == 0 {
		id = time.Now().Unix()
	}
	bin, err := binary()
	if err != nil {
		return fail(stderr, err)
	}
	jobs := slurm.Jobs{RunID: id, Tasks: tasks, Binary: bin, Partition: partition, Time: limit, Extra: extra,
		Args: append(bench.Args(spec.Plan), spec.Engine.Args()...)}
	sc := jobs.Script(dir)
	if err := sc.Write(); err != nil {
		return fail(stderr, err)
	}
	if err := slurm.WriteJobs(dir, jobs); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "Wrote %s (a job array of %d tasks: shards 0..%d of run %d, %d configs) and %s.\n",
		filepath.Join(dir, slurm.FileArray), tasks, tasks-1, id, spec.Plan.Grid.Size(), filepath.Join(dir, slurm.FileMerge))
	if !submit {
		fmt.Fprintf(stdout, "Submit both: hcbench slurm --resume -o %s --submit\n", bench.ShellQuote(dir))
		return 0
	}
	return slurmSubmit(ctx, dir, jobs, nil, stdout, stderr)
}

// slurmSubmit submits the array (tasks nil: all) and the merge, records
// them and prints their ids.
func slurmSubmit(ctx context.Context, dir string, jobs slurm.Jobs, tasks []int, stdout, stderr io.Writer) int {
	array, merge, err := slurm.Submit(ctx, jobs.Script(dir), tasks)
	if array != "" {
		all := tasks
		if all == nil {
			for i := range jobs.Tasks {
				all = append(all, i)
			}
		}
		jobs.Arrays = append(jobs.Arrays, slurm.Array{JobID: array, Tasks: all})
		fmt.Fprintf(stdout, "Submitted array job %s (tasks %s of %d)\n", array, slurm.TaskList(all), jobs.Tasks)
	}
	if merge != "" {
		jobs.Merges = append(jobs.Merges, merge)
		fmt.Fprintf(stdout, "Submitted merge job %s (after the array: --dependency=afterany:%s)\n", merge, array)
	}
	if werr := slurm.WriteJobs(dir, jobs); werr != nil {
		err = errors.Join(err, werr)
	}
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "Follow it: hcbench show %s   (squeue -j %s)\n", bench.ShellQuote(dir), array)
	return 0
}

// slurmResume resubmits the tasks of dir's sweep whose shard is not
// finished and that Slurm is not running or queueing.
func slurmResume(ctx context.Context, dir string, submit bool, stdout, stderr io.Writer) int {
	jobs, err := slurm.ReadJobs(dir)
	if err != nil {
		return fail(stderr, session.Usagef("hcbench slurm --resume -o %s: no sweep to resume there (%v)", dir, err))
	}
	var ids []string
	for _, a := range jobs.Arrays {
		ids = append(ids, a.JobID)
	}
	states, serr := slurm.Tasks(ctx, ids)
	finished := map[int]bool{}
	if l, err := shards.Scan(dir); err == nil && l.Count == jobs.Tasks {
		if sw, err := l.Sweep(jobs.RunID); err == nil {
			for _, s := range sw.Shards {
				finished[s.Index] = s.Finished()
			}
		}
	}
	var todo, active []int
	for i := range jobs.Tasks {
		switch {
		case finished[i]:
		case states[i].Active():
			active = append(active, i)
		default:
			todo = append(todo, i)
		}
	}
	if serr != nil && !errors.Is(serr, slurm.ErrNoSlurm) {
		fmt.Fprintf(stderr, "hcbench: warning: cannot ask Slurm which tasks still run (%v): resubmitting every unfinished shard\n", serr)
	}
	if len(active) > 0 {
		fmt.Fprintf(stdout, "Still queued or running: tasks %s (not resubmitted)\n", slurm.TaskList(active))
	}
	if len(todo) == 0 {
		fmt.Fprintf(stdout, "Nothing to resubmit: every shard of run %d is finished or still in Slurm's hands.\n", jobs.RunID)
		if submit && len(active) == 0 {
			fmt.Fprintf(stdout, "Merge it: hcbench merge %s\n", bench.ShellQuote(dir))
		}
		return 0
	}
	if err := jobs.Script(dir).Write(); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "Unfinished shards of run %d: tasks %s of %d\n", jobs.RunID, slurm.TaskList(todo), jobs.Tasks)
	if !submit {
		fmt.Fprintf(stdout, "Resubmit them: hcbench slurm --resume -o %s --submit\n", bench.ShellQuote(dir))
		return 0
	}
	return slurmSubmit(ctx, dir, jobs, todo, stdout, stderr)
}

// binary is this hcbench, absolute, for the scripts to run.
func binary() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding hcbench's own path for the batch scripts: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return exe, nil
}

// K8sUsage is `hcbench k8s --help`.
const K8sUsage = `usage: hcbench k8s [grid and measurement flags] --tasks N -o DIR [--image IMAGE] [--pvc CLAIM] [--run-id ID]

Prints a Kubernetes Indexed Job (completionMode: Indexed, N pods, pod i runs hcbench --shard
$JOB_COMPLETION_INDEX/N, one pod per node) and the Job that merges the shards, as one YAML
stream for kubectl apply -f -. DIR is where the claim is mounted in every pod.

      --tasks N        shards, one pod each
      --image IMAGE    a container image with hcbench on its PATH (default hcbench:latest)
      --pvc CLAIM      a ReadWriteMany PersistentVolumeClaim shared by the pods (default hcbench-results)
      --run-id ID      the run id the shards share (default: now, in Unix seconds)
`

// K8s is `hcbench k8s`; it returns the exit code.
func K8s(args []string, stdout, stderr io.Writer) int {
	f := newSweepFlags("hcbench k8s")
	var tasks int
	var image, claim string
	f.fs.IntVar(&tasks, "tasks", 0, "")
	f.fs.StringVar(&image, "image", "hcbench:latest", "")
	f.fs.StringVar(&claim, "pvc", "hcbench-results", "")
	if err := f.parse("hcbench k8s", args); err != nil {
		return fail(stderr, err)
	}
	if f.help {
		io.WriteString(stdout, K8sUsage)
		return 0
	}
	spec, err := f.spec("")
	if err != nil {
		return fail(stderr, err)
	}
	dir, err := f.outDir("hcbench k8s")
	if err != nil {
		return fail(stderr, err)
	}
	if tasks < 1 || tasks > bench.MaxShards {
		return fail(stderr, session.Usagef("--tasks %d: give the number of shards (pods), 1..%d", tasks, bench.MaxShards))
	}
	if strings.TrimSpace(image) == "" || strings.TrimSpace(claim) == "" {
		return fail(stderr, session.Usagef("--image and --pvc must not be empty"))
	}
	id, err := f.runIDFrom(func(string) string { return "" })
	if err != nil {
		return fail(stderr, err)
	}
	if id == 0 {
		id = time.Now().Unix()
	}
	sw := k8s.Sweep{Tasks: tasks, RunID: id, Args: slices.Concat(bench.Args(spec.Plan), spec.Engine.Args()), Dir: dir, Image: image, Claim: claim}
	_, err = io.WriteString(stdout, sw.Manifests())
	if err != nil {
		return fail(stderr, err)
	}
	return 0
}
