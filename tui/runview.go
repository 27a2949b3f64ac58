package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/tui/widgets/chart"
	"github.com/hcbench/hcbench/tui/widgets/heatmap"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// runView is the live run's screen: progress, epoch-time chart, heatmap,
// results table and summary. It owns the choices made on it (metric, axes,
// sort, scroll) and draws a sweep the app hands it.
type runView struct {
	st       theme.Styles
	heat     *heatmap.Model
	chart    *chart.Model
	table    resultsTable
	progress progress.Model
	painted  map[string]paneCache

	fitKey, fitText string // the summary's scaling fit, refitted as results grow
	chartLog        bool   // the chart drawn last has a log y axis

	// shown is the sweep version the result panes draw. A large sweep's
	// panes follow its results at most every largeRedraw while it runs:
	// redrawing ten thousand results for each new one would cost the
	// engine's machine a good part of a core.
	shown   int
	shownAt time.Time

	// What to draw, set by View.
	sw       *runstate.Run
	now      time.Time
	quitting bool
	baseline bool
}

// paneCache keeps a pane's drawing for as long as its inputs are the same.
type paneCache struct {
	key  string
	view string
}

func newRunView(st theme.Styles) *runView {
	heat := heatmap.New(heatmap.KeyMap{Metric: keys.Metric, Axes: keys.Axes}, heatStyles(st))
	ch := chart.New(chart.Styles{Axis: st.ChartAxis, Label: st.ChartLabel, Line: st.ChartLine})
	return &runView{st: st, heat: heat, chart: ch, table: newResultsTable(st), progress: newProgressBar(), painted: make(map[string]paneCache), shown: -1}
}

// reset forgets what was drawn for an earlier sweep.
func (v *runView) reset() {
	v.table.version = -1
	v.table.Invalidate()
	v.shown, v.shownAt = -1, time.Time{}
	clear(v.painted)
}

// Drawing throttle for large sweeps (see runView.shown).
const (
	largeSweep  = 1000
	largeRedraw = 250 * time.Millisecond
)

// Update handles the keys that change the view itself; the others become
// actions for the app.
func (v *runView) Update(msg tea.KeyMsg, haveBaseline bool) keys.Action {
	switch {
	case key.Matches(msg, keys.Quit):
		return keys.ActQuit
	case key.Matches(msg, keys.Help):
		return keys.ActHelp
	case key.Matches(msg, keys.Run):
		return keys.ActRerun
	case key.Matches(msg, keys.Edit):
		return keys.ActEdit
	case key.Matches(msg, keys.Pause):
		return keys.ActPause
	case key.Matches(msg, keys.Save):
		return keys.ActSave
	case key.Matches(msg, keys.Metric, keys.Axes):
		v.heat.SetSource(v.sw, haveBaseline)
		v.heat.Update(msg)
	case key.Matches(msg, keys.Sort):
		if v.sw != nil {
			v.table.columnsFor(v.sw, haveBaseline) // the columns to cycle through, before any drawing
		}
		v.table.Next()
	case key.Matches(msg, keys.Rev):
		v.table.Reverse()
	default:
		v.table.Update(msg)
	}
	return keys.ActNone
}

// View draws sweep s as it stands at now in bodyH lines of a w×h terminal.
func (v *runView) View(s *runstate.Run, now time.Time, quitting, haveBaseline bool, w, h, bodyH int) string {
	v.sw, v.now, v.quitting, v.baseline = s, now, quitting, haveBaseline
	v.heat.SetSource(s, haveBaseline)
	if s.Version != v.shown && (len(s.Order) <= largeSweep || !s.Active() || now.Sub(v.shownAt) >= largeRedraw) {
		v.shown, v.shownAt = s.Version, now
	}
	return v.sweepBody(w, h, bodyH)
}

// sweepBody is the run view's panes in bodyH lines: rich, or compact when
// the terminal (w×h) is small.
func (v *runView) sweepBody(w, h, bodyH int) string {
	if w < compactWidth || h < compactHeight {
		return v.compactBody(w, bodyH)
	}
	return v.richBody(w, bodyH)
}

// pane draws a rounded box of exactly w×h cells with the title set into
// its top border, which saves each pane a line.
func (v *runView) pane(title, content string, w, h int) string {
	if w < 6 || h < 3 {
		return ""
	}
	b := lipgloss.RoundedBorder()
	t := theme.Cut(" "+title+" ", w-4)
	top := v.st.Border.Render(b.TopLeft+b.Top) + v.st.PaneTitle.Render(t) +
		v.st.Border.Render(strings.Repeat(b.Top, max(0, w-3-lipgloss.Width(t)))+b.TopRight)
	body := v.st.Pane.BorderTop(false).Width(w - 2).Height(h - 2).Render(theme.Fit(content, w-4, h-2))
	return top + "\n" + body
}

// cached returns a pane's drawing from the cache when its inputs (the key)
// are unchanged: the chart and heatmap only change with results, while the
// progress line changes many times a second.
func (v *runView) cached(name, key string, draw func() string) string {
	if c, ok := v.painted[name]; ok && c.key == key {
		return c.view
	}
	d := draw()
	v.painted[name] = paneCache{key: key, view: d}
	return d
}

