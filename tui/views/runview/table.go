package runview

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/table"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// The results table: the table widget with the run view's columns, over
// the finished results of a run's grid that pass the filter.

// Table is the run view's table: the widget, the filter, and the
// widths the grid's configs need.
type Table struct {
	*table.Model
	filter     Filter // rows shown: those matching (filter.go)
	numW, cfgW int
	baseline   bool
	version    int // the run's version the rows were built from; -1: rebuild
}

func newResultsTable(st theme.Styles) Table {
	km := table.KeyMap{
		LineUp:     keys.Up,
		LineDown:   keys.Down,
		PageUp:     keys.PageUp,
		PageDown:   keys.PageDown,
		GotoTop:    keys.Home,
		GotoBottom: keys.End,
	}
	return Table{Model: table.New(km, table.Styles{Header: st.TableHeader, Cell: st.TableCell, Selected: st.TableSelected}), version: -1}
}

// columns are the table's columns for run s, whose positions take numW
// cells and whose config names cfgW, with the ratio to the baseline when
// there is one. Every column sorts.
func columns(s *runstate.Run, haveBaseline bool, numW, cfgW int) []table.Column {
	num := func(f func(r *bench.Result) float64) func(table.Row) float64 {
		return func(r table.Row) float64 { return f(r.R) }
	}
	cols := []table.Column{
		{Title: "#", Width: numW, Cell: func(r table.Row) string { return strconv.Itoa(r.N) },
			Value: func(r table.Row) float64 { return float64(r.N) }},
		{Title: "config", Width: cfgW, Cell: func(r table.Row) string { return r.R.Config.String() },
			Cmp: func(a, b table.Row) int { return a.R.Config.Compare(b.R.Config) }},
		{Title: "median", Name: "median time/epoch", Width: 9, Cell: func(r table.Row) string { return bench.FormatSeconds(r.R.TimeEpochMedian) },
			Value: num(func(r *bench.Result) float64 { return r.TimeEpochMedian })},
		{Title: "±CI", Width: 7, Cell: func(r table.Row) string { return runstate.CIText(r.R) },
			Value: num(func(r *bench.Result) float64 {
				if h := runstate.CIHalf(r); !math.IsNaN(h) {
					return h
				}
				return math.Inf(1) // no interval: last
			})},
	}
	if haveBaseline {
		cols = append(cols, table.Column{Title: "vs base", Width: 13, Cell: func(r table.Row) string { return RatioText(s, r.R.Config) },
			Value: num(func(r *bench.Result) float64 {
				if b, ok := s.Ratios[r.Config]; ok && b.Cmp.Ratio > 0 {
					return b.Cmp.Ratio
				}
				return math.Inf(1) // unmatched configs last
			})})
	}
	return append(cols,
		table.Column{Title: "RMSE", Width: 7, Cell: func(r table.Row) string { return fmt.Sprintf("%.4f", r.R.RMSEMean) },
			Value: num(func(r *bench.Result) float64 { return r.RMSEMean })},
		table.Column{Title: "robust", Name: "robustness", Width: 7, Cell: func(r table.Row) string { return fmt.Sprintf("%.3f", r.R.RobustnessMean) },
			Value: num(func(r *bench.Result) float64 { return r.RobustnessMean })},
		table.Column{Title: "memory", Width: 9, Cell: func(r table.Row) string { return bench.FormatBytes(r.R.MemPeakBytesMax) },
			Value: num(func(r *bench.Result) float64 { return float64(r.MemPeakBytesMax) })},
		table.Column{Title: "outl", Name: "outliers", Width: 5, Cell: func(r table.Row) string { return strconv.Itoa(r.R.Outliers) },
			Value: num(func(r *bench.Result) float64 { return float64(r.Outliers) })},
		table.Column{Title: "epochs", Width: 7, Cell: func(r table.Row) string { return strconv.Itoa(r.R.EpochsMeasured) },
			Value: num(func(r *bench.Result) float64 { return float64(r.EpochsMeasured) })},
	)
}

// ratioText is the ratio to the baseline with its Holm-adjusted p-value
// (the one the verdict is made from), "–" for a config the baseline lacks.
func RatioText(s *runstate.Run, c bench.Config) string {
	e, ok := s.Ratios[c]
	if !ok {
		return "–"
	}
	if math.IsNaN(e.PAdj) {
		return compare.FormatRatio(e.Cmp.Ratio)
	}
	return compare.FormatRatio(e.Cmp.Ratio) + " " + runstate.PText(e.PAdj)
}

// cellWidths are the widths the # and config columns need for s's grid
// (at least their titles and the sort arrow).
func cellWidths(s *runstate.Run) (numW, cfgW int) {
	g := s.Plan.Grid
	numW = max(4, len(strconv.Itoa(len(s.Order)))+1)
	widest := bench.Config{D: slices.Max(append([]int{0}, g.Dims...)), K: slices.Max(append([]int{0}, g.Branches...)), T: slices.Max(append([]int{0}, g.SeqLens...))}
	return numW, max(15, len(widest.String()))
}

// sync lays the table out for run s at version in width×height: the
// columns, and the rows of the grid's finished results that pass the
// filter (rebuilt when the version, the filter or the order changed; the
// ratio cells follow the comparison).
func (rt *Table) Layout(s *runstate.Run, version, width, height int, haveBaseline bool) {
	rt.columnsFor(s, haveBaseline)
	if rt.version != version {
		rt.version = version
		rt.Invalidate()
	}
	rows := make([]table.Row, 0, len(s.Results))
	for i, c := range s.Order {
		if r, ok := s.Results[c]; ok && rt.filter.Match(r, s) {
			rows = append(rows, table.Row{N: i + 1, R: r})
		}
	}
	rt.Sync(rows, version, s.Compared, width, height)
}

// columnsFor sets the columns for run s.
func (rt *Table) columnsFor(s *runstate.Run, haveBaseline bool) {
	numW, cfgW := cellWidths(s)
	rt.numW, rt.cfgW, rt.baseline = numW, cfgW, haveBaseline
	rt.SetColumns(columns(s, haveBaseline, numW, cfgW))
}

// setFilter shows the rows matching f, the first selected.
func (rt *Table) SetFilter(f Filter) {
	rt.filter = f
	rt.version = -1
	rt.SetCursor(0)
}

// Filter is the filter the rows pass.
func (rt *Table) Filter() Filter { return rt.filter }
