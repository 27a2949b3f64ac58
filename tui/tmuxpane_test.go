package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// tmuxPane is the real binary running in a private tmux server (no user
// session is touched), for tests that look at the screen a person sees.
type tmuxPane struct {
	t    *testing.T
	sock string
	dir  string // the test's directory: the binary, and the shell's working directory
}

var tmuxServers atomic.Int64

// startTmux builds hcbench and runs `hcbench args` under NO_COLOR (what is
// on screen must read without colour) at w×h in a fresh directory. The
// shell keeps the pane open after hcbench exits, printing hcbench-exit=N,
// so the normal screen it printed to can still be read. At cleanup hcbench
// is stopped and allowed to save before the directory goes. Skipped with
// -short or without tmux.
func startTmux(t *testing.T, w, h int, args string) *tmuxPane {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if raceEnabled {
		t.Skip("drives a binary built without -race: runs in the plain pass")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	p := &tmuxPane{t: t, dir: t.TempDir(),
		sock: fmt.Sprintf("hcbench-tui-test-%d-%d", os.Getpid(), tmuxServers.Add(1))}
	bin := filepath.Join(p.dir, "hcbench")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/hcbench").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := fmt.Sprintf("NO_COLOR=1 %s %s; echo hcbench-exit=$?; sleep 600", bin, args)
	p.run("new-session", "-d", "-s", "t", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "-c", p.dir, "sh", "-c", cmd)
	t.Cleanup(func() {
		// hcbench saves its reports when it stops: let it finish before
		// the directory is removed, even when the test failed midway.
		exec.Command("tmux", "-L", p.sock, "send-keys", "-t", "t", "C-c").Run()
		for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
			out, err := exec.Command("tmux", "-L", p.sock, "capture-pane", "-p", "-t", "t").Output()
			if err != nil || strings.Contains(string(out), "hcbench-exit=") {
				break
			}
		}
		exec.Command("tmux", "-L", p.sock, "kill-server").Run()
		// tmux leaves its socket file behind: the test leaves nothing.
		os.Remove(tmuxSocket(p.sock))
	})
	return p
}

// run is one tmux command on the test's server.
func (p *tmuxPane) run(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", p.sock}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (p *tmuxPane) capture() string { return p.run("capture-pane", "-p", "-t", "t") }

func (p *tmuxPane) send(keys ...string) { p.run(append([]string{"send-keys", "-t", "t"}, keys...)...) }

func (p *tmuxPane) resize(w, h int) {
	p.run("resize-window", "-t", "t", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h))
}

// waitFor polls the screen until ok holds, failing after d.
func (p *tmuxPane) waitFor(what string, d time.Duration, ok func(string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(d)
	for {
		s := p.capture()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no %s after %v; screen:\n%s", what, d, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// has holds for a screen that contains every one of subs.
func has(subs ...string) func(string) bool {
	return func(s string) bool {
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				return false
			}
		}
		return true
	}
}

// tmuxSocket is where tmux -L NAME puts its socket: $TMUX_TMPDIR (else
// /tmp)/tmux-UID/NAME.
func tmuxSocket(name string) string {
	dir := os.Getenv("TMUX_TMPDIR")
	if dir == "" {
		dir = "/tmp"
	}
	return filepath.Join(dir, fmt.Sprintf("tmux-%d", os.Getuid()), name)
}
