package main

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hcbench/hcbench/engine"
	"github.com/hcbench/hcbench/report"
)

// redrawInterval limits how often the in-place progress line is redrawn:
// often enough to look live, rarely enough not to cost the sweep anything.
const redrawInterval = 100 * time.Millisecond

// progress shows a headless sweep's progress on stderr. On a terminal it is
// one line redrawn in place; on a pipe or file it is one plain line per
// measured config, so that logs stay short and free of escape codes.
type progress struct {
	w        io.Writer
	terminal bool
	color    bool // terminal and NO_COLOR unset: escape codes allowed
	width    int  // terminal columns, 0 when unknown

	done, total int
	measured    int           // configs measured by this process (not reused)
	measureFrom time.Duration // sweep time when the first measurement began
	started     bool          // a measurement has begun
	running     bool
	cfg         engine.Config
	depth       int
	repeat      int
	fraction    float64
	elapsed     time.Duration
	sweepStart  time.Time // wall time of the sweep's start, for tick

	lastDraw  time.Time
	drawnCols int // visible width of the line on screen, 0 when none
}

func newProgress(w io.Writer, env environment) *progress {
	return &progress{
		w:        w,
		terminal: env.stderrTerminal,
		color:    env.stderrTerminal && !env.noColor,
		width:    env.stderrWidth,
	}
}

// event updates the display with one engine event.
func (p *progress) event(ev engine.Event) {
	if ev.Total > 0 || ev.Kind == engine.SweepStarted {
		p.done, p.total = ev.Done, ev.Total
	}
	p.elapsed = ev.Elapsed
	now := ev.Time
	if now.IsZero() {
		now = time.Now()
	}
	switch ev.Kind {
	case engine.SweepStarted:
		p.sweepStart = ev.Time.Add(-ev.Elapsed)
	case engine.ConfigStarted:
		if !p.started {
			p.started = true
			p.measureFrom = ev.Elapsed
		}
		p.running, p.cfg, p.depth, p.repeat, p.fraction = true, ev.Config, 0, 0, 0
		p.draw(now, true)
	case engine.Progress:
		p.cfg, p.depth, p.repeat, p.fraction = ev.Config, ev.Depth, ev.Repeat, ev.Fraction
		p.draw(now, false)
	case engine.ConfigFinished:
		if ev.Reused {
			// Reused results arrive together at the start of a resumed run;
			// the first measured config's line shows their count.
			return
		}
		p.measured++
		p.running, p.fraction = false, 0
		if p.terminal {
			p.draw(now, true)
			return
		}
		line := fmt.Sprintf("hcbench: %s finished %s", p.counts(), ev.Config)
		if ev.Result != nil {
			line += "  time/epoch " + report.FormatSeconds(ev.Result.TimeEpochMean)
		}
		fmt.Fprintf(p.w, "%s  elapsed %s  ETA %s\n", line, report.FormatDuration(p.elapsed), p.eta())
	case engine.PlanChanged:
		p.draw(now, true)
	}
}

// tick advances the clock between events, so that elapsed time and ETA
// keep moving during long epochs.
func (p *progress) tick(now time.Time) {
	if !p.terminal || p.sweepStart.IsZero() {
		return
	}
	p.elapsed = now.Sub(p.sweepStart)
	p.draw(now, false)
}

// say prints a message on a line of its own, clearing the progress line
// first and redrawing it after.
func (p *progress) say(format string, args ...any) {
	wasDrawn := p.drawnCols > 0
	p.clear()
	fmt.Fprintf(p.w, "hcbench: "+format+"\n", args...)
	if wasDrawn {
		p.draw(time.Now(), true)
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
	line := fmt.Sprintf("%s  elapsed %s  ETA %s", p.counts(), report.FormatDuration(p.elapsed), p.eta())
	if p.running {
		line += "  running " + p.cfg.String()
		if p.depth > 0 {
			line += fmt.Sprintf(" depth %d", p.depth)
		}
	}
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

// counts is "7/12  58%".
func (p *progress) counts() string {
	pct := 0.0
	if p.total > 0 {
		pct = 100 * (float64(p.done) + p.fraction) / float64(p.total)
	}
	return fmt.Sprintf("%d/%d %3.0f%%", p.done, p.total, pct)
}

// eta extrapolates the time per measured config (configs reused from a
// resumed run took no time now) to the configs left.
func (p *progress) eta() string {
	work := float64(p.measured) + p.fraction
	left := float64(p.total-p.done) - p.fraction
	if left <= 0 {
		return "0s"
	}
	if work <= 0 || !p.started {
		return "--"
	}
	per := float64(p.elapsed-p.measureFrom) / work
	return report.FormatDuration(time.Duration(per * left))
}

// truncateCols cuts s to at most n runes, marking the cut with "…".
func truncateCols(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
