// Package table is the workbench's results table: bubbles/table with
// sorting by any column (the arrow in its title), a layout that drops the
// least-scanned columns when narrow, a marker on the selected row that
// reads without colour, and rows formatted once per result. What the
// columns say is its caller's: a column is a title, a width, a cell and a
// sort order over a row (a result and its place in the grid).
package table

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/table"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/hcbench/hcbench/engine/bench"
)

// Row is one result and its place in the grid (1-based: the # column).
type Row struct {
	N int
	R *bench.Result
}

// Column is one column. Columns are listed most-scanned first; the last
// ones are dropped when the table is narrow. A column is wide enough for
// its title and the sort arrow, so the arrow never cuts the title.
type Column struct {
	Title string // in the header
	Name  string // in "sorted by …" ("" is Title)
	Width int
	Cell  func(Row) string
	// Value orders the rows by this column, ascending; Cmp when set
	// instead.
	Value func(Row) float64
	Cmp   func(a, b Row) int
}

func (c Column) name() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Title
}

// Styles are the header's, the cells' and the selected row's.
type Styles struct{ Header, Cell, Selected lipgloss.Style }

// KeyMap moves the selection.
type KeyMap = table.KeyMap

// Model is the table as a tea.Model.
type Model struct {
	t      table.Model
	cols   []Column // every column
	shown  []Column // those that fit the width
	layout string   // the columns' titles and widths, and the width: a change rebuilds
	by     string   // the name of the column sorted by ("" the first)
	desc   bool

	dirty   bool // rows must be rebuilt: the order or the cells changed
	gen     int  // the caller's generation of the rows last built
	cells   int  // the caller's generation of what cells say
	cache   map[*bench.Result]table.Row
	width   int
	height  int
	configs []bench.Config // the rows' configs, in the order shown
	index   map[int]int    // a row's place in the order shown, by its N
}

// New is an empty table.
func New(keys KeyMap, st Styles) *Model {
	t := table.New(table.WithKeyMap(keys), table.WithFocused(true))
	t.SetStyles(table.Styles{Header: st.Header, Cell: st.Cell, Selected: st.Selected})
	return &Model{t: t, dirty: true}
}

// SetColumns sets the columns. Cells are drawn by the latest columns
// given; the layout is rebuilt only when titles or widths change.
func (m *Model) SetColumns(cols []Column) {
	m.cols = cols
	if m.find(m.by) < 0 {
		m.by, m.desc = "", false
	}
}

// find is the index of the column named name in cols, -1 when none is.
func (m *Model) find(name string) int {
	if name == "" && len(m.cols) > 0 {
		return 0
	}
	return slices.IndexFunc(m.cols, func(c Column) bool { return c.name() == name })
}

// Next sorts by the next column shown (every column before the table is
// laid out), ascending: a narrow table never sorts by a column it hides.
func (m *Model) Next() {
	cols := m.cols
	if len(m.shown) > 0 {
		cols = m.shown
	}
	if len(cols) == 0 {
		return
	}
	i := slices.IndexFunc(cols, func(c Column) bool { return c.name() == m.SortName() })
	m.by, m.desc, m.dirty = cols[(i+1)%len(cols)].name(), false, true
}

// Reverse reverses the order.
func (m *Model) Reverse() { m.desc, m.dirty = !m.desc, true }

// SortBy sorts by the shown column i, or reverses when it is already
// sorted by.
func (m *Model) SortBy(i int) {
	if i < 0 || i >= len(m.shown) {
		return
	}
	if n := m.shown[i].name(); n == m.SortName() {
		m.Reverse()
	} else {
		m.by, m.desc, m.dirty = n, false, true
	}
}

// SortName names the column sorted by; Desc says which way.
func (m *Model) SortName() string {
	if i := m.find(m.by); i >= 0 {
		return m.cols[i].name()
	}
	return ""
}

func (m *Model) Desc() bool { return m.desc }

