package tui

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/hcbench/hcbench/report/shards"
)

// TestTmuxShowShards is the acceptance: two real shards of a
// 24-config grid run in the background (the built binary, hcbench
// --headless --shard I/2 --run-id 7 -o DIR, a few seconds each), and
// hcbench show DIR, opened in tmux at 80×24 and at 120×40 while they run,
// shows the shards' states and a count of configs done that grows, then
// that all shards finished and that hcbench merge writes the reports. Once
// the shards have exited, DIR does not change while show reads it again
// (the "as of" time it gives moves on twice). Private tmux servers;
// skipped with -short or without tmux.
func TestTmuxShowShards(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if raceEnabled {
		t.Skip("drives a binary built without -race: runs in the plain pass")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	work := t.TempDir()
	bin := filepath.Join(work, "hcbench")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/hcbench").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(work, "sweep")
	var procs []*exec.Cmd
	var logs []*bytes.Buffer
	for i := range 2 {
		cmd := exec.Command(bin, "--headless", "--shard", fmt.Sprintf("%d/2", i), "--run-id", "7", "-o", dir,
			"-D", "3,6,9,12", "-K", "3,5,9", "-T", "48,96", "--repeats", "1", "--min-time", "300ms")
		cmd.Dir = work
		var errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &errb, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs, logs = append(procs, cmd), append(logs, &errb)
	}
	waited := false
	wait := func() {
		if waited {
			return
		}
		waited = true
		for i, p := range procs {
			if err := p.Wait(); err != nil {
				t.Errorf("shard %d/2: %v\n%s", i, err, logs[i])
			}
		}
	}
	t.Cleanup(func() {
		for _, p := range procs {
			if !waited {
				p.Process.Signal(os.Interrupt)
			}
		}
		wait()
	})
	// show needs the shards' directories: the shards make them first thing.
	for deadline := time.Now().Add(time.Minute); !shards.IsSharded(dir); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the shards made no directory in a minute:\n%s\n%s", logs[0], logs[1])
		}
	}

	panes := map[string]*tmuxPane{"80x24": startTmux(t, 80, 24, "show "+dir), "120x40": startTmux(t, 120, 40, "show "+dir)}
	count := regexp.MustCompile(`(\d+)/24 configs`)
	done := func(s string) int {
		m := count.FindStringSubmatch(s)
		if m == nil {
			return -1
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	first := map[string]int{}
	for name, p := range panes {
		s := p.waitFor(name+": the shards' states and a count", time.Minute, func(s string) bool {
			return has("0/2", "1/2", "shards of run 7", "(file activity)")(s) && done(s) >= 0
		})
		first[name] = done(s)
	}
	for name, p := range panes {
		if first[name] == 24 {
			t.Logf("%s: every config was done when show first drew", name)
			continue
		}
		s := p.waitFor(name+": a growing count", 2*time.Minute, func(s string) bool { return done(s) > first[name] })
		t.Logf("%s: %d configs done, then %d", name, first[name], done(s))
	}
	for name, p := range panes {
		s := p.waitFor(name+": all shards finished", 2*time.Minute, has("2 finished", "24/24 configs", "hcbench merge"))
		checkPaneFits(t, name, s)
	}
	wait()
	before := snapshot(t, dir)
	asOf := regexp.MustCompile(`as of (\d\d:\d\d:\d\d)`)
	p := panes["120x40"]
	seen := map[string]bool{}
	p.waitFor("show to read the shards twice more", time.Minute, func(s string) bool {
		if m := asOf.FindStringSubmatch(s); m != nil {
			seen[m[1]] = true
		}
		return len(seen) >= 3
	})
	if after := snapshot(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("hcbench show changed the shards' directory")
	}
	for name, p := range panes {
		p.send("q")
		p.waitFor(name+": hcbench to exit", time.Minute, has("hcbench-exit=0"))
	}
}

// checkPaneFits fails for a screen line wider than the pane named w×h.
func checkPaneFits(t *testing.T, name string, screen string) {
	t.Helper()
	var w int
	fmt.Sscanf(name, "%dx", &w)
	for _, l := range bytes.Split([]byte(screen), []byte("\n")) {
		if n := len([]rune(string(l))); n > w {
			t.Errorf("%s: a line of %d columns: %q", name, n, l)
		}
	}
}
