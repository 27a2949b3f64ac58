package tui

import (
	"errors"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine"
)

// The grid editor opens over the running sweep. Only the grid can change
// live: depths, repeats, seed and policy decide what a result means, so a
// change there would be a different benchmark (start one from setup).

func newEditorForm(g engine.Grid) *form {
	return newForm(
		newField("D", "D  dims", listHint, engine.FormatList(g.Dims), checkDims),
		newField("K", "K  branches", listHint+" (≥ 2)", engine.FormatList(g.Branches), checkBranches),
		newField("T", "T  seq len", listHint, engine.FormatList(g.SeqLens), checkSeqLens),
	)
}

func editorGrid(f *form) (engine.Grid, error) {
	if name, err := f.firstError(); err != nil {
		return engine.Grid{}, fmt.Errorf("%s: %w", name, err)
	}
	var g engine.Grid
	g.Dims, _ = engine.ParseList(f.value("D"))
	g.Branches, _ = engine.ParseList(f.value("K"))
	g.SeqLens, _ = engine.ParseList(f.value("T"))
	return g, g.Validate()
}

// editPreview says what applying would do: how many configs the new grid
// has, how many are done already, how many would run and how many queued
// ones would be dropped.
func editPreview(s *sweep, g engine.Grid) string {
	configs := g.Configs()
	done, toRun := 0, 0
	for _, c := range configs {
		if _, ok := s.results[c]; ok {
			done++
		} else {
			toRun++
		}
	}
	dropped := 0
	for _, c := range s.order {
		if _, ok := s.results[c]; !ok && !g.Contains(c) {
			dropped++
		}
	}
	return fmt.Sprintf("%d configs: %d done · %d to run · %d queued dropped", len(configs), done, toRun, dropped)
}

func (a *app) updateEditor(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, keys.Cancel):
		a.editor = nil
		a.setStatus("edit cancelled", false)
		return nil
	case key.Matches(msg, keys.Apply):
		g, err := editorGrid(a.editor)
		if err != nil {
			a.setStatus("✗ "+err.Error(), true)
			return nil
		}
		a.editor = nil
		return a.applyGrid(g)
	}
	a.editor.update(msg)
	return nil
}

// applyGrid hands the edited grid to the engine. A sweep that has ended
// cannot take it, so a new runner continues the same run with every result
// so far as Prior: they are reported as reused, not measured again.
func (a *app) applyGrid(g engine.Grid) tea.Cmd {
	if a.run != nil && !a.run.closed {
		err := a.run.r.SetGrid(g)
		if err == nil {
			if a.run.rec != nil {
				a.run.rec.SetGrid(g)
			}
			a.setStatus("grid applied: "+editPreview(a.sw, g), false)
			return nil
		}
		if !errors.Is(err, engine.ErrSweepOver) {
			a.setStatus("✗ "+err.Error(), true)
			return nil
		}
	}
	p := a.sw.plan
	p.Grid = g
	if a.rec != nil {
		a.rec.SetGrid(g)
	}
	a.setStatus("grid applied, sweep continued: "+editPreview(a.sw, g), false)
	return a.startRunner(p, a.sw.resultList())
}

func (a *app) editorView(w int) string {
	title := a.st.paneTitle.Render("Edit the grid") + a.st.subtle.Render("  (applies to the running sweep)")
	preview := ""
	if g, err := editorGrid(a.editor); err == nil {
		preview = a.st.value.Render(editPreview(a.sw, g))
	} else if _, ferr := a.editor.firstError(); ferr == nil {
		preview = a.st.errText.Render("✗ " + err.Error())
	}
	note := a.st.subtle.Render("depths, repeats, seed and policy stay: results must stay comparable")
	inner := lipgloss.JoinVertical(lipgloss.Left, title, a.editor.view(a.st, w-4), "", preview, note)
	return a.st.pane.Width(max(0, w-2)).Render(fitBlock(inner, w-4, 1000))
}
