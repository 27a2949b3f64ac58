package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestTmuxWorkbench drives the real binary in tmux at 120×40 through the
// workbench views as the issue asks: run the reference grid, Enter on row
// 3 shows D=3 K=5 T=48 with its distribution and per-depth figures, esc
// returns to row 3; a mouse click selects a row; n goes back to setup,
// repeats and seed change, and the new sweep is a second run in the
// history, where marking both and pressing c compares them. A private tmux
// server; skipped with -short or without tmux.
func TestTmuxWorkbench(t *testing.T) {
	// -o out in the test's directory: a short path leaves the header room
	// for the settings.
	p := startTmux(t, 120, 40, "--run -o out --min-time 1ms")
	waitFor := func(what string, d time.Duration, subs ...string) string {
		t.Helper()
		return p.waitFor(what, d, has(subs...))
	}
	send, capture := p.send, p.capture

	first := waitFor("a finished sweep", 3*time.Minute, "✓ finished", "12/12")
	runID := regexp.MustCompile(`run \d+`).FindString(first)
	send("j", "j", "Enter")
	waitFor("the detail of row 3", 10*time.Second, "D=3 K=5 T=48 · run", "Distribution of", "depth 1", "depth 3", "independent measurements")
	send("Escape")
	screen := waitFor("the table again", 10*time.Second, "Results (12)")
	if !regexp.MustCompile(`›3 +D=3 K=5 T=48`).MatchString(screen) {
		t.Errorf("esc did not return to row 3:\n%s", screen)
	}

	// A click (SGR mouse report, as the terminal sends it) on row 5.
	x, y := -1, -1
	for i, l := range strings.Split(screen, "\n") {
		if j := strings.Index(l, "D=3 K=9 T=48"); j >= 0 && strings.Contains(l, "│") {
			x, y = len([]rune(l[:j]))+1, i+1
			break
		}
	}
	if y < 0 {
		t.Fatalf("row 5 not on screen:\n%s", screen)
	}
	send("-l", fmt.Sprintf("\x1b[<0;%d;%dM\x1b[<0;%d;%dm", x, y, x, y))
	deadline := time.Now().Add(10 * time.Second)
	for !regexp.MustCompile(`›5 +D=3 K=9 T=48`).MatchString(capture()) {
		if time.Now().After(deadline) {
			t.Fatalf("a click on row 5 did not select it:\n%s", capture())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// n: setup with this run's settings; repeats 2, seed 7; a new run.
	send("n")
	waitFor("the setup form", 10*time.Second, "set up a sweep", "stays in the history")
	send("Tab", "Tab", "Tab", "Tab", "C-u", "2", "Tab", "C-u", "7", "Enter")
	second := waitFor("the second sweep", 3*time.Minute, "2 repeats", "seed 7", "✓ finished")
	if id := regexp.MustCompile(`run \d+`).FindString(second); id == runID {
		t.Errorf("the new sweep has the first one's %s", id)
	}
	send("h")
	waitFor("two runs in the history", 10*time.Second, "Runs (2)", "complete 12/12")
	send("x", "j", "x", "c")
	waitFor("the comparison", 30*time.Second, "(old, the baseline)", "geomean", "matched configs")
	send("q")
	waitFor("hcbench to exit", 30*time.Second, "hcbench-exit=0")
}
