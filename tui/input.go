package tui

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// lineInput is a form's one-line field: bubbles/textinput (typing, paste,
// word and line editing) with a steady cursor, so views are deterministic
// and nothing ticks while the user reads.
type lineInput struct {
	ti textinput.Model
}

// maxInputLen bounds a field; no LIST or path needs more.
const maxInputLen = 256

func newLineInput(s string) lineInput {
	ti := textinput.New()
	ti.Prompt = ""
	ti.CharLimit = maxInputLen
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.SetValue(s)
	ti.CursorEnd()
	return lineInput{ti: ti}
}

func (in *lineInput) text() string { return in.ti.Value() }

func (in *lineInput) focus() {
	in.ti.Focus()
	in.ti.CursorEnd()
}

func (in *lineInput) blur() { in.ti.Blur() }

// update applies an editing key and reports whether the value changed.
func (in *lineInput) update(msg tea.KeyMsg) bool {
	before := in.ti.Value()
	in.ti, _ = in.ti.Update(msg) // a static cursor asks for no blink commands
	return in.ti.Value() != before
}

// view shows the value in width cells, scrolled so the cursor is visible.
// Without colour the reversed cursor cell would vanish, so the cursor is
// then marked with "▏".
func (in *lineInput) view(_ theme.Styles, width int) string {
	if w := max(1, width-1); in.ti.Width != w {
		// The visible window is worked out when the value or the cursor
		// moves: place it for the new width now.
		in.ti.Width = w
		in.ti.SetCursor(in.ti.Position())
	}
	if !in.ti.Focused() && lipgloss.Width(in.ti.Value()) > width {
		return theme.Cut(in.ti.Value(), width) // the cut is marked, not hidden
	}
	if in.ti.Focused() && lipgloss.NewStyle().Reverse(true).Render("x") == "x" {
		v := []rune(in.ti.Value())
		pos := min(in.ti.Position(), len(v))
		start := max(0, pos-width+1)
		end := min(len(v), start+width)
		return string(v[start:pos]) + "▏" + string(v[pos:end])
	}
	return in.ti.View()
}
