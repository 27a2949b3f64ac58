package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "hcbench")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/hcbench").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	sock := fmt.Sprintf("hcbench-views-test-%d", os.Getpid())
	tmux := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", append([]string{"-L", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	// -o out in tmp: a short path leaves the header room for the settings.
	cmd := fmt.Sprintf("NO_COLOR=1 %s --run -o out --min-time 1ms; echo hcbench-exit=$?; sleep 600", bin)
	tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "40", "-c", tmp, "sh", "-c", cmd)
	capture := func() string { return tmux("capture-pane", "-p", "-t", "t") }
	t.Cleanup(func() {
		// hcbench saves its reports when it stops: let it finish before
		// the directory is removed, even when the test failed midway.
		exec.Command("tmux", "-L", sock, "send-keys", "-t", "t", "C-c").Run()
		for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
			out, err := exec.Command("tmux", "-L", sock, "capture-pane", "-p", "-t", "t").Output()
			if err != nil || strings.Contains(string(out), "hcbench-exit=") {
				break
			}
		}
		exec.Command("tmux", "-L", sock, "kill-server").Run()
	})

	waitFor := func(what string, d time.Duration, subs ...string) string {
		t.Helper()
		deadline := time.Now().Add(d)
		for {
			s := capture()
			ok := true
			for _, sub := range subs {
				ok = ok && strings.Contains(s, sub)
			}
			if ok {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s after %v; screen:\n%s", what, d, s)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	send := func(keys ...string) { tmux(append([]string{"send-keys", "-t", "t"}, keys...)...) }

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
