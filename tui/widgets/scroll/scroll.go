// Package scroll is a window over lines that keys and the mouse wheel
// move, saying where it is when the lines do not all fit.
package scroll

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// KeyMap moves the window.
type KeyMap struct{ Up, Down, PageUp, PageDown, Home, End key.Binding }

// Model is the window: its first line, and the lines it shows.
type Model struct {
	Off    int
	keys   KeyMap
	note   lipgloss.Style
	lines  []string
	height int
}

// New is a window at the top; note draws its position line.
func New(keys KeyMap, note lipgloss.Style) Model { return Model{keys: keys, note: note} }

func (s *Model) Init() tea.Cmd { return nil }

// Update moves the window on its keys.
func (s *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return s, nil
	}
	switch {
	case key.Matches(k, s.keys.Up):
		s.Off--
	case key.Matches(k, s.keys.Down):
		s.Off++
	case key.Matches(k, s.keys.PageUp):
		s.Off -= 10
	case key.Matches(k, s.keys.PageDown):
		s.Off += 10
	case key.Matches(k, s.keys.Home):
		s.Off = 0
	case key.Matches(k, s.keys.End):
		s.Off = math.MaxInt32
	}
	s.Off = max(0, s.Off)
	return s, nil
}

// Scroll moves the window by n lines (the wheel).
func (s *Model) Scroll(n int) { s.Off = max(0, s.Off+n) }

// SetContent sets the lines and the height View shows them in.
func (s *Model) SetContent(lines []string, h int) { s.lines, s.height = lines, h }

// View is Window of the content set.
func (s *Model) View() string { return s.Window(s.lines, s.height) }

// Window shows h of lines from the offset (clamped), with a note of where
// it is when they do not all fit.
func (s *Model) Window(lines []string, h int) string {
	if h <= 0 {
		return ""
	}
	if len(lines) <= h {
		s.Off = 0
		return strings.Join(lines, "\n")
	}
	s.Off = min(s.Off, len(lines)-(h-1))
	end := s.Off + h - 1
	more := s.note.Render(fmt.Sprintf("↑↓ scroll · lines %d–%d of %d", s.Off+1, end, len(lines)))
	return strings.Join(append(slices.Clone(lines[s.Off:end]), more), "\n")
}
