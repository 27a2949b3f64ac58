package tui

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// sortKey is the column the results table is ordered by; every column
// can be.
type sortKey int

const (
	sortSweep sortKey = iota
	sortConfig
	sortTime
	sortCI
	sortRatio // only with a baseline
	sortRMSE
	sortRobustness
	sortMemory
	sortOutliers
	sortEpochs
	numSortKeys
)

var sortNames = [numSortKeys]string{"#", "config", "median time/epoch", "±CI", "vs base", "RMSE", "robustness", "memory", "outliers", "epochs"}

func (k sortKey) next(haveBaseline bool) sortKey {
	k = (k + 1) % numSortKeys
	if k == sortRatio && !haveBaseline {
		k++
	}
	return k
}

// column is one table column: its title, width, the sort key it shows
// and its cell text. Columns are listed most-scanned first; the last ones
// are dropped when the pane is narrow. A column is wide enough for its
// title and the sort arrow, so the arrow never cuts the title.
type column struct {
	title string
	width int
	sort  sortKey
	cell  func(i int, r *bench.Result, s *runstate.Run) string
}

// tableColumns are the columns for a grid whose positions take numW cells
// and whose config names cfgW.
func tableColumns(haveBaseline bool, numW, cfgW int) []column {
	cols := []column{
		{"#", numW, sortSweep, func(i int, _ *bench.Result, _ *runstate.Run) string { return strconv.Itoa(i) }},
		{"config", cfgW, sortConfig, func(_ int, r *bench.Result, _ *runstate.Run) string { return r.Config.String() }},
		{"median", 9, sortTime, func(_ int, r *bench.Result, _ *runstate.Run) string { return bench.FormatSeconds(r.TimeEpochMedian) }},
		{"±CI", 7, sortCI, func(_ int, r *bench.Result, _ *runstate.Run) string { return runstate.CIText(r) }},
	}
	if haveBaseline {
		cols = append(cols, column{"vs base", 13, sortRatio, func(_ int, r *bench.Result, s *runstate.Run) string { return ratioText(s, r.Config) }})
	}
	cols = append(cols,
		column{"RMSE", 7, sortRMSE, func(_ int, r *bench.Result, _ *runstate.Run) string { return fmt.Sprintf("%.4f", r.RMSEMean) }},
		column{"robust", 7, sortRobustness, func(_ int, r *bench.Result, _ *runstate.Run) string { return fmt.Sprintf("%.3f", r.RobustnessMean) }},
		column{"memory", 9, sortMemory, func(_ int, r *bench.Result, _ *runstate.Run) string { return bench.FormatBytes(r.MemPeakBytesMax) }},
		column{"outl", 5, sortOutliers, func(_ int, r *bench.Result, _ *runstate.Run) string { return strconv.Itoa(r.Outliers) }},
		column{"epochs", 7, sortEpochs, func(_ int, r *bench.Result, _ *runstate.Run) string { return strconv.Itoa(r.EpochsMeasured) }},
	)
	return cols
}

// ratioText is the ratio to the baseline with its Holm-adjusted p-value
// (the one the verdict is made from), "–" for a config the baseline lacks.
func ratioText(s *runstate.Run, c bench.Config) string {
	e, ok := s.Ratios[c]
	if !ok {
		return "–"
	}
	if math.IsNaN(e.PAdj) {
		return compare.FormatRatio(e.Cmp.Ratio)
	}
	return compare.FormatRatio(e.Cmp.Ratio) + " " + runstate.PText(e.PAdj)
}

// resultsTable wraps bubbles/table with sorting and a layout that drops the
// least-scanned columns when narrow. Rows are rebuilt only when the results
// or the order change.
type resultsTable struct {
	t        table.Model
	by       sortKey
	desc     bool
	version  int // sweep version the rows were built from; -1 forces a rebuild
	rowCache map[*bench.Result]table.Row
	width    int
	height   int
	baseline bool
	cols     []column
	numW     int // the # and config columns' widths, from the grid
	cfgW     int
	filter   tableFilter    // rows shown: those matching (filter.go)
	configs  []bench.Config // the rows' configs, in the order shown
}

// cellWidths are the widths the # and config columns need for s's grid
// (at least their titles and the sort arrow).
func cellWidths(s *runstate.Run) (numW, cfgW int) {
	g := s.Plan.Grid
	numW = max(4, len(strconv.Itoa(len(s.Order)))+1)
	widest := bench.Config{D: slices.Max(append([]int{0}, g.Dims...)), K: slices.Max(append([]int{0}, g.Branches...)), T: slices.Max(append([]int{0}, g.SeqLens...))}
	return numW, max(15, len(widest.String()))
}