// Sync lays the table out in width×height and, when gen (the caller's
// generation of the rows), cells (of what the cells say: the cached rows
// are formatted again when it changes), the size or the order changed,
// rebuilds its rows from rows (any order: the table sorts them).
func (m *Model) Sync(rows []Row, gen, cells, width, height int) {
	layout := strconv.Itoa(width)
	for _, c := range m.cols {
		layout += "|" + c.Title + "/" + strconv.Itoa(c.Width)
	}
	if layout != m.layout {
		m.layout, m.width = layout, width
		m.shown = fit(m.cols, width)
		m.t.SetRows(nil) // columns may shrink: rows must not be wider than them
		m.t.SetColumns(make([]table.Column, len(m.shown)))
		m.dirty, m.cache = true, nil
	}
	if cells != m.cells {
		m.cells, m.cache, m.dirty = cells, nil, true
	}
	if height != m.height {
		m.height = height
		m.t.SetHeight(max(2, height))
	}
	if width != m.t.Width() {
		m.t.SetWidth(width)
	}
	if !m.dirty && gen == m.gen {
		return
	}
	m.dirty, m.gen = false, gen
	by := m.SortName()
	tc := make([]table.Column, len(m.shown))
	for i, c := range m.shown {
		title := c.Title
		if c.name() == by {
			title += arrow(m.desc)
		}
		tc[i] = table.Column{Title: title, Width: max(c.Width, lipgloss.Width(title))}
	}
	m.t.SetColumns(tc)

	rows = slices.Clone(rows)
	if i := m.find(m.by); i >= 0 {
		col := m.cols[i]
		order := col.Cmp
		if order == nil && col.Value != nil {
			order = func(a, b Row) int { return cmp.Compare(col.Value(a), col.Value(b)) }
		}
		if order != nil {
			slices.SortStableFunc(rows, func(a, b Row) int {
				if m.desc {
					return order(b, a)
				}
				return order(a, b)
			})
		}
	}
	// A result's cells only change with its place in the grid or with
	// what the caller says changed (cells), so each row is formatted once
	// and kept.
	if m.cache == nil || len(m.cache) > 2*len(rows)+64 {
		m.cache = make(map[*bench.Result]table.Row, len(rows))
	}
	out := make([]table.Row, len(rows))
	m.configs = m.configs[:0]
	m.index = make(map[int]int, len(rows))
	for k, r := range rows {
		m.configs = append(m.configs, r.R.Config)
		m.index[r.N] = k
		row, ok := m.cache[r.R]
		if !ok || row[0] != strconv.Itoa(r.N) {
			row = make(table.Row, len(m.shown))
			for j, c := range m.shown {
				row[j] = c.Cell(r)
			}
			m.cache[r.R] = row
		}
		out[k] = row
	}
	m.t.SetRows(out)
	if m.t.Cursor() < 0 && len(out) > 0 {
		// SetRows leaves the cursor at -1 after an empty table, which
		// makes bubbles/table draw one row less than it has room for.
		m.t.SetCursor(0)
	}
}

// Window is the rows the table shows now, first to last (1-based), of
// how many: read off its drawing, as bubbles/table keeps its scroll
// offset to itself. ok is false when it shows every row.
func (m *Model) Window() (first, last, of int, ok bool) {
	of = len(m.configs)
	lines := strings.Split(ansi.Strip(m.t.View()), "\n")
	first = -1
	for _, l := range lines[min(1, len(lines)):] { // the header first
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		n, err := strconv.Atoi(strings.TrimLeftFunc(f[0], func(r rune) bool { return r < '0' || r > '9' }))
		k, found := m.index[n]
		if err != nil || !found {
			continue
		}
		if first < 0 {
			first = k + 1
		}
		last = k + 1
	}
	if first < 0 || first == 1 && last == of {
		return 0, 0, of, false
	}
	return first, last, of, true
}

// Invalidate rebuilds the rows at the next Sync (a filter changed).
func (m *Model) Invalidate() { m.dirty = true }

// Laid reports whether the table has been laid out (Sync called).
func (m *Model) Laid() bool { return m.layout != "" }

// Configs are the rows' configs, in the order shown.
func (m *Model) Configs() []bench.Config { return m.configs }

// Rows are the rows as drawn (their cells).
func (m *Model) Rows() []table.Row { return m.t.Rows() }

func (m *Model) Cursor() int     { return m.t.Cursor() }
func (m *Model) SetCursor(i int) { m.t.SetCursor(i) }
func (m *Model) MoveUp(n int)    { m.t.MoveUp(n) }
func (m *Model) MoveDown(n int)  { m.t.MoveDown(n) }
func (m *Model) Init() tea.Cmd   { return nil }
func (m *Model) View() string    { return m.t.View() }

// Update moves the selection (the keys of its KeyMap).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.t, _ = m.t.Update(msg) // navigation asks for no commands
	return m, nil
}

// HeaderAt is the shown column under cell x of a header line, x0 being
// where the first column's cell (its left padding) starts.
func (m *Model) HeaderAt(x0, x int) (int, bool) {
	pos := x0
	for i, c := range m.shown {
		w := max(c.Width, len(c.Title)+1) + 2
		if x >= pos && x < pos+w {
			return i, true
		}
		pos += w
	}
	return 0, false
}

// IsHeader reports whether a line of text (colour stripped) is the
// table's header: the first column's title, then the second's.
func (m *Model) IsHeader(line string) bool {
	inner := strings.Trim(line, "│ ")
	return len(m.shown) > 1 && strings.HasPrefix(inner, m.shown[0].Title) && strings.Contains(inner, m.shown[1].Title)
}

func arrow(desc bool) string {
	if desc {
		return "↓"
	}
	return "↑"
}

// fit keeps the leading columns that fit in width (each cell has one
// space of padding on each side).
func fit(cols []Column, width int) []Column {
	used := 0
	for i, c := range cols {
		used += c.Width + 2
		if used > width {
			return cols[:max(1, i)]
		}
	}
	return cols
}
