// Package comparison is the workbench's comparison of two recorded runs,
// exactly as `hcbench compare OLD NEW` compares them — the runs loaded by
// report/compare's LoadRecordedRun, compared by its CompareBaseline, summed
// up by report.WriteComparison — with a per-config table that leads with
// the ratio and verdict (so a narrow screen keeps them) and a heatmap of
// the ratios.
package comparison

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/tui/widgets/heatmap"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/scroll"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// Model is the comparison of run oldID with run newID.
type Model struct {
	oldID, newID int64
	b            compare.Baseline
	summary      []string // WriteComparison's notes, geomean and count lines
	err          error
	s            *runstate.Run // the newer run, holding the ratios the heatmap draws
	axes         heatmap.Axes
	sc           scroll.Model
	st           theme.Styles
	w, h         int
}

// New compares run oldID with run newID of the JSONL at path (shown as
// shown); newer is the newer run's picture, which the heatmap of ratios
// draws.
func New(path, shown string, oldID, newID int64, newer *runstate.Run, st theme.Styles) *Model {
	sc := scroll.New(scroll.KeyMap{Up: keys.Up, Down: keys.Down, PageUp: keys.PageUp, PageDown: keys.PageDown, Home: keys.Home, End: keys.End}, st.Subtle)
	c := &Model{oldID: oldID, newID: newID, s: newer, st: st, sc: sc}
	ro, err := compare.LoadRecordedRun(fmt.Sprintf("%s@%d", path, oldID))
	if err != nil {
		c.err = err
		return c
	}
	rn, err := compare.LoadRecordedRun(fmt.Sprintf("%s@%d", path, newID))
	if err != nil {
		c.err = err
		return c
	}
	ro.Path, rn.Path = shown, shown
	c.b = compare.CompareBaseline(ro.Label(), ro.Results, rn.Results)
	var out strings.Builder
	if err := report.WriteComparison(&out, ro.Label(), rn.Label(), c.b, compare.RunDifferences(ro, rn)); err != nil {
		c.err = err
		return c
	}
	c.summary = comparisonSummary(out.String())
	c.s.SetComparison(&c.b)
	return c
}

// comparisonSummary keeps the lines of hcbench compare's output that are
// not its per-config table: the notes, the geomean and the counts. The
// geomean line's column padding is closed up.
func comparisonSummary(out string) []string {
	var keep []string
	inTable := false
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "config "):
			inTable = true
		case strings.HasPrefix(l, "geomean "):
			inTable = false
			keep = append(keep, strings.Join(strings.Fields(l), " "))
		case inTable, l == "", strings.HasPrefix(l, "old: "), strings.HasPrefix(l, "new: "):
		default:
			keep = append(keep, l)
		}
	}
	return keep
}

// Key scrolls the table; a cycles the heatmap's axes.
func (c *Model) Key(msg tea.KeyMsg) keys.Action {
	if key.Matches(msg, keys.Axes) {
		c.axes = c.axes.Next()
		return keys.ActNone
	}
	c.sc.Update(msg)
	return keys.ActNone
}

// Scroll moves the table by n lines (the wheel).
func (c *Model) Scroll(n int) { c.sc.Scroll(n) }

func (c *Model) Init() tea.Cmd { return nil }

func (c *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		return c, c.Key(k).Cmd()
	}
	return c, nil
}

// SetSize sets the size View draws in.
func (c *Model) SetSize(w, h int) { c.w, c.h = w, h }

// View draws the comparison: what is compared, the geomean line, the
// ratio heatmap and the per-config table (scrolled).
func (c *Model) View() string {
	st, w, h := c.st, c.w, c.h
	head := []string{st.PaneTitle.Render(theme.Cut(fmt.Sprintf("run %d (new) vs run %d (old, the baseline)", c.newID, c.oldID), w))}
	if c.err != nil {
		return head[0] + "\n" + st.ErrText.Render(theme.Wrap("✗ "+c.err.Error(), w))
	}
	for _, l := range c.summary {
		head = append(head, st.Value.Render(theme.Wrap(l, w)))
	}
	heatH := 0
	if len(c.b.Entries) > 0 {
		rowName, _, _ := c.axes.Names()
		heatH = min(len(heatmap.AxisValues(c.s.Plan.Grid, rowName)), heatmap.MaxRows) + 3
		if h-len(head)-heatH-1 < 5 {
			heatH = 0 // the table matters more
		}
	}
	parts := head
	if heatH > 0 {
		hs := heatmap.Styles{Levels: st.Heat, Pending: st.Pending, Subtle: st.Subtle}
		parts = append(parts, st.Subtle.Render(theme.Cut("Heatmap: "+heatmap.Title(heatmap.Ratio, c.axes)+" (a: axes)", w)),
			heatmap.Render(c.s, heatmap.Ratio, c.axes, hs, w, heatH-1))
	}
	used := 0
	for _, p := range parts {
		used += strings.Count(p, "\n") + 1
	}
	rows := c.tableLines(w)
	return strings.Join(parts, "\n") + "\n" + c.sc.Window(rows, h-used)
}

// tableLines are the per-config comparison, in grid order.
func (c *Model) tableLines(w int) []string {
	st := c.st
	// What matters first (ratio and verdict), so a narrow screen keeps it.
	// Each interval is at the level Holm's procedure tested its config at
	// (report/compare), shown beside it: it excludes 1 exactly when p < 0.05.
	head := theme.Pad("config", 16) + theme.Pad("ratio [CI] level", 32) + theme.Pad("verdict", 9) + theme.Pad("p (Holm)", 10) +
		theme.Pad("old", 10) + "new"
	out := []string{st.TableHeader.UnsetPadding().Render(theme.Cut(head, w))}
	for _, e := range c.b.Entries {
		p := "–"
		if !math.IsNaN(e.PAdj) {
			p = runstate.PText(e.PAdj)
		}
		ci := compare.FormatRatioCI(e.Cmp)
		if e.Cmp.Level > 0 {
			ci += " " + bench.FormatLevel(e.Cmp.Level)
		}
		l := theme.Pad(e.Config.String(), 16) + theme.Pad(ci, 31) + " " + theme.Pad(e.Verdict, 9) +
			theme.Pad(p, 10) + theme.Pad(bench.FormatSeconds(report.Headline(e.Old)), 10) + bench.FormatSeconds(report.Headline(e.New))
		if e.Reason != "" {
			l += "  (" + e.Reason + ")"
		}
		out = append(out, theme.Cut(l, w))
	}
	return out
}
