// Package keys declares every key binding of the workbench once, with its
// help text, and draws key help: the one-line footer that gives way on a
// narrow screen and the full help. The views only choose which bindings
// to show (the sets below).
package keys

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
)

// The run view.
var (
	Run      = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run/restart"))
	Edit     = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit grid"))
	Pause    = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause"))
	Save     = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save"))
	Metric   = key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "metric"))
	Axes     = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "axes"))
	Sort     = key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "sort"))
	Rev      = key.NewBinding(key.WithKeys("O"), key.WithHelp("O", "reverse"))
	Zoom     = key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom a pane"))
	Up       = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "table up"))
	Down     = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "table down"))
	PageUp   = key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "table page up"))
	PageDown = key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "table page down"))
	Home     = key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first row"))
	End      = key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "last row"))
	Help     = key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help"))
	Quit     = key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit"))
)

// The workbench views (detail, history, compare, filter, command line).
var (
	Open    = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open"))
	Back    = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	History = key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "history"))
	New     = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new sweep"))
	Filter  = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter"))
	Command = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "command line"))
	Mark    = key.NewBinding(key.WithKeys(" ", "x"), key.WithHelp("space/x", "mark"))
	Compare = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "compare marked"))
	Resume  = key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "continue run"))
	Tab     = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab"))
	PrevRow = key.NewBinding(key.WithKeys("left", "["), key.WithHelp("←", "previous config"))
	NextRow = key.NewBinding(key.WithKeys("right", "]"), key.WithHelp("→", "next config"))
	ABView  = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "A/B view (--vs)"))
)

// The forms (setup and the grid editor).
var (
	Next   = key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field"))
	Prev   = key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field"))
	Start  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "start sweep"))
	Apply  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply to the running sweep"))
	Cancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	Exit   = key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "quit"))

	ChoicePrev = key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "previous choice"))
	ChoiceNext = key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "next choice"))
)

// Yes/no prompts.
var (
	Yes = key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes"))
	No  = key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no"))
)

// Set adapts a chosen set of bindings to help.KeyMap. Drop lists indexes
// of Short in the order they give way on a narrow screen.
type Set struct {
	Short []key.Binding
	Drop  []int
	Full  [][]key.Binding
}

func (s Set) ShortHelp() []key.Binding  { return s.Short }
func (s Set) FullHelp() [][]key.Binding { return s.Full }

// Brief is b with a shorter description, for the one-line footer.
func Brief(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}

// RunSet is the run view's keys: while the sweep runs (active) its
// controls lead, once it has ended the workbench's views do; while
// paused, p reads "resume".
func RunSet(paused, active bool) Set {
	pause := Pause
	if paused {
		pause = Brief(Pause, "resume")
	}
	full := [][]key.Binding{
		{Run, Edit, pause, Save},
		{Metric, Axes, Sort, Rev, Zoom},
		{Up, Down, PageUp, PageDown},
		{Home, End, Help, Quit},
		{Brief(Open, "detail"), History, New, Filter, Command, ABView},
	}
	if active {
		return Set{
			Short: []key.Binding{Brief(Edit, "edit"), pause, Save, Brief(Open, "detail"), History, Filter, Brief(Zoom, "zoom"), Sort, Metric, Help, Quit},
			Drop:  []int{8, 7, 2, 5, 4, 3, 6, 0},
			Full:  full,
		}
	}
	return Set{
		Short: []key.Binding{Brief(Open, "detail"), History, Filter, Brief(New, "new"), Brief(Command, "cmd"), Brief(Zoom, "zoom"), Sort, Brief(Run, "rerun"), Metric, Help, Quit},
		Drop:  []int{8, 7, 4, 6, 3, 1, 5, 2},
		Full:  full,
	}
}

func SetupSet() Set {
	return Set{
		Short: []key.Binding{Start, Next, Prev, History, Help, Exit},
		Drop:  []int{2, 1, 3, 4},
		Full:  [][]key.Binding{{Start, Next, Prev}, {ChoicePrev, ChoiceNext}, {Brief(History, "history (on a grid, number or choice field)"), Help, Exit}},
	}
}

func EditorSet() Set {
	return Set{
		Short: []key.Binding{Apply, Next, Prev, Cancel},
		Drop:  []int{2, 1},
		Full:  [][]key.Binding{{Apply, Next, Prev}, {Cancel}},
	}
}

func PromptSet() Set { return Set{Short: []key.Binding{Yes, No}, Full: [][]key.Binding{{Yes, No}}} }

func DetailSet() Set {
	return Set{Short: []key.Binding{Back, Brief(Up, "scroll"), PrevRow, NextRow, Help, Quit}, Drop: []int{1, 2, 3}}
}

// ABSet is the A/B view's keys.
func ABSet() Set {
	return Set{Short: []key.Binding{Back, Brief(Up, "scroll"), Axes, Help, Quit}, Drop: []int{1, 2},
		Full: [][]key.Binding{{Back, Axes}, {Up, Down, PageUp, PageDown}, {Help, Quit}}}
}

func FilterSet() Set {
	return Set{Short: []key.Binding{Brief(Open, "keep filter"), Brief(Back, "clear")}}
}

