package report

import (
	"io/fs"
	"strings"
	"sync"
	"syscall"
)

// faultFS is the real file system with faults switched on and off by the
// test: a full disk (writes stop after a budget of bytes with ENOSPC),
// truncation that fails, and permission denied on create.
type faultFS struct {
	osFS
	mu sync.Mutex
	// diskFull: every file whose name contains match accepts budget more
	// bytes in all, then fails.
	diskFull bool
	match    string
	budget   int64
	// noTruncate makes Truncate fail.
	noTruncate bool
	// denyCreate makes creating a file fail with EACCES.
	denyCreate bool
}

func (f *faultFS) set(fn func(f *faultFS)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *faultFS) OpenFile(name string, flag int, perm fs.FileMode) (file, error) {
	f.mu.Lock()
	deny := f.denyCreate && flag&syscall.O_CREAT != 0
	f.mu.Unlock()
	if deny {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
	}
	inner, err := f.osFS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{file: inner, fs: f, name: name}, nil
}

type faultFile struct {
	file
	fs   *faultFS
	name string
}

func (ff *faultFile) Write(p []byte) (int, error) {
	f := ff.fs
	f.mu.Lock()
	if !f.diskFull || !strings.Contains(ff.name, f.match) {
		f.mu.Unlock()
		return ff.file.Write(p)
	}
	n := int64(len(p))
	if n > f.budget {
		n = f.budget
	}
	f.budget -= n
	f.mu.Unlock()
	w, err := ff.file.Write(p[:n])
	if err == nil && w < len(p) {
		err = &fs.PathError{Op: "write", Path: ff.name, Err: syscall.ENOSPC}
	}
	return w, err
}

func (ff *faultFile) Truncate(size int64) error {
	ff.fs.mu.Lock()
	no := ff.fs.noTruncate
	ff.fs.mu.Unlock()
	if no {
		return &fs.PathError{Op: "truncate", Path: ff.name, Err: syscall.EIO}
	}
	return ff.file.Truncate(size)
}
