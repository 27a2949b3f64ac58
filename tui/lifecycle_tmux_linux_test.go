package tui

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTmuxSIGHUPRecreatesNothing: the same with SIGHUP (the terminal
// closed) instead of q.
func TestTmuxSIGHUPRecreatesNothing(t *testing.T) {
	p := startTmux(t, 120, 40, "--run -o out "+tinyFlags)
	p.waitFor("a finished run", 2*time.Minute, has("✓ finished", "2/2", "reports saved"))
	out := filepath.Join(p.dir, "out")
	pid := p.hcbenchPID()
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	p.waitFor("hcbench to exit", time.Minute, has("hcbench-exit="))
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("SIGHUP recreated %s (%v)", out, err)
	}
}

// hcbenchPID is the pid of the hcbench the pane's shell runs (Linux: the
// shell's only child).
func (p *tmuxPane) hcbenchPID() int {
	p.t.Helper()
	sh := strings.TrimSpace(p.run("display-message", "-p", "-t", "t", "#{pane_pid}"))
	b, err := os.ReadFile("/proc/" + sh + "/task/" + sh + "/children")
	if err != nil {
		p.t.Skipf("cannot read the shell's children: %v", err)
	}
	for _, f := range strings.Fields(string(b)) {
		comm, _ := os.ReadFile("/proc/" + f + "/comm")
		if strings.TrimSpace(string(comm)) == "hcbench" {
			pid, err := strconv.Atoi(f)
			if err == nil {
				return pid
			}
		}
	}
	p.t.Fatalf("no hcbench among the children of %s: %q", sh, b)
	return 0
}
