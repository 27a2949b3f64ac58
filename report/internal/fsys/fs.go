// Package fsys is the part of the operating system that the report
// packages write through, so that their tests can make a write fail
// half-way, and the ways they write: atomic replacement of a file
// (WriteAtomic) and the preparation of an output directory (Prepare).
package fsys

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// FS is the part of the OS the writers use. It exists so that tests can
// make a write fail half-way (a full disk) and check that nothing is lost;
// production code always uses OS.
type FS interface {
	OpenFile(name string, flag int, perm fs.FileMode) (File, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	MkdirAll(path string, perm fs.FileMode) error
	Stat(name string) (fs.FileInfo, error)
}

// File is the part of *os.File the writers use.
type File interface {
	io.Writer
	io.ReaderAt
	Sync() error
	Close() error
	Stat() (fs.FileInfo, error)
	Truncate(size int64) error
}

// OS is the real file system.
type OS struct{}

func (OS) OpenFile(name string, flag int, perm fs.FileMode) (File, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err // a nil *os.File must not become a non-nil interface
	}
	return f, nil
}
func (OS) Rename(oldpath, newpath string) error         { return os.Rename(oldpath, newpath) }
func (OS) Remove(name string) error                     { return os.Remove(name) }
func (OS) MkdirAll(path string, perm fs.FileMode) error { return os.MkdirAll(path, perm) }
func (OS) Stat(name string) (fs.FileInfo, error)        { return os.Stat(name) }

// CreateTemp creates a new file next to path for an atomic replace. Unlike
// os.CreateTemp it asks for mode 0666, so the umask decides the final
// permissions as for any other file the user creates (os.CreateTemp's 0600
// would make the reports private after the rename).
func CreateTemp(fsys FS, path string) (File, string, error) {
	dir, base := filepath.Split(path)
	var lastErr error
	for range 10 {
		var b [6]byte
		_, _ = rand.Read(b[:])
		name := filepath.Join(dir, "."+base+"."+hex.EncodeToString(b[:])+".tmp")
		f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			return f, name, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, "", err
		}
		lastErr = err
	}
	return nil, "", lastErr
}

// WriteAtomic replaces path with what write produces: it writes a temporary
// file in the same directory, syncs it and renames it over path, so a
// reader sees either the old complete file or the new complete one, never
// half of one. On failure the temporary file is removed and path is
// untouched; the error names path.
func WriteAtomic(fsys FS, path string, write func(w io.Writer) error) (err error) {
	f, tmp, err := CreateTemp(fsys, path)
	if err != nil {
		// As below: the temporary file's name would only confuse.
		return fmt.Errorf("writing %s: %w", path, UnwrapPath(err))
	}
	defer func() {
		if err != nil {
			f.Close()
			fsys.Remove(tmp)
			// The temporary file's name would only confuse: name path.
			err = fmt.Errorf("writing %s: %w", path, UnwrapPath(err))
		}
	}()
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return fsys.Rename(tmp, path)
}

// Prepare creates dir and proves that files can be created in it.
func Prepare(fsys FS, dir string) error {
	if dir == "" {
		dir = "."
	}
	if st, err := fsys.Stat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("output directory %s: is a file, not a directory", dir)
	}
	if err := symlinkProblem(dir); err != nil {
		return err
	}
	// A path that cannot be created whole (too long, too deep) must not
	// leave the part that could be: remove what this call created.
	created := firstMissing(dir)
	if err := fsys.MkdirAll(dir, 0o777); err != nil {
		if created != "" {
			os.RemoveAll(created)
		}
		if errors.Is(err, syscall.ENAMETOOLONG) {
			return fmt.Errorf("output directory %s: cannot create it: the path is too long for the file system (%d bytes)", shorten(dir), len(dir))
		}
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path != dir {
			// A parent is the problem (a file where a directory should be,
			// no permission): say which.
			return fmt.Errorf("output directory %s: cannot create it: %s: %w", dir, pe.Path, pe.Err)
		}
		return fmt.Errorf("output directory %s: cannot create it: %w", dir, UnwrapPath(err))
	}
	f, probe, err := CreateTemp(fsys, filepath.Join(dir, "write-probe"))
	if err != nil {
		return fmt.Errorf("output directory %s: is not writable: %w", dir, UnwrapPath(err))
	}
	cerr := f.Close()
	rerr := fsys.Remove(probe)
	if cerr != nil || rerr != nil {
		return fmt.Errorf("output directory %s: is not writable: %w", dir, errors.Join(cerr, rerr))
	}
	return nil
}

// symlinkProblem explains a dir that is a symbolic link to nothing: a
// dangling link or a loop, which MkdirAll reports as "file exists".
func symlinkProblem(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return nil
	}
	_, serr := os.Stat(dir)
	if serr == nil {
		return nil
	}
	target, _ := os.Readlink(dir)
	if errors.Is(serr, syscall.ELOOP) {
		return fmt.Errorf("output directory %s: is a symlink loop (it points to %s): point it at a directory or remove it", dir, target)
	}
	if errors.Is(serr, fs.ErrNotExist) {
		return fmt.Errorf("output directory %s: is a symlink to %s, which does not exist: create that directory or remove the link", dir, target)
	}
	return fmt.Errorf("output directory %s: is a symlink to %s, which cannot be reached: %w", dir, target, UnwrapPath(serr))
}

// firstMissing is the outermost directory of path that does not exist yet
// ("" when path exists): what MkdirAll(path) would create first.
func firstMissing(path string) string {
	missing := ""
	for p := filepath.Clean(path); ; {
		_, err := os.Lstat(p)
		switch {
		case err == nil:
			return missing
		case errors.Is(err, fs.ErrNotExist):
			missing = p
		case !errors.Is(err, syscall.ENAMETOOLONG):
			// Unknown: remove nothing. (A name too long to look up is
			// passed over: a shorter prefix tells.)
			return ""
		}
		parent := filepath.Dir(p)
		if parent == p {
			return missing
		}
		p = parent
	}
}

// shorten keeps a very long path readable in a one-line message.
func shorten(p string) string {
	if len(p) <= 80 {
		return p
	}
	return p[:40] + "…" + p[len(p)-37:]
}

// UnwrapPath drops the *fs.PathError layer when the message already names
// the path, so errors read "dir: is not writable: permission denied" rather
// than repeating a temporary file's name.
func UnwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
