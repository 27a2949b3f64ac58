package main

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report"
)

// redrawInterval limits how often the in-place progress line is redrawn:
// often enough to look live, rarely enough not to cost the sweep anything.
const redrawInterval = 100 * time.Millisecond

// heartbeatInterval is how long a piped progress log may stay silent while
// a config runs: CI watchdogs kill jobs that print nothing for minutes.
const heartbeatInterval = 30 * time.Second

// progress shows a headless sweep's progress on stderr, as engine.Tracker
// reckons it. On a terminal it is one line redrawn in place; on a pipe or
// file it is one plain line per measured config (and a heartbeat line
// during a long one), so that logs stay short and free of escape codes.
type progress struct {
	w        io.Writer
	terminal bool
	color    bool // terminal and NO_COLOR unset: escape codes allowed
	width    int  // terminal columns, 0 when unknown
	tr       *sweep.Tracker
	now      time.Time // the latest clock reading (event or tick)

	lastDraw  time.Time
	lastLine  time.Time // when a piped line was last printed
	drawnCols int       // visible width of the line on screen, 0 when none
}

func newProgress(w io.Writer, env environment, prior []bench.Result) *progress {
	return &progress{
		w:        w,
		terminal: env.stderrTerminal,
		color:    env.stderrTerminal && !env.noColor,
		width:    env.stderrWidth,
		tr:       sweep.NewTracker(prior),
	}
}

// event updates the display with one engine event.
func (p *progress) event(ev sweep.Event) {
	p.tr.Apply(ev)
	now := ev.Time
	if now.IsZero() {
		now = time.Now()
	}
	p.now = now
	if p.lastLine.IsZero() {
		p.lastLine = now
	}
	switch ev.Kind {
	case sweep.ConfigStarted, sweep.PlanChanged, sweep.Paused, sweep.Resumed:
		p.draw(now, true)
	case sweep.Progress:
		p.draw(now, false)
	case sweep.ConfigFinished:
		if ev.Reused {
			// Reused results arrive together at the start of a resumed run;
			// the first measured config's line shows their count.
			return
		}
		if p.terminal {
			p.draw(now, true)
			return
		}
		line := fmt.Sprintf("hcbench: %s finished %s", p.counts(), ev.Config)
		if ev.Result != nil {
			line += "  median time/epoch " + report.FormatSeconds(report.Headline(*ev.Result))
		}
		fmt.Fprintf(p.w, "%s  elapsed %s  ETA %s\n", line, report.FormatDuration(p.tr.Elapsed(now)), p.eta(now))
		p.lastLine = now
	}
}

// tick advances the clock between events, so that elapsed time and ETA
// keep moving during long epochs, and a piped log gets its heartbeat.
func (p *progress) tick(now time.Time) {
	p.now = now
	if !p.terminal {
		if p.tr.Running && !p.lastLine.IsZero() && now.Sub(p.lastLine) >= heartbeatInterval {
			fmt.Fprintf(p.w, "hcbench: %s  elapsed %s  ETA %s%s\n", p.counts(), report.FormatDuration(p.tr.Elapsed(now)),
				p.eta(now), p.running())
			p.lastLine = now
		}
		return
	}
	p.draw(now, false)
}

// elapsed is the run's wall time so far.
func (p *progress) elapsed() time.Duration { return p.tr.Elapsed(p.now) }

// say prints a message on a line of its own, clearing the progress line
// first and redrawing it after.
func (p *progress) say(format string, args ...any) {
	wasDrawn := p.drawnCols > 0
	p.clear()
	fmt.Fprintf(p.w, "hcbench: "+format+"\n", args...)
	if !p.now.IsZero() {
		p.lastLine = p.now
	}
	if wasDrawn {
		p.draw(p.now, true)
	}
}

// clear removes the in-place line, so that whatever is printed next starts
// on a clean line.
func (p *progress) clear() {
	if !p.terminal || p.drawnCols == 0 {
		return
	}
	if p.color {
		io.WriteString(p.w, "\r\x1b[2K")
	} else {
		// Without escape codes: overwrite with spaces.
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.drawnCols))
	}
	p.drawnCols = 0
}

// draw redraws the terminal line; unforced redraws are rate-limited by the
// events' own clock.
func (p *progress) draw(now time.Time, force bool) {
	if !p.terminal {
		return
	}
	if !force && now.Sub(p.lastDraw) < redrawInterval {
		return
	}
	p.lastDraw = now
	line := fmt.Sprintf("%s  elapsed %s  ETA %s%s", p.counts(), report.FormatDuration(p.tr.Elapsed(now)), p.eta(now), p.running())
	// A line wider than the terminal wraps and \r then redraws only its
	// last part: cut it to fit.
	if p.width > 1 {
		line = truncateCols(line, p.width-1)
	}
	cols := utf8.RuneCountInString(line)
	if p.color {
		fmt.Fprintf(p.w, "\r\x1b[2K\x1b[1m%s\x1b[0m", line)
	} else {
		pad := ""
		if p.drawnCols > cols {
			pad = strings.Repeat(" ", p.drawnCols-cols)
		}
		fmt.Fprintf(p.w, "\r%s%s", line, pad)
		if cols < p.drawnCols {
			cols = p.drawnCols
		}
	}
	p.drawnCols = max(cols, 1)
}

// running is "  running D=3 K=3 T=48 depth 2", "  paused" or "".
func (p *progress) running() string {
	switch {
	case p.tr.Paused:
		return "  paused"
	case !p.tr.Running:
		return ""
	}
	s := "  running " + p.tr.Config.String()
	if p.tr.Depth > 0 {
		s += fmt.Sprintf(" depth %d", p.tr.Depth)
	}
	return s
}

// counts is "7/12  58%".
func (p *progress) counts() string {
	return fmt.Sprintf("%d/%d %3.0f%%", p.tr.Done, p.tr.Total, p.tr.Percent())
}

// eta is the tracker's estimate, "--" until it has one.
func (p *progress) eta(now time.Time) string {
	d, ok := p.tr.ETA(now)
	switch {
	case !ok:
		return "--"
	case d <= 0:
		return "0s"
	}
	return report.FormatDuration(d)
}

// truncateCols cuts s to at most n runes, marking the cut with "…".
func truncateCols(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
