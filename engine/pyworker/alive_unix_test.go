//go:build unix

package pyworker

import (
	"errors"
	"syscall"
)

// processAlive reports whether pid is a running process (signal 0 probes).
func processAlive(pid int) bool {
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
