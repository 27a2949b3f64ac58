// Package shardview is the workbench's view of a sharded sweep's shards
// (hcbench show DIR on the shards' directory, before hcbench merge): a
// section listing the shards, each waiting, queued, running, finished or
// failed, with the configs it has done of its part, its host, where the
// states come from and the time left over all shards — and the run so
// far as a picture (runstate) for the run view, which the workbench draws
// under the section. It reads nothing itself: the workbench reads
// report/shardstatus off the UI goroutine and hands the status to Set; it
// measures nothing and writes nothing.
package shardview

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/shardstatus"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// Model is the live view of the shards in one directory.
type Model struct {
	st  theme.Styles
	dir string // the directory as typed
	// Status is the latest status read, At when it was read, Err why the
	// latest read failed (the status before it stays on screen).
	Status shardstatus.Status
	At     time.Time
	Err    error
	loaded bool
	pic    *runstate.Run
	w, h   int
}

// New is the view of the shards in dir (as the user typed it), not read
// yet.
func New(dir string, st theme.Styles) *Model {
	return &Model{st: st, dir: dir, w: 80, h: 24}
}

// Dir is the directory as typed.
func (m *Model) Dir() string { return m.dir }

// Loaded reports whether a status (or an error) has been read.
func (m *Model) Loaded() bool { return m.loaded }

// Set gives the view the shards' status read at at (or why it could not
// be read: the last status read stays).
func (m *Model) Set(s shardstatus.Status, err error, at time.Time) {
	m.loaded = true
	if err != nil {
		m.Err = err
		return
	}
	m.Status, m.At, m.Err = s, at, nil
	if s.Total == 0 {
		m.pic = nil // nothing recorded yet: no grid to draw
		return
	}
	pic := runstate.New(s.RunID, s.Plan, s.Results, s.Started)
	o := &runstate.Outside{Since: s.Started, ETA: s.ETA, ETAAt: at, Of: "all shards"}
	c := s.Counts()
	n := len(s.Shards)
	switch {
	case s.Finished():
		pic.Phase, o.Until = runstate.Finished, s.Last
		o.State = "✓ " + allShards(n) + " finished"
	case s.Active():
		pic.Phase, pic.Following = runstate.Stopped, true
		o.State = fmt.Sprintf("● %d of %s running: followed live", c[shardstatus.Running], bench.Plural(n, "shard"))
	default:
		pic.Phase, o.Until = runstate.Failed, s.Last
		o.State = fmt.Sprintf("✗ %d of %s failed", c[shardstatus.Failed], bench.Plural(n, "shard"))
	}
	pic.Outside = o
	m.pic = pic
}

func allShards(n int) string {
	if n == 1 {
		return "the shard"
	}
	return fmt.Sprintf("all %d shards", n)
}

// Picture is the run so far as the run view draws it (nil before any
// shard has recorded a result).
func (m *Model) Picture() *runstate.Run { return m.pic }

// Title is what the header says of the view: "shards of run 7 · go".
func (m *Model) Title() string {
	if m.pic == nil {
		return "shards, none with a result yet"
	}
	p := m.pic.Plan
	eng := p.EngineName()
	if !p.Vs.IsZero() {
		eng += " vs " + p.Vs.String()
	}
	return fmt.Sprintf("shards of run %d · %s", m.Status.RunID, eng)
}

// Key handles a key on the section: it has none of its own, so every key
// is an action for the workbench (quit, help; esc leaves as q does) or
// none — the run view's keys belong to the run view drawn under it.
func (m *Model) Key(msg tea.KeyMsg) keys.Action {
	switch {
	case key.Matches(msg, keys.Quit):
		return keys.ActQuit
	case key.Matches(msg, keys.Help):
		return keys.ActHelp
	case key.Matches(msg, keys.Back):
		return keys.ActClose
	case m.pic != nil && key.Matches(msg, keys.Open):
		return keys.ActDetail
	case m.pic != nil && key.Matches(msg, keys.Filter):
		return keys.ActFilter
	}
	return keys.ActNone
}

