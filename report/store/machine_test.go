package store

import (
	"strings"
	"testing"
)

func TestBusyWarning(t *testing.T) {
	if w := busyWarning(1.9, 2); w != "" {
		t.Errorf("load 1.9 on 2 CPUs warned: %q", w)
	}
	w := busyWarning(2.0, 2)
	if !strings.Contains(w, "load average 2.00 ≥ 2 CPUs") {
		t.Errorf("load 2.0 on 2 CPUs: %q", w)
	}
	if LoadAvg() < 0 {
		t.Error("negative load average")
	}
}

func TestMachineLine(t *testing.T) {
	m := fixedMachine("v1.2.3")
	m.Host, m.LoadAvg, m.Revision = "box", 0.42, "0123456789abcdef0123456789abcdef01234567+dirty"
	got := MachineLine(m)
	want := "Test CPU @ 3.00GHz, 2 CPUs, linux/amd64, go1.26.0, host box, load 0.42 at start, hcbench v1.2.3 (0123456789ab+dirty)"
	if got != want {
		t.Errorf("machineLine = %q\nwant %q", got, want)
	}
}
