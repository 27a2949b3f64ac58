// Package runview is the workbench's run view: a run's progress, its
// epoch-time chart, its heatmap, its results table (sorted, filtered) and
// its summary, laid out for the terminal's size (rich, or compact from
// 50×15). It owns the choices made on it (metric, axes, sort, scroll,
// filter) and draws a run it is handed; the live run and a recorded one
// opened from the history are drawn by it alike.
package runview

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

// Model is the run view.
type Model struct {
	st       theme.Styles
	Heat     *heatmap.Model
	chart    *chart.Model
	Table    Table
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
	w, h     int // View's size

	// Zoom gives one pane the whole body (z cycles through them).
	Zoom Zoom
}

// Zoom is the pane given the whole body, or none.
type Zoom int

const (
	ZoomOff Zoom = iota
	ZoomTable
	ZoomChart
	ZoomHeat
	numZoom
)

var zoomNames = [...]string{"", "table", "chart", "heatmap"}

func (z Zoom) String() string { return zoomNames[z] }

// Layout thresholds: below either, the run view drops borders, the chart
// and (if short) the table, keeping progress, heatmap and summary.
const (
	compactWidth  = 70
	CompactHeight = 24
	sideBySide    = 100 // chart and heatmap next to each other from here
	roomyHeight   = 30  // the progress gets a pane from here
	summaryWidth  = 96  // summary lines in full from here
)

// paneCache keeps a pane's drawing for as long as its inputs are the same.
type paneCache struct {
	key  string
	view string
}

// New is a run view with nothing drawn yet.
func New(st theme.Styles) *Model {
	heat := heatmap.New(heatmap.KeyMap{Metric: keys.Metric, Axes: keys.Axes}, HeatStyles(st))
	ch := chart.New(chart.Styles{Axis: st.ChartAxis, Label: st.ChartLabel, Line: st.ChartLine})
	return &Model{st: st, Heat: heat, chart: ch, Table: newResultsTable(st), progress: newProgressBar(), painted: make(map[string]paneCache), shown: -1}
}

// Reset forgets what was drawn for an earlier run.
func (v *Model) Reset() {
	v.Table.version = -1
	v.Table.Invalidate()
	v.shown, v.shownAt = -1, time.Time{}
	clear(v.painted)
}

// Drawing throttle for large sweeps (see Model.shown).
const (
	largeSweep  = 1000
	largeRedraw = 250 * time.Millisecond
)

// Key handles the keys that change the view itself; the others become
// actions for the workbench.
func (v *Model) Key(msg tea.KeyMsg, haveBaseline bool) keys.Action {
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
		v.Heat.SetSource(v.sw, haveBaseline)
		v.Heat.Update(msg)
	case key.Matches(msg, keys.Sort):
		if v.sw != nil {
			v.Table.columnsFor(v.sw, haveBaseline) // the columns to cycle through, before any drawing
		}
		v.Table.Next()
	case key.Matches(msg, keys.Rev):
		v.Table.Reverse()
	case key.Matches(msg, keys.Zoom):
		v.Zoom = (v.Zoom + 1) % numZoom
	default:
		v.Table.Update(msg)
	}
	return keys.ActNone
}

// Draw draws run s as it stands at now in bodyH lines of a w×h terminal.
func (v *Model) Draw(s *runstate.Run, now time.Time, quitting, haveBaseline bool, w, h, bodyH int) string {
	v.sw, v.now, v.quitting, v.baseline = s, now, quitting, haveBaseline
	v.Heat.SetSource(s, haveBaseline)
	if s.Version != v.shown && (len(s.Order) <= largeSweep || !s.Active() || now.Sub(v.shownAt) >= largeRedraw) {
		v.shown, v.shownAt = s.Version, now
	}
	return v.sweepBody(w, h, bodyH)
}

// sweepBody is the run view's panes in bodyH lines: rich, or compact when
// the terminal (w×h) is small.
func (v *Model) sweepBody(w, h, bodyH int) string {
	if v.Zoom != ZoomOff {
		return v.zoomBody(w, bodyH)
	}
	if w < compactWidth || h < CompactHeight {
		return v.compactBody(w, bodyH)
	}
	return v.richBody(w, bodyH)
}

