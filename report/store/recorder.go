package store

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fsys"
)

// env is what a Recorder takes from its surroundings; tests replace it to
// make output deterministic and to inject write failures.
type env struct {
	fs      fsys.FS
	machine func(version string) Machine
	now     func() time.Time
}

func defaultEnv() env { return env{fs: fsys.OS{}, machine: thisMachine, now: time.Now} }

// Recorder keeps one run's results: in memory and in the JSONL (one line
// appended and synced per result). Memory is the source of truth: a failed
// write never drops a result, and a later Add or Flush retries it. The
// reports are written from Results by package report. A Recorder is not
// safe for concurrent use.
type Recorder struct {
	meta    Meta
	paths   Paths
	env     env
	machine Machine
	started time.Time

	results []bench.Result
	pos     map[bench.Config]int

	jsonl   fsys.File // nil until opened (again after Close)
	pending [][]byte  // encoded lines not yet safely in the JSONL
	// ident is the JSONL as first opened. Appending goes through an open
	// descriptor, which keeps working after the file or its directory is
	// removed or replaced: every line would then vanish with the unlinked
	// file. Comparing the path's file with ident before each append catches
	// that.
	ident fs.FileInfo
	// lost is set once the JSONL at the path is no longer ident: the next
	// flush recreates the directory and writes the whole run again.
	lost bool
	// off is where this Recorder's last write to the JSONL ended: the
	// file's size as far as the run knows (-1: unknown, after a cut-back
	// that failed). A JSONL truncated in place (`: > FILE`, `truncate -s N
	// FILE`) keeps its identity, so ident cannot show it; a size below off,
	// or last no longer at off-len(last), does.
	off int64
	// last is the line this Recorder appended last, ending at off (nil
	// when there is none to check).
	last []byte
	// base is the JSONL's size when the run first opened it: a cut below
	// it took lines written before this run, which it cannot write again.
	base int64
	// ended is set by end: nothing is opened, created or written again.
	ended bool
}

// LostError says that the JSONL a Recorder appends to was removed or
// replaced behind its back. The run's results are still in memory; the next
// Add or Flush recreates the output directory and writes them all to a new
// JSONL.
type LostError struct {
	Path   string // the JSONL
	Reason string // "output directory was removed", "file was removed", "file was replaced"
}

func (e *LostError) Error() string { return e.Path + ": " + e.Reason }

// TruncatedError says that the JSONL was cut short in place behind the
// Recorder's back (`: > FILE`, `truncate -s N FILE`) and made whole again:
// a line cut through (and whatever was appended to it) removed, every
// result of the run in memory that the file lost written again, each once,
// and the other whole lines kept. Err is nil when all of that is on disk;
// otherwise the results stay in memory and the next Add or Flush writes
// them.
type TruncatedError struct {
	Path string // the JSONL
	// Size is the length the file was found with; Written the length the
	// Recorder had written.
	Size, Written int64
	// Rewritten counts the run's results written again.
	Rewritten int
	// Dropped counts the bytes removed: a line cut through, with anything
	// glued to it.
	Dropped int64
	// EarlierLost counts the bytes written before this run that the cut
	// took: other runs' records, which no one can write again.
	EarlierLost int64
	Err         error
}

