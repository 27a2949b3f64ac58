package tui

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/engine/worker"
)

// A run's engine decides its workers: a python run never gets the Go
// engine's, also when the flags did not ask for python (a run continued
// from the history).
func TestWorkersFollowThePlansEngine(t *testing.T) {
	t.Setenv("QMLHC_PATH", "")
	py := bench.DefaultPlan()
	py.Engine = bench.EnginePython

	a := NewModel(Options{WorkDir: t.TempDir()}).a
	if eo, err := a.workers(bench.DefaultPlan()); err != nil || eo.Worker != nil {
		t.Errorf("go plan: worker set %v, err %v; want the default (Go) workers", eo.Worker != nil, err)
	}
	if _, err := a.workers(py); err == nil || !strings.Contains(err.Error(), "QMLHC_PATH") {
		t.Errorf("python plan without a checkout: %v, want an error naming QMLHC_PATH", err)
	}

	flags := sweep.Options{Worker: func() (*exec.Cmd, error) { return exec.Command("python3"), nil },
		WorkerOptions: worker.Options{Name: "python worker"}}
	a = NewModel(Options{WorkDir: t.TempDir(), Workers: flags}).a
	eo, err := a.workers(py)
	if err != nil || eo.Worker == nil || eo.WorkerOptions.Name != "python worker" {
		t.Errorf("python plan with --engine python: %+v %v, want the flags' workers", eo.WorkerOptions, err)
	}
	if eo, _ := a.workers(bench.DefaultPlan()); eo.Worker != nil {
		t.Error("go plan got the python workers")
	}
}