// glyphs mark each state so that it reads without colour.
var glyphs = map[string]string{
	shardstatus.Finished: "✓",
	shardstatus.Running:  "●",
	shardstatus.Queued:   "◌",
	shardstatus.Waiting:  "○",
	shardstatus.Failed:   "✗",
}

func (m *Model) stateStyle(state string) lipgloss.Style {
	switch state {
	case shardstatus.Finished:
		return m.st.Good
	case shardstatus.Running:
		return m.st.Running
	case shardstatus.Failed:
		return m.st.ErrText
	case shardstatus.Queued:
		return m.st.Paused
	}
	return m.st.Subtle
}

// title is the section's first line: the shards' states, where they come
// from, the configs done, the time left over all shards and when they
// were read.
func (m *Model) title(now time.Time, w int) string {
	s := m.Status
	c := s.Counts()
	var counts []string
	for _, state := range []string{shardstatus.Finished, shardstatus.Running, shardstatus.Queued, shardstatus.Waiting, shardstatus.Failed} {
		if c[state] > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", c[state], state))
		}
	}
	src := s.Source
	if w < 70 {
		src = strings.NewReplacer("file activity", "files", "squeue/sacct", "slurm").Replace(src)
	}
	head := bench.Plural(len(s.Shards), "shard")
	if w < 70 {
		head = "Shards"
	}
	parts := []string{fmt.Sprintf("%s (%s): %s", head, src, strings.Join(counts, ", "))}
	if w >= 100 && s.Total > 0 { // the progress line has them too
		parts = append(parts, fmt.Sprintf("%d/%d configs", s.Done, s.Total))
	}
	if s.ETA > 0 && s.Active() {
		left := max(0, s.ETA-max(0, now.Sub(m.At)))
		parts = append(parts, "ETA "+bench.FormatDuration(left))
	}
	if !m.At.IsZero() {
		parts = append(parts, "as of "+m.At.Local().Format("15:04:05"))
	}
	return m.st.PaneTitle.Render(theme.Cut(strings.Join(parts, " · "), w))
}

// hint says what to do next once no shard runs: merge.
func (m *Model) hint() string {
	s := m.Status
	switch {
	case s.Finished():
		return fmt.Sprintf("%s finished: hcbench merge %s writes the run's reports", allShards(len(s.Shards)), m.dir)
	case !s.Active() && len(s.Shards) > 0:
		return fmt.Sprintf("no shard runs: hcbench merge %s writes the run so far and what measures the rest", m.dir)
	}
	return ""
}

// cell is one shard in a few words: "1/3   ● running  4/7 node2", or
// short, "1/3 ● 4 of 7" (the title names the states).
func cell(sh shardstatus.Shard, short bool) string {
	count := ""
	if sh.Total > 0 {
		count = fmt.Sprintf("%d/%d", sh.Done, sh.Total)
	}
	if short {
		if sh.Total > 0 {
			count = fmt.Sprintf("%d of %d", sh.Done, sh.Total)
		}
		return strings.TrimSpace(fmt.Sprintf("%s %s %s", sh.Shard.String(), glyphs[sh.State], count))
	}
	t := strings.TrimSpace(fmt.Sprintf("%-5s %s %-8s %s", sh.Shard.String(), glyphs[sh.State], sh.State, count))
	if h, _, _ := strings.Cut(sh.Host, "."); h != "" {
		t += " " + theme.Cut(h, 14)
	}
	if sh.Scheduler != "" {
		t += " (" + strings.ToLower(sh.Scheduler) + ")"
	}
	return t
}

