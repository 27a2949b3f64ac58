//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockJSONL takes an exclusive advisory lock (flock) on the JSONL, so that
// two hcbench processes never append to the same history at once. The lock
// lasts until release is called or the process ends: the kernel drops it
// with the process, so a crash never leaves a stale lock behind.
func lockJSONL(path string) (release func(), err error) {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("opening %s to lock it: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errLocked
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
