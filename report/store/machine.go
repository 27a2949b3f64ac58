package store

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// LoadAvg is the 1-minute load average from /proc/loadavg (Linux); 0 where
// there is no such file (other systems: the record then says 0).
func LoadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 0
	}
	return v
}

func hostName() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return h
}

// BusyWarning is the one warning for a run that starts on a busy machine:
// "" unless the 1-minute load average is at least the number of logical
// CPUs. Headless prints it on stderr; the TUI can show it.
func BusyWarning() string { return busyWarning(LoadAvg(), runtime.NumCPU()) }

func busyWarning(load float64, cpus int) string {
	if load < float64(cpus) || cpus <= 0 {
		return ""
	}
	return fmt.Sprintf("the machine is busy (1-minute load average %.2f ≥ %d CPUs): timings will vary more between measurements, and intervals will be wider", load, cpus)
}

// MachineLine describes where a run was measured, for the Markdown.
func MachineLine(m Machine) string {
	var parts []string
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	add(m.CPU)
	add(fmt.Sprintf("%d CPUs", m.NumCPU))
	add(m.OS + "/" + m.Arch)
	add(m.GoVersion)
	if m.Host != "" {
		add("host " + m.Host)
	}
	add(fmt.Sprintf("load %.2f at start", m.LoadAvg))
	v := "hcbench " + m.Version
	if m.Revision != "" {
		v += " (" + shortRev(m.Revision) + ")"
	}
	add(v)
	return strings.Join(parts, ", ")
}

// shortRev shortens a VCS revision to 12 hex digits, keeping "+dirty".
func shortRev(r string) string {
	hash, dirty, _ := strings.Cut(r, "+")
	if len(hash) > 12 {
		hash = hash[:12]
	}
	if dirty != "" {
		return hash + "+" + dirty
	}
	return hash
}
