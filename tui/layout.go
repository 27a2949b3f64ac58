package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine"
)

// Layout thresholds: below either, the run view drops borders, the chart
// and (if short) the table, keeping progress, heatmap and summary.
const (
	compactWidth  = 70
	compactHeight = 24
	sideBySide    = 100 // chart and heatmap next to each other from here
)

// render draws the whole screen at the current size. Every pane is clipped
// to its box, and the screen to the terminal, so no size can break it.
func (a *app) render() string {
	w, h := max(1, a.width), max(1, a.height)
	var out string
	switch {
	case a.screen == screenSetup && a.prompt == nil && !a.showHelp:
		out = a.setupView()
	default:
		out = a.runView(w, h)
	}
	return fitBlock(out, w, h)
}

func (a *app) helpLine(km helpKeys) string { return shortHelp(a.help, km, a.width) }

func (a *app) statusView() string {
	if a.statusErr {
		return a.st.errText.Render(a.status)
	}
	return a.st.status.Render(a.status)
}

// header is the title line: run id and the plan in the CLI's terms.
func (a *app) header(w int) string {
	title := a.st.title.Render("hcbench")
	if a.sw == nil {
		return title
	}
	p := a.sw.plan
	info := fmt.Sprintf(" · run %d · D=%s K=%s T=%s · depths %s · %d repeats · seed %d · %s · → %s",
		a.sw.runID, engine.FormatList(p.Grid.Dims), engine.FormatList(p.Grid.Branches),
		engine.FormatList(p.Grid.SeqLens), engine.FormatList(p.Depths), p.Repeats, p.Seed, p.Policy, a.opt.OutDir)
	return truncate(title+a.st.subtle.Render(info), w)
}

func (a *app) runView(w, h int) string {
	km := runHelp()
	switch {
	case a.prompt != nil:
		km = promptHelp()
	case a.editor != nil:
		km = editorHelp()
	case a.screen == screenSetup:
		km = setupHelp()
	}
	footer := []string{}
	if a.status != "" {
		footer = append(footer, truncate(a.statusView(), w))
	}
	footer = append(footer, truncate(a.helpLine(km), w))
	header := a.header(w)
	bodyH := max(0, h-1-len(footer))

	var body string
	switch {
	case a.showHelp:
		var notes []string
		if a.screen == screenRun && a.editor == nil && h >= compactHeight {
			notes = helpNotes
		}
		body = fullHelpView(a.help, km, notes, a.st, w)
	case a.prompt != nil:
		body = a.promptView(w, bodyH)
	case a.sw == nil:
		body = ""
	case a.editor != nil:
		// The editor opens over the sweep, which stays visible below it:
		// it keeps running.
		ed := a.editorView(w)
		body = ed + "\n" + a.sweepBody(w, h, bodyH-lipgloss.Height(ed))
	default:
		body = a.sweepBody(w, h, bodyH)
	}
	body = padLines(fitBlock(body, w, bodyH), bodyH)
	return strings.Join(append([]string{header, body}, footer...), "\n")
}

// sweepBody is the run view's panes in bodyH lines: rich, or compact when
// the terminal (w×h) is small.
func (a *app) sweepBody(w, h, bodyH int) string {
	if w < compactWidth || h < compactHeight {
		return a.compactBody(w, bodyH)
	}
	return a.richBody(w, bodyH)
}

// padLines makes s exactly n lines so the footer stays at the bottom.
func padLines(s string, n int) string {
	if n <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	for len(lines) < n {
		lines = append(lines, "")
	}
	return strings.Join(lines[:n], "\n")
}

// pane draws a rounded box of exactly w×h cells with the title set into
// its top border, which saves each pane a line.
func (a *app) pane(title, content string, w, h int) string {
	if w < 6 || h < 3 {
		return ""
	}
	b := lipgloss.RoundedBorder()
	t := truncate(" "+title+" ", w-4)
	top := a.st.border.Render(b.TopLeft+b.Top) + a.st.paneTitle.Render(t) +
		a.st.border.Render(strings.Repeat(b.Top, max(0, w-3-lipgloss.Width(t)))+b.TopRight)
	body := a.st.pane.BorderTop(false).Width(w - 2).Height(h - 2).Render(fitBlock(content, w-4, h-2))
	return top + "\n" + body
}

