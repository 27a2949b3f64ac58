// Package fsystest is test support for the report packages: a file system
// whose writes can be made to fail half-way, to check that nothing is lost
// when the disk fills or the output directory becomes read-only, and a
// check that no atomic write left its temporary file behind.
package fsystest

import (
	"io/fs"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/hcbench/hcbench/report/internal/fsys"
)

// FaultFS is the real file system with faults switched on and off by the
// test: a full disk (writes stop after a budget of bytes with ENOSPC),
// truncation that fails, permission denied on create (a directory made
// read-only: files already open stay writable), and a file system
// remounted read-only (every change fails with EROFS, open files included).
// Change the faults with Set once the FaultFS is in use.
type FaultFS struct {
	fsys.OS
	mu sync.Mutex
	// DiskFull: every file whose name contains Match accepts Budget more
	// bytes in all, then fails.
	DiskFull bool
	Match    string
	Budget   int64
	// NoTruncate makes Truncate fail.
	NoTruncate bool
	// DenyCreate makes creating a file fail with EACCES.
	DenyCreate bool
	// ReadOnly makes every change fail with EROFS.
	ReadOnly bool
}

// Set changes the faults under the FaultFS's lock.
func (f *FaultFS) Set(fn func(f *FaultFS)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *FaultFS) isReadOnly() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ReadOnly
}

func erofs(op, path string) error { return &fs.PathError{Op: op, Path: path, Err: syscall.EROFS} }

// Rename fails with EROFS on a read-only file system.
func (f *FaultFS) Rename(oldpath, newpath string) error {
	if f.isReadOnly() {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EROFS}
	}
	return f.OS.Rename(oldpath, newpath)
}

// Remove fails with EROFS on a read-only file system.
func (f *FaultFS) Remove(name string) error {
	if f.isReadOnly() {
		return erofs("remove", name)
	}
	return f.OS.Remove(name)
}

// MkdirAll fails with EROFS on a read-only file system unless path is
// already a directory.
func (f *FaultFS) MkdirAll(path string, perm fs.FileMode) error {
	if st, err := f.Stat(path); f.isReadOnly() && (err != nil || !st.IsDir()) {
		return erofs("mkdir", path)
	}
	return f.OS.MkdirAll(path, perm)
}

// OpenFile fails with EACCES when creating is denied and with EROFS when
// opening for writing on a read-only file system; the files it opens fail
// as the faults say.
func (f *FaultFS) OpenFile(name string, flag int, perm fs.FileMode) (fsys.File, error) {
	f.mu.Lock()
	deny := f.DenyCreate && flag&syscall.O_CREAT != 0
	f.mu.Unlock()
	if deny {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
	}
	if f.isReadOnly() && flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC) != 0 {
		return nil, erofs("open", name)
	}
	inner, err := f.OS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: inner, fs: f, name: name}, nil
}

type faultFile struct {
	fsys.File
	fs   *FaultFS
	name string
}

func (ff *faultFile) Write(p []byte) (int, error) {
	f := ff.fs
	if f.isReadOnly() {
		return 0, erofs("write", ff.name)
	}
	f.mu.Lock()
	if !f.DiskFull || !strings.Contains(ff.name, f.Match) {
		f.mu.Unlock()
		return ff.File.Write(p)
	}
	n := int64(len(p))
	if n > f.Budget {
		n = f.Budget
	}
	f.Budget -= n
	f.mu.Unlock()
	w, err := ff.File.Write(p[:n])
	if err == nil && w < len(p) {
		err = &fs.PathError{Op: "write", Path: ff.name, Err: syscall.ENOSPC}
	}
	return w, err
}

func (ff *faultFile) Truncate(size int64) error {
	ff.fs.mu.Lock()
	no, ro := ff.fs.NoTruncate, ff.fs.ReadOnly
	ff.fs.mu.Unlock()
	if ro {
		return erofs("truncate", ff.name)
	}
	if no {
		return &fs.PathError{Op: "truncate", Path: ff.name, Err: syscall.EIO}
	}
	return ff.File.Truncate(size)
}

// NoTempFiles fails the test if a temporary file of an atomic write
// (fsys.CreateTemp's) was left in dir.
func NoTempFiles(t testing.TB, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}
