package tui

import (
	"fmt"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine"
	"github.com/hcbench/hcbench/report"
)

// prompt is a yes/no question that owns the keyboard until answered.
type prompt struct {
	text  string
	onYes func(*app) tea.Cmd
	onNo  func(*app) tea.Cmd
}

// answer is what a key means to an open prompt.
type answer int

const (
	answerNone answer = iota
	answerYes
	answerNo
	answerQuit
)

// Update reads a key as an answer; the app acts on it.
func (p *prompt) Update(msg tea.KeyMsg) answer {
	switch {
	case key.Matches(msg, keys.Yes):
		return answerYes
	case key.Matches(msg, keys.No):
		return answerNo
	case key.Matches(msg, keys.Quit) && msg.String() == "q":
		return answerQuit
	}
	return answerNone
}

// View centres the question in w×h.
func (p *prompt) View(st styles, w, h int) string {
	box := st.prompt.Width(min(max(20, w-6), 72)).Render(p.text)
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

// answerPrompt closes the prompt on an answer and runs what it means.
func (a *app) answerPrompt(msg tea.KeyMsg) tea.Cmd {
	p := a.prompt
	switch p.Update(msg) {
	case answerYes:
		a.prompt = nil
		return p.onYes(a)
	case answerNo:
		a.prompt = nil
		return p.onNo(a)
	case answerQuit:
		a.prompt = nil
		return a.quit()
	}
	return nil
}

// resumeOffer looks in the output directory for the run written last: if
// it was made with the same settings, fits the same grid and is unfinished,
// it offers to continue it (issue 7). An unreadable history means no offer.
func resumeOffer(opt Options) *prompt {
	recs, _, err := report.ReadJSONLRepair(report.PathsFor(resolveIn(opt.WorkDir, opt.OutDir)).JSONL)
	if err != nil || len(recs) == 0 {
		return nil
	}
	id, res := report.LatestRun(recs)
	for _, r := range recs {
		if r.RunID != id {
			continue
		}
		if r.Seed != opt.Plan.Seed || r.Timing != opt.Plan.Timing {
			return nil
		}
		// Records that carry their grid must match it exactly, as --resume asks.
		if r.Grid != nil && !sameConfigs(*r.Grid, opt.Plan.Grid) {
			return nil
		}
	}
	prior, ok := resumable(opt.Plan, res)
	if !ok {
		return nil
	}
	total := opt.Plan.Grid.Size()
	return &prompt{
		text: fmt.Sprintf("continue run %d (%d/%d done)? y/n", id, len(prior), total),
		onYes: func(a *app) tea.Cmd {
			a.setStatus(fmt.Sprintf("continuing run %d: %d configs left", id, total-len(prior)), false)
			return a.startRun(a.opt.Plan, a.opt.OutDir, id, prior)
		},
		onNo: func(a *app) tea.Cmd {
			if a.opt.StartNow {
				return a.startFromPlan(a.opt.Plan, a.opt.OutDir)
			}
			return nil
		},
	}
}

// resumable reports whether a run's results can stand in for part of plan:
// same depths, repeats and policy (seed and timing are checked on the
// records), every config in the grid, and some config of the grid still to
// run.
func resumable(p engine.Plan, res []engine.Result) ([]engine.Result, bool) {
	if len(res) == 0 || len(res) >= p.Grid.Size() {
		return nil, false
	}
	for _, r := range res {
		if !p.Grid.Contains(r.Config) {
			return nil, false
		}
		if !slices.Equal(r.Depths, p.Depths) || r.Repeats != p.Repeats || r.Policy != p.Policy {
			return nil, false
		}
	}
	return res, true
}

// sameConfigs reports whether two grids hold the same set of configs.
func sameConfigs(a, b engine.Grid) bool {
	if a.Size() != b.Size() {
		return false
	}
	for _, c := range a.Configs() {
		if !b.Contains(c) {
			return false
		}
	}
	return true
}
