package tui

import (
	"errors"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/tui/widgets/form"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// The grid editor opens over the running sweep. Only the grid can change
// live: depths, repeats, seed and policy decide what a result means, so a
// change there would be a different benchmark (start one from setup).

// editorModel is the grid editor: a form of the three axes.
type editorModel struct{ form *form.Form }

func newEditorModel(g bench.Grid, st theme.Styles) *editorModel {
	return &editorModel{form: newEditorForm(g, st)}
}

// Update edits the form; enter asks to apply, esc to cancel.
func (e *editorModel) Update(msg tea.KeyMsg) keys.Action {
	switch {
	case key.Matches(msg, keys.Cancel):
		return keys.ActCancel
	case key.Matches(msg, keys.Apply):
		return keys.ActApply
	}
	e.form.Update(msg)
	return keys.ActNone
}

// grid is the grid the form describes, or what is wrong with it.
func (e *editorModel) grid() (bench.Grid, error) { return editorGrid(e.form) }

func newEditorForm(g bench.Grid, st theme.Styles) *form.Form {
	return form.New(formKeys, formStyles(st),
		form.NewField("D", "D  dims", listHint, bench.FormatList(g.Dims), checkDims),
		form.NewField("K", "K  branches", listHint+" (≥ 2)", bench.FormatList(g.Branches), checkBranches),
		form.NewField("T", "T  seq len", listHint, bench.FormatList(g.SeqLens), checkSeqLens),
	)
}

func editorGrid(f *form.Form) (bench.Grid, error) {
	if name, err := f.FirstError(); err != nil {
		return bench.Grid{}, fmt.Errorf("%s: %w", name, err)
	}
	var g bench.Grid
	g.Dims, _ = bench.ParseList(f.Value("D"))
	g.Branches, _ = bench.ParseList(f.Value("K"))
	g.SeqLens, _ = bench.ParseList(f.Value("T"))
	return g, g.Validate()
}

// editPreview says what applying would do: how many configs the new grid
// has, how many are done already, how many would run and how many queued
// ones would be dropped.
func editPreview(s *runstate.Run, g bench.Grid) string {
	configs := g.Configs()
	done, toRun := 0, 0
	for _, c := range configs {
		if _, ok := s.Results[c]; ok {
			done++
		} else {
			toRun++
		}
	}
	dropped := 0
	for _, c := range s.Order {
		if _, ok := s.Results[c]; !ok && !g.Contains(c) {
			dropped++
		}
	}
	return fmt.Sprintf("%d configs: %d done · %d to run · %d queued dropped", len(configs), done, toRun, dropped)
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
		a.setStatus("grid applied: "+editPreview(a.sw, g), false)
	}
	return nil
}

// View draws the editor in w cells, previewing what applying would do to
// the sweep s.
func (e *editorModel) View(st theme.Styles, s *runstate.Run, w int) string {
	title := st.PaneTitle.Render("Edit the grid") + st.Subtle.Render("  (applies to the running sweep)")
	preview := ""
	if g, err := e.grid(); err == nil {
		preview = st.Value.Render(editPreview(s, g))
	} else if _, ferr := e.form.FirstError(); ferr == nil {
		preview = st.ErrText.Render("✗ " + err.Error())
	}
	note := st.Subtle.Render("depths, repeats, seed and policy stay: results must stay comparable")
	inner := lipgloss.JoinVertical(lipgloss.Left, title, formView(e.form, w-4, 0), "", preview, note)
	return st.Pane.Width(max(0, w-2)).Render(theme.Fit(inner, w-4, 1000))
}
