package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
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
}

// form is a column of fields with one focused; setup and the grid editor
// are both forms, so they validate and look alike.
type form struct {
	fields []field
	focus  int
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

func (f *form) move(d int) {
	f.fields[f.focus].input.blur()
	f.focus = (f.focus + d + len(f.fields)) % len(f.fields)
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
func (f *form) view(st styles, width int) string {
	labelW := 0
	for _, fl := range f.fields {
		labelW = max(labelW, lipgloss.Width(fl.label))
	}
	inputW := max(8, min(24, width-labelW-8))
	lines := make([]string, 0, len(f.fields)+2)
	for i, fl := range f.fields {
		marker, ls := "  ", st.fieldLabel
		if i == f.focus {
			marker, ls = "› ", st.fieldFocused
		}
		in := fl.input.view(st, inputW)
		if fl.choices != nil {
			in = fl.input.text()
			if i == f.focus {
				in = "‹ " + in + " ›"
			}
		}
		line := marker + ls.Render(padRight(fl.label, labelW)) + "  " + padRight(in, inputW+1)
		if fl.err != nil {
			line += st.errText.Render("✗")
		} else if rest := width - lipgloss.Width(line) - 3; rest >= lipgloss.Width(fl.hint) {
			line += "  " + st.subtle.Render(fl.hint)
		}
		lines = append(lines, truncate(line, width))
	}
	for _, fl := range f.fields {
		if fl.err != nil {
			msg := st.errText.Width(max(1, width-2)).Render("✗ " + fl.name + ": " + fl.err.Error())
			lines = append(lines, msg)
		}
	}
	return strings.Join(lines, "\n")
}

// firstError is the first field error, with its field's name.
func (f *form) firstError() (string, error) {
	for _, fl := range f.fields {
		if fl.err != nil {
			return fl.name, fl.err
		}
	}
	return "", nil
}
