package store

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"time"

	"github.com/hcbench/hcbench/report/internal/fsys"
)

// history is what a JSONL holds, read line by line with byte offsets so
// that a damaged tail can be moved aside exactly.
type history struct {
	recs []Record
	// size is the file's length when read.
	size int64
	// tail is the damaged last line, when there is one: a line that is not a
	// record and has no record after it (a torn append, a note, a file
	// rewritten in another format). Nil when the file is whole.
	tail *damage
}

// damage locates a line that is not a record.
type damage struct {
	line   int   // 1-based
	offset int64 // where the line starts
	bytes  int64 // from offset to the end of the file
	why    error
}

// readHistory reads the JSONL at path. A missing file is an empty history.
// One bad line at the very end is returned as h.tail; a bad line with
// records after it, or more than one bad line, is more damage than a crash
// leaves and is refused with an error naming the file and the line.
func readHistory(path string) (*history, error) {
	if err := CheckRegular(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &history{}, nil
		}
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, fsys.UnwrapPath(err))
	}
	defer f.Close()
	h := &history{}
	br := bufio.NewReaderSize(f, 64<<10)
	var off int64
	var bad []damage
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("reading %s:%d: %w", path, n, err)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			rec, perr := parseRecord(line)
			switch {
			case perr != nil:
				bad = append(bad, damage{line: n, offset: off, why: perr})
			case len(bad) > 0:
				return nil, fmt.Errorf("%s:%d: %w; records follow it, so it is not a torn write: fix or remove the line, or move the file aside",
					path, bad[0].line, bad[0].why)
			default:
				h.recs = append(h.recs, rec)
			}
		}
		off += int64(len(line))
		if err == io.EOF {
			break
		}
	}
	h.size = off
	switch len(bad) {
	case 0:
	case 1:
		d := bad[0]
		d.bytes = off - d.offset
		h.tail = &d
	default:
		return nil, fmt.Errorf("%s:%d: %w; %d lines at the end are not records, more than a torn write leaves: fix or remove them, or move the file aside",
			path, bad[0].line, bad[0].why, len(bad))
	}
	return h, nil
}

// CheckRegular refuses a path that is not a regular file: opening a FIFO
// or a device for reading could block forever or read without end. The
// error names the path once ("PATH: reason"); a missing file's is
// fs.ErrNotExist.
func CheckRegular(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, fsys.UnwrapPath(err))
	}
	if !st.Mode().IsRegular() {
		what := "not a regular file"
		switch {
		case st.IsDir():
			what = "a directory, not a file"
		case st.Mode()&fs.ModeNamedPipe != 0:
			what = "a named pipe (FIFO), not a regular file"
		case st.Mode()&fs.ModeDevice != 0:
			what = "a device, not a regular file"
		}
		return fmt.Errorf("%s: is %s", path, what)
	}
	return nil
}

// moveTailAside copies the damaged tail of the JSONL into a side file next
// to it, then cuts it from the JSONL, so that new records start on a line
// of their own and no byte of the history is lost. It returns the side
// file's path.
func moveTailAside(path string, d *damage, now time.Time) (string, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return "", fmt.Errorf("opening %s to set its damaged end aside: %w", path, fsys.UnwrapPath(err))
	}
	defer f.Close()
	tail := make([]byte, d.bytes)
	if _, err := f.ReadAt(tail, d.offset); err != nil {
		return "", fmt.Errorf("reading the damaged end of %s: %w", path, err)
	}
	side, err := createSide(path+".damaged-"+now.UTC().Format("20060102T150405Z"), tail)
	if err != nil {
		return "", err
	}
	if err := f.Truncate(d.offset); err != nil {
		return "", fmt.Errorf("cutting the damaged end from %s (it is saved in %s): %w", path, side, fsys.UnwrapPath(err))
	}
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("syncing %s: %w", path, err)
	}
	return side, nil
}

// createSide writes b into a new file named base (or base.2, base.3, …
// when taken) and syncs it.
func createSide(base string, b []byte) (string, error) {
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s.%d", base, i)
		}
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) && i < 100 {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("creating %s: %w", name, fsys.UnwrapPath(err))
		}
		_, err = f.Write(b)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(name)
			return "", fmt.Errorf("writing %s: %w", name, fsys.UnwrapPath(err))
		}
		return name, nil
	}
}

// nextRunID is the id of a run starting at now: the start time in whole
// Unix seconds, as the reference's run_id, but above every id in recs, so
// that two runs started within the same second never share one. When an id
// at the top of the int64 range leaves no room above it, the first free id
// from now on is taken instead: ids stay unique and never wrap negative.
func nextRunID(ids []int64, now time.Time) int64 {
	id := now.Unix()
	used := make(map[int64]bool, 8)
	top := int64(math.MinInt64)
	for _, u := range ids {
		used[u] = true
		top = max(top, u)
	}
	if top < id {
		return id
	}
	if top < math.MaxInt64 {
		return top + 1
	}
	sorted := make([]int64, 0, len(used))
	for u := range used {
		sorted = append(sorted, u)
	}
	slices.Sort(sorted)
	for _, u := range sorted {
		if u == id {
			id++
		} else if u > id {
			break
		}
	}
	return id
}

// runIDs lists the run id of every record.
func runIDs(recs []Record) []int64 {
	ids := make([]int64, len(recs))
	for i, r := range recs {
		ids[i] = r.RunID
	}
	return ids
}
