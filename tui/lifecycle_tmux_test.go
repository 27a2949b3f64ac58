package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The run's life through the real binary in tmux (issue 20, behaviours 4
// and 5). A private tmux server; skipped with -short or without tmux.

// tinyFlags measure a two-config grid in a second or two.
const tinyFlags = "-D 2,3 -K 2 -T 8 --depths 1 --repeats 1 --min-time 1ms"

// TestTmuxNewThenEsc: after a finished run, n opens the form and esc
// returns to the finished run's view (not out of the program); q then
// prints that run's summary on the normal screen and exits 0.
func TestTmuxNewThenEsc(t *testing.T) {
	p := startTmux(t, 120, 40, "--run -o out "+tinyFlags)
	screen := p.waitFor("a finished run", 2*time.Minute, has("✓ finished", "2/2", "reports saved"))
	runID := regexp.MustCompile(`run \d+`).FindString(screen)
	p.send("n")
	p.waitFor("the setup form", 10*time.Second, has("set up a sweep", "stays in the history"))
	p.send("Escape")
	back := p.waitFor("the finished run again", 10*time.Second, has("✓ finished", "Results (2)"))
	if id := regexp.MustCompile(`run \d+`).FindString(back); id != runID {
		t.Errorf("esc returned to %q, want %q:\n%s", id, runID, back)
	}
	p.send("q")
	final := p.waitFor("the summary", time.Minute, has("hcbench-exit="))
	for _, want := range []string{"Benchmark complete. Results saved to:", "Quick Summary:", "- Fastest config :", "hcbench-exit=0"} {
		if !strings.Contains(final, want) {
			t.Errorf("after q: %q missing:\n%s", want, final)
		}
	}
}

// TestTmuxIdleHoldsNoLock: a finished, idle workbench holds no lock — a
// headless hcbench runs in its directory meanwhile — and once the folder
// is removed, q recreates nothing.
func TestTmuxIdleHoldsNoLock(t *testing.T) {
	p := startTmux(t, 120, 40, "--run -o out "+tinyFlags)
	p.waitFor("a finished run", 2*time.Minute, has("✓ finished", "2/2", "reports saved"))
	out := filepath.Join(p.dir, "out")

	second := exec.Command(filepath.Join(p.dir, "hcbench"), append([]string{"--headless", "-o", "out"}, strings.Fields(tinyFlags)...)...)
	second.Dir = p.dir
	if b, err := second.CombinedOutput(); err != nil {
		t.Fatalf("a second hcbench in the idle workbench's folder: %v\n%s", err, b)
	}

	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	p.send("q")
	p.waitFor("hcbench to exit", time.Minute, has("hcbench-exit=0"))
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("q recreated %s (%v)", out, err)
	}
}
