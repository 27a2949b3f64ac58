package runview

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/tui/widgets/runstate"
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
func (v *Model) stateText() string {
	s := v.sw
	switch {
	case v.quitting:
		return v.st.Paused.Render("■ stopping, saving…")
	case s.Outside != nil && s.Phase == runstate.Finished:
		return v.st.Good.Render(s.Outside.State)
	case s.Outside != nil && s.Phase == runstate.Failed:
		return v.st.ErrText.Render(s.Outside.State)
	case s.Outside != nil:
		return v.st.Running.Render(s.Outside.State)
	case s.Phase == runstate.Finished:
		return v.st.Good.Render("✓ finished")
	case s.Following:
		return v.st.Running.Render("● being written by another hcbench: followed live")
	case s.Phase == runstate.Stopped:
		return v.st.Warn.Render("■ stopped")
	case s.Phase == runstate.Failed:
		return v.st.ErrText.Render("✗ failed")
	case s.Paused:
		return v.st.Paused.Render("⏸ paused")
	}
	return v.st.Running.Render("▶ running")
}

// runningText names the config and depth being measured now.
func (v *Model) runningText() string {
	s := v.sw
	if s.Running == nil || !s.Active() {
		return ""
	}
	t := s.Running.String()
	if s.Depth > 0 {
		t += fmt.Sprintf(" · depth %d", s.Depth)
	}
	if s.Plan.Repeats > 1 {
		t += fmt.Sprintf(" · repeat %d/%d", s.Repeat+1, s.Plan.Repeats)
	}
	return t
}

func (v *Model) timesText(now time.Time) string {
	s := v.sw
	if o := s.Outside; o != nil {
		var parts []string
		if e := o.Elapsed(now); e > 0 {
			parts = append(parts, "elapsed "+bench.FormatDuration(e))
		}
		switch {
		case o.ETA > 0:
			parts = append(parts, "ETA "+bench.FormatDuration(o.Left(now))+" over "+o.Of)
		case o.Until.IsZero() && s.Done < s.Total:
			parts = append(parts, "ETA not known yet")
		}
		return strings.Join(parts, " · ")
	}
	t := "elapsed " + bench.FormatDuration(s.ElapsedAt(now))
	switch {
	case s.Active() && s.Paused:
		t += " · ETA on hold while paused"
	case s.Active():
		eta, measured := s.ETA() // a forecast's low end until measured
		if measured {
			t += " · ETA " + bench.FormatDuration(eta)
		} else {
			t += " · ETA est. " + runstate.FormatRange(s.ForecastLeft()) // the forecast's range, until measured
		}
	}
	return t
}

// progressView is the progress pane's content: the bar with done/total and
// percent, then times, state and what is running.
func (v *Model) progressView(w int) string {
	s := v.sw
	// The count is of configs, the share of the work done of measurements:
	// each says which.
	count := fmt.Sprintf(" %d/%d configs", s.Done, s.Total)
	frac := s.Completed()
	pct := fmt.Sprintf(" · %.0f%% of measurements", 100*frac)
	if w < 100 {
		pct = fmt.Sprintf(" · %.0f%% measured", 100*frac)
	}
	bar := v.progress
	bar.Width = max(4, w-lipgloss.Width(count+pct))
	line1 := bar.ViewAs(frac) + v.st.Value.Render(count) + v.st.Subtle.Render(pct)

	parts := []string{v.stateText()}
	if t := v.timesText(v.now); t != "" {
		parts = append(parts, t)
	}
	if r := v.runningText(); r != "" {
		parts = append(parts, r)
	}
	if c := s.ContentionText(); c != "" {
		parts = append(parts, v.st.Subtle.Render(c))
	}
	line2 := strings.Join(parts, v.st.Subtle.Render(" · "))
	if s.Err != nil {
		line2 += "  " + v.st.ErrText.Render(s.Err.Error())
	}
	return line1 + "\n" + theme.Cut(line2, w)
}

// compactProgressView fits the same facts on three short lines.
func (v *Model) compactProgressView(w int) string {
	s := v.sw
	frac := s.Completed()
	count := fmt.Sprintf(" %d/%d", s.Done, s.Total)
	bar := v.progress
	bar.Width = max(4, w-len(count))
	lines := []string{
		bar.ViewAs(frac) + v.st.Value.Render(count),
		theme.Cut(strings.TrimSuffix(v.stateText()+v.st.Subtle.Render(" · ")+v.timesText(v.now), v.st.Subtle.Render(" · ")), w),
	}
	if r := v.runningText(); r != "" {
		lines = append(lines, theme.Cut(r, w))
	}
	return strings.Join(lines, "\n")
}
