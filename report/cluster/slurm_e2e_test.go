package cluster

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/report/store"
)

// slurmReady skips the test, saying why, unless a real Slurm takes jobs
// here: Linux, root (the local cluster of scripts/slurm-local.sh runs
// jobs as root), sbatch on PATH and a controller that answers.
func slurmReady(t *testing.T) {
	t.Helper()
	switch {
	case runtime.GOOS != "linux":
		t.Skip("the Slurm end-to-end test runs on Linux")
	case raceOn:
		t.Skip("the Slurm end-to-end test runs once, without -race (it measures in a real cluster; nothing in it races)")
	case os.Geteuid() != 0:
		t.Skip("the Slurm end-to-end test needs root: scripts/slurm-local.sh runs a one-node cluster as root")
	}
	if _, err := exec.LookPath("sbatch"); err != nil {
		t.Skip("no Slurm here (sbatch not on PATH): apt-get install -y slurmctld slurmd slurm-client munge, then scripts/slurm-local.sh start")
	}
	if os.Getenv("SLURM_CONF") == "" {
		conf := filepath.Join(cmpOr(os.Getenv("HCBENCH_SLURM_DIR"), "/tmp/hcbench-slurm"), "slurm.conf")
		if _, err := os.Stat(conf); err == nil {
			t.Setenv("SLURM_CONF", conf)
		}
	}
	if out, err := exec.Command("sinfo", "-h", "-o", "%t").CombinedOutput(); err != nil || !regexp.MustCompile(`(?m)^(idle|mix|alloc)`).Match(out) {
		t.Skipf("no Slurm cluster answers (sinfo: %v %s): scripts/slurm-local.sh start", err, strings.TrimSpace(string(out)))
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// hcbenchBinary builds hcbench for the jobs to run.
func hcbenchBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hcbench")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/hcbench/hcbench/cmd/hcbench")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

var jobLine = regexp.MustCompile(`Submitted (array|merge) job (\d+)`)

// waitJobs waits until Slurm has none of the jobs submitted in out.
func waitJobs(t *testing.T, out string) {
	t.Helper()
	var ids []string
	for _, m := range jobLine.FindAllStringSubmatch(out, -1) {
		ids = append(ids, m[2])
	}
	if len(ids) != 2 {
		t.Fatalf("want an array and a merge job submitted:\n%s", out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for {
		q, err := exec.CommandContext(ctx, "squeue", "-h", "-j", strings.Join(ids, ",")).Output()
		if err == nil && strings.TrimSpace(string(q)) == "" {
			return
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Fatalf("jobs %v still queued after 5 minutes:\n%s", ids, q)
		}
		time.Sleep(time.Second)
	}
}

func csvRows(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, store.FileCSV))
	if err != nil {
		t.Fatalf("no merged CSV: %v", err)
	}
	return strings.Count(string(b), "\n") - 1
}

func mergeLog(t *testing.T, dir string) string {
	t.Helper()
	logs, _ := filepath.Glob(filepath.Join(dir, "slurm-logs", "hcbench-merge-*.out"))
	var all strings.Builder
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		all.Write(b)
	}
	return all.String()
}

// The Slurm acceptance test, on a real Slurm: a 24-config grid
// over 4 array tasks completes through the array and the merge job; with
// one task cancelled, --resume --submit resubmits it alone and completes
// the run.
func TestSlurmEndToEnd(t *testing.T) {
	slurmReady(t)
	bin := hcbenchBinary(t)
	grid := []string{"slurm", "-D", "3,6", "-K", "3,5,9", "-T", "48,96,192,384", "--repeats", "1", "--min-time", "1ms", "--tasks", "4", "--submit"}

	t.Run("complete", func(t *testing.T) {
		dir := t.TempDir()
		out := run(t, bin, append(grid, "-o", dir)...)
		waitJobs(t, out)
		if n := csvRows(t, dir); n != 24 {
			t.Fatalf("merged CSV has %d configs, want 24; merge log:\n%s", n, mergeLog(t, dir))
		}
		if log := mergeLog(t, dir); !strings.HasPrefix(log, "Benchmark complete.") {
			t.Errorf("the merge job did not complete the run:\n%s", log)
		}
	})

	t.Run("cancelled task resumed", func(t *testing.T) {
		dir := t.TempDir()
		out := run(t, bin, append(grid, "-o", dir)...)
		array := jobLine.FindStringSubmatch(out)[2]
		run(t, "scancel", array+"_2")
		waitJobs(t, out)
		if log := mergeLog(t, dir); !strings.Contains(log, "Merge partial:") || !strings.Contains(log, "--shard 2/4") {
			t.Fatalf("with task 2 cancelled the merge is not partial, or does not name the command for shard 2/4:\n%s", log)
		}
		if n := csvRows(t, dir); n >= 24 {
			t.Fatalf("with task 2 cancelled the CSV has %d configs", n)
		}
		again := run(t, bin, "slurm", "--resume", "-o", dir, "--submit")
		if !strings.Contains(again, "Submitted array job") || !strings.Contains(again, "(tasks 2 of 4)") {
			t.Fatalf("--resume did not resubmit task 2 alone:\n%s", again)
		}
		waitJobs(t, again)
		if n := csvRows(t, dir); n != 24 {
			t.Fatalf("after --resume the CSV has %d configs, want 24; merge log:\n%s", n, mergeLog(t, dir))
		}
		recs, _, err := store.ReadJSONLRepair(filepath.Join(dir, store.FileJSONL))
		if err != nil {
			t.Fatal(err)
		}
		if runs := store.Runs(recs); len(runs) != 1 {
			t.Errorf("the merged JSONL holds %d runs, want one", len(runs))
		}
		t.Logf("resume:\n%s", again)
	})
}
