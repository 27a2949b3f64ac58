package slurm

import (
	"strings"
	"testing"
)

func TestTaskList(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want string
	}{{[]int{0, 1, 2, 3}, "0-3"}, {[]int{1, 3}, "1,3"}, {[]int{5, 0, 1, 7, 6}, "0-1,5-7"}, {[]int{2}, "2"}} {
		if got := TaskList(tc.in); got != tc.want {
			t.Errorf("TaskList(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestScripts(t *testing.T) {
	s := Script{Binary: "/opt/hcbench", Dir: "/shared/sweep", Tasks: 4, RunID: 42, Args: []string{"-D", "3,6"},
		Partition: "batch", Time: "01:00:00", Extra: []string{"--constraint=epyc"}}
	array := s.Array()
	for _, want := range []string{"#SBATCH --array=0-3\n", "#SBATCH --exclusive\n", "#SBATCH --requeue\n", "#SBATCH --partition=batch\n",
		"#SBATCH --time=01:00:00\n", "#SBATCH --constraint=epyc\n",
		`exec /opt/hcbench --headless --shard "$SLURM_ARRAY_TASK_ID/4" --run-id 42 -D 3,6 -o /shared/sweep` + "\n"} {
		if !strings.Contains(array, want) {
			t.Errorf("the array script lacks %q:\n%s", want, array)
		}
	}
	if m := s.Merge(17); !strings.Contains(m, "#SBATCH --dependency=afterany:17\n") || !strings.Contains(m, "exec /opt/hcbench merge /shared/sweep\n") {
		t.Errorf("the merge script:\n%s", m)
	}
	if m := s.Merge(0); strings.Contains(m, "#SBATCH --dependency") {
		t.Errorf("an unsubmitted merge script has a dependency:\n%s", m)
	}
}

func TestParse(t *testing.T) {
	out := map[int]State{}
	parse("12_0 COMPLETED\n12_1 RUNNING\n12_[2-3] PENDING\n13_2 PENDING\n9_0 FAILED\n", " ", []string{"12", "13"}, out)
	parse("12_3|CANCELLED by 0\n", "|", []string{"12"}, out)
	want := map[int]State{0: "COMPLETED", 1: "RUNNING", 2: "PENDING", 3: "CANCELLED"}
	for k, v := range want {
		if out[k] != v {
			t.Errorf("task %d: %q, want %q (all: %v)", k, out[k], v, out)
		}
	}
	if !State("PENDING").Active() || State("FAILED").Active() {
		t.Error("Active")
	}
}