// Section is the shards' lines in w×maxH: the title, the hint once no
// shard runs, then the shards in as many columns as fit (the last cell
// says how many more there are when not all fit).
func (m *Model) Section(now time.Time, w, maxH int) []string {
	if maxH <= 0 {
		return nil
	}
	lines := []string{m.title(now, w)}
	if m.Err != nil && len(lines) < maxH {
		lines = append(lines, m.st.ErrText.Render(theme.Cut("✗ "+m.Err.Error(), w)))
	}
	if h := m.hint(); h != "" && len(lines) < maxH {
		hl := strings.Split(theme.Wrap(h, w), "\n")
		if len(hl) > 2 {
			hl = []string{hl[0], theme.Cut(strings.Join(hl[1:], " "), w)}
		}
		if room := maxH - len(lines); len(hl) > room {
			hl = []string{theme.Cut(strings.Join(hl, " "), w)}
		}
		for _, l := range hl {
			lines = append(lines, m.st.Good.Render(l))
		}
	}
	rows := maxH - len(lines)
	shs := m.Status.Shards
	if rows <= 0 || len(shs) == 0 {
		return lines
	}
	// Each shard in words while they all fit, else in short.
	var cells []string
	var cw, cols int
	gap := 3
	for _, short := range []bool{false, true} {
		cells, cw = make([]string, len(shs)), 0
		for i, sh := range shs {
			cells[i] = cell(sh, short)
			cw = max(cw, lipgloss.Width(cells[i]))
		}
		if short {
			gap = 2
		}
		cw = min(cw, w)
		cols = max(1, (w+gap)/(cw+gap))
		if len(shs) <= cols*rows {
			break
		}
	}
	show := len(shs)
	if show > cols*rows {
		show = cols*rows - 1
	}
	var row []string
	flush := func() {
		if len(row) > 0 {
			lines = append(lines, theme.Cut(strings.Join(row, strings.Repeat(" ", gap)), w))
			row = nil
		}
	}
	for i := 0; i < show; i++ {
		txt := theme.Pad(theme.Cut(cells[i], cw), cw)
		row = append(row, m.stateStyle(shs[i].State).Render(txt))
		if len(row) == cols {
			flush()
		}
	}
	if show < len(shs) {
		more := len(shs) - show
		row = append(row, m.st.Subtle.Render(fmt.Sprintf("+%d more (%s–%s)", more, shs[show].Shard, shs[len(shs)-1].Shard)))
	}
	flush()
	return lines
}

// SectionHeight is how many lines the shards get in a body of bodyH
// (zoomed: a pane of the run view has it all): the title alone then or on
// a short screen, else a few rows (more on a tall screen), and the hint
// once no shard runs.
func (m *Model) SectionHeight(bodyH int, zoomed bool) int {
	n := 2
	switch {
	case zoomed || bodyH < 10:
		return 1
	case bodyH >= 30:
		n = 7
	case bodyH >= 18:
		n = 3
	}
	if m.hint() != "" {
		n++ // the hint is worth a table row
	}
	return min(n, bodyH)
}

// Empty is what the body says instead of the run while no shard has a
// result ("" once one has).
func (m *Model) Empty() string {
	switch {
	case m.pic != nil:
		return ""
	case len(m.Status.Shards) == 0 && m.Err == nil:
		return "no shards in " + m.dir
	}
	return "no shard has recorded a result yet: the run's progress, table, chart and heatmap fill in as they do"
}

func (m *Model) Init() tea.Cmd { return nil }

// Update answers a key (Key); what it asks of the workbench comes back as
// a keys.ActionMsg.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		return m, m.Key(k).Cmd()
	}
	return m, nil
}

// SetSize sets the size View draws in.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// View is the section at the size set, now (reading… before any status).
func (m *Model) View() string {
	if !m.loaded {
		return m.st.Subtle.Render(theme.Cut("reading the shards in "+m.dir+"…", m.w))
	}
	return strings.Join(m.Section(time.Now(), m.w, m.SectionHeight(m.h, false)), "\n")
}