// pane draws a rounded box of exactly w×h cells with the title set into
// its top border, which saves each pane a line.
func (v *Model) pane(title, content string, w, h int) string {
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
func (v *Model) cached(name, key string, draw func() string) string {
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
func (v *Model) richBody(w, h int) string {
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
	// A long line (a noisy config's reason) wraps rather than being cut,
	// as far as the pane's seven lines go — on a wide screen: on a narrow
	// one the table's rows are worth more (the detail has the reason).
	var wrapped []string
	for _, l := range sumLines {
		wrapped = append(wrapped, strings.Split(theme.Wrap(l, w-4), "\n")...)
	}
	if len(wrapped)+2 <= 7 && w >= summaryWidth {
		sumLines = wrapped
	}
	sumH := min(len(sumLines)+2, 7)
	summary := v.pane("Summary", strings.Join(sumLines, "\n"), w, sumH)

	rest := h - progH - sumH
	rowName, _, _ := v.Heat.Axes.Names()
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
		heatTitle := "Heatmap: " + v.Heat.Title()
		// The band changes only with the results shown and the choices
		// made on it: drawn once for them, not every frame.
		key := fmt.Sprintf("%d/%dx%d/%d/%d", v.shown, w, band, v.Heat.Metric, v.Heat.Axes)
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

func (v *Model) compactBody(w, h int) string {
	s := v.sw
	lines := []string{v.compactProgressView(w)}
	used := strings.Count(lines[0], "\n") + 1
	rowName, _, _ := v.Heat.Axes.Names()
	heatRows := len(heatmap.AxisValues(s.Plan.Grid, rowName))
	sum := v.summaryLines()
	for i, l := range sum {
		sum[i] = compactSummary(l)
	}
	sumH := min(len(sum), 3)
	heatH := min(heatRows+2, h-used-1-sumH)
	if heatH >= 3 {
		lines = append(lines, v.st.PaneTitle.Render(theme.Cut(v.Heat.Title(), w)))
		lines = append(lines, v.heatView(w, heatH))
		used += heatH + 1
	}
	if tableH := h - used - sumH; tableH >= 4 {
		// The table's title line says which rows are shown, when not all.
		table := v.tableView(w, tableH-1)
		lines = append(lines, v.st.PaneTitle.Render(theme.Cut(v.tableTitle(), w)), table)
		used += tableH
	}
	if left := h - used; left > 0 {
		lines = append(lines, strings.Join(sum[:min(len(sum), left)], "\n"))
	}
	return strings.Join(lines, "\n")
}

// zoomBody is the zoomed pane in all of w×h: in a border when there is
// room for one, else under a title line.
func (v *Model) zoomBody(w, h int) string {
	boxed := w >= compactWidth && h >= 8
	iw, ih := w, h-1
	if boxed {
		iw, ih = w-4, h-2
	}
	var title, body string
	switch v.Zoom {
	case ZoomTable:
		body = v.tableView(iw, ih)
		title = v.tableTitle()
	case ZoomChart:
		body = v.chartView(iw, ih)
		title = chart.Title(len(v.sw.Order), iw, v.chartLog)
	case ZoomHeat:
		body = v.heatView(iw, ih)
		title = "Heatmap: " + v.Heat.Title()
	}
	title = fmt.Sprintf("z %d/%d %s · ", v.Zoom, numZoom-1, v.Zoom) + title
	if boxed {
		return v.pane(title, body, w, h)
	}
	return v.st.PaneTitle.Render(theme.Cut(title, w)) + "\n" + body
}

// compactSummary shortens a quick-summary line for a narrow screen.
func compactSummary(l string) string {
	l = strings.TrimPrefix(l, "- ")
	l = strings.Replace(l, " config :", ":", 1)
	l = strings.Replace(l, "    :", ":", 1)
	l = strings.Replace(l, "median time/epoch=", "median=", 1)
	return strings.Join(strings.Fields(l), " ")
}

func (v *Model) chartView(w, h int) string {
	key := fmt.Sprintf("%d/%dx%d", v.shown, w, h)
	return v.cached("chart", key, func() string {
		v.chart.SetSource(v.sw)
		v.chart.SetSize(w, h)
		d := v.chart.View()
		v.chartLog = v.chart.LogY()
		return d
	})
}

func (v *Model) heatView(w, h int) string {
	key := fmt.Sprintf("%d/%dx%d/%d/%d", v.shown, w, h, v.Heat.Metric, v.Heat.Axes)
	return v.cached("heat", key, func() string { return v.Heat.Draw(v.sw, w, h) })
}

func (v *Model) tableView(w, h int) string {
	v.Table.Layout(v.sw, v.shown, w, h, v.baseline)
	if len(v.Table.Rows()) == 0 && !v.Table.filter.Empty() {
		return v.st.Status.Render(theme.Wrap(v.Table.filter.NoMatch(v.baseline), w))
	}
	return v.Table.View()
}

func (v *Model) tableTitle() string {
	dir := "ascending"
	if v.Table.Desc() {
		dir = "descending"
	}
	pos := ""
	if first, last, of, ok := v.Table.Window(); ok {
		pos = fmt.Sprintf(" · rows %d–%d of %d", first, last, of)
	}
	return fmt.Sprintf("Results (%d)%s · sorted by %s, %s", len(v.Table.Rows()), pos, v.Table.SortName(), dir) + filterTitle(&v.Table)
}

// HeatStyles are the style sheet's heatmap styles.
func HeatStyles(st theme.Styles) heatmap.Styles {
	return heatmap.Styles{Levels: st.Heat, Pending: st.Pending, Subtle: st.Subtle}
}

// SetRun sets the run the keys act on before it is drawn (Draw sets it
// too).
func (v *Model) SetRun(s *runstate.Run) { v.sw = s }

// HeatView is the heatmap as last drawn (colour included), for reading
// a click back.
func (v *Model) HeatView() string { return v.painted["heat"].view }

func (v *Model) Init() tea.Cmd { return nil }

// Update answers a key (Key); what it asks of the workbench comes back as
// a keys.ActionMsg.
func (v *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		return v, v.Key(k, v.baseline).Cmd()
	}
	return v, nil
}

// SetSize sets the size View draws the run set in (all of it the body).
func (v *Model) SetSize(w, h int) { v.w, v.h = w, h }

// View is Draw of the run set, at the size set, now.
func (v *Model) View() string {
	if v.sw == nil {
		return ""
	}
	return v.Draw(v.sw, time.Now(), v.quitting, v.baseline, v.w, v.h, v.h)
}
