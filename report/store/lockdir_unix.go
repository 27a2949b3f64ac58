//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// lockDir locks the output directory itself against a second hcbench
// (flock on a descriptor of the directory). Unlike the lock file, a
// directory cannot be deleted from under a running writer while it holds
// files, so a second hcbench is refused even after someone removed the lock
// file; a directory removed as a whole (rm -rf) is the recorder's "output
// directory was removed", after which relock takes the new one. It returns
// errHeld when another process holds it, and nil, nil where directories
// cannot be locked (some network file systems): the lock file still
// serves there.
func lockDir(dir string) (*os.File, error) {
	f, err := os.Open(dirOf(dir))
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	switch {
	case err == nil:
		return f, nil
	case errors.Is(err, syscall.EWOULDBLOCK):
		f.Close()
		return nil, errHeld
	}
	f.Close()
	return nil, nil
}
