// Package k8s writes the Kubernetes manifests of a sharded sweep: an
// Indexed Job whose pod i runs shard i (JOB_COMPLETION_INDEX), one pod per
// node, all writing to one shared volume, and the Job that merges them.
package k8s

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hcbench/hcbench/engine/bench"
)

// Sweep is what the manifests run.
type Sweep struct {
	Tasks int
	RunID int64
	Args  []string // grid, measurement and engine flags
	Dir   string   // the output directory, where the volume is mounted
	Image string   // a container image with hcbench on its PATH
	Claim string   // the PersistentVolumeClaim shared by the pods (ReadWriteMany)
}

// Name is the Job's name.
func (s Sweep) Name() string { return fmt.Sprintf("hcbench-%d", s.RunID) }

// Manifests are the Indexed Job, then the merge Job, as one YAML stream.
// Kubernetes has no dependency between Jobs: apply the merge once the
// first has completed (kubectl wait), as the comment in it says.
func (s Sweep) Manifests() string {
	var b strings.Builder
	shard := []string{"hcbench", "--headless", "--" + bench.FlagShard, "__SHARD__", "--" + bench.FlagRunID, strconv.FormatInt(s.RunID, 10)}
	shard = append(shard, s.Args...)
	shard = append(shard, "-o", s.Dir)
	line := strings.Replace(bench.CommandLine(shard...), "__SHARD__", fmt.Sprintf(`"$JOB_COMPLETION_INDEX/%d"`, s.Tasks), 1)
	fmt.Fprintf(&b, `# hcbench: run %[1]d, %[2]d shards, one per pod of an Indexed Job (pod i: --shard i/%[2]d).
# kubectl apply -f THIS_FILE creates both Jobs; the merge retries until the shards are done
# (a partial merge exits 1), or run it by hand: hcbench merge %[3]s
apiVersion: batch/v1
kind: Job
metadata:
  name: %[4]s
  labels: {app: hcbench, hcbench-run: "%[1]d"}
spec:
  completionMode: Indexed
  completions: %[2]d
  parallelism: %[2]d
  backoffLimitPerIndex: 2
  maxFailedIndexes: %[2]d
  template:
    metadata:
      labels: {app: hcbench, hcbench-run: "%[1]d"}
    spec:
      restartPolicy: Never
      affinity:
        podAntiAffinity: # one shard per node: shards must not measure while sharing CPUs
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {hcbench-run: "%[1]d"}}
            topologyKey: kubernetes.io/hostname
      containers:
      - name: shard
        image: %[5]s
        command: ["/bin/sh", "-c"]
        args: [%[6]s]
        volumeMounts: [{name: results, mountPath: %[7]s}]
      volumes:
      - name: results
        persistentVolumeClaim: {claimName: %[8]s}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: %[4]s-merge
  labels: {app: hcbench, hcbench-run: "%[1]d"}
spec:
  backoffLimit: 6
  template:
    spec:
      restartPolicy: OnFailure
      initContainers:
      - name: wait-for-shards # until every shard directory's JSONL has stopped growing for a minute
        image: %[5]s
        command: ["/bin/sh", "-c"]
        args: [%[9]s]
        volumeMounts: [{name: results, mountPath: %[7]s}]
      containers:
      - name: merge
        image: %[5]s
        command: [hcbench, merge, %[3]s]
        volumeMounts: [{name: results, mountPath: %[7]s}]
      volumes:
      - name: results
        persistentVolumeClaim: {claimName: %[8]s}
`, s.RunID, s.Tasks, quote(s.Dir), s.Name(), quote(s.Image), quote("exec "+line), quote(s.Dir), quote(s.Claim),
		quote(fmt.Sprintf(`while [ "$(ls -d %s/shard-*-of-%d 2>/dev/null | wc -l)" -lt %d ] || [ -n "$(find %s -name qmlhc_benchmarks.jsonl -mmin -1)" ]; do sleep 30; done`,
			bench.ShellQuote(s.Dir), s.Tasks, s.Tasks, bench.ShellQuote(s.Dir))))
	return b.String()
}

// quote is a YAML double-quoted scalar.
func quote(s string) string { return strconv.Quote(s) }
