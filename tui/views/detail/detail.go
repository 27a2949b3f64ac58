// Package detail is the workbench's detail view: one config looked at
// closely — the headline and what its interval is made of, the
// distribution of its rounds, the per-repeat and per-depth figures,
// quality and memory, and the comparison with the baseline. It opens over
// the view it came from (the live table, or a past run's), which keeps its
// place, so esc returns to the same row.
package detail

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/NimbleMarkets/ntcharts/barchart"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/scroll"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// Model is the detail of one result.
type Model struct {
	res  bench.Result
	base *compare.BaselineEntry // nil without a baseline match
	what string                 // whose result: "run 1795642542"
	st   theme.Styles
	sc   scroll.Model
	w, h int
}

// New is the detail of r (base: its comparison with the baseline, nil
// without one) from what ("run 1795642542").
func New(r bench.Result, base *compare.BaselineEntry, what string, st theme.Styles) *Model {
	sc := scroll.New(scroll.KeyMap{Up: keys.Up, Down: keys.Down, PageUp: keys.PageUp, PageDown: keys.PageDown, Home: keys.Home, End: keys.End}, st.Subtle)
	return &Model{res: r, base: base, what: what, st: st, sc: sc}
}

// Result is the result shown.
func (d *Model) Result() bench.Result { return d.res }

// Key scrolls; esc (or enter) closes, q quits, ? helps.
func (d *Model) Key(msg tea.KeyMsg) keys.Action {
	switch {
	case key.Matches(msg, keys.Back), key.Matches(msg, keys.Open):
		return keys.ActClose
	case key.Matches(msg, keys.Quit):
		return keys.ActQuit
	case key.Matches(msg, keys.Help):
		return keys.ActHelp
	}
	d.sc.Update(msg)
	return keys.ActNone
}

// Scroll moves the content by n lines (the wheel).
func (d *Model) Scroll(n int) { d.sc.Scroll(n) }

// Offset is the first content line shown.
func (d *Model) Offset() int { return d.sc.Off }

func (d *Model) Init() tea.Cmd { return nil }

// Update answers a key (Key); what it asks of the workbench comes back as
// a keys.ActionMsg.
func (d *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		return d, d.Key(k).Cmd()
	}
	return d, nil
}

// SetSize sets the size View draws in.
func (d *Model) SetSize(w, h int) { d.w, d.h = w, h }

// View draws the detail: a title line, then the scrolled content.
func (d *Model) View() string {
	st, w, h := d.st, d.w, d.h
	lines := d.Content(w, h)
	title := st.PaneTitle.Render(d.res.Config.String()) + st.Subtle.Render(" · "+d.what+" · esc back")
	return title + "\n" + d.sc.Window(lines, h-1)
}

