// Package slurm writes and submits the Slurm batch scripts of a sharded
// sweep — a job array of one shard per task (DIR/hcbench.sbatch) and the
// merge that waits for it (DIR/hcbench-merge.sbatch) — and asks Slurm
// (squeue, sacct) what its tasks are doing. Slurm places, queues, retries
// and accounts; hcbench partitions, measures and merges.
package slurm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
)

// File names in the sweep's directory.
const (
	FileArray = "hcbench.sbatch"       // the job array, one shard per task
	FileMerge = "hcbench-merge.sbatch" // the merge, after the array
	FileJobs  = "hcbench-slurm.json"   // what was submitted (Jobs)
	DirLogs   = "slurm-logs"           // the tasks' output
)

// Script is what the batch scripts run.
type Script struct {
	Binary string // hcbench, absolute
	Dir    string // the shared output directory, absolute
	Tasks  int
	RunID  int64
	// Args are the grid, measurement and engine flags of every shard.
	Args []string
	// Partition and Time are sbatch's --partition and --time ("": none);
	// Extra are more sbatch options, one per line (--sbatch-arg).
	Partition, Time string
	Extra           []string
}

// Array is the job array's script: task i runs shard i of Tasks, alone
// on its node (--exclusive, so that shards do not measure while sharing
// CPUs), requeued by Slurm when preempted or its node fails (the shard
// then continues its own run: nothing is measured or appended twice).
func (s Script) Array() string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&b, "# hcbench: run %d, %d shards, one per array task. Written by hcbench slurm; submit with\n", s.RunID, s.Tasks)
	fmt.Fprintf(&b, "#   sbatch %s   (hcbench slurm --submit does, with the merge after it)\n", bench.ShellQuote(filepath.Join(s.Dir, FileArray)))
	s.directives(&b, "hcbench", fmt.Sprintf("%s/%s/hcbench-%%A_%%a.out", s.Dir, DirLogs))
	fmt.Fprintf(&b, "#SBATCH --array=0-%d\n", s.Tasks-1)
	b.WriteString("#SBATCH --nodes=1\n#SBATCH --ntasks=1\n#SBATCH --exclusive\n#SBATCH --requeue\n")
	for _, e := range s.Extra {
		b.WriteString("#SBATCH " + e + "\n")
	}
	words := append([]string{s.Binary, "--headless", "--" + bench.FlagShard}, "__SHARD__")
	words = append(words, "--"+bench.FlagRunID, strconv.FormatInt(s.RunID, 10))
	words = append(words, s.Args...)
	words = append(words, "-o", s.Dir)
	line := strings.Replace(bench.CommandLine(words...), "__SHARD__", fmt.Sprintf(`"$SLURM_ARRAY_TASK_ID/%d"`, s.Tasks), 1)
	b.WriteString("\nexec " + line + "\n")
	return b.String()
}

// Merge is the merge job's script; after is the array's job id (0: not
// submitted yet, the dependency is then given to sbatch).
func (s Script) Merge(after int64) string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&b, "# hcbench: merges the shards of run %d in %s once the array has ended, however it ended\n", s.RunID, s.Dir)
	fmt.Fprintf(&b, "# (afterany: a failed task leaves a partial merge that names what is missing).\n")
	s.directives(&b, "hcbench-merge", fmt.Sprintf("%s/%s/hcbench-merge-%%j.out", s.Dir, DirLogs))
	b.WriteString("#SBATCH --ntasks=1\n")
	if after > 0 {
		fmt.Fprintf(&b, "#SBATCH --dependency=afterany:%d\n", after)
	} else {
		b.WriteString("# submit with: sbatch --dependency=afterany:<the array's job id> " + bench.ShellQuote(filepath.Join(s.Dir, FileMerge)) + "\n")
	}
	b.WriteString("\nexec " + bench.CommandLine(s.Binary, "merge", s.Dir) + "\n")
	return b.String()
}

func (s Script) directives(b *strings.Builder, name, output string) {
	fmt.Fprintf(b, "#SBATCH --job-name=%s\n", name)
	fmt.Fprintf(b, "#SBATCH --output=%s\n", output)
	if s.Partition != "" {
		fmt.Fprintf(b, "#SBATCH --partition=%s\n", s.Partition)
	}
	if s.Time != "" {
		fmt.Fprintf(b, "#SBATCH --time=%s\n", s.Time)
	}
}

// Write writes both scripts (and the logs directory) into s.Dir.
func (s Script) Write() error {
	if err := os.MkdirAll(filepath.Join(s.Dir, DirLogs), 0o755); err != nil {
		return fmt.Errorf("creating the logs directory: %w", err)
	}
	if err := os.WriteFile(filepath.Join(s.Dir, FileArray), []byte(s.Array()), 0o755); err != nil {
		return fmt.Errorf("writing the job array's script: %w", err)
	}
	if err := os.WriteFile(filepath.Join(s.Dir, FileMerge), []byte(s.Merge(0)), 0o755); err != nil {
		return fmt.Errorf("writing the merge's script: %w", err)
	}
	return nil
}

