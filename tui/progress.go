package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/report"
)

func newProgressBar() progress.Model {
	// The bar follows lipgloss's colour profile so NO_COLOR reaches it too
	// (left alone it asks the terminal directly).
	return progress.New(progress.WithDefaultGradient(), progress.WithoutPercentage(),
		progress.WithColorProfile(lipgloss.ColorProfile()))
}

// stateText is the sweep's state in a word or two, with a glyph so it
// reads without colour.
func (a *app) stateText() string {
	s := a.sw
	switch {
	case a.quitting:
		return a.st.paused.Render("■ stopping, saving…")
	case s.phase == phaseFinished:
		return a.st.good.Render("✓ finished")
	case s.phase == phaseCancelled:
		return a.st.warn.Render("■ stopped")
	case s.phase == phaseFailed:
		return a.st.errText.Render("✗ failed")
	case s.paused:
		return a.st.paused.Render("⏸ paused")
	}
	return a.st.running.Render("▶ running")
}

// runningText names the config and depth being measured now.
func (a *app) runningText() string {
	s := a.sw
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

func (a *app) timesText(now time.Time) string {
	s := a.sw
	t := "elapsed " + report.FormatDuration(s.elapsedAt(now))
	if s.active() {
		eta, measured := s.eta()
		if measured {
			t += " · ETA " + report.FormatDuration(eta)
		} else {
			t += " · ETA ≥ " + report.FormatDuration(eta)
		}
	}
	return t
}

// completed is the share of the sweep done, counting the running config's
// own progress so the bar moves during long configs.
func (s *sweep) completed() float64 {
	if s.total <= 0 {
		return 0
	}
	done := float64(s.done)
	if s.running != nil && s.active() {
		done += min(1, max(0, s.fraction))
	}
	return min(1, done/float64(s.total))
}

// progressView is the progress pane's content: the bar with done/total and
// percent, then times, state and what is running.
func (a *app) progressView(w int) string {
	s := a.sw
	count := fmt.Sprintf(" %d/%d", s.done, s.total)
	frac := s.completed()
	pct := fmt.Sprintf(" %3.0f%%", 100*frac)
	bar := a.progress
	bar.Width = max(4, w-len(count)-len(pct))
	line1 := bar.ViewAs(frac) + a.st.value.Render(count) + a.st.subtle.Render(pct)

	parts := []string{a.stateText(), a.timesText(a.now())}
	if r := a.runningText(); r != "" {
		parts = append(parts, r)
	}
	line2 := strings.Join(parts, a.st.subtle.Render(" · "))
	if s.err != nil {
		line2 += "  " + a.st.errText.Render(s.err.Error())
	}
	return line1 + "\n" + truncate(line2, w)
}

// compactProgressView fits the same facts on three short lines.
func (a *app) compactProgressView(w int) string {
	s := a.sw
	frac := s.completed()
	count := fmt.Sprintf(" %d/%d", s.done, s.total)
	bar := a.progress
	bar.Width = max(4, w-len(count))
	lines := []string{
		bar.ViewAs(frac) + a.st.value.Render(count),
		truncate(a.stateText()+a.st.subtle.Render(" · ")+a.timesText(a.now()), w),
	}
	if r := a.runningText(); r != "" {
		lines = append(lines, truncate(r, w))
	}
	return strings.Join(lines, "\n")
}