// Content is every line of the detail at width w (in a view h high).
func (d *Model) Content(w, h int) []string {
	st := d.st
	r := d.res
	var out []string
	add := func(s ...string) {
		for _, l := range s {
			out = append(out, strings.Split(l, "\n")...) // a wrapped line is several
		}
	}
	head := func(s string) { add("", st.PaneTitle.Render(s)) }

	add(st.Value.Render("median time/epoch "+bench.FormatSeconds(r.TimeEpochMedian)) + "  " + ciLine(&r))
	add(st.Subtle.Render(fmt.Sprintf("mean time/epoch (the reference's) %s ± %s std · %s",
		bench.FormatSeconds(r.TimeEpochMean), bench.FormatSeconds(r.TimeEpochStd), engineLine(&r))))
	if warn := report.NoiseWarning(r); warn != "" {
		add(st.Warn.Render(theme.Wrap("⚠ "+warn, w)))
	}

	head("What the interval is made of")
	ms, kind := measurementsOf(&r)
	add(st.Subtle.Render(kind))
	add(theme.Wrap(joinSeconds(ms), w))
	if r.Contended > 0 {
		kept, _ := bench.HeadlineMeasurements(r)
		add(st.Subtle.Render(theme.Wrap(fmt.Sprintf("%d ran more than 15%% above the fastest, on a contended CPU, and are left out of the median; it is made of %s",
			r.Contended, joinSeconds(kept)), w)))
	}

	if len(r.Samples) == 0 && r.RoundSummarized() {
		// A recorded result keeps a summary of each measurement's rounds,
		// not the rounds: one box plot a measurement.
		head(fmt.Sprintf("Rounds of each measurement (%d rounds, summarised)", r.RoundCount()))
		add(st.Subtle.Render(theme.Wrap("min ├─ p25 ▒ median ┃ p75 ▒ ─┤ max, on one scale; > past the scale", w)))
		add(boxPlotLines(&r, st.ChartLine, w)...)
	} else {
		head(fmt.Sprintf("Distribution of %d round samples", r.RoundCount()))
		add(histogramLines(r.Samples, r.TimeEpochMedian, st.ChartLine, w, max(3, min(10, h/4, len(r.Samples)/4)))...)
	}
	add(outlierLine(&r))

	head("Per repeat and depth (mean epoch time)")
	add(perDepthLines(&r, w)...)

	head("Quality and memory")
	add(fmt.Sprintf("total %.4f ± %.4f · RMSE %.4f ± %.4f · overshoot %.4f · robustness %.3f",
		r.TotalMean, r.TotalStd, r.RMSEMean, r.RMSEStd, r.OvershootMean, r.RobustnessMean))
	mem := "memory " + bench.FormatBytes(r.MemPeakBytesMax)
	if r.MemKind != "" {
		mem += " (" + r.MemKind + ")"
	}
	add(fmt.Sprintf("%s · %d epochs measured · batch %d · %s on the config", mem, r.EpochsMeasured, r.Batch,
		bench.FormatSeconds(r.TimeElapsed)))

	if r.Vs != nil {
		head("A/B: variant B against A")
		add(abLines(&r, st, w)...)
	}
	if d.base != nil {
		head("Against the baseline")
		add(baselineDetail(d.base))
	}
	for i, l := range out {
		out[i] = theme.Cut(l, w)
	}
	return out
}

// ciLine is the interval with its level and relative half-width.
func ciLine(r *bench.Result) string {
	if math.IsNaN(runstate.CIHalf(r)) {
		return "no confidence interval (fewer than two measurements)"
	}
	level := r.CILevel
	if !(level > 0) {
		level = 0.95
	}
	return fmt.Sprintf("%s CI [%s, %s] (%s)", bench.FormatLevel(level), bench.FormatSeconds(r.TimeEpochCILow),
		bench.FormatSeconds(r.TimeEpochCIHigh), runstate.CIText(r))
}

func engineLine(r *bench.Result) string {
	e := r.Engine
	if e == "" {
		e = "go"
	}
	if r.EngineVersion != "" {
		e += " " + r.EngineVersion
	}
	return fmt.Sprintf("engine %s · policy %s · %s · depths %s", e, r.Policy, bench.Plural(r.Repeats, "repeat"), bench.FormatList(r.Depths))
}

// measurementsOf are the estimates the interval is computed over, and what
// they are: the independent measurements, or for records written before
// they existed the per-repeat means.
func measurementsOf(r *bench.Result) ([]float64, string) {
	if len(r.Measurements) > 0 {
		return r.Measurements, fmt.Sprintf("%d independent measurements (each in its own worker process; the median of its rounds):", len(r.Measurements))
	}
	ms := make([]float64, 0, len(r.Runs))
	for _, run := range r.Runs {
		ms = append(ms, run.TimeEpochMean)
	}
	return ms, fmt.Sprintf("%d per-repeat means (this record has no separate measurements):", len(ms))
}

func joinSeconds(xs []float64) string {
	if len(xs) == 0 {
		return "none"
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = bench.FormatSeconds(x)
	}
	return strings.Join(parts, "  ")
}

// outlierLine is the share of stalled rounds (slower than twice the headline).
func outlierLine(r *bench.Result) string {
	n := r.RoundCount()
	if n == 0 {
		return fmt.Sprintf("outliers: %d (no samples recorded)", r.Outliers)
	}
	return fmt.Sprintf("outliers: %d of %d rounds (%.1f%%) slower than twice the headline", r.Outliers, n, 100*float64(r.Outliers)/float64(n))
}

