// Package form is the workbench's form widget: a column of labelled
// one-line fields, each checked as it is typed (with the command line's
// own messages), some of them choices among fixed values, some shown only
// while another field says so; the focused field is always in sight when
// the form scrolls. The setup form and the grid editor are forms, so they
// validate and look alike.
package form

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// KeyMap are the keys a form answers besides typing: the next and previous
// field, and the next and previous choice of a choice field.
type KeyMap struct{ Next, Prev, ChoiceNext, ChoicePrev key.Binding }

// Styles are what a form is drawn with: labels, the focused label, errors
// and subtle text (hints, the scroll marks).
type Styles struct {
	Label, Focused, Err, Subtle lipgloss.Style
}

// Field is one labelled input of a form, checked as it is typed.
type Field struct {
	Name  string // as on the command line: "D", "depths", "out"
	Label string
	Hint  string
	input lineInput
	check func(string) error
	err   error
	// Choices make the field a choice among fixed values: the choice keys
	// cycle through them, typing does nothing.
	Choices []string
	// Shown, when set, hides the field (skipped, unchecked) while it says
	// false: fields that only matter for one choice of another field.
	Shown func(*Form) bool
}

// Form is a column of fields with one focused.
type Form struct {
	Fields []Field
	Focus  int
	top    int // first field line drawn when the form scrolls
	keys   KeyMap
	st     Styles
	w, h   int
}

// NewField is a field holding value, checked by check.
func NewField(name, label, hint, value string, check func(string) error) Field {
	f := Field{Name: name, Label: label, Hint: hint, input: newLineInput(value), check: check}
	f.err = check(value)
	return f
}

// NewChoice is a field that takes one of choices, starting at value.
func NewChoice(name, label, value string, choices []string, check func(string) error) Field {
	f := NewField(name, label, "←/→ choose", value, check)
	f.Choices = choices
	return f
}

// cycle moves a choice field d steps through its choices.
func (fl *Field) cycle(d int) {
	i := 0
	for k, c := range fl.Choices {
		if c == strings.TrimSpace(fl.input.text()) {
			i = k
		}
	}
	i = (i + d + len(fl.Choices)) % len(fl.Choices)
	fl.input.ti.SetValue(fl.Choices[i])
	fl.err = fl.check(fl.Choices[i])
}

// New is a form of fields, the first focused.
func New(keys KeyMap, st Styles, fields ...Field) *Form {
	f := &Form{Fields: fields, keys: keys, st: st}
	f.Fields[0].input.focus()
	return f
}

// Value is the named field's value, trimmed.
func (f *Form) Value(name string) string {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return strings.TrimSpace(fl.input.text())
		}
	}
	return ""
}

// Visible says whether field i is on the form now.
func (f *Form) Visible(i int) bool { return f.Fields[i].Shown == nil || f.Fields[i].Shown(f) }

// Move focuses the d-th visible field from the focused one, wrapping.
func (f *Form) Move(d int) {
	f.Fields[f.Focus].input.blur()
	step := 1
	if d < 0 {
		step, d = -1, -d
	}
	for ; d > 0; d-- {
		for {
			f.Focus = (f.Focus + step + len(f.Fields)) % len(f.Fields)
			if f.Visible(f.Focus) {
				break
			}
		}
	}
	f.Fields[f.Focus].input.focus()
}

func (f *Form) Init() tea.Cmd { return nil }

// Update handles navigation and passes other keys to the focused input,
// re-checking it.
func (f *Form) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return f, nil
	}
	switch {
	case key.Matches(k, f.keys.Next):
		f.Move(1)
		return f, nil
	case key.Matches(k, f.keys.Prev):
		f.Move(-1)
		return f, nil
	}
	fl := &f.Fields[f.Focus]
	if fl.Choices != nil {
		switch {
		case key.Matches(k, f.keys.ChoiceNext):
			fl.cycle(1)
		case key.Matches(k, f.keys.ChoicePrev):
			fl.cycle(-1)
		}
		return f, nil
	}
	if fl.input.update(k) {
		fl.err = fl.check(strings.TrimSpace(fl.input.text()))
	}
	return f, nil
}

// SetSize sets the width View draws in and its height (0: no limit).
func (f *Form) SetSize(w, h int) { f.w, f.h = w, h }

