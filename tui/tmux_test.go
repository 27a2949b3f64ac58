package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/report"
)

// TestTmux runs the real binary in a real terminal (tmux) the way a user
// does: `hcbench --run` at 120×40, waits for the sweep to finish, checks the
// heatmap's labels, shrinks the window to 50×15, then 80×24 (where the
// results table keeps three rows and the footer every key) and back,
// quits with q, and finds the quick summary on the normal screen and the
// reports on disk. It uses a private tmux server, so it touches no user
// session.
func TestTmux(t *testing.T) {
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
	outDir := filepath.Join(tmp, "out")
	sock := fmt.Sprintf("hcbench-tui-test-%d", os.Getpid())
	tmux := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", append([]string{"-L", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	// The shell keeps the pane open after hcbench exits, so the normal
	// screen it printed to can still be read.
	// NO_COLOR: what is on screen must read without colour.
	cmd := fmt.Sprintf("NO_COLOR=1 %s --run -o %s --min-time 1ms; echo hcbench-exit=$?; sleep 600", bin, outDir)
	tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "40", "sh", "-c", cmd)
	t.Cleanup(func() { exec.Command("tmux", "-L", sock, "kill-server").Run() })

	capture := func() string { return tmux("capture-pane", "-p", "-t", "t") }
	waitFor := func(what string, d time.Duration, ok func(string) bool) string {
		t.Helper()
		deadline := time.Now().Add(d)
		for {
			s := capture()
			if ok(s) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s after %v; screen:\n%s", what, d, s)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	has := func(subs ...string) func(string) bool {
		return func(s string) bool {
			for _, sub := range subs {
				if !strings.Contains(s, sub) {
					return false
				}
			}
			return true
		}
	}

	screen := waitFor("12/12", 2*time.Minute, has("12/12"))
	for _, label := range []string{"D=3", "D=6", "K=3", "K=5", "K=9"} {
		if !strings.Contains(screen, label) {
			t.Errorf("label %s missing at 120×40:\n%s", label, screen)
		}
	}

	tmux("resize-window", "-t", "t", "-x", "50", "-y", "15")
	small := waitFor("the 50×15 layout", 10*time.Second, func(s string) bool {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		return len(lines) <= 15 && strings.Contains(s, "12/12")
	})
	if strings.Contains(small, "hcbench-exit=") {
		t.Fatalf("hcbench exited on resize:\n%s", small)
	}
	tmux("resize-window", "-t", "t", "-x", "80", "-y", "24")
	// Redrawn at 80×24: three table rows and every key in the footer.
	waitFor("three table rows at 80×24", 10*time.Second, func(s string) bool {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		return tableRows(s) >= 3 && has("r rerun", "o sort", "q quit")(lines[len(lines)-1])
	})
	tmux("resize-window", "-t", "t", "-x", "120", "-y", "40")
	waitFor("the 120×40 layout again", 10*time.Second, has("12/12", "K=9", "Summary"))

	tmux("send-keys", "-t", "t", "q")
	final := waitFor("the quick summary", time.Minute, has("Quick Summary:", "hcbench-exit="))
	if !strings.Contains(final, "hcbench-exit=0") {
		t.Errorf("exit status is not 0:\n%s", final)
	}
	for _, want := range []string{"- Fastest config :", "- Slowest config :"} {
		if !strings.Contains(final, want) {
			t.Errorf("summary lacks %q:\n%s", want, final)
		}
	}
	p := report.PathsFor(outDir)
	for _, f := range []string{p.JSONL, p.CSV, p.TimesPNG, p.ScalingPNG} {
		if !fileExists(f) {
			t.Errorf("%s not written", f)
		}
	}
}