func newResultsTable(st theme.Styles) resultsTable {
	km := table.KeyMap{
		LineUp:     keys.Up,
		LineDown:   keys.Down,
		PageUp:     keys.PageUp,
		PageDown:   keys.PageDown,
		GotoTop:    keys.Home,
		GotoBottom: keys.End,
	}
	t := table.New(table.WithKeyMap(km), table.WithFocused(true))
	t.SetStyles(table.Styles{Header: st.TableHeader, Cell: st.TableCell, Selected: st.TableSelected})
	return resultsTable{t: t, version: -1}
}

func (rt *resultsTable) cycleSort(haveBaseline bool) {
	rt.by = rt.by.next(haveBaseline)
	rt.desc = false
	rt.version = -1
}

func (rt *resultsTable) reverse() {
	rt.desc = !rt.desc
	rt.version = -1
}

// sync rebuilds columns and rows when the size, the data or the order
// changed.
func (rt *resultsTable) sync(s *runstate.Run, version, width, height int, haveBaseline bool) {
	numW, cfgW := cellWidths(s)
	if width != rt.width || haveBaseline != rt.baseline || rt.cols == nil || numW != rt.numW || cfgW != rt.cfgW {
		rt.width, rt.baseline, rt.numW, rt.cfgW = width, haveBaseline, numW, cfgW
		rt.cols = fitColumns(tableColumns(haveBaseline, numW, cfgW), width)
		rt.t.SetRows(nil) // columns may shrink: rows must not be wider than them
		rt.t.SetColumns(make([]table.Column, len(rt.cols)))
		rt.version = -1
		rt.rowCache = nil
	}
	if height != rt.height {
		rt.height = height
		rt.t.SetHeight(max(2, height))
	}
	if width != rt.t.Width() {
		rt.t.SetWidth(width)
	}
	if rt.version == version {
		return
	}
	rt.version = version
	tc := make([]table.Column, len(rt.cols))
	for i, c := range rt.cols {
		title := c.title
		if c.sort == rt.by {
			title += sortArrow(rt.desc)
		}
		tc[i] = table.Column{Title: title, Width: max(c.width, lipgloss.Width(title))}
	}
	rt.t.SetColumns(tc)

	type entry struct {
		i int
		r *bench.Result
	}
	entries := make([]entry, 0, len(s.Results))
	for i, c := range s.Order {
		if r, ok := s.Results[c]; ok && rt.filter.match(r, s) {
			entries = append(entries, entry{i + 1, r})
		}
	}
	val := func(e entry) float64 {
		switch rt.by {
		case sortTime:
			return e.r.TimeEpochMedian
		case sortCI:
			if h := runstate.CIHalf(e.r); !math.IsNaN(h) {
				return h
			}
			return math.Inf(1) // no interval: last
		case sortOutliers:
			return float64(e.r.Outliers)
		case sortEpochs:
			return float64(e.r.EpochsMeasured)
		case sortRMSE:
			return e.r.RMSEMean
		case sortRobustness:
			return e.r.RobustnessMean
		case sortMemory:
			return float64(e.r.MemPeakBytesMax)
		case sortRatio:
			if b, ok := s.Ratios[e.r.Config]; ok && b.Cmp.Ratio > 0 {
				return b.Cmp.Ratio
			}
			return math.Inf(1) // unmatched configs last
		}
		return float64(e.i)
	}
	compare := func(a, b entry) int { return cmp.Compare(val(a), val(b)) }
	if rt.by == sortConfig {
		compare = func(a, b entry) int { return a.r.Config.Compare(b.r.Config) }
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		if rt.desc {
			return compare(b, a)
		}
		return compare(a, b)
	})
	// A result's cells only change with its position in the grid or its
	// baseline comparison, so each row is formatted once and kept.
	if rt.rowCache == nil || len(rt.rowCache) > 2*len(entries)+64 {
		rt.rowCache = make(map[*bench.Result]table.Row, len(entries))
	}
	rows := make([]table.Row, len(entries))
	rt.configs = rt.configs[:0]
	for k, e := range entries {
		rt.configs = append(rt.configs, e.r.Config)
		row, ok := rt.rowCache[e.r]
		if !ok || row[0] != strconv.Itoa(e.i) {
			row = make(table.Row, len(rt.cols))
			for j, c := range rt.cols {
				row[j] = c.cell(e.i, e.r, s)
			}
			rt.rowCache[e.r] = row
		}
		rows[k] = row
	}
	rt.t.SetRows(rows)
	if rt.t.Cursor() < 0 && len(rows) > 0 {
		// SetRows leaves the cursor at -1 after an empty table, which
		// makes bubbles/table draw one row less than it has room for.
		rt.t.SetCursor(0)
	}
}

func sortArrow(desc bool) string {
	if desc {
		return "↓"
	}
	return "↑"
}

// fitColumns keeps the leading columns that fit in width (each cell has one
// space of padding on each side).
func fitColumns(cols []column, width int) []column {
	used := 0
	for i, c := range cols {
		used += c.width + 2
		if used > width {
			return cols[:max(1, i)]
		}
	}
	return cols
}

func (rt *resultsTable) view() string { return rt.t.View() }
