package runview

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/tui/widgets/heatmap"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
)

// Filter keeps the table rows that match every term typed after "/":
// "K=9" (also "D=3", "T=48"; "K=5..9" a range), "noisy", "slower" or
// "faster" (against the baseline), or any text found in the row's config.
type Filter struct {
	terms []string // lower-cased: matching ignores case
	typed string   // as typed, for the title
}

func ParseFilter(s string) Filter {
	return Filter{terms: strings.Fields(strings.ToLower(s)), typed: strings.Join(strings.Fields(s), " ")}
}

func (f Filter) Empty() bool { return len(f.terms) == 0 }

func (f Filter) String() string { return f.typed }

// match says whether result r of sweep s passes every term.
func (f Filter) Match(r *bench.Result, s *runstate.Run) bool {
	for _, t := range f.terms {
		if !matchTerm(t, r, s) {
			return false
		}
	}
	return true
}

func matchTerm(t string, r *bench.Result, s *runstate.Run) bool {
	switch t {
	case "noisy":
		_, ok := s.Noisy[r.Config]
		return ok
	case "slower", "faster":
		e, ok := s.Ratios[r.Config]
		return ok && ((t == "slower" && e.Slower()) || (t == "faster" && e.Faster()))
	}
	if len(t) > 2 && t[1] == '=' && strings.ContainsRune("dkt", rune(t[0])) {
		v := heatmap.AxisOf(r.Config, strings.ToUpper(t[:1]))
		lo, hi, isRange := strings.Cut(t[2:], "..")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return false
		}
		if !isRange {
			return v == a
		}
		b, err := strconv.Atoi(hi)
		return err == nil && v >= a && v <= b
	}
	return strings.Contains(strings.ToLower(r.Config.String()), t)
}

// FilterInput is the line where the filter is typed; the table follows
// each key.
type FilterInput struct{ in textinput.Model }

func NewFilterInput(current string) *FilterInput {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "K=9 · D=3..6 · noisy · slower"
	in.SetValue(current)
	in.CursorEnd()
	in.Focus()
	return &FilterInput{in: in}
}

// Key types into the filter: enter keeps it, esc clears it.
func (f *FilterInput) Key(msg tea.KeyMsg) keys.Action {
	switch msg.Type {
	case tea.KeyEnter:
		return keys.ActClose
	case tea.KeyEsc:
		f.in.SetValue("")
		return keys.ActClose
	}
	f.in, _ = f.in.Update(msg)
	return keys.ActTyped
}

// Value is the filter as typed.
func (f *FilterInput) Value() string { return f.in.Value() }

// View is the line being typed.
func (f *FilterInput) View() string { return f.in.View() }

// filterTitle is the table title's note of an active filter.
func filterTitle(t *Table) string {
	if t.filter.Empty() {
		return ""
	}
	return " · filter " + t.filter.String()
}
