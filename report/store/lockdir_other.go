//go:build !unix

package store

import "os"

// lockDir locks nothing where directories cannot be flocked. On Windows
// none is needed: Go opens files without FILE_SHARE_DELETE, so the lock
// file cannot be deleted while a run holds it open, and its lock is
// mandatory.
func lockDir(string) (*os.File, error) { return nil, nil }