// Jobs is what was submitted for a sweep, kept in DIR/hcbench-slurm.json
// so that --resume and the workbench find the jobs again.
type Jobs struct {
	RunID  int64    `json:"run_id"`
	Tasks  int      `json:"tasks"`
	Args   []string `json:"args"`
	Binary string   `json:"binary"`
	// Partition, Time and Extra are the sbatch options given.
	Partition string   `json:"partition,omitempty"`
	Time      string   `json:"time,omitempty"`
	Extra     []string `json:"sbatch_args,omitempty"`
	// Arrays are the job arrays submitted (the first, then each resume's)
	// with the tasks each ran; Merges the merge jobs.
	Arrays []Array  `json:"arrays,omitempty"`
	Merges []string `json:"merges,omitempty"`
}

// Array is one submitted job array.
type Array struct {
	JobID string `json:"job_id"`
	Tasks []int  `json:"tasks"`
}

// Script is the scripts' description of j in dir.
func (j Jobs) Script(dir string) Script {
	return Script{Binary: j.Binary, Dir: dir, Tasks: j.Tasks, RunID: j.RunID, Args: j.Args, Partition: j.Partition, Time: j.Time, Extra: j.Extra}
}

// ReadJobs reads DIR/hcbench-slurm.json.
func ReadJobs(dir string) (Jobs, error) {
	var j Jobs
	b, err := os.ReadFile(filepath.Join(dir, FileJobs))
	if err != nil {
		return j, err
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return j, fmt.Errorf("%s: %w", filepath.Join(dir, FileJobs), err)
	}
	return j, nil
}

// WriteJobs writes DIR/hcbench-slurm.json (through a temporary file).
func WriteJobs(dir string, j Jobs) error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, FileJobs)
	if err := os.WriteFile(path+".tmp", append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return os.Rename(path+".tmp", path)
}

// Submit submits the array (only tasks, when not nil: a resume) and then
// the merge after it with sbatch --parsable, rewriting the merge script
// with its dependency. It returns the two job ids.
func Submit(ctx context.Context, s Script, tasks []int) (array, merge string, err error) {
	args := []string{"--parsable"}
	if tasks != nil {
		args = append(args, "--array="+TaskList(tasks))
	}
	array, err = sbatch(ctx, append(args, filepath.Join(s.Dir, FileArray))...)
	if err != nil {
		return "", "", err
	}
	id, _ := strconv.ParseInt(array, 10, 64)
	if err := os.WriteFile(filepath.Join(s.Dir, FileMerge), []byte(s.Merge(id)), 0o755); err != nil {
		return array, "", fmt.Errorf("writing the merge's script: %w", err)
	}
	merge, err = sbatch(ctx, "--parsable", "--dependency=afterany:"+array, filepath.Join(s.Dir, FileMerge))
	return array, merge, err
}

// TaskList is sbatch's --array list: "0-3", "1,3".
func TaskList(tasks []int) string {
	s := slices.Clone(tasks)
	slices.Sort(s)
	var parts []string
	for i := 0; i < len(s); {
		j := i
		for j+1 < len(s) && s[j+1] == s[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", s[i], s[j]))
		} else {
			parts = append(parts, strconv.Itoa(s[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// sbatch runs sbatch and returns the job id it printed (--parsable: "id"
// or "id;cluster").
func sbatch(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "sbatch", args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("sbatch %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	id, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";")
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		return "", fmt.Errorf("sbatch %s printed %q, not a job id", strings.Join(args, " "), strings.TrimSpace(string(out)))
	}
	return id, nil
}

// State is a task's state as Slurm says it: PENDING, RUNNING, COMPLETED,
// FAILED, CANCELLED, TIMEOUT, PREEMPTED, NODE_FAIL, OUT_OF_MEMORY, ...
type State string

// Active reports a task that is queued or running.
func (s State) Active() bool {
	switch s {
	case "PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED":
		return true
	}
	return false
}

// ErrNoSlurm: neither squeue nor sacct can be asked.
var ErrNoSlurm = errors.New("no Slurm here (squeue not found)")

// Tasks asks Slurm the state of the tasks of the given array jobs: squeue
// for those still queued or running, then sacct (where accounting is on)
// for those that ended. The key is the task index; a later array's state
// wins over an earlier one's.
func Tasks(ctx context.Context, arrays []string) (map[int]State, error) {
	if _, err := exec.LookPath("squeue"); err != nil {
		return nil, ErrNoSlurm
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out := map[int]State{}
	if len(arrays) == 0 {
		return out, nil
	}
	ids := strings.Join(arrays, ",")
	if b, err := exec.CommandContext(ctx, "sacct", "-n", "-P", "-X", "-j", ids, "-o", "JobID,State").Output(); err == nil {
		parse(string(b), "|", arrays, out)
	}
	b, err := exec.CommandContext(ctx, "squeue", "-h", "-r", "-j", ids, "-o", "%i %T").Output()
	if err != nil {
		return out, fmt.Errorf("squeue: %w", err)
	}
	parse(string(b), " ", arrays, out)
	return out, nil
}

// parse reads lines "JOB_TASK<sep>STATE" of the given arrays, in order.
func parse(text, sep string, arrays []string, out map[int]State) {
	for line := range strings.Lines(text) {
		id, state, ok := strings.Cut(strings.TrimSpace(line), sep)
		if !ok {
			continue
		}
		job, task, ok := strings.Cut(id, "_")
		if !ok || !slices.Contains(arrays, job) {
			continue
		}
		i, err := strconv.Atoi(task)
		if err != nil {
			continue // "5_[1-3]": pending tasks not split yet (squeue -r splits them)
		}
		state, _, _ = strings.Cut(strings.TrimSpace(state), " ") // "CANCELLED by 0"
		out[i] = State(state)
	}
}
