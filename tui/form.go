package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// field is one labelled input of a form, checked as it is typed.
type field struct {
	name  string // as on the command line: "D", "depths", "out"
	label string
	hint  string
	input lineInput
	check func(string) error
	err   error
	// choices make the field a choice among fixed values: ←/→ cycle
	// through them, typing does nothing.
	choices []string
	// shown, when set, hides the field (skipped, unchecked) while it says
	// false: fields that only matter for one choice of another field.
	shown func(*form) bool
}

// form is a column of fields with one focused; setup and the grid editor
// are both forms, so they validate and look alike.
type form struct {
	fields []field
	focus  int
	top    int // first field line drawn when the form scrolls
}

func newField(name, label, hint, value string, check func(string) error) field {
	f := field{name: name, label: label, hint: hint, input: newLineInput(value), check: check}
	f.err = check(value)
	return f
}

// newChoice is a field that takes one of choices, starting at value.
func newChoice(name, label, value string, choices []string, check func(string) error) field {
	f := newField(name, label, "←/→ choose", value, check)
	f.choices = choices
	return f
}

// cycle moves a choice field d steps through its choices.
func (fl *field) cycle(d int) {
	i := 0
	for k, c := range fl.choices {
		if c == strings.TrimSpace(fl.input.text()) {
			i = k
		}
	}
	i = (i + d + len(fl.choices)) % len(fl.choices)
	fl.input.ti.SetValue(fl.choices[i])
	fl.err = fl.check(fl.choices[i])
}

func newForm(fields ...field) *form {
	f := &form{fields: fields}
	f.fields[0].input.focus()
	return f
}

func (f *form) value(name string) string {
	for _, fl := range f.fields {
		if fl.name == name {
			return strings.TrimSpace(fl.input.text())
		}
	}
	return ""
}

// visible says whether field i is on the form now.
func (f *form) visible(i int) bool { return f.fields[i].shown == nil || f.fields[i].shown(f) }

// move focuses the d-th visible field from the focused one, wrapping.
func (f *form) move(d int) {
	f.fields[f.focus].input.blur()
	step := 1
	if d < 0 {
		step, d = -1, -d
	}
	for ; d > 0; d-- {
		for {
			f.focus = (f.focus + step + len(f.fields)) % len(f.fields)
			if f.visible(f.focus) {
				break
			}
		}
	}
	f.fields[f.focus].input.focus()
}

// update handles navigation and passes other keys to the focused input,
// re-checking it.
func (f *form) update(msg tea.KeyMsg) {
	switch {
	case key.Matches(msg, keys.Next):
		f.move(1)
		return
	case key.Matches(msg, keys.Prev):
		f.move(-1)
		return
	}
	fl := &f.fields[f.focus]
	if fl.choices != nil {
		switch {
		case key.Matches(msg, keys.ChoiceNext):
			fl.cycle(1)
		case key.Matches(msg, keys.ChoicePrev):
			fl.cycle(-1)
		}
		return
	}
	if fl.input.update(msg) {
		fl.err = fl.check(strings.TrimSpace(fl.input.text()))
	}
}

// view lays the fields out one per line: marker, label, input, and the
// hint when there is room. A field that fails its check is marked ✗ (so it
// reads without colour) and its message is listed below the fields, wrapped
// to the width, naming the field.
func (f *form) view(st theme.Styles, width int) string { return f.viewIn(st, width, 0) }

// viewIn is view in at most height lines (0: no limit): when the fields
// and their messages do not fit, the fields scroll, the focused one always
// drawn, with "↑ more"/"↓ more" where fields are out of sight.
func (f *form) viewIn(st theme.Styles, width, height int) string {
	labelW := 0
	for _, fl := range f.fields {
		labelW = max(labelW, lipgloss.Width(fl.label))
	}
	inputW := max(8, min(24, width-labelW-8))
	lines := make([]string, 0, len(f.fields)+2)
	focusLine := 0
	for i, fl := range f.fields {
		if !f.visible(i) {
			continue
		}
		if i == f.focus {
			focusLine = len(lines)
		}
		marker, ls := "  ", st.FieldLabel
		if i == f.focus {
			marker, ls = "› ", st.FieldFocused
		}
		in := f.fields[i].input.view(st, inputW) // not fl: the input keeps its width
		if fl.choices != nil {
			in = fl.input.text()
			if i == f.focus {
				in = "‹ " + in + " ›"
			}
		}
		line := marker + ls.Render(theme.Pad(fl.label, labelW)) + "  " + theme.Pad(in, inputW+1)
		if fl.err != nil {
			line += st.ErrText.Render("✗")
		} else if rest := width - lipgloss.Width(line) - 3; rest >= lipgloss.Width(fl.hint) {
			line += "  " + st.Subtle.Render(fl.hint)
		}
		lines = append(lines, theme.Cut(line, width))
	}
	var msgs []string
	for i, fl := range f.fields {
		if fl.err != nil && f.visible(i) {
			msgs = append(msgs, st.ErrText.Width(max(1, width-2)).Render("✗ "+fl.name+": "+fl.err.Error()))
		}
	}
	msgH := 0
	for _, m := range msgs {
		msgH += lipgloss.Height(m)
	}
	if height > 0 && len(lines)+msgH > height {
		lines = f.scroll(st, lines, focusLine, height-msgH)
	}
	return strings.Join(append(lines, msgs...), "\n")
}

// scroll keeps the window of lines (at least one field between the two
// markers) that shows the focused line, moving as little as it can from
// the last window.
func (f *form) scroll(st theme.Styles, lines []string, focus, avail int) []string {
	n := len(lines)
	avail = max(3, avail)
	if n <= avail {
		return lines
	}
	top := min(f.top, focus, n-(avail-1))
	for {
		up := top > 0
		k := avail - btoi(up)
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
			out = append(out, st.Subtle.Render("  ↑ more"))
		}
		out = append(out, lines[top:top+k]...)
		if down {
			out = append(out, st.Subtle.Render("  ↓ more"))
		}
		return out
	}
}

// firstError is the first field error, with its field's name.
func (f *form) firstError() (string, error) {
	for i, fl := range f.fields {
		if fl.err != nil && f.visible(i) {
			return fl.name, fl.err
		}
	}
	return "", nil
}
