package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

func newProgressBar() progress.Model {
	// The bar follows lipgloss's colour profile so NO_COLOR reaches it too
	// (left alone it asks the terminal directly).
	return progress.New(progress.WithDefaultGradient(), progress.WithoutPercentage(),
		progress.WithColorProfile(lipgloss.ColorProfile()))
}

// stateText is the sweep's state in a word or two, with a glyph so it
// reads without colour.
func (v *runView) stateText() string {
	s := v.sw
	switch {
	case v.quitting:
		return v.st.Paused.Render("■ stopping, saving…")
	case s.phase == phaseFinished:
		return v.st.Good.Render("✓ finished")
	case s.phase == phaseCancelled:
		return v.st.Warn.Render("■ stopped")
	case s.phase == phaseFailed:
		return v.st.ErrText.Render("✗ failed")
	case s.paused:
		return v.st.Paused.Render("⏸ paused")
	}
	return v.st.Running.Render("▶ running")
}

// runningText names the config and depth being measured now.
func (v *runView) runningText() string {
	s := v.sw
	if s.running == nil || !s.active() {
		return ""
	}
	t := s.running.String()
	if s.depth > 0 {
		t += fmt.Sprintf(" · depth %d", s.depth)
	}
	if s.plan.Repeats > 1 {
		t += fmt.Sprintf(" · repeat %d/%d", s.repeat+1, s.plan.Repeats)
	}
	return t
}

func (v *runView) timesText(now time.Time) string {
	s := v.sw
	t := "elapsed " + bench.FormatDuration(s.elapsedAt(now))
	switch {
	case s.active() && s.paused:
		t += " · ETA on hold while paused"
	case s.active():
		eta, measured := s.eta()
		if measured {
			t += " · ETA " + bench.FormatDuration(eta)
		} else {
			t += " · ETA ≥ " + bench.FormatDuration(eta)
		}
	}
	return t
}

// completed is the share of the sweep done, counting what is measured of
// the configs in flight so the bar moves during long configs (the
// tracker's reckoning: several configs are in flight at once).
func (s *runState) completed() float64 {
	if s.total <= 0 {
		return 0
	}
	if !s.active() {
		return min(1, float64(s.done)/float64(s.total))
	}
	return s.tr.Percent() / 100
}

// progressView is the progress pane's content: the bar with done/total and
// percent, then times, state and what is running.
func (v *runView) progressView(w int) string {
	s := v.sw
	count := fmt.Sprintf(" %d/%d", s.done, s.total)
	frac := s.completed()
	pct := fmt.Sprintf(" %3.0f%%", 100*frac)
	bar := v.progress
	bar.Width = max(4, w-len(count)-len(pct))
	line1 := bar.ViewAs(frac) + v.st.Value.Render(count) + v.st.Subtle.Render(pct)

	parts := []string{v.stateText(), v.timesText(v.now)}
	if r := v.runningText(); r != "" {
		parts = append(parts, r)
	}
	if c := s.contentionText(); c != "" {
		parts = append(parts, v.st.Subtle.Render(c))
	}
	line2 := strings.Join(parts, v.st.Subtle.Render(" · "))
	if s.err != nil {
		line2 += "  " + v.st.ErrText.Render(s.err.Error())
	}
	return line1 + "\n" + theme.Cut(line2, w)
}

// compactProgressView fits the same facts on three short lines.
func (v *runView) compactProgressView(w int) string {
	s := v.sw
	frac := s.completed()
	count := fmt.Sprintf(" %d/%d", s.done, s.total)
	bar := v.progress
	bar.Width = max(4, w-len(count))
	lines := []string{
		bar.ViewAs(frac) + v.st.Value.Render(count),
		theme.Cut(v.stateText()+v.st.Subtle.Render(" · ")+v.timesText(v.now), w),
	}
	if r := v.runningText(); r != "" {
		lines = append(lines, theme.Cut(r, w))
	}
	return strings.Join(lines, "\n")
}

// contentionText says how many measurements of the results so far were
// left out as contended (the headless summary's Contention line, short),
// "" when none were.
func (s *runState) contentionText() string {
	if s.contended == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d measurements contended, left out", s.contended, s.measured)
}
