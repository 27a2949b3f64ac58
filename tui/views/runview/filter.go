package runview

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/tui/widgets/heatmap"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
)

// Filter keeps the table rows that match every term typed after "/":
// "K=9", "D=3", "T=48" with the flags' LIST syntax ("K=3,9", "D=3..12:3",
// "T=48..96"), "noisy", "slower" or "faster" (against the baseline), or
// any text found in the row's config.
type Filter struct {
	terms []filterTerm
	typed string // as typed, for the title
}

// filterTerm is one term: an axis and the values it allows, or a word.
type filterTerm struct {
	text string       // lower-cased: matching ignores case
	axis string       // "D", "K" or "T" for an axis term
	vals map[int]bool // an axis term's values
	err  error        // an axis term whose LIST does not parse
}

func ParseFilter(s string) Filter {
	f := Filter{typed: strings.Join(strings.Fields(s), " ")}
	for _, t := range strings.Fields(strings.ToLower(s)) {
		ft := filterTerm{text: t}
		if len(t) > 2 && t[1] == '=' && strings.ContainsRune("dkt", rune(t[0])) {
			ft.axis = strings.ToUpper(t[:1])
			vs, err := bench.ParseList(t[2:])
			ft.err = err
			ft.vals = make(map[int]bool, len(vs))
			for _, v := range vs {
				ft.vals[v] = true
			}
		}
		f.terms = append(f.terms, ft)
	}
	return f
}

func (f Filter) Empty() bool { return len(f.terms) == 0 }

func (f Filter) String() string { return f.typed }

// match says whether result r of sweep s passes every term.
func (f Filter) Match(r *bench.Result, s *runstate.Run) bool {
	for _, t := range f.terms {
		if !t.match(r, s) {
			return false
		}
	}
	return true
}

func (t filterTerm) match(r *bench.Result, s *runstate.Run) bool {
	switch t.text {
	case "noisy":
		_, ok := s.Noisy[r.Config]
		return ok
	case "slower", "faster":
		e, ok := s.Ratios[r.Config]
		return ok && ((t.text == "slower" && e.Slower()) || (t.text == "faster" && e.Faster()))
	}
	if t.axis != "" {
		return t.vals[heatmap.AxisOf(r.Config, t.axis)]
	}
	return strings.Contains(strings.ToLower(r.Config.String()), t.text)
}

// NoMatch says why no row passes the filter: a term that cannot match (a
// LIST that does not parse, a verdict without a baseline), else "no match".
func (f Filter) NoMatch(haveBaseline bool) string {
	for _, t := range f.terms {
		switch {
		case t.err != nil:
			return fmt.Sprintf("no match: %s: %v", strings.ToUpper(t.text[:1])+t.text[1:], t.err)
		case (t.text == "slower" || t.text == "faster") && !haveBaseline:
			return fmt.Sprintf("no match: %q needs a baseline, and this run has none (start one with --baseline FILE.jsonl, or compare two runs in the history: h, x on each, c)", t.text)
		}
	}
	return fmt.Sprintf("no match for %q: esc in the filter (/) clears it", f.typed)
}

// FilterInput is the line where the filter is typed; the table follows
// each key.
type FilterInput struct{ in textinput.Model }

func NewFilterInput(current string) *FilterInput {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "K=3,9 · D=3..12:3 · noisy · slower"
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
