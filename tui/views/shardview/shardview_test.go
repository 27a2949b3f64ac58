package shardview

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/shardstatus"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// TestSectionFits: sixteen shards fit every width in the lines given —
// in words, in short, or with the last cell counting those left out —
// and the title keeps the states and their source.
func TestSectionFits(t *testing.T) {
	st := shardstatus.Status{Source: "squeue/sacct", Total: 160, Done: 70, ETA: time.Minute}
	states := []string{shardstatus.Finished, shardstatus.Running, shardstatus.Queued, shardstatus.Failed}
	for i := range 16 {
		st.Shards = append(st.Shards, shardstatus.Shard{Shard: bench.Shard{Index: i, Count: 16}, State: states[i%4],
			Done: i % 10, Total: 10, Host: "node" + strings.Repeat("x", i) + ".cluster.example.org", Scheduler: "RUNNING"})
	}
	m := New("sweep", theme.New())
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	m.Set(st, nil, at)
	for _, tc := range []struct{ w, h int }{{120, 7}, {80, 3}, {50, 2}, {50, 1}, {20, 3}} {
		lines := m.Section(at, tc.w, tc.h)
		if len(lines) > tc.h {
			t.Errorf("%d×%d: %d lines", tc.w, tc.h, len(lines))
		}
		text := strings.Join(lines, "\n")
		for _, l := range lines {
			if lipgloss.Width(l) > tc.w {
				t.Errorf("%d×%d: a line %d wide: %q", tc.w, tc.h, lipgloss.Width(l), l)
			}
		}
		if tc.w >= 50 && !strings.Contains(text, "4 running") {
			t.Errorf("%d×%d: the title lacks the states:\n%s", tc.w, tc.h, text)
		}
		if tc.h > 1 && tc.w >= 50 && !strings.Contains(text, "more (") && !strings.Contains(text, "15/16") {
			t.Errorf("%d×%d: neither every shard nor how many more:\n%s", tc.w, tc.h, text)
		}
	}
	if text := strings.Join(m.Section(at, 120, 7), "\n"); !strings.Contains(text, "(squeue/sacct)") || !strings.Contains(text, "ETA 1m") {
		t.Errorf("the title lacks the source or the ETA:\n%s", text)
	}
	if m.Picture() == nil || m.Picture().Outside == nil {
		t.Fatal("no picture of the run so far")
	}
}
