// Package console prints a headless run on a stream (hcbench's stderr):
// the notes of its opening, its progress as the sweep tracker reckons it,
// the warnings of the run as they happen, and the line that says how it
// ended. On a terminal the progress is one line redrawn in place; on a
// pipe or a file it is one plain line per finished config, plus a
// heartbeat while a long config runs, so that logs stay short and free of
// escape codes. The summary itself is the session's (Outcome.WriteSummary),
// printed on stdout.
package console

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/session"
)

// RedrawInterval limits how often the in-place line is redrawn: often
// enough to look live, rarely enough not to cost the sweep anything.
const RedrawInterval = 100 * time.Millisecond

// HeartbeatInterval is how long a piped log stays silent at most while a
// config runs: CI watchdogs kill jobs that print nothing for minutes.
const HeartbeatInterval = 30 * time.Second

// prefix opens every line the printer writes.
const prefix = "hcbench: "

// Options say what the stream is.
type Options struct {
	// Terminal: the stream is a terminal, so the progress line is redrawn
	// in place. Otherwise lines are only ever appended.
	Terminal bool
	// Term is $TERM: "dumb" takes no escape codes (the line is then
	// redrawn with carriage returns and spaces alone).
	Term string
	// NoColor is $NO_COLOR set: no escape codes either.
	NoColor bool
	// Width is the terminal's columns, 0 when unknown.
	Width int
	// Prior are the results a resumed run had before this sweep: the
	// elapsed time goes on from theirs.
	Prior []bench.Result
}

// Printer prints one run. It is not safe for concurrent use: one loop
// feeds it the session's updates and a clock.
type Printer struct {
	w       io.Writer
	live    bool // redrawn in place
	escapes bool // escape codes allowed
	width   int
	tr      *sweep.Tracker
	now     time.Time // the latest clock reading (update or tick)

	lastDraw time.Time
	lastLine time.Time // when a piped line was last printed
	drawn    int       // visible width of the line on screen, 0 when none
}

// New prints on w as opt describes it.
func New(w io.Writer, opt Options) *Printer {
	return &Printer{
		w:       w,
		live:    opt.Terminal,
		escapes: opt.Terminal && !opt.NoColor && opt.Term != "dumb",
		width:   opt.Width,
		tr:      sweep.NewTracker(opt.Prior),
	}
}

// Note prints each message on a line of its own ("hcbench: msg"),
// clearing the progress line first and drawing it again after.
func (p *Printer) Note(msgs ...string) {
	wasDrawn := p.drawn > 0
	p.Clear()
	for _, msg := range msgs {
		fmt.Fprintf(p.w, "%s%s\n", prefix, msg)
	}
	if !p.now.IsZero() {
		p.lastLine = p.now
	}
	if wasDrawn {
		p.draw(p.now, true)
	}
}

// Update shows one update of the session: its event on the progress
// line, the note that came with it, and a warning when a measured config
// is noisy (said as it happens, so that a long sweep's log shows it next
// to the config; the summary repeats it).
func (p *Printer) Update(u session.Update) {
	ev := u.Event
	p.tr.Apply(ev)
	now := ev.Time
	if now.IsZero() {
		now = time.Now()
	}
	p.now = now
	if p.lastLine.IsZero() {
		p.lastLine = now
	}
	if u.Note != "" {
		p.Note(u.Note)
	}
	switch ev.Kind {
	case sweep.SweepStarted:
		if !p.live {
			p.line(measuring(ev.Done, ev.Total))
		}
		p.draw(now, true)
	case sweep.ConfigStarted, sweep.PlanChanged, sweep.Paused, sweep.Resumed:
		p.draw(now, true)
	case sweep.Progress:
		p.draw(now, false)
	case sweep.ConfigFinished:
		// Reused results arrive together at the start of a resumed run:
		// the first measured config's line shows their count. A config
		// dropped from the grid has its note.
		if ev.Reused || u.Dropped {
			return
		}
		p.finished(ev, now)
		if ev.Result != nil {
			if msg := report.NoiseWarning(*ev.Result); msg != "" {
				p.Note("warning: " + msg)
			}
		}
	}
}

