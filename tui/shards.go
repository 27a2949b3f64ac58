package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/report/shardstatus"
	"github.com/hcbench/hcbench/tui/views/runview"
	"github.com/hcbench/hcbench/tui/widgets/keys"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// hcbench show on the shards of a sweep not merged yet follows them live
// (tui/views/shardview): their status (report/shardstatus) is read off the
// UI goroutine, by the history's own follow ticks — every followInterval
// the shards' files are looked at (a stat each), and read again when they
// changed, or at least every shardsReread (a scheduler's states change
// without a file changing, and a shard that went quiet counts as failed).

const (
	shardsReread  = 5 * time.Second
	shardsTimeout = 10 * time.Second // squeue/sacct that do not answer
)

// shardsRead is the command that reads the shards' status again when
// their files changed or the last read is older than shardsReread (every
// time with force); nil while a read is under way.
func (a *app) shardsRead(force bool) tea.Cmd {
	v := a.views.shards
	if v == nil || a.shardsReading {
		return nil
	}
	a.shardsReading = true
	dir, prev, last, now, ctx := a.resolve(v.Dir()), a.shardsStamp, a.shardsAt, a.now(), a.ctx
	return safeCmd(func() tea.Msg {
		stamp := shardstatus.Stamp(dir)
		if !force && stamp == prev && now.Sub(last) < shardsReread && now.Sub(last) >= 0 {
			return applyMsg(func(a *app) { a.shardsReading = false })
		}
		ctx, cancel := context.WithTimeout(ctx, shardsTimeout)
		defer cancel()
		st, err := shardstatus.Read(ctx, dir, now)
		return applyMsg(func(a *app) {
			a.shardsReading = false
			a.shardsStamp, a.shardsAt = stamp, now
			if a.views.shards == v {
				a.setShards(st, err, now)
			}
		})
	})
}

// shardsKey hands a key to the shards' view: it reads only, so keys that
// would change a run are refused as everywhere under hcbench show.
func (a *app) shardsKey(msg tea.KeyMsg) tea.Cmd {
	v := a.views.shards
	switch {
	case key.Matches(msg, keys.ABView):
		a.openAB()
		return nil
	case key.Matches(msg, keys.Save):
		a.setStatus(fmt.Sprintf("%s: each shard writes its own results; hcbench merge %s writes the run's reports", showNote, a.outDir()), false)
		return nil
	}
	act := v.Key(msg)
	if act == keys.ActNone && v.Picture() != nil {
		rv := a.views.shardsRun
		rv.SetRun(v.Picture())
		act = rv.Key(msg, false) // sort, scroll, zoom, metric, axes; r e p s come back to be refused
	}
	switch act {
	case keys.ActClose:
		return a.quit() // the shards are all there is
	case keys.ActDetail:
		a.openDetail()
	case keys.ActFilter:
		a.views.filter = runview.NewFilterInput(a.focusTable().Filter().String())
	default:
		return a.do(act)
	}
	return nil
}

// setShards gives the shards' view a status read at now; the run view
// under it keeps its choices (sort, zoom, filter, metric) while the run
// is the same one, grown.
func (a *app) setShards(st shardstatus.Status, err error, now time.Time) {
	v := a.views.shards
	before := v.Picture()
	v.Set(st, err, now)
	switch after := v.Picture(); {
	case after == nil || after == before:
	case before != nil && before.RunID == after.RunID:
		a.views.shardsRun.Reset()
	default:
		a.views.shardsRun = runview.New(a.st)
	}
}

// shardsBody draws the shards' view in bodyH lines of a w×h terminal: the
// shards, then the run so far in the run view's layout for the height
// left (only the shards' title while a pane is zoomed).
func (a *app) shardsBody(w, h, bodyH int) string {
	v, rv := a.views.shards, a.views.shardsRun
	now := a.now()
	if !v.Loaded() {
		return a.st.Subtle.Render(theme.Cut("reading the shards in "+a.outDir()+"…", w))
	}
	sec := v.Section(now, w, v.SectionHeight(bodyH, rv.Zoom != runview.ZoomOff))
	top := strings.Join(sec, "\n")
	if e := v.Empty(); e != "" {
		return top + "\n" + a.st.Subtle.Render(theme.Wrap(e, w))
	}
	rest := bodyH - len(sec)
	if rest <= 0 {
		return top
	}
	return top + "\n" + rv.Draw(v.Picture(), now, false, false, w, h, rest)
}