// cached returns a pane's drawing from the cache when its inputs (the key)
// are unchanged: the chart and heatmap only change with results, while the
// progress line changes many times a second.
func (a *app) cached(name, key string, draw func() string) string {
	if c, ok := a.panePainted[name]; ok && c.key == key {
		return c.view
	}
	v := draw()
	a.panePainted[name] = paneCache{key: key, view: v}
	return v
}

func (a *app) richBody(w, h int) string {
	s := a.sw
	progress := a.pane("Progress", a.progressView(w-4), w, 4)

	sumLines := a.summaryLines()
	sumH := min(len(sumLines)+2, 7)
	summary := a.pane("Summary", strings.Join(sumLines, "\n"), w, sumH)

	// What is left goes to the chart/heatmap band and the table. The band
	// gets room for the heatmap (and, side by side with it, for a readable
	// chart: at least two fifths of the space); the table what it needs of
	// the rest (a header and a row per config); the band anything over.
	rest := h - 4 - sumH
	rowName, _, _ := a.axes.names()
	heatRows := len(axisValues(s.plan.Grid, rowName))
	bandMin := heatRows + 5 // header, rows, two legend lines, border
	if w >= sideBySide {
		bandMin = max(bandMin, 8, rest*2/5) // and a chart worth reading
	}
	tableH := min(len(s.order)+3, rest-bandMin)
	if tableH < 5 {
		tableH = 0
	}
	band := rest - tableH
	parts := []string{progress}
	if band >= 5 {
		heatTitle := "Heatmap: " + heatmapTitle(a.metric, a.axes)
		if w >= sideBySide {
			chartW := w * 11 / 20
			heatW := w - chartW
			chart := a.pane("Epoch time by config (sweep order)", a.chartView(chartW-4, band-2), chartW, band)
			heat := a.pane(heatTitle, a.heatView(heatW-4, band-2), heatW, band)
			parts = append(parts, lipgloss.JoinHorizontal(lipgloss.Top, chart, heat))
		} else {
			parts = append(parts, a.pane(heatTitle, a.heatView(w-4, band-2), w, band))
		}
	}
	if tableH > 0 {
		parts = append(parts, a.pane(a.tableTitle(), a.tableView(w-4, tableH-2), w, tableH))
	}
	parts = append(parts, summary)
	return strings.Join(parts, "\n")
}

func (a *app) compactBody(w, h int) string {
	s := a.sw
	lines := []string{a.compactProgressView(w)}
	used := strings.Count(lines[0], "\n") + 1
	rowName, _, _ := a.axes.names()
	heatRows := len(axisValues(s.plan.Grid, rowName))
	sum := a.summaryLines()
	for i, l := range sum {
		sum[i] = compactSummary(l)
	}
	sumH := min(len(sum), 3)
	heatH := min(heatRows+2, h-used-1-sumH)
	if heatH >= 3 {
		lines = append(lines, a.st.paneTitle.Render(truncate(heatmapTitle(a.metric, a.axes), w)))
		lines = append(lines, a.heatView(w, heatH))
		used += heatH + 1
	}
	if tableH := h - used - sumH; tableH >= 4 {
		lines = append(lines, a.tableView(w, tableH))
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
	return strings.Join(strings.Fields(l), " ")
}

func (a *app) chartView(w, h int) string {
	key := fmt.Sprintf("%d/%dx%d", a.sw.version, w, h)
	return a.cached("chart", key, func() string { return renderChart(a.sw, a.st, w, h) })
}

func (a *app) heatView(w, h int) string {
	key := fmt.Sprintf("%d/%dx%d/%d/%d", a.sw.version, w, h, a.metric, a.axes)
	return a.cached("heat", key, func() string { return renderHeatmap(a.sw, a.metric, a.axes, a.st, w, h) })
}

func (a *app) tableView(w, h int) string {
	a.table.sync(a.sw, w, h, a.haveBaseline())
	return a.table.view()
}

func (a *app) tableTitle() string {
	dir := "ascending"
	if a.table.desc {
		dir = "descending"
	}
	return fmt.Sprintf("Results (%d) · sorted by %s, %s", len(a.sw.results), sortNames[a.table.by], dir)
}
