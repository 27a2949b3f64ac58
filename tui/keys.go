package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// keyMap declares every binding once, with its help text; the views only
// choose which of them to show.
type keyMap struct {
	// Run view.
	Run      key.Binding
	Edit     key.Binding
	Pause    key.Binding
	Save     key.Binding
	Metric   key.Binding
	Axes     key.Binding
	Sort     key.Binding
	Rev      key.Binding
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding
	Help     key.Binding
	Quit     key.Binding

	// Workbench views (detail, history, compare, filter, command line).
	Open    key.Binding
	Back    key.Binding
	History key.Binding
	New     key.Binding
	Filter  key.Binding
	Command key.Binding
	Mark    key.Binding
	Compare key.Binding
	Resume  key.Binding
	Tab     key.Binding
	PrevRow key.Binding
	NextRow key.Binding

	// Forms (setup and grid editor).
	Next   key.Binding
	Prev   key.Binding
	Start  key.Binding
	Apply  key.Binding
	Cancel key.Binding
	Exit   key.Binding

	ChoicePrev key.Binding
	ChoiceNext key.Binding

	// Yes/no prompts.
	Yes key.Binding
	No  key.Binding
}

var keys = keyMap{
	Run:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run/restart")),
	Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit grid")),
	Pause:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause")),
	Save:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save")),
	Metric:   key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "metric")),
	Axes:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "axes")),
	Sort:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "sort")),
	Rev:      key.NewBinding(key.WithKeys("O"), key.WithHelp("O", "reverse")),
	Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "table up")),
	Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "table down")),
	PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "table page up")),
	PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "table page down")),
	Home:     key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first row")),
	End:      key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "last row")),
	Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
	Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

	Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
	Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	History: key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "history")),
	New:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new sweep")),
	Filter:  key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
	Command: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "command line")),
	Mark:    key.NewBinding(key.WithKeys(" ", "x"), key.WithHelp("space/x", "mark")),
	Compare: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "compare marked")),
	Resume:  key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "continue run")),
	Tab:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
	PrevRow: key.NewBinding(key.WithKeys("left", "["), key.WithHelp("←", "previous config")),
	NextRow: key.NewBinding(key.WithKeys("right", "]"), key.WithHelp("→", "next config")),

	Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
	Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
	Start:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "start sweep")),
	Apply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply to the running sweep")),
	Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	Exit:   key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "quit")),

	ChoicePrev: key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "previous choice")),
	ChoiceNext: key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "next choice")),

	Yes: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
	No:  key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no")),
}

// helpKeys adapts a chosen set of bindings to help.KeyMap. drop lists
// indexes of short in the order they give way on a narrow screen.
type helpKeys struct {
	short []key.Binding
	drop  []int
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }

// brief is b with a shorter description, for the one-line footer.
func brief(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}

// runHelp is the run view's keys; while paused, p reads "resume".
func runHelp(paused bool) helpKeys {
	k := keys
	pause := k.Pause
	if paused {
		pause = brief(k.Pause, "resume")
	}
	return helpKeys{
		short: []key.Binding{brief(k.Run, "rerun"), brief(k.Edit, "edit"), pause, k.Save,
			k.Metric, k.Axes, k.Sort, k.Help, k.Quit},
		drop: []int{5, 4, 6, 3, 1, 0},
		full: [][]key.Binding{
			{k.Run, k.Edit, pause, k.Save},
			{k.Metric, k.Axes, k.Sort, k.Rev},
			{k.Up, k.Down, k.PageUp, k.PageDown},
			{k.Home, k.End, k.Help, k.Quit},
			workbenchHelp,
		},
	}
}

func setupHelp() helpKeys {
	k := keys
	return helpKeys{
		short: []key.Binding{k.Start, k.Next, k.Prev, k.Help, k.Exit},
		drop:  []int{2, 1, 3},
		full:  [][]key.Binding{{k.Start, k.Next, k.Prev}, {k.ChoicePrev, k.ChoiceNext}, {k.Help, k.Exit}},
	}
}