// measuring is the piped log's first line of a sweep.
func measuring(done, total int) string {
	if done >= total && total > 0 {
		return fmt.Sprintf("nothing left to measure: the %d configs were done before", total)
	}
	if done > 0 {
		return fmt.Sprintf("measuring %d of %d configs (%d done before)", total-done, total, done)
	}
	return fmt.Sprintf("measuring %d config%s", total, plural(total))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// finished shows a measured config's end: redrawn on a terminal, a line
// of its own on a pipe.
func (p *Printer) finished(ev sweep.Event, now time.Time) {
	if p.live {
		p.draw(now, true)
		return
	}
	s := fmt.Sprintf("%s finished %s", p.counts(), ev.Config)
	if r := ev.Result; r != nil {
		s += "  median time/epoch " + bench.FormatSeconds(report.Headline(*r))
		if r.Contended > 0 {
			s += fmt.Sprintf(" (%d of %d measurements contended, left out)", r.Contended, len(r.Measurements))
		}
	}
	p.line(fmt.Sprintf("%s  elapsed %s  ETA %s", s, bench.FormatDuration(p.tr.Elapsed(now)), p.eta(now)))
}

// line appends a piped line.
func (p *Printer) line(s string) {
	fmt.Fprintf(p.w, "%s%s\n", prefix, s)
	p.lastLine = p.now
}

// Tick advances the clock between updates, so that the elapsed time and
// the ETA keep moving during long epochs, and a piped log gets its
// heartbeat.
func (p *Printer) Tick(now time.Time) {
	p.now = now
	if p.live {
		p.draw(now, false)
		return
	}
	if p.tr.Running && !p.lastLine.IsZero() && now.Sub(p.lastLine) >= HeartbeatInterval {
		p.line(p.status(now))
	}
}

// Elapsed is the run's wall time so far.
func (p *Printer) Elapsed() time.Duration { return p.tr.Elapsed(p.now) }

// Clear removes the in-place line, so that whatever is printed next
// starts on a clean line.
func (p *Printer) Clear() {
	if !p.live || p.drawn == 0 {
		return
	}
	if p.escapes {
		io.WriteString(p.w, "\r\x1b[2K")
	} else {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.drawn))
	}
	p.drawn = 0
}

// draw redraws the terminal line; unforced redraws are rate-limited by the
// updates' own clock.
func (p *Printer) draw(now time.Time, force bool) {
	if !p.live || (!force && now.Sub(p.lastDraw) < RedrawInterval) {
		return
	}
	p.lastDraw = now
	line := p.status(now)
	// A line wider than the terminal wraps, and \r then redraws only its
	// last part: cut it to fit.
	if p.width > 1 {
		line = truncate(line, p.width-1)
	}
	cols := utf8.RuneCountInString(line)
	if p.escapes {
		fmt.Fprintf(p.w, "\r\x1b[2K\x1b[1m%s\x1b[0m", line)
	} else {
		// Without escape codes: pad over what a longer line left.
		fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", max(0, p.drawn-cols)))
		cols = max(cols, p.drawn)
	}
	p.drawn = max(cols, 1)
}

// status is "7/12  58%  elapsed 1.2s  ETA 0.8s  running D=3 K=3 T=48 depth 2".
func (p *Printer) status(now time.Time) string {
	return fmt.Sprintf("%s  elapsed %s  ETA %s%s", p.counts(), bench.FormatDuration(p.tr.Elapsed(now)), p.eta(now), p.running())
}