// richBody lays out the panes in w×h: progress, the chart/heatmap band,
// the results table and the summary. The table always gets a header and
// three rows when the grid has them (a sweep is read from its table); the
// heatmap the room its rows need, up to a dozen (more rows are binned);
// the table the rest.
func (v *runView) richBody(w, h int) string {
	s := v.sw
	var progress string
	progH := 2
	if h >= roomyHeight {
		progH = 4
		progress = v.pane("Progress", v.progressView(w-4), w, progH)
	} else {
		progress = v.progressView(w) // the border costs two lines the table needs
	}

	sumLines := v.summaryLines()
	if w < summaryWidth {
		for i, l := range sumLines {
			sumLines[i] = compactSummary(l)
		}
	}
	sumH := min(len(sumLines)+2, 7)
	summary := v.pane("Summary", strings.Join(sumLines, "\n"), w, sumH)

	rest := h - progH - sumH
	rowName, _, _ := v.heat.Axes.Names()
	heatRows := min(len(heatmap.AxisValues(s.Plan.Grid, rowName)), heatmap.MaxRows)
	heatWant := heatRows + 5 // header, rows, two legend lines, border
	if h < roomyHeight {
		heatWant-- // the legend's one-line form: a table row is worth more
	}
	if w >= sideBySide {
		heatWant = max(heatWant, 8, rest*2/5) // and a chart worth reading
	}
	tableWant := len(s.Order) + 3 // border and header
	band := min(heatWant, rest-min(tableWant, 6))
	if band < 5 {
		band = 0
	}
	tableH := min(tableWant, rest-band)
	if tableH < 4 {
		tableH = 0
	}
	band = rest - tableH
	parts := []string{progress}
	if band >= 5 {
		heatTitle := "Heatmap: " + v.heat.Title()
		// The band changes only with the results shown and the choices
		// made on it: drawn once for them, not every frame.
		key := fmt.Sprintf("%d/%dx%d/%d/%d", v.shown, w, band, v.heat.Metric, v.heat.Axes)
		parts = append(parts, v.cached("band", key, func() string {
			if w < sideBySide {
				return v.pane(heatTitle, v.heatView(w-4, band-2), w, band)
			}
			chartW := w * 11 / 20
			heatW := w - chartW
			plot := v.chartView(chartW-4, band-2) // before the title, which says if it is log y
			chart := v.pane(chart.Title(len(v.sw.Order), chartW-4, v.chartLog), plot, chartW, band)
			heat := v.pane(heatTitle, v.heatView(heatW-4, band-2), heatW, band)
			return lipgloss.JoinHorizontal(lipgloss.Top, chart, heat)
		}))
	}
	if tableH > 0 {
		table := v.tableView(w-4, tableH-2) // before the title, which counts its rows
		parts = append(parts, v.pane(v.tableTitle(), table, w, tableH))
	}
	parts = append(parts, summary)
	return strings.Join(parts, "\n")
}

func (v *runView) compactBody(w, h int) string {
	s := v.sw
	lines := []string{v.compactProgressView(w)}
	used := strings.Count(lines[0], "\n") + 1
	rowName, _, _ := v.heat.Axes.Names()
	heatRows := len(heatmap.AxisValues(s.Plan.Grid, rowName))
	sum := v.summaryLines()
	for i, l := range sum {
		sum[i] = compactSummary(l)
	}
	sumH := min(len(sum), 3)
	heatH := min(heatRows+2, h-used-1-sumH)
	if heatH >= 3 {
		lines = append(lines, v.st.PaneTitle.Render(theme.Cut(v.heat.Title(), w)))
		lines = append(lines, v.heatView(w, heatH))
		used += heatH + 1
	}
	if tableH := h - used - sumH; tableH >= 4 {
		lines = append(lines, v.tableView(w, tableH))
		used += tableH
	}
	if left := h - used; left > 0 {
		lines = append(lines, strings.Join(sum[:min(len(sum), left)], "\n"))
	}
	return strings.Join(lines, "\n")
}

// compactSummary shortens a quick-summary line for a narrow screen.
func compactSummary(l string) string {
	l = strings.TrimPrefix(l, "- ")
	l = strings.Replace(l, " config :", ":", 1)
	l = strings.Replace(l, "    :", ":", 1)
	l = strings.Replace(l, "median time/epoch=", "median=", 1)
	return strings.Join(strings.Fields(l), " ")
}

func (v *runView) chartView(w, h int) string {
	key := fmt.Sprintf("%d/%dx%d", v.shown, w, h)
	return v.cached("chart", key, func() string {
		v.chart.SetSource(v.sw)
		v.chart.SetSize(w, h)
		d := v.chart.View()
		v.chartLog = v.chart.LogY()
		return d
	})
}

func (v *runView) heatView(w, h int) string {
	key := fmt.Sprintf("%d/%dx%d/%d/%d", v.shown, w, h, v.heat.Metric, v.heat.Axes)
	return v.cached("heat", key, func() string { return v.heat.Draw(v.sw, w, h) })
}

func (v *runView) tableView(w, h int) string {
	v.table.sync(v.sw, v.shown, w, h, v.baseline)
	return v.table.View()
}

func (v *runView) tableTitle() string {
	dir := "ascending"
	if v.table.Desc() {
		dir = "descending"
	}
	return fmt.Sprintf("Results (%d) · sorted by %s, %s", len(v.table.Rows()), v.table.SortName(), dir) + filterTitle(&v.table)
}

// heatStyles are the style sheet's heatmap styles.
func heatStyles(st theme.Styles) heatmap.Styles {
	return heatmap.Styles{Levels: st.Heat, Pending: st.Pending, Subtle: st.Subtle}
}