func editorHelp() helpKeys {
	k := keys
	return helpKeys{
		short: []key.Binding{k.Apply, k.Next, k.Prev, k.Cancel},
		drop:  []int{2, 1},
		full:  [][]key.Binding{{k.Apply, k.Next, k.Prev}, {k.Cancel}},
	}
}

func promptHelp() helpKeys {
	k := keys
	return helpKeys{short: []key.Binding{k.Yes, k.No}, full: [][]key.Binding{{k.Yes, k.No}}}
}

func newHelp(st styles) help.Model {
	h := help.New()
	// Two spaces instead of " • ": at 80 columns every run-view key fits.
	h.ShortSeparator = "  "
	h.Styles = help.Styles{
		Ellipsis:       st.helpSep,
		ShortKey:       st.helpKey,
		ShortDesc:      st.helpDesc,
		ShortSeparator: st.helpSep,
		FullKey:        st.helpKey,
		FullDesc:       st.helpDesc,
		FullSeparator:  st.helpSep,
	}
	return h
}

// helpNotes explain what the keys with side effects do, under the full help.
var helpNotes = []string{
	"e  new configs join the queue, dropped ones not yet run are skipped, finished results stay",
	"p  takes effect before the next epoch; paused time is not measured",
	"s  writes CSV, Markdown and figures now (the JSONL gets each config as it finishes)",
	"q  stops the sweep, saves the reports, prints the quick summary on the normal screen",
	"heatmap glyphs  ' ' ░ ▒ ▓ █ low→high · pending  ~ partial (third axis not all done)",
	"enter detail · h history · n new sweep · / filter · c command line · mouse: wheel scrolls; click selects, sorts, filters to a heatmap cell",
}

// fullHelpView renders the full help in a pane.
func fullHelpView(h help.Model, km help.KeyMap, notes []string, st styles, width int) string {
	h.ShowAll = true
	h.Width = 0 // the columns are fitted here, not cut
	parts := []string{st.paneTitle.Render("Keys") + st.subtle.Render("  (? or esc closes)"), fitHelpColumns(h, km.FullHelp(), width-4)}
	if len(notes) > 0 {
		parts = append(parts, "")
		for _, n := range notes {
			parts = append(parts, st.subtle.Render(n))
		}
	}
	return st.pane.Width(max(0, width-2)).Render(lipgloss.JoinVertical(lipgloss.Left, parts...))
}

// fitHelpColumns lays the bindings out in as many columns as fit in width
// (the keymap's own grouping when it fits), so a narrow screen gets more
// rows instead of losing keys.
func fitHelpColumns(h help.Model, groups [][]key.Binding, width int) string {
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

// shortHelp renders one line of key help in width cells. When all of it
// does not fit, bindings give way in the keymap's drop order, so the ones
// that matter most (quit, help, the main action) stay.
func shortHelp(h help.Model, km helpKeys, width int) string {
	h.Width = 0
	gone := make(map[int]bool, len(km.drop))
	for n := 0; ; n++ {
		bs := make([]key.Binding, 0, len(km.short))
		for i, b := range km.short {
			if !gone[i] {
				bs = append(bs, b)
			}
		}
		v := h.ShortHelpView(bs)
		if lipgloss.Width(v) <= width || n >= len(km.drop) {
			return v
		}
		gone[km.drop[n]] = true
	}
}

// helpModel is the full key help, open over whatever view asked for it.
type helpModel struct{ open bool }

// Update closes the help on ? or esc; q still quits.
func (h *helpModel) Update(msg tea.KeyMsg) action {
	switch {
	case key.Matches(msg, keys.Help, keys.Cancel):
		h.open = false
	case key.Matches(msg, keys.Quit):
		return actQuit
	}
	return actNone
}

// View draws the help for km (the keys of the view below it), with the
// notes when there is room for them.
func (h helpModel) View(hm help.Model, km helpKeys, notes []string, st styles, w int) string {
	return fullHelpView(hm, km, notes, st, w)
}
