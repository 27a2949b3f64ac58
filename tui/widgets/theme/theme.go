// Package theme is the workbench's one style sheet and the few text
// operations on drawn blocks that every view shares. Every colour is
// adaptive so the screen reads on dark and light terminals; lipgloss drops
// colours under NO_COLOR, so nothing may carry meaning by colour alone
// (glyphs and words carry it too). Widgets take the styles they draw with
// from their caller, so this is the only place a colour is chosen.
package theme

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Styles is the style sheet.
type Styles struct {
	Title     lipgloss.Style
	Subtle    lipgloss.Style
	Label     lipgloss.Style
	Value     lipgloss.Style
	Pane      lipgloss.Style
	Border    lipgloss.Style
	PaneTitle lipgloss.Style
	Status    lipgloss.Style
	ErrText   lipgloss.Style
	Warn      lipgloss.Style
	Paused    lipgloss.Style
	Running   lipgloss.Style
	Good      lipgloss.Style

	// Heat are the heatmap's levels, cool to hot; Pending a cell without
	// a result.
	Heat    [HeatLevels]lipgloss.Style
	Pending lipgloss.Style

	ChartLine  lipgloss.Style
	ChartAxis  lipgloss.Style
	ChartLabel lipgloss.Style

	TableHeader   lipgloss.Style
	TableCell     lipgloss.Style
	TableSelected lipgloss.Style

	FieldLabel   lipgloss.Style
	FieldFocused lipgloss.Style
	Prompt       lipgloss.Style

	HelpKey  lipgloss.Style
	HelpDesc lipgloss.Style
	HelpSep  lipgloss.Style
}

// HeatLevels is how many levels the heatmap tells apart.
const HeatLevels = 5

func ac(light, dark string) lipgloss.AdaptiveColor {
	return lipgloss.AdaptiveColor{Light: light, Dark: dark}
}

var (
	colAccent = ac("#5A4FCF", "#9D8CFF")
	colSubtle = ac("#6C6C6C", "#8A8A8A")
	colBorder = ac("#B8B8B8", "#4E4E4E")
	colText   = ac("#1A1A1A", "#E4E4E4")
	colErr    = ac("#C0262D", "#FF6B6B")
	colWarn   = ac("#A65F00", "#FFB454")
	colGood   = ac("#1D7A3E", "#63D68B")
	colPaused = ac("#A65F00", "#FFD166")
)

// heatRamp runs from cool to hot; the heatmap gives each step its own
// glyph too.
var heatRamp = [HeatLevels]lipgloss.AdaptiveColor{
	ac("#5B7DB1", "#3B5998"),
	ac("#2A9D8F", "#2A9D8F"),
	ac("#8AB17D", "#8AB17D"),
	ac("#E9A23B", "#E9C46A"),
	ac("#D1495B", "#F4845F"),
}

// MarkRow puts "›" in the selected row's leading padding cell, so the
// selection reads without colour too (NO_COLOR, monochrome terminals),
// where bold and colour are dropped.
func MarkRow(row string) string {
	if rest, ok := strings.CutPrefix(row, " "); ok {
		return "›" + rest
	}
	return row
}

// New is the style sheet.
func New() Styles {
	s := Styles{
		Title:     lipgloss.NewStyle().Bold(true).Foreground(colAccent),
		Subtle:    lipgloss.NewStyle().Foreground(colSubtle),
		Label:     lipgloss.NewStyle().Foreground(colSubtle),
		Value:     lipgloss.NewStyle().Foreground(colText).Bold(true),
		Pane:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(colBorder).Padding(0, 1),
		Border:    lipgloss.NewStyle().Foreground(colBorder),
		PaneTitle: lipgloss.NewStyle().Bold(true).Foreground(colAccent),
		Status:    lipgloss.NewStyle().Foreground(colSubtle),
		ErrText:   lipgloss.NewStyle().Foreground(colErr),
		Warn:      lipgloss.NewStyle().Foreground(colWarn),
		Paused:    lipgloss.NewStyle().Bold(true).Foreground(colPaused),
		Running:   lipgloss.NewStyle().Foreground(colGood),
		Good:      lipgloss.NewStyle().Foreground(colGood),

		Pending: lipgloss.NewStyle().Foreground(colSubtle),

		ChartLine:  lipgloss.NewStyle().Foreground(colAccent),
		ChartAxis:  lipgloss.NewStyle().Foreground(colBorder),
		ChartLabel: lipgloss.NewStyle().Foreground(colSubtle),

		TableHeader:   lipgloss.NewStyle().Bold(true).Foreground(colAccent).Padding(0, 1),
		TableCell:     lipgloss.NewStyle().Padding(0, 1),
		TableSelected: lipgloss.NewStyle().Bold(true).Foreground(colAccent).Transform(MarkRow),

		FieldLabel:   lipgloss.NewStyle().Foreground(colSubtle),
		FieldFocused: lipgloss.NewStyle().Bold(true).Foreground(colAccent),
		Prompt:       lipgloss.NewStyle().Bold(true).Border(lipgloss.RoundedBorder()).BorderForeground(colAccent).Padding(0, 2),

		HelpKey:  lipgloss.NewStyle().Foreground(colAccent),
		HelpDesc: lipgloss.NewStyle().Foreground(colSubtle),
		HelpSep:  lipgloss.NewStyle().Foreground(colBorder),
	}
	for i, c := range heatRamp {
		s.Heat[i] = lipgloss.NewStyle().Foreground(c)
	}
	return s
}

// Pad pads s with spaces to width cells; styled text counts by what it
// shows.
func Pad(s string, width int) string { return lipgloss.PlaceHorizontal(width, lipgloss.Left, s) }

// Cut cuts a one-line string to at most width cells, ending it with "…"
// so a cut never reads as a whole word or number.
func Cut(s string, width int) string { return ansi.Truncate(s, width, "…") }

// Fit clips a multi-line block to w×h cells so a pane can never push the
// screen out of shape, whatever it draws.
func Fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:max(0, h)]
	}
	for i, l := range lines {
		lines[i] = Cut(l, w)
	}
	return strings.Join(lines, "\n")
}

// Wrap breaks s at spaces into lines of at most w cells.
func Wrap(s string, w int) string {
	return lipgloss.NewStyle().Width(max(1, w)).Render(s)
}

// Lines makes s exactly n lines (cut, or padded with empty lines), so what
// follows it stays in place.
func Lines(s string, n int) string {
	if n <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	for len(lines) < n {
		lines = append(lines, "")
	}
	return strings.Join(lines[:n], "\n")
}
