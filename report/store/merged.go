package store

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// AppendRun appends the records of one run, measured elsewhere (the shards
// of a sweep, package report/merge), to dir's JSONL under dir's lock,
// synced before it returns. A record equal to the run's last record of its
// config already in the file is not written again, so that merging twice
// appends nothing; a changed one is appended and, as in every resumed run,
// the last record of a config wins. It returns how many were written.
func AppendRun(dir string, recs []Record) (int, error) {
	paths := PathsFor(dir)
	if err := PrepareDir(dir); err != nil {
		return 0, err
	}
	lk, err := acquire(paths)
	if err != nil {
		return 0, err
	}
	n, err := appendRun(paths.JSONL, recs)
	if rerr := lk.release(); rerr != nil {
		err = errors.Join(err, fmt.Errorf("unlocking %s: %w", paths.Lock, rerr))
	}
	return n, err
}

func appendRun(path string, recs []Record) (int, error) {
	have := map[int64]map[string]string{} // run id → config → its last line
	old, _, err := ReadJSONLRepair(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return 0, err
	}
	for _, r := range old {
		b, err := encodeRecord(r)
		if err != nil {
			continue
		}
		if have[r.RunID] == nil {
			have[r.RunID] = map[string]string{}
		}
		have[r.RunID][r.Config.String()] = string(b)
	}
	var out []byte
	n := 0
	for _, r := range recs {
		b, err := encodeRecord(r)
		if err != nil {
			return 0, fmt.Errorf("%s: encoding %s: %w", path, r.Config, err)
		}
		if have[r.RunID][r.Config.String()] == string(b) {
			continue
		}
		out = append(out, b...)
		n++
	}
	if n == 0 {
		return 0, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return 0, err
	}
	// A last line cut short (a crash) gets its newline first, so that the
	// first appended record starts a line of its own.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			out = append([]byte{'\n'}, out...)
		} else if err != nil && !errors.Is(err, io.EOF) {
			f.Close()
			return 0, fmt.Errorf("reading %s: %w", path, err)
		}
	}
	if _, err := f.Write(out); err != nil {
		f.Close()
		return 0, fmt.Errorf("appending to %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return 0, fmt.Errorf("syncing %s: %w", path, err)
	}
	return n, f.Close()
}
