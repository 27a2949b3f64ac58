package tui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/report/store"
)

// TestTmux runs the real binary in a real terminal (tmux) the way a user
// does: `hcbench --run` at 120×40, waits for the sweep to finish, checks the
// heatmap's labels, shrinks the window to 50×15, then 80×24 (where the
// results table keeps three rows and the footer every key) and back,
// quits with q, and finds the quick summary on the normal screen and the
// reports on disk. It uses a private tmux server, so it touches no user
// session.
func TestTmux(t *testing.T) {
	p := startTmux(t, 120, 40, "--run -o out --min-time 1ms")
	outDir := filepath.Join(p.dir, "out")
	waitFor := p.waitFor

	screen := waitFor("12/12", 2*time.Minute, has("12/12"))
	for _, label := range []string{"D=3", "D=6", "K=3", "K=5", "K=9"} {
		if !strings.Contains(screen, label) {
			t.Errorf("label %s missing at 120×40:\n%s", label, screen)
		}
	}

	p.resize(50, 15)
	small := waitFor("the 50×15 layout", 10*time.Second, func(s string) bool {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		return len(lines) <= 15 && strings.Contains(s, "12/12")
	})
	if strings.Contains(small, "hcbench-exit=") {
		t.Fatalf("hcbench exited on resize:\n%s", small)
	}
	p.resize(80, 24)
	// Redrawn at 80×24: three table rows and every key in the footer.
	waitFor("three table rows at 80×24", 10*time.Second, func(s string) bool {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		return tableRows(s) >= 3 && has("enter detail", "h history", "o sort", "q quit")(lines[len(lines)-1])
	})
	p.resize(120, 40)
	waitFor("the 120×40 layout again", 10*time.Second, has("12/12", "K=9", "Summary"))

	p.send("q")
	final := waitFor("the quick summary", time.Minute, has("Quick Summary:", "hcbench-exit="))
	if !strings.Contains(final, "hcbench-exit=0") {
		t.Errorf("exit status is not 0:\n%s", final)
	}
	for _, want := range []string{"- Fastest config :", "- Slowest config :"} {
		if !strings.Contains(final, want) {
			t.Errorf("summary lacks %q:\n%s", want, final)
		}
	}
	files := store.PathsFor(outDir)
	for _, f := range []string{files.JSONL, files.CSV, files.TimesPNG, files.ScalingPNG} {
		if !fileExists(f) {
			t.Errorf("%s not written", f)
		}
	}
}