// running is "  running D=3 K=3 T=48 depth 2", "  paused" or "".
func (p *Printer) running() string {
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
func (p *Printer) counts() string {
	return fmt.Sprintf("%d/%d %3.0f%%", p.tr.Done, p.tr.Total, p.tr.Percent())
}

// eta is the tracker's estimate, "--" until it has one.
func (p *Printer) eta(now time.Time) string {
	d, ok := p.tr.ETA(now)
	switch {
	case !ok:
		return "--"
	case d <= 0:
		return "0s"
	}
	return bench.FormatDuration(d)
}

// truncate cuts s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Follow prints updates until the channel is closed, advancing the clock
// every second in between. When stop is closed first, it says once that
// the sweep is stopping, and why (reason: e.g. "SIGINT"; nothing is said
// when it returns "").
func (p *Printer) Follow(updates <-chan session.Update, stop <-chan struct{}, reason func() string) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for updates != nil {
		select {
		case u, ok := <-updates:
			if !ok {
				updates = nil
				continue
			}
			p.Update(u)
		case now := <-ticker.C:
			p.Tick(now)
		case <-stop:
			stop = nil
			if why := reason(); why != "" {
				p.Note(why + ": stopping after the current epoch; finished configs are kept")
			}
		}
	}
	p.Clear()
}

// End prints how the run ended: the session's summary on summary
// (stdout), and on the printer's stream the lasting line — what a signal
// left (signal names it, "" when none came) or, on a terminal, whose
// progress line is gone, what a complete run took — then why the sweep
// failed and what could not be saved.
func (p *Printer) End(o session.Outcome, summary io.Writer, signal string) {
	p.Clear()
	if err := o.WriteSummary(summary); err != nil {
		// stdout gone (a closed pipe): the files are what matters.
		p.Note("cannot print the summary: " + oneLine(err))
	}
	switch {
	case o.Stopped && signal != "" && o.Done == 0:
		p.Note(fmt.Sprintf("interrupted by %s before any config finished: nothing was recorded, and the reports in %s were left as they were",
			signal, o.Paths.Dir))
	case o.Stopped && signal != "":
		saved := " and saved"
		if o.SaveErr != nil {
			saved = "" // the error says what could not be written
		}
		p.Note(fmt.Sprintf("interrupted by %s: %d of %d configs finished%s", signal, o.Done, o.Total, saved))
	case p.live && o.Complete():
		p.Note(fmt.Sprintf("%s in %s", bench.Plural(o.Done, "config"), bench.FormatDuration(p.Elapsed())))
	}
	if o.Err != nil && !o.Stopped {
		p.Note("the sweep failed: " + oneLine(o.Err))
	}
	if o.SaveErr != nil {
		// Last, even after an interruption: 130 promises the results are
		// saved, so this is what the run ends with.
		p.Note(fmt.Sprintf("cannot save the reports in %q: %s", o.Paths.Dir, oneLine(o.SaveErr)))
	}
}

// oneLine is err's message on one line.
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}

// NotStarted says that no sweep was started, so nothing was measured or
// saved: interrupted by signal (its name; "" when the user just left).
func (p *Printer) NotStarted(signal string) {
	what := "no sweep was started"
	if signal != "" {
		what = "interrupted by " + signal + " before the sweep started"
	}
	p.Note(what + ": nothing was measured or saved")
}

// Gate applies a --fail-on-regression gate of pct percent to b: it names
// on the printer's stream the configs slower than the baseline by more
// than pct percent with confidence and reports whether there are any. A
// gate that compared nothing must not pass: that is an error.
func (p *Printer) Gate(b *compare.Baseline, pct float64) (failed bool, err error) {
	if len(b.Entries) == 0 {
		return false, fmt.Errorf("--fail-on-regression: no config of this run is in the baseline %s, so nothing was compared", b.Path)
	}
	if b.Invalid == len(b.Entries) {
		return false, fmt.Errorf("--fail-on-regression: every config matched in %s holds values no measurement can take, so nothing was compared (see the notes)", b.Path)
	}
	regs := b.Regressions(pct)
	if len(regs) == 0 {
		return false, nil
	}
	p.Note(fmt.Sprintf("%d of %d configs are slower than the baseline by more than %g%% (the interval of the ratio of medians, at Holm's level, lies above %g): %s",
		len(regs), len(b.Entries), pct, 1+pct/100, report.DescribeEntries(regs)))
	return true, nil
}