// boxPlotLines draw each measurement's rounds from their summary as a text
// box plot — whiskers from min to max, a box from p25 to p75, the median
// (the measurement itself) as ┃ — all on one scale from the fastest round
// to the slowest, or to twice the headline when slower rounds (stalls)
// would squash the rest: a whisker past it ends in ">". The glyphs carry
// it without colour. Each row ends with the median and the range.
func boxPlotLines(r *bench.Result, bar lipgloss.Style, w int) []string {
	n := len(r.Measurements)
	ok := func(x float64) bool { return x >= 0 && !math.IsInf(x, 0) }
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range n {
		if ok(r.RoundsMin[i]) {
			lo = min(lo, r.RoundsMin[i])
		}
		if ok(r.RoundsMax[i]) {
			hi = max(hi, r.RoundsMax[i])
		}
	}
	if math.IsInf(lo, 1) || math.IsInf(hi, -1) {
		return []string{"no round summary recorded"}
	}
	if m := r.TimeEpochMedian; m > 0 && hi > 2*m && 2*m > lo {
		hi = 2 * m
	}
	labels := make([]string, n)
	tails := make([]string, n)
	labelW, tailW := 0, 0
	for i := range n {
		labels[i] = fmt.Sprintf("#%d %d rounds", i+1, r.Rounds[i])
		tails[i] = fmt.Sprintf("%s  %s–%s", bench.FormatSeconds(r.Measurements[i]),
			bench.FormatSeconds(r.RoundsMin[i]), bench.FormatSeconds(r.RoundsMax[i]))
		labelW, tailW = max(labelW, lipgloss.Width(labels[i])), max(tailW, lipgloss.Width(tails[i]))
	}
	plotW := max(8, min(50, w-labelW-tailW-2))
	pos := func(x float64) int { // the column of x, -1 for an unusable value
		if !ok(x) {
			return -1
		}
		if !(hi > lo) {
			return plotW / 2
		}
		return min(plotW-1, max(0, int(math.Round(float64(plotW-1)*(x-lo)/(hi-lo)))))
	}
	out := make([]string, 0, n+1)
	for i := range n {
		row := []rune(strings.Repeat(" ", plotW))
		a, b := pos(r.RoundsMin[i]), pos(r.RoundsMax[i])
		q1, q3, med := pos(r.RoundsP25[i]), pos(r.RoundsP75[i]), pos(r.Measurements[i])
		if a >= 0 && b >= a {
			for c := a; c <= b; c++ {
				row[c] = '─'
			}
			row[a], row[b] = '├', '┤'
			if r.RoundsMax[i] > hi {
				row[b] = '>'
			}
		}
		if q1 >= 0 && q3 >= q1 {
			for c := q1; c <= q3; c++ {
				row[c] = '▒'
			}
		}
		if med >= 0 {
			row[med] = '┃'
		}
		out = append(out, theme.Pad(labels[i], labelW)+" "+bar.Render(string(row))+" "+tails[i])
	}
	scale := bench.FormatSeconds(lo)
	right := bench.FormatSeconds(hi)
	gap := max(1, plotW-lipgloss.Width(scale)-lipgloss.Width(right))
	out = append(out, theme.Pad("", labelW)+" "+scale+strings.Repeat(" ", gap)+right)
	return out
}