// HistorySet is the history's keys on its list, an opened run (run) or
// the comparison (cmp).
func HistorySet(run, cmp bool) Set {
	switch {
	case run:
		return Set{Short: []key.Binding{Brief(Open, "detail"), Filter, Brief(Zoom, "zoom"), Metric, Axes, Sort, Tab, Back, Quit}, Drop: []int{4, 3, 5, 1, 6, 0},
			Full: [][]key.Binding{{Brief(Open, "detail"), Filter, Zoom}, {Metric, Axes, Sort, Rev}, {Up, Down, PageUp, PageDown}, {Tab, Back, Help, Quit}}}
	case cmp:
		return Set{Short: []key.Binding{Brief(Up, "scroll"), Axes, Tab, Back, Quit}, Drop: []int{1, 0}}
	}
	return Set{Short: []key.Binding{Open, Mark, Compare, Resume, Tab, Back, Quit}, Drop: []int{4, 3, 0}}
}

// ShowListSet is the history list's keys under hcbench show: read-only,
// so nothing to continue (u), and esc leaves as q does.
func ShowListSet() Set {
	return Set{Short: []key.Binding{Open, Mark, Compare, Brief(Save, "write reports"), Tab, Help, Quit}, Drop: []int{4, 3, 5, 1, 2, 0},
		Full: [][]key.Binding{{Open, Mark, Compare}, {Brief(Up, "up"), Brief(Down, "down"), Tab}, {Brief(Save, "write a run's reports again (asks first)"), Help, Brief(Back, "quit"), Quit}}}
}

// ShardsSet is the keys of a sharded sweep's live view (hcbench show on
// the shards' directory): read-only, so the run view's keys that look.
func ShardsSet() Set {
	return Set{Short: []key.Binding{Brief(Open, "detail"), Filter, Brief(Zoom, "zoom"), Metric, Axes, Sort, Brief(Up, "scroll"), Help, Quit}, Drop: []int{4, 3, 6, 5, 1},
		Full: [][]key.Binding{{Brief(Open, "detail"), Filter, Zoom}, {Metric, Axes, Sort, Rev}, {Up, Down, PageUp, PageDown}, {Home, End, Help, Brief(Back, "quit"), Quit}}}
}

// Notes explain what the run view's keys with side effects do, under the
// full help.
var Notes = []string{
	"e  new configs join the queue, dropped ones not yet run are skipped, finished results stay",
	"p  takes effect before the next epoch; paused time is not measured",
	"s  writes CSV, Markdown and figures now (the JSONL gets each config as it finishes)",
	"q  stops the sweep, saves the reports, prints the quick summary on the normal screen",
	"heatmap glyphs  ' ' ░ ▒ ▓ █ low→high · pending  ~ partial (third axis not all done)",
	"z  gives the table, the chart, then the heatmap the whole screen; a fourth z shows every pane again",
	"/  K=9 · K=3,9 · D=3..12:3 (the flags' LIST syntax) · noisy · slower/faster (with a baseline) · text of a config",
	"enter detail · h history · n new sweep · / filter · c command line · mouse: wheel scrolls; click selects, sorts, filters to a heatmap cell",
	"b  an A/B sweep (--vs): B against A — diverging heatmap of B/A (▼▼ ▽ faster · = within the margin · △ ▲▲ slower), ratios, intervals, verdicts",
}

// NewHelp is the help drawer, in the given styles of keys, descriptions
// and separators.
func NewHelp(keyStyle, desc, sep lipgloss.Style) help.Model {
	h := help.New()
	// Two spaces instead of " • ": at 80 columns every run-view key fits.
	h.ShortSeparator = "  "
	h.Styles = help.Styles{
		Ellipsis:       sep,
		ShortKey:       keyStyle,
		ShortDesc:      desc,
		ShortSeparator: sep,
		FullKey:        keyStyle,
		FullDesc:       desc,
		FullSeparator:  sep,
	}
	return h
}

// Columns lays the bindings out in as many columns as fit in width (the
// set's own grouping when it fits), so a narrow screen gets more rows
// instead of losing keys.
func Columns(h help.Model, groups [][]key.Binding, width int) string {
	h.ShowAll = true
	h.Width = 0 // the columns are fitted here, not cut
	var all []key.Binding
	for _, g := range groups {
		all = append(all, g...)
	}
	if v := h.FullHelpView(groups); lipgloss.Width(v) <= width {
		return v
	}
	for cols := len(groups) - 1; ; cols-- {
		per := (len(all) + cols - 1) / max(1, cols)
		var regrouped [][]key.Binding
		for i := 0; i < len(all); i += per {
			regrouped = append(regrouped, all[i:min(len(all), i+per)])
		}
		if v := h.FullHelpView(regrouped); lipgloss.Width(v) <= width || cols <= 1 {
			return v
		}
	}
}

// Line renders one line of key help in width cells. When all of it does
// not fit, bindings give way in the set's drop order, so the ones that
// matter most (quit, help, the main action) stay.
func Line(h help.Model, s Set, width int) string {
	h.Width = 0
	gone := make(map[int]bool, len(s.Drop))
	for n := 0; ; n++ {
		bs := make([]key.Binding, 0, len(s.Short))
		for i, b := range s.Short {
			if !gone[i] {
				bs = append(bs, b)
			}
		}
		v := h.ShortHelpView(bs)
		if lipgloss.Width(v) <= width || n >= len(s.Drop) {
			return v
		}
		gone[s.Drop[n]] = true
	}
}
