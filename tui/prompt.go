package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/store"
	"github.com/hcbench/hcbench/tui/views/setup"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/theme"
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
func (p *prompt) View(st theme.Styles, w, h int) string {
	box := st.Prompt.Width(min(max(20, w-6), 72)).Render(p.text)
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

// resumeOffer looks in the output directory for the latest unfinished run,
// whatever its settings (the flags need not be retyped), and offers to
// continue it, naming its grid. The search is report/store's, the one
// --resume uses; it reads without locking or changing anything (the run
// is opened, and locked, when the user says yes). A damaged history offers
// nothing.
func resumeOffer(spec session.Spec) *prompt {
	res, ok := store.ReadResumable(setup.Resolve(spec.WorkDir, setup.OutDir(spec)), nil)
	if !ok {
		return nil
	}
	g, total := res.Plan.Grid, res.Plan.Grid.Size()
	return &prompt{
		text: fmt.Sprintf("continue run %d (%d/%d done: -D %s -K %s -T %s, depths %s, %d repeats, seed %d, %s)? y/n",
			res.RunID, res.Done(), total, bench.FormatList(g.Dims), bench.FormatList(g.Branches), bench.FormatList(g.SeqLens),
			bench.FormatList(res.Plan.Depths), res.Plan.Repeats, res.Plan.Seed, res.Plan.Policy),
		onYes: func(a *app) tea.Cmd { return a.startSpec(resumeSpec(a.opt.Spec, res)) },
		onNo: func(a *app) tea.Cmd {
			if a.opt.StartNow {
				return a.startSpec(a.opt.Spec)
			}
			return nil
		},
	}
}
