package tui

// The app side of the two forms: starting the setup form's run, and
// applying the grid editor's grid.

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/tui/views/setup"
)

// startFromSetup opens and starts a run of the form's spec (the session
// checks a Python engine by starting one of its workers first). Nothing
// is created on disk before that.
func (a *app) startFromSetup() tea.Cmd {
	spec, err := a.setup.Spec()
	if err != nil {
		a.setStatus("✗ "+err.Error(), true)
		return nil
	}
	cmd := a.startSpec(spec)
	if a.opening != nil {
		a.setup.Opening = true
	}
	return cmd
}

// applyGrid hands the edited grid to the running sweep, through the
// session (which records it, so the run's later records and a --resume
// carry it). A sweep that has ended keeps its grid: the run has ended.
func (a *app) applyGrid(g bench.Grid) tea.Cmd {
	if a.run == nil || a.run.finishing {
		a.setStatus(fmt.Sprintf("run %d has ended: its grid stays as it was; n sets up a new sweep with another grid", a.sw.RunID), false)
		return nil
	}
	err := a.run.s.SetGrid(g)
	switch {
	case errors.Is(err, sweep.ErrSweepOver):
		a.setStatus(fmt.Sprintf("run %d ended before the edit: its grid stays as it was; n sets up a new sweep with another grid", a.sw.RunID), false)
	case err != nil:
		a.setStatus("✗ "+err.Error(), true)
	default:
		a.setStatus("grid applied: "+setup.Preview(a.sw, g), false)
	}
	return nil
}
