package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// lineInput is a one-line text field. bubbles/textinput would pull in a
// clipboard module this project does not carry; the fields here only need
// typing, deleting and moving within a short value.
type lineInput struct {
	value   []rune
	pos     int // cursor, 0..len(value)
	focused bool
}

// maxInputLen bounds a field; no LIST or path needs more.
const maxInputLen = 256

func newLineInput(s string) lineInput {
	r := []rune(s)
	return lineInput{value: r, pos: len(r)}
}

func (in *lineInput) text() string { return string(in.value) }

// update applies an editing key and reports whether the value changed.
func (in *lineInput) update(msg tea.KeyMsg) bool {
	switch msg.Type {
	case tea.KeyRunes, tea.KeySpace:
		r := msg.Runes
		if msg.Type == tea.KeySpace {
			r = []rune{' '}
		}
		r = []rune(strings.Map(printable, string(r)))
		if len(r) == 0 || len(in.value)+len(r) > maxInputLen {
			return false
		}
		in.value = append(in.value[:in.pos], append(r, in.value[in.pos:]...)...)
		in.pos += len(r)
		return true
	case tea.KeyBackspace:
		if in.pos == 0 {
			return false
		}
		in.value = append(in.value[:in.pos-1], in.value[in.pos:]...)
		in.pos--
		return true
	case tea.KeyDelete:
		if in.pos >= len(in.value) {
			return false
		}
		in.value = append(in.value[:in.pos], in.value[in.pos+1:]...)
		return true
	case tea.KeyCtrlU:
		changed := in.pos > 0
		in.value = append([]rune(nil), in.value[in.pos:]...)
		in.pos = 0
		return changed
	case tea.KeyCtrlK:
		changed := in.pos < len(in.value)
		in.value = in.value[:in.pos]
		return changed
	case tea.KeyLeft:
		in.pos = max(0, in.pos-1)
	case tea.KeyRight:
		in.pos = min(len(in.value), in.pos+1)
	case tea.KeyHome, tea.KeyCtrlA:
		in.pos = 0
	case tea.KeyEnd, tea.KeyCtrlE:
		in.pos = len(in.value)
	}
	return false
}

// printable drops control characters a paste may carry.
func printable(r rune) rune {
	if r < ' ' || r == 0x7f {
		return -1
	}
	return r
}

// view shows the value in width cells, scrolled so the cursor is visible;
// the cursor is drawn as a reversed cell, and as "▏" when unstyled so it is
// still seen without colour.
func (in *lineInput) view(st styles, width int) string {
	width = max(2, width)
	start := 0
	if in.pos >= width {
		start = in.pos - width + 1
	}
	end := min(len(in.value), start+width)
	vis := in.value[start:end]
	if !in.focused {
		return string(vis)
	}
	cur := in.pos - start
	before := string(vis[:cur])
	under, after := " ", ""
	if cur < len(vis) {
		under, after = string(vis[cur]), string(vis[cur+1:])
	}
	cursor := lipgloss.NewStyle().Reverse(true).Render(under)
	if cursor == under {
		// No styling available: mark the cursor position instead.
		return before + "▏" + under + after
	}
	return before + cursor + after
}