// View lays the fields out one per line: marker, label, input, and the
// hint when there is room. A field that fails its check is marked ✗ (so
// it reads without colour) and its message is listed below the fields,
// wrapped to the width, naming the field. When the fields and their
// messages do not fit the height, the fields scroll, the focused one
// always drawn, with "↑ more"/"↓ more" where fields are out of sight.
func (f *Form) View() string {
	st, width, height := f.st, f.w, f.h
	labelW := 0
	for _, fl := range f.Fields {
		labelW = max(labelW, lipgloss.Width(fl.Label))
	}
	inputW := max(8, min(24, width-labelW-8))
	lines := make([]string, 0, len(f.Fields)+2)
	focusLine := 0
	for i, fl := range f.Fields {
		if !f.Visible(i) {
			continue
		}
		if i == f.Focus {
			focusLine = len(lines)
		}
		marker, ls := "  ", st.Label
		if i == f.Focus {
			marker, ls = "› ", st.Focused
		}
		in := f.Fields[i].input.view(inputW) // not fl: the input keeps its width
		if fl.Choices != nil {
			in = fl.input.text()
			if i == f.Focus {
				in = "‹ " + in + " ›"
			}
		}
		line := marker + ls.Render(pad(fl.Label, labelW)) + "  " + pad(in, inputW+1)
		if fl.err != nil {
			line += st.Err.Render("✗")
		} else if rest := width - lipgloss.Width(line) - 3; rest >= lipgloss.Width(fl.Hint) {
			line += "  " + st.Subtle.Render(fl.Hint)
		}
		lines = append(lines, cut(line, width))
	}
	var msgs []string
	for i, fl := range f.Fields {
		if fl.err != nil && f.Visible(i) {
			msgs = append(msgs, st.Err.Width(max(1, width-2)).Render("✗ "+fl.Name+": "+fl.err.Error()))
		}
	}
	msgH := 0
	for _, m := range msgs {
		msgH += lipgloss.Height(m)
	}
	if height > 0 && len(lines)+msgH > height {
		lines = f.scroll(lines, focusLine, height-msgH)
	}
	return strings.Join(append(lines, msgs...), "\n")
}

// scroll keeps the window of lines (at least one field between the two
// markers) that shows the focused line, moving as little as it can from
// the last window.
func (f *Form) scroll(lines []string, focus, avail int) []string {
	n := len(lines)
	avail = max(3, avail)
	if n <= avail {
		return lines
	}
	top := min(f.top, focus, n-(avail-1))
	for {
		up := top > 0
		k := avail
		if up {
			k--
		}
		down := top+k < n
		if down {
			k--
		}
		if focus >= top+k {
			top++
			continue
		}
		f.top = top
		out := make([]string, 0, avail)
		if up {
			out = append(out, f.st.Subtle.Render("  ↑ more"))
		}
		out = append(out, lines[top:top+k]...)
		if down {
			out = append(out, f.st.Subtle.Render("  ↓ more"))
		}
		return out
	}
}

// FirstError is the first error of a visible field, with its field's name.
func (f *Form) FirstError() (string, error) {
	for i, fl := range f.Fields {
		if fl.err != nil && f.Visible(i) {
			return fl.Name, fl.err
		}
	}
	return "", nil
}

// lineInput is a field's input: bubbles/textinput (typing, paste, word and
// line editing) with a steady cursor, so views are deterministic and
// nothing ticks while the user reads.
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
func (in *lineInput) view(width int) string {
	if w := max(1, width-1); in.ti.Width != w {
		// The visible window is worked out when the value or the cursor
		// moves: place it for the new width now.
		in.ti.Width = w
		in.ti.SetCursor(in.ti.Position())
	}
	if !in.ti.Focused() && lipgloss.Width(in.ti.Value()) > width {
		return cut(in.ti.Value(), width) // the cut is marked, not hidden
	}
	noColour := lipgloss.NewStyle().Reverse(true).Render("x") == "x"
	v := []rune(in.ti.Value())
	if in.ti.Focused() && (noColour || len(v) >= width) {
		// Drawn here: a value scrolled past its start shows "…" where it
		// was cut, so the tail of a long path ("/qmlhc_benchmarks.jsonl")
		// does not read as a path of its own.
		pos := min(in.ti.Position(), len(v))
		start := max(0, pos-width+1)
		end := min(len(v), start+width-1)
		head, tail := string(v[start:pos]), string(v[pos:end])
		if start > 0 && head != "" {
			head = "…" + string([]rune(head)[1:])
		}
		if noColour {
			return head + "▏" + tail
		}
		at := " "
		if tail != "" {
			at, tail = string([]rune(tail)[0]), string([]rune(tail)[1:])
		}
		return head + lipgloss.NewStyle().Reverse(true).Render(at) + tail
	}
	return in.ti.View()
}

// pad pads s with spaces to width cells.
func pad(s string, width int) string { return lipgloss.PlaceHorizontal(width, lipgloss.Left, s) }

// cut cuts a line to width cells, ending it with "…".
func cut(s string, width int) string { return ansi.Truncate(s, width, "…") }
