package report

import (
	"io/fs"
	"os"
	"strings"
	"sync"
	"syscall"
)

// faultFS is the real file system with faults switched on and off by the
// test: a full disk (writes stop after a budget of bytes with ENOSPC),
// truncation that fails, permission denied on create (a directory made
// read-only: files already open stay writable), and a file system
// remounted read-only (every change fails with EROFS, open files included).
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
	// readOnly makes every change fail with EROFS.
	readOnly bool
}

func (f *faultFS) isReadOnly() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.readOnly
}

func erofs(op, path string) error { return &fs.PathError{Op: op, Path: path, Err: syscall.EROFS} }

func (f *faultFS) Rename(oldpath, newpath string) error {
	if f.isReadOnly() {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EROFS}
	}
	return f.osFS.Rename(oldpath, newpath)
}

func (f *faultFS) Remove(name string) error {
	if f.isReadOnly() {
		return erofs("remove", name)
	}
	return f.osFS.Remove(name)
}

func (f *faultFS) MkdirAll(path string, perm fs.FileMode) error {
	if st, err := f.Stat(path); f.isReadOnly() && (err != nil || !st.IsDir()) {
		return erofs("mkdir", path)
	}
	return f.osFS.MkdirAll(path, perm)
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
	if f.isReadOnly() && flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC) != 0 {
		return nil, erofs("open", name)
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
	if f.isReadOnly() {
		return 0, erofs("write", ff.name)
	}
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
	no, ro := ff.fs.noTruncate, ff.fs.readOnly
	ff.fs.mu.Unlock()
	if ro {
		return erofs("truncate", ff.name)
	}
	if no {
		return &fs.PathError{Op: "truncate", Path: ff.name, Err: syscall.EIO}
	}
	return ff.file.Truncate(size)
}
