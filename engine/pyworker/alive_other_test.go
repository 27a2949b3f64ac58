//go:build !unix

package pyworker

import "os"

// processAlive reports whether pid is a running process; without signal 0
// the best test is whether it can still be found and waited for.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
