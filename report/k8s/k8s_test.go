package k8s

import (
	"strings"
	"testing"
)

func TestManifests(t *testing.T) {
	m := Sweep{Tasks: 8, RunID: 42, Args: []string{"-D", "3,6", "--engine", "python"}, Dir: "/results", Image: "reg/hcbench:1", Claim: "shared"}.Manifests()
	for _, want := range []string{
		"completionMode: Indexed", "completions: 8", "parallelism: 8", "name: hcbench-42\n", "name: hcbench-42-merge",
		`--shard \"$JOB_COMPLETION_INDEX/8\" --run-id 42 -D 3,6 --engine python -o /results`,
		"topologyKey: kubernetes.io/hostname", `claimName: "shared"`, `image: "reg/hcbench:1"`,
		`command: [hcbench, merge, "/results"]`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("the manifests lack %q:\n%s", want, m)
		}
	}
	if n := strings.Count(m, "\n---\n"); n != 1 {
		t.Errorf("%d document separators, want 1 (the Indexed Job, then the merge Job)", n)
	}
	if strings.Contains(m, "\t") {
		t.Error("a tab in YAML")
	}
}
