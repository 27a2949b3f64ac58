package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// helpModel is the full key help, open over whatever view asked for it.
type helpModel struct{ open bool }

// Update closes the help on ? or esc; q still quits.
func (h *helpModel) Update(msg tea.KeyMsg) keys.Action {
	switch {
	case key.Matches(msg, keys.Help, keys.Cancel):
		h.open = false
	case key.Matches(msg, keys.Quit):
		return keys.ActQuit
	}
	return keys.ActNone
}

// View draws the help for km (the keys of the view below it) in a pane of
// width w, with the notes when there is room for them.
// On a screen too short for the box, the keys go without it: its two
// lines are worth more than its border.
func (h helpModel) View(hm help.Model, km keys.Set, notes []string, st theme.Styles, w, height int) string {
	parts := []string{st.PaneTitle.Render("Keys") + st.Subtle.Render("  (? or esc closes)"), keys.Columns(hm, km.FullHelp(), w-4)}
	if len(notes) > 0 {
		parts = append(parts, "")
		for _, n := range notes {
			parts = append(parts, st.Subtle.Render(n))
		}
	}
	boxed := st.Pane.Width(max(0, w-2)).Render(lipgloss.JoinVertical(lipgloss.Left, parts...))
	if lipgloss.Height(boxed) <= height {
		return boxed
	}
	parts[1] = keys.Columns(hm, km.FullHelp(), w)
	return lipgloss.JoinVertical(lipgloss.Left, parts...)
}
