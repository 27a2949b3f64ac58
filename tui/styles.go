package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// styles is the one style sheet of the TUI. Every colour is adaptive so the
// screen reads on dark and light terminals; lipgloss drops colours under
// NO_COLOR, so nothing may carry meaning by colour alone (glyphs and words
// carry it too).
type styles struct {
	title     lipgloss.Style
	subtle    lipgloss.Style
	label     lipgloss.Style
	value     lipgloss.Style
	pane      lipgloss.Style
	border    lipgloss.Style
	paneTitle lipgloss.Style
	status    lipgloss.Style
	errText   lipgloss.Style
	warn      lipgloss.Style
	paused    lipgloss.Style
	running   lipgloss.Style
	good      lipgloss.Style

	heat    [len(heatGlyphs)]lipgloss.Style
	pending lipgloss.Style

	chartLine  lipgloss.Style
	chartAxis  lipgloss.Style
	chartLabel lipgloss.Style

	tableHeader   lipgloss.Style
	tableCell     lipgloss.Style
	tableSelected lipgloss.Style

	fieldLabel   lipgloss.Style
	fieldFocused lipgloss.Style
	prompt       lipgloss.Style

	helpKey  lipgloss.Style
	helpDesc lipgloss.Style
	helpSep  lipgloss.Style
}

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

// heatRamp runs from cool to hot; each step also has its own glyph.
var heatRamp = [len(heatGlyphs)]lipgloss.AdaptiveColor{
	ac("#5B7DB1", "#3B5998"),
	ac("#2A9D8F", "#2A9D8F"),
	ac("#8AB17D", "#8AB17D"),
	ac("#E9A23B", "#E9C46A"),
	ac("#D1495B", "#F4845F"),
}

// markRow puts "›" in the selected row's leading padding cell.
func markRow(row string) string {
	if rest, ok := strings.CutPrefix(row, " "); ok {
		return "›" + rest
	}
	return row
}

func newStyles() styles {
	s := styles{
		title:     lipgloss.NewStyle().Bold(true).Foreground(colAccent),
		subtle:    lipgloss.NewStyle().Foreground(colSubtle),
		label:     lipgloss.NewStyle().Foreground(colSubtle),
		value:     lipgloss.NewStyle().Foreground(colText).Bold(true),
		pane:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(colBorder).Padding(0, 1),
		border:    lipgloss.NewStyle().Foreground(colBorder),
		paneTitle: lipgloss.NewStyle().Bold(true).Foreground(colAccent),
		status:    lipgloss.NewStyle().Foreground(colSubtle),
		errText:   lipgloss.NewStyle().Foreground(colErr),
		warn:      lipgloss.NewStyle().Foreground(colWarn),
		paused:    lipgloss.NewStyle().Bold(true).Foreground(colPaused),
		running:   lipgloss.NewStyle().Foreground(colGood),
		good:      lipgloss.NewStyle().Foreground(colGood),

		pending: lipgloss.NewStyle().Foreground(colSubtle),

		chartLine:  lipgloss.NewStyle().Foreground(colAccent),
		chartAxis:  lipgloss.NewStyle().Foreground(colBorder),
		chartLabel: lipgloss.NewStyle().Foreground(colSubtle),

		tableHeader: lipgloss.NewStyle().Bold(true).Foreground(colAccent).Padding(0, 1),
		tableCell:   lipgloss.NewStyle().Padding(0, 1),
		// The marker shows the selected row without colour too (NO_COLOR,
		// monochrome terminals), where bold and colour are dropped.
		tableSelected: lipgloss.NewStyle().Bold(true).Foreground(colAccent).Transform(markRow),

		fieldLabel:   lipgloss.NewStyle().Foreground(colSubtle),
		fieldFocused: lipgloss.NewStyle().Bold(true).Foreground(colAccent),
		prompt:       lipgloss.NewStyle().Bold(true).Border(lipgloss.RoundedBorder()).BorderForeground(colAccent).Padding(0, 2),

		helpKey:  lipgloss.NewStyle().Foreground(colAccent),
		helpDesc: lipgloss.NewStyle().Foreground(colSubtle),
		helpSep:  lipgloss.NewStyle().Foreground(colBorder),
	}
	for i, c := range heatRamp {
		s.heat[i] = lipgloss.NewStyle().Foreground(c)
	}
	return s
}