func (e *TruncatedError) Error() string {
	s := fmt.Sprintf("%s was cut to %d bytes behind the run's back (the run had written %d)", e.Path, e.Size, e.Written)
	if e.Size >= e.Written {
		s = fmt.Sprintf("%s was cut short and written again behind the run's back (its last record is gone)", e.Path)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *TruncatedError) Unwrap() error { return e.Err }

// NewRecorder prepares dir and opens its JSONL for appending. prior are
// results of this run already on disk (a resumed run): they are kept in
// memory for the reports but not appended again.
func NewRecorder(meta Meta, dir string, prior []bench.Result) (*Recorder, error) {
	return newRecorder(meta, dir, prior, defaultEnv())
}

func newRecorder(meta Meta, dir string, prior []bench.Result, e env) (*Recorder, error) {
	if err := fsys.Prepare(e.fs, dir); err != nil {
		return nil, err
	}
	r := &Recorder{
		meta:    meta,
		paths:   PathsFor(dir),
		env:     e,
		machine: e.machine(meta.Version),
		started: e.now().UTC().Truncate(time.Second),
		pos:     map[bench.Config]int{},
	}
	for _, res := range prior {
		r.keep(res)
	}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

// open opens the JSONL for appending and mends a torn last line left by a
// crash, so that the next line starts on a line of its own.
func (r *Recorder) open() error {
	if r.ended {
		return ErrRunEnded
	}
	f, err := r.env.fs.OpenFile(r.paths.JSONL, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return fmt.Errorf("opening %s: %w", r.paths.JSONL, fsys.UnwrapPath(err))
	}
	if err := mendTail(f); err != nil {
		f.Close()
		return fmt.Errorf("opening %s: %w", r.paths.JSONL, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("opening %s: %w", r.paths.JSONL, err)
	}
	r.jsonl = f
	switch {
	case r.ident == nil: // a new file to watch
		r.ident, r.off, r.base, r.last = st, st.Size(), st.Size(), nil
	case r.off < 0: // reopened after a failed cut-back: mendTail cut the torn line
		r.off, r.last = st.Size(), nil
	}
	return nil
}

// mendTail makes f end with a newline. A last line without one is either
// complete JSON (kept: a newline is added) or the torn remains of an
// interrupted append (cut off: it is unreadable anyway, and appending to it
// would glue it to the next record).
func mendTail(f fsys.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	if size == 0 {
		return nil
	}
	// Read backwards to the last newline.
	const chunk = 64 << 10
	var tail []byte
	end := size
	for end > 0 {
		start := max(0, end-chunk)
		buf := make([]byte, end-start)
		if _, err := f.ReadAt(buf, start); err != nil && err != io.EOF {
			return err
		}
		if len(tail) == 0 && buf[len(buf)-1] == '\n' {
			return nil
		}
		tail = append(buf, tail...)
		if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
			tail = tail[i+1:]
			break
		}
		end = start
	}
	if _, err := parseRecord(tail); err == nil {
		_, err := f.Write([]byte{'\n'})
		return err
	}
	if err := f.Truncate(size - int64(len(tail))); err != nil {
		return err
	}
	return f.Sync()
}

// keep puts res in memory: a config added again replaces its earlier
// result in place, so the sweep order is kept.
func (r *Recorder) keep(res bench.Result) {
	if i, ok := r.pos[res.Config]; ok {
		r.results[i] = res
		return
	}
	r.pos[res.Config] = len(r.results)
	r.results = append(r.results, res)
}

// Add keeps res in memory, then appends it to the JSONL and syncs the file,
// so a crash loses at most the config being measured. When the append
// fails the result stays in memory and the line is retried by the next Add
// or Flush; the error names the JSONL. When the JSONL was removed or
// replaced since the last append, Add writes nothing and returns a
// *LostError (so that the caller can tell the user now); the next Add or
// Flush writes the whole run to a new JSONL.
func (r *Recorder) Add(res bench.Result) error {
	r.keep(res)
	line, err := encodeRecord(r.record(res))
	if err != nil {
		return fmt.Errorf("encoding %s for %s: %w", res.Config, r.paths.JSONL, err)
	}
	r.pending = append(r.pending, line)
	if !r.lost {
		if err := r.checkLost(); err != nil {
			return err
		}
	}
	return r.flush()
}

// record is res's line: every round (res.Samples) only when the plan
// keeps them or res has no summary of them to stand in their place.
func (r *Recorder) record(res bench.Result) Record {
	grid := r.meta.Plan.Grid
	keep := r.meta.Plan.KeepRounds
	if !keep && res.RoundSummarized() {
		res.Samples = nil
	}
	if b := res.Vs; b != nil && !keep && b.RoundSummarized() {
		lean := *b
		lean.Samples = nil
		res.Vs = &lean
	}
	return Record{
		RunID:      r.meta.RunID,
		Result:     res,
		Machine:    r.machine,
		Timing:     r.meta.Plan.Timing,
		Seed:       r.meta.Plan.Seed,
		Grid:       &grid,
		Started:    r.started,
		Baseline:   r.meta.Baseline,
		KeepRounds: keep,
		VsSpec:     r.meta.Plan.Vs,
		SameWithin: r.meta.Plan.SameWithin,
	}
}

// SetGrid makes g the grid written with later records. A live edit of the
// grid (the TUI's) turns the run into a run of the new grid, and --resume
// must match what the run became, not what it started as.
func (r *Recorder) SetGrid(g bench.Grid) {
	r.meta.Plan.Grid = bench.Grid{
		Dims:     slices.Clone(g.Dims),
		Branches: slices.Clone(g.Branches),
		SeqLens:  slices.Clone(g.SeqLens),
	}
}

// checkLost compares the file at the JSONL's path with the one this run
// has been appending to. When they differ the descriptor is dropped, the
// Recorder is marked lost and a *LostError says why. A Stat that fails for
// another reason (permission) proves nothing; the write will tell.
func (r *Recorder) checkLost() error {
	if r.ident == nil {
		return nil
	}
	reason := ""
	st, err := r.env.fs.Stat(r.paths.JSONL)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		reason = "file was removed"
		if _, derr := r.env.fs.Stat(dirOf(r.paths.Dir)); errors.Is(derr, fs.ErrNotExist) {
			reason = "output directory was removed"
		}
	case err == nil && !os.SameFile(st, r.ident):
		reason = "file was replaced"
	}
	if reason == "" {
		return nil
	}
	if r.jsonl != nil {
		r.jsonl.Close() // the unlinked file: nothing in it can be reached
		r.jsonl = nil
	}
	r.lost = true
	return &LostError{Path: r.paths.JSONL, Reason: reason}
}

// dirOf is dir as a path the OS accepts ("" is the working directory).
func dirOf(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

// recreate follows a lost JSONL: it creates the output directory again and
// queues every result of the run in memory that the file at the path does
// not hold yet, so that the JSONL ends up with each of them exactly once.
// After a removal that is all of them; after a replacement (a copy put back,
// an edited file) only the ones it lacks, and its other lines are kept.
func (r *Recorder) recreate() error {
	if r.ended {
		return ErrRunEnded
	}
	if err := fsys.Prepare(r.env.fs, r.paths.Dir); err != nil {
		return err
	}
	r.ident = nil // the new file is the one to watch from now on
	if err := r.open(); err != nil {
		return err
	}
	have, err := r.configsOnFile()
	if err != nil {
		return fmt.Errorf("reading %s again: %w", r.paths.JSONL, err)
	}
	lines, err := r.linesMissing(have)
	if err != nil {
		return err
	}
	// Memory is complete, so the lines queued before cover nothing more.
	r.pending = lines
	r.lost = false
	return nil
}

// linesMissing encodes, in order, every result of the run in memory whose
// config have lacks: what a recreated or mended JSONL must be given again.
func (r *Recorder) linesMissing(have map[bench.Config]bool) ([][]byte, error) {
	var lines [][]byte
	for _, res := range r.results {
		if have[res.Config] {
			continue
		}
		line, err := encodeRecord(r.record(res))
		if err != nil {
			return nil, fmt.Errorf("encoding %s for %s: %w", res.Config, r.paths.JSONL, err)
		}
		lines = append(lines, line)
	}
	return lines, nil
}

// configsOnFile are the configs of this run that the open JSONL holds.
// Lines that are not records are skipped: the file is only searched, and
// whatever it holds besides this run is not this Recorder's to judge.
func (r *Recorder) configsOnFile() (map[bench.Config]bool, error) {
	st, err := r.jsonl.Stat()
	if err != nil {
		return nil, err
	}
	have := map[bench.Config]bool{}
	br := bufio.NewReaderSize(io.NewSectionReader(r.jsonl, 0, st.Size()), 64<<10)
	for {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			if rec, perr := parseRecord(line); perr == nil && rec.RunID == r.meta.RunID {
				have[rec.Config] = true
			}
		}
		if err == io.EOF {
			return have, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// flush appends the pending lines in order. A line is appended by one
// write and synced; when either fails the file is cut back to its length
// before the write, so that a half-written line never sits in the middle of
// the history, and the line stays pending. Before each append and after
// the last, the file's size is checked against what the Recorder wrote: a
// JSONL truncated in place is made whole again (mend) and flush returns a
// *TruncatedError.
func (r *Recorder) flush() error {
	if r.lost {
		if err := r.recreate(); err != nil {
			return err
		}
	}
	if r.jsonl == nil {
		if len(r.pending) == 0 {
			return nil
		}
		if err := r.open(); err != nil {
			return err
		}
	}
	var cut *TruncatedError
	fail := func(err error) error {
		if cut == nil {
			return err
		}
		cut.Err = err
		return cut
	}
	for mends := 0; ; {
		found, err := r.cutShort()
		if err != nil {
			return fail(err)
		}
		if found != nil {
			if mends++; mends > maxMends {
				return fail(fmt.Errorf("%s keeps being cut short while the run appends to it", r.paths.JSONL))
			}
			if err := r.mend(found); err != nil {
				return fail(err)
			}
			cut = mergeCuts(cut, found)
		}
		if len(r.pending) == 0 {
			break
		}
		if err := r.appendLine(r.pending[0]); err != nil {
			return fail(err)
		}
		r.pending[0] = nil
		r.pending = r.pending[1:]
	}
	r.pending = nil
	if cut != nil {
		return cut
	}
	return nil
}

// maxMends bounds the repairs of one flush: a file cut again and again
// while the run appends is reported, not chased forever.
const maxMends = 3

// appendLine appends one line and syncs it. On failure the file is cut
// back to its length before the write; when that fails too it is closed,
// and reopening mends the torn line.
func (r *Recorder) appendLine(line []byte) error {
	st, err := r.jsonl.Stat()
	if err != nil {
		return fmt.Errorf("appending to %s: %w", r.paths.JSONL, err)
	}
	size := st.Size()
	_, err = r.jsonl.Write(line)
	if err == nil {
		err = r.jsonl.Sync()
	}
	if err != nil {
		if terr := r.jsonl.Truncate(size); terr != nil {
			r.jsonl.Close()
			r.jsonl = nil
			r.off, r.last = -1, nil
		}
		return fmt.Errorf("appending to %s: %w", r.paths.JSONL, fsys.UnwrapPath(err))
	}
	r.off, r.last = size+int64(len(line)), line
	return nil
}

// cutShort compares the open JSONL with what the Recorder wrote: shorter
// than off, or the last line no longer where it was written, means the
// file was truncated in place (and perhaps written again). A file that
// grew was appended to by someone else (another run of this process, while
// the workbench restarts): it is adopted, ending with a newline so that the
// next record starts a line of its own.
func (r *Recorder) cutShort() (*TruncatedError, error) {
	st, err := r.jsonl.Stat()
	if err != nil {
		return nil, fmt.Errorf("appending to %s: %w", r.paths.JSONL, err)
	}
	size := st.Size()
	if r.off < 0 {
		r.off, r.last = size, nil
		return nil, nil
	}
	if size < r.off {
		return &TruncatedError{Path: r.paths.JSONL, Size: size, Written: r.off}, nil
	}
	if n := int64(len(r.last)); n > 0 {
		got := make([]byte, n)
		if _, err := r.jsonl.ReadAt(got, r.off-n); err != nil && err != io.EOF {
			return nil, fmt.Errorf("reading %s back: %w", r.paths.JSONL, err)
		}
		if !bytes.Equal(got, r.last) {
			return &TruncatedError{Path: r.paths.JSONL, Size: size, Written: r.off}, nil
		}
	}
	if size > r.off {
		if err := mendTail(r.jsonl); err != nil {
			return nil, fmt.Errorf("appending to %s: %w", r.paths.JSONL, err)
		}
		if st, err = r.jsonl.Stat(); err != nil {
			return nil, fmt.Errorf("appending to %s: %w", r.paths.JSONL, err)
		}
		r.off, r.last = st.Size(), nil
	}
	return nil, nil
}

// mend makes a JSONL that was cut short whole again, in place (its
// identity, and so the watch on it, stays): the file is cut back to the
// first line that is not a whole record — the line the truncation cut
// through, with any record appended to it since — and what followed that
// line and is whole is queued again, then every result of the run in
// memory that the file does not hold. So each result is in the file once,
// no torn bytes sit in the middle of the history, and the lines of other
// runs that survived the cut are kept.
func (r *Recorder) mend(cut *TruncatedError) error {
	st, err := r.jsonl.Stat()
	if err != nil {
		return fmt.Errorf("reading %s again: %w", r.paths.JSONL, err)
	}
	size := st.Size()
	from := size // where the first line that is not a whole record starts
	var after [][]byte
	have := map[bench.Config]bool{}
	br := bufio.NewReaderSize(io.NewSectionReader(r.jsonl, 0, size), 64<<10)
	for off := int64(0); ; {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("reading %s again: %w", r.paths.JSONL, err)
		}
		switch {
		case len(line) > 0 && len(bytes.TrimSpace(line)) == 0 && line[len(line)-1] != '\n':
			from = min(from, off) // blank remains the next record would glue to
			cut.Dropped += int64(len(line))
		case len(bytes.TrimSpace(line)) > 0:
			whole := line
			rec, perr := parseRecord(line)
			if perr != nil { // cut through, perhaps with a record glued on
				from = min(from, off)
				whole, rec, perr = gluedRecord(line)
				cut.Dropped += int64(len(line) - len(whole))
			}
			if perr == nil {
				if rec.RunID == r.meta.RunID {
					have[rec.Config] = true
				}
				if off >= from || whole[len(whole)-1] != '\n' {
					from = min(from, off)
					after = append(after, append(bytes.TrimRight(whole, "\r\n"), '\n'))
				}
			}
		}
		off += int64(len(line))
		if err == io.EOF {
			break
		}
	}
	missing, err := r.linesMissing(have)
	if err != nil {
		return err
	}
	lines := append(after, missing...)
	cut.Rewritten += len(missing)
	if lost := r.base - cut.Size; lost > 0 {
		cut.EarlierLost += lost
		r.base = cut.Size
	}
	if from < size {
		if err := r.jsonl.Truncate(from); err != nil {
			return fmt.Errorf("cutting the torn end from %s: %w", r.paths.JSONL, fsys.UnwrapPath(err))
		}
		if err := r.jsonl.Sync(); err != nil {
			return fmt.Errorf("syncing %s: %w", r.paths.JSONL, err)
		}
	}
	// Memory is complete, so the lines queued before cover nothing more.
	r.pending = lines
	r.off, r.last = from, nil
	return nil
}

// gluedRecord is the whole record at the end of a line that is not one:
// a record appended to the remains of a line the truncation cut through.
// Records start with their run id. The error says there is none.
func gluedRecord(line []byte) ([]byte, Record, error) {
	i := bytes.LastIndex(line, []byte(`{"run_id":`))
	if i <= 0 {
		return nil, Record{}, errors.New("no record")
	}
	rec, err := parseRecord(line[i:])
	if err != nil {
		return nil, Record{}, err
	}
	return line[i:], rec, nil
}

// mergeCuts adds a second repair of the same flush to the first.
func mergeCuts(first, next *TruncatedError) *TruncatedError {
	if first == nil {
		return next
	}
	first.Rewritten += next.Rewritten
	first.Dropped += next.Dropped
	first.EarlierLost += next.EarlierLost
	first.Size = min(first.Size, next.Size)
	return first
}

// Results are the run's results in its grid, in the grid's sweep order
// (they are added as configs finish, out of it). Results of configs a live
// edit dropped from the grid stay in the JSONL history but not in the
// reports.
func (r *Recorder) Results() []bench.Result { return r.inGrid() }

func (r *Recorder) inGrid() []bench.Result {
	g := r.meta.Plan.Grid
	out := make([]bench.Result, 0, len(r.results))
	for _, res := range r.results {
		if g.Contains(res.Config) {
			out = append(out, res)
		}
	}
	g.SortInSweepOrder(out)
	return out
}

// end ends the recording for good: nothing is written again and no
// directory is recreated (Run.Close calls it after closing the Recorder).
func (r *Recorder) end() { r.ended = true }

// Paths are the files of the Recorder's output directory; it writes the
// JSONL.
func (r *Recorder) Paths() Paths { return r.paths }

// Meta is the run's description.
func (r *Recorder) Meta() Meta { return r.meta }

// Flush appends any pending JSONL lines. A JSONL lost or cut short since
// the last Add is repaired here rather than reported: Flush is often the
// last call, with nothing after it to repair the loss.
func (r *Recorder) Flush() error {
	_ = r.checkLost() // a loss is repaired by the flush below
	return repaired(r.flush())
}

// repaired is err without a *TruncatedError whose repair succeeded.
func repaired(err error) error {
	var te *TruncatedError
	if errors.As(err, &te) && te.Err == nil {
		return nil
	}
	return err
}

// Machine is where the run is measured, as its records say.
func (r *Recorder) Machine() Machine { return r.machine }

// Close appends pending lines and closes the JSONL. The Recorder stays
// usable: a later Add or Flush opens the file again.
func (r *Recorder) Close() error {
	_ = r.checkLost() // as in Flush: repaired, since nothing comes after
	err := repaired(r.flush())
	if r.jsonl != nil {
		if cerr := r.jsonl.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("closing %s: %w", r.paths.JSONL, cerr))
		}
		r.jsonl = nil
	}
	return err
}