// histogramLines draws the samples as a horizontal histogram (ntcharts bar
// chart) of at most bins rows between the fastest sample and twice the
// median; slower rounds (stalls) get a last row of their own, so one stall
// does not squash the rest into a single bar.
func histogramLines(all []float64, median float64, bar lipgloss.Style, w, bins int) []string {
	// A record from another tool may hold anything: only real times count.
	samples := make([]float64, 0, len(all))
	for _, x := range all {
		if x >= 0 && !math.IsInf(x, 1) {
			samples = append(samples, x)
		}
	}
	if len(samples) == 0 {
		return []string{"no samples recorded"}
	}
	// The bins span the rounds up to twice the headline; slower ones are
	// stalls and are counted apart.
	stallAt := math.Inf(1)
	if median > 0 {
		stallAt = 2 * median
	}
	lo, cut := math.Inf(1), math.Inf(-1)
	for _, x := range samples {
		if x <= stallAt {
			lo, cut = math.Min(lo, x), math.Max(cut, x)
		}
	}
	if math.IsInf(lo, 1) {
		lo, cut = slices.Min(samples), slices.Max(samples)
		stallAt = cut
	}
	if !(cut > lo) {
		bins = 1
	}
	counts := make([]int, bins)
	stalls := 0
	for _, x := range samples {
		switch {
		case x > stallAt:
			stalls++
		case bins == 1:
			counts[0]++
		default:
			counts[min(bins-1, int(float64(bins)*(x-lo)/(cut-lo)))]++
		}
	}
	type row struct {
		label string
		n     int
	}
	rows := make([]row, 0, bins+1)
	for i, n := range counts {
		a := lo + (cut-lo)*float64(i)/float64(bins)
		rows = append(rows, row{"≥" + bench.FormatSeconds(a), n})
	}
	if stalls > 0 {
		rows = append(rows, row{">" + bench.FormatSeconds(stallAt), stalls})
	}
	labelW, countW := 0, 0
	top := 0
	for _, r := range rows {
		labelW = max(labelW, lipgloss.Width(r.label))
		countW = max(countW, len(strconv.Itoa(r.n)))
		top = max(top, r.n)
	}
	barW := max(4, min(50, w-labelW-countW-3))
	bc := barchart.New(barW, len(rows), barchart.WithHorizontalBars(), barchart.WithNoAxis(),
		barchart.WithMaxValue(float64(top)), barchart.WithNoAutoMaxValue(), barchart.WithBarGap(0), barchart.WithBarWidth(1))
	for _, r := range rows {
		bc.Push(barchart.BarData{Values: []barchart.BarValue{{Value: float64(r.n), Style: bar}}})
	}
	bc.Draw()
	bars := strings.Split(bc.View(), "\n")
	out := make([]string, len(rows))
	for i, r := range rows {
		bar := ""
		if i < len(bars) {
			bar = bars[i]
		}
		out[i] = theme.Pad(r.label, labelW) + " " + theme.Pad(bar, barW) + " " + strconv.Itoa(r.n)
	}
	return out
}

// perDepthLines are a table of repeats × depths: each depth's mean epoch
// time, the repeat's mean over the depths, and its seed.
func perDepthLines(r *bench.Result, w int) []string {
	if len(r.Runs) == 0 {
		return []string{"no per-repeat figures recorded"}
	}
	var depths []int
	for _, run := range r.Runs {
		for _, d := range run.Depths {
			if !slices.Contains(depths, d.Depth) {
				depths = append(depths, d.Depth)
			}
		}
	}
	slices.Sort(depths)
	const cw = 10
	head := theme.Pad("repeat", 8) + theme.Pad("seed", 8)
	for _, d := range depths {
		head += theme.Pad("depth "+strconv.Itoa(d), cw)
	}
	head += theme.Pad("mean", cw) + "RMSE"
	out := []string{head}
	for i, run := range r.Runs {
		l := theme.Pad(strconv.Itoa(i+1), 8) + theme.Pad(strconv.FormatUint(run.Seed, 10), 8)
		for _, d := range depths {
			cell := "–"
			for _, dr := range run.Depths {
				if dr.Depth == d {
					cell = bench.FormatSeconds(dr.TimeEpochMean)
				}
			}
			l += theme.Pad(cell, cw)
		}
		l += theme.Pad(bench.FormatSeconds(run.TimeEpochMean), cw) + fmt.Sprintf("%.4f", run.RMSEMean)
		out = append(out, l)
	}
	return out
}

// baselineDetail is one config's comparison with the baseline, in the
// reports' terms: the ratio of headlines with its interval, the verdict
// after the correction over every config, and its adjusted p-value.
func baselineDetail(e *compare.BaselineEntry) string {
	s := "ratio new/old " + compare.FormatRatioCI(e.Cmp) + " · " + e.Verdict
	if !math.IsNaN(e.PAdj) {
		s += " (" + runstate.PText(e.PAdj) + ", Holm-adjusted)"
	}
	if e.Reason != "" {
		s += " · " + e.Reason
	}
	if e.QualityDiffers {
		s += " · quality differs: the same seeds gave other numbers"
	}
	return s + " · baseline " + bench.FormatSeconds(report.Headline(e.Old))
}
