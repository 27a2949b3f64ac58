package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fsys"
)

// FileLock is the lock file next to the JSONL. Locking a file of its own
// rather than the JSONL keeps the JSONL readable where locks are mandatory
// (Windows locks the bytes it covers against every other handle). Where
// the lock file can be deleted while held (Unix), the output directory is
// locked too (lockDir), and a running writer takes the lock file again
// when it finds it gone or replaced (relock, after every append).
const FileLock = ".qmlhc_benchmarks.lock"

// errHeld says that another process holds a lock.
var errHeld = errors.New("held by another process")

// LockedError refuses a second writer: another hcbench holds the output
// directory's lock.
type LockedError struct{ JSONL string }

func (e *LockedError) Error() string { return "another hcbench is writing " + e.JSONL }

// ErrRunEnded is returned by a Run used after Close: a run that has ended
// never writes again, so that nothing (a directory removed meanwhile
// included) is recreated behind the user's back.
var ErrRunEnded = errors.New("the run has ended")

// RunOptions say how OpenRun starts a run.
type RunOptions struct {
	// Resume continues a recorded run instead of starting one: the latest
	// run with plan's settings and grid or, with AnyPlan, the latest
	// unfinished run whatever its settings. When there is none a new run of
	// plan starts (Run.Note says so).
	Resume  bool
	AnyPlan bool
	// ResumeID, with Resume, continues exactly that run (one that
	// ReadResumable offered), whatever its settings.
	ResumeID int64
	Version  string // hcbench's version, written in every record
	// Baseline is the JSONL the run is compared with, written in every
	// record ("" for none).
	Baseline string
	// Now is the clock for the run id (default time.Now).
	Now func() time.Time
	// ID, when set, is a new run's id instead of one from the clock: the
	// shards of one sweep share it (--run-id).
	ID int64
}

// Run is one run's life on disk: the output directory's lock, the run id,
// the results already recorded (a resumed run's), and the recording of
// every new result. A Run is safe for concurrent use.
type Run struct {
	ID    int64
	Plan  bench.Plan     // what runs: plan, or the resumed run's settings and grid
	Prior []bench.Result // results recorded before (a resumed run), in the grid
	// Resumed is set when a recorded run is continued.
	Resumed bool
	// Baseline is the JSONL the run is compared with: RunOptions.Baseline,
	// or a resumed run's own when none is given ("" for none).
	Baseline string
	// Notes are what the user should hear about the opening: a damaged
	// end of the history moved aside, nothing to resume.
	Notes []string

	mu      sync.Mutex
	rec     *Recorder
	lock    *dirLock
	paths   Paths
	failing bool // appending fails (disk full, read-only): said once
	lost    bool // the JSONL was removed or replaced: said each time
	// unlocked: taking the lock again failed (said once until it works).
	unlocked bool
	ended    bool
}

// OpenRun takes dir for a run of plan: it creates the directory, locks it
// against a second hcbench, reads the history under the lock (moving a
// damaged last line aside into qmlhc_benchmarks.jsonl.damaged-… and
// refusing worse damage), picks the run to resume or a new run id, and
// opens the JSONL for appending. Nothing is measured yet; Close releases
// everything. A locked directory gives a *LockedError.
func OpenRun(dir string, plan bench.Plan, opts RunOptions) (*Run, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := plan.Validate(); err != nil {
		return nil, err
	}
	paths := PathsFor(dir)
	if err := PrepareDir(dir); err != nil {
		return nil, err
	}
	lk, err := acquire(paths)
	if err != nil {
		return nil, err
	}
	r := &Run{Plan: plan, lock: lk, paths: paths, Baseline: opts.Baseline}
	if err := r.open(opts); err != nil {
		lk.release()
		return nil, err
	}
	return r, nil
}

// dirLock is the lock of one output directory, shared by the runs of this
// process: the workbench starts a new run (restart) while the previous one
// still winds down in the same directory. It is released when the last of
// them closes. Other processes are kept out by the OS locks: on the lock
// file and, where it can be deleted while held, on the directory.
type dirLock struct {
	key   string
	paths Paths
	fl    *flock.Flock
	dir   *os.File // the locked directory (nil where none can be locked)
	refs  int
}

var locks = struct {
	sync.Mutex
	m map[string]*dirLock
}{m: map[string]*dirLock{}}

func acquire(paths Paths) (*dirLock, error) {
	key, err := filepath.Abs(paths.Lock)
	if err != nil {
		key = paths.Lock
	}
	locks.Lock()
	defer locks.Unlock()
	if l := locks.m[key]; l != nil {
		l.refs++
		return l, nil
	}
	fl, dir, err := lockOS(paths)
	if err != nil {
		return nil, err
	}
	l := &dirLock{key: key, paths: paths, fl: fl, dir: dir, refs: 1}
	locks.m[key] = l
	return l, nil
}

// lockOS takes the OS locks of an output directory, as any process does:
// the directory first (so that a writer that finds the lock file deleted is
// refused before it creates one), then the lock file.
func lockOS(paths Paths) (*flock.Flock, *os.File, error) {
	dir, err := lockDir(paths.Dir)
	if err != nil {
		return nil, nil, lockError(paths, paths.Dir, err)
	}
	fl, err := tryLock(paths)
	if err != nil {
		if dir != nil {
			dir.Close()
		}
		return nil, nil, err
	}
	return fl, dir, nil
}

// lockError is a failure to lock path: a *LockedError when another
// process holds it.
func lockError(paths Paths, path string, err error) error {
	if errors.Is(err, errHeld) {
		return &LockedError{JSONL: paths.JSONL}
	}
	return fmt.Errorf("locking %s: %w", path, fsys.UnwrapPath(err))
}

func tryLock(paths Paths) (*flock.Flock, error) {
	fl := flock.New(paths.Lock)
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", paths.Lock, fsys.UnwrapPath(err))
	}
	if !ok {
		return nil, &LockedError{JSONL: paths.JSONL}
	}
	return fl, nil
}

func (l *dirLock) release() error {
	locks.Lock()
	defer locks.Unlock()
	if l.refs--; l.refs > 0 {
		return nil
	}
	delete(locks.m, l.key)
	err := l.fl.Close()
	if l.dir != nil {
		err = errors.Join(err, l.dir.Close())
	}
	return err
}

// relock takes the locks again when what they hold is no longer at their
// paths: the lock file deleted or replaced, or gone with a removed
// directory. The old locks then hold unlinked files that no other hcbench
// would open, which would let a second writer in. Cheap when nothing
// changed (two stats per lock): Run.Add calls it after every append.
func (l *dirLock) relock() error {
	locks.Lock()
	defer locks.Unlock()
	var errs []error
	if !sameFile(l.dir, dirOf(l.paths.Dir)) {
		dir, err := lockDir(l.paths.Dir)
		if err != nil {
			errs = append(errs, lockError(l.paths, l.paths.Dir, err))
		} else if dir != nil {
			if l.dir != nil {
				l.dir.Close()
			}
			l.dir = dir
		}
	}
	held, herr := l.fl.Stat()
	cur, cerr := os.Stat(l.paths.Lock)
	if herr != nil || cerr != nil || !os.SameFile(held, cur) {
		fl, err := tryLock(l.paths)
		if err != nil {
			errs = append(errs, err)
		} else {
			l.fl.Close()
			l.fl = fl
		}
	}
	return errors.Join(errs...)
}

// sameFile reports whether f is still the file at path.
func sameFile(f *os.File, path string) bool {
	if f == nil {
		return false
	}
	held, herr := f.Stat()
	cur, cerr := os.Stat(path)
	return herr == nil && cerr == nil && os.SameFile(held, cur)
}

func (r *Run) open(opts RunOptions) error {
	h, err := readHistory(r.paths.JSONL)
	if err != nil {
		return err
	}
	if h.tail != nil {
		side, err := moveTailAside(r.paths.JSONL, h.tail, opts.Now())
		if err != nil {
			return err
		}
		r.Notes = append(r.Notes, fmt.Sprintf("warning: %s line %d (%d bytes) is not a benchmark record (%v); moved it to %s",
			r.paths.JSONL, h.tail.line, h.tail.bytes, h.tail.why, side))
	}
	if opts.Resume {
		var want *bench.Plan
		if !opts.AnyPlan && opts.ResumeID == 0 {
			want = &r.Plan
		}
		recs := h.recs
		if opts.ResumeID != 0 {
			recs = nil
			for _, rec := range h.recs {
				if rec.RunID == opts.ResumeID {
					recs = append(recs, rec)
				}
			}
		}
		res, found := FindResumable(recs, want)
		switch {
		case found:
			// --keep-rounds is not matched on (it says what is written,
			// not what is measured): the run goes on keeping its rounds
			// when it did or when asked to now.
			keep := r.Plan.KeepRounds || res.Plan.KeepRounds
			r.ID, r.Plan, r.Prior, r.Resumed = res.RunID, res.Plan, res.Results, true
			r.Plan.KeepRounds = keep
			if r.Baseline == "" {
				r.Baseline = res.Baseline
			}
		case opts.AnyPlan || opts.ResumeID != 0:
			r.Notes = append(r.Notes, fmt.Sprintf("nothing to resume in %s: no unfinished run; starting a new one", r.paths.JSONL))
		default:
			note := fmt.Sprintf("nothing to resume in %s: no run has this grid and these settings (%s)", r.paths.JSONL, DescribePlan(r.Plan))
			if res.OtherGrid != nil {
				note += fmt.Sprintf("; the latest run with these settings has -D %s -K %s -T %s",
					bench.FormatList(res.OtherGrid.Dims), bench.FormatList(res.OtherGrid.Branches), bench.FormatList(res.OtherGrid.SeqLens))
			}
			r.Notes = append(r.Notes, note+"; starting a new run")
		}
	}
	if !r.Resumed {
		// Under the lock, so that no other hcbench picks the same id.
		r.ID = nextRunID(runIDs(h.recs), opts.Now())
		if opts.ID != 0 {
			r.ID = opts.ID
		}
	}
	r.rec, err = NewRecorder(Meta{RunID: r.ID, Plan: r.Plan, Version: opts.Version, Baseline: r.Baseline}, r.paths.Dir, r.Prior)
	return err
}

// Paths are the files of the run's directory.
func (r *Run) Paths() Paths { return r.paths }

// Add records one finished config. It returns what the user should be told
// now, or "": a write failing (said once until it works again; the result
// is kept in memory and written by the next Add or Flush), the JSONL
// removed or replaced (said every time), the file written again.
func (r *Run) Add(res bench.Result) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return "warning: " + ErrRunEnded.Error() + ": " + res.Config.String() + " was not recorded"
	}
	err := r.rec.Add(res)
	var le *LostError
	var te *TruncatedError
	var msg string
	switch {
	case errors.As(err, &le):
		r.failing, r.lost = true, true
		return fmt.Sprintf("warning: %v; the run's %d results are kept in memory and saved there again after the next config",
			err, len(r.rec.Results()))
	case errors.As(err, &te):
		msg = r.truncated(te)
		if te.Err != nil {
			return msg
		}
	case err != nil && !r.failing:
		r.failing = true
		return fmt.Sprintf("warning: cannot save %s: %v; results are kept in memory and written again after each config", res.Config, err)
	case err != nil:
		return ""
	case r.lost:
		r.failing, r.lost = false, false
		msg = fmt.Sprintf("recreated %s: every result of run %d so far is saved", r.paths.JSONL, r.ID)
	case r.failing:
		r.failing = false
		msg = fmt.Sprintf("%s is writable again: every result so far is saved", r.paths.JSONL)
	}
	return joinNotes(msg, r.relock())
}

// truncated is what the user hears about a JSONL cut short in place.
func (r *Run) truncated(te *TruncatedError) string {
	msg := "warning: " + (&TruncatedError{Path: te.Path, Size: te.Size, Written: te.Written}).Error()
	if te.Err != nil {
		r.failing = true
		msg += fmt.Sprintf("; writing the run's results again failed (%v): the run's %d results are kept in memory and written again after the next config",
			te.Err, len(r.rec.Results()))
	} else {
		r.failing = false
		msg += fmt.Sprintf("; wrote %d results of run %d again: every result of the run so far is in it once", te.Rewritten, r.ID)
	}
	if te.Dropped > 0 {
		msg += fmt.Sprintf("; removed the %d bytes of the line the cut went through", te.Dropped)
	}
	if te.EarlierLost > 0 {
		msg += fmt.Sprintf("; %d bytes written before this run were cut off and are lost", te.EarlierLost)
	}
	return msg
}

// relock takes the directory's locks again when their files went away
// (see dirLock.relock); a failure is said once until it works again.
func (r *Run) relock() string {
	err := r.lock.relock()
	switch {
	case err != nil && !r.unlocked:
		r.unlocked = true
		return fmt.Sprintf("warning: cannot lock %s against a second hcbench: %v", r.paths.Dir, err)
	case err == nil && r.unlocked:
		r.unlocked = false
		return fmt.Sprintf("%s is locked against a second hcbench again", r.paths.Dir)
	}
	return ""
}

// joinNotes joins the non-empty notes with "; ".
func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "; ")
}

// SetGrid records a live edit of the grid: later records carry it, and
// Results (what the reports are written from) cover only its configs
// (results dropped by the edit stay in the JSONL history).
func (r *Run) SetGrid(g bench.Grid) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Plan.Grid = g
	r.rec.SetGrid(g)
}

// Results are the run's results in its current grid, in the grid's sweep
// order (see Recorder.Results).
func (r *Run) Results() []bench.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rec.Results()
}

// Flush appends what is pending to the JSONL (see Recorder.Flush).
func (r *Run) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return ErrRunEnded
	}
	return r.rec.Flush()
}

// Machine is where the run is measured.
func (r *Run) Machine() Machine {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rec.Machine()
}

// Close appends what is pending, closes the JSONL and releases the lock.
// The run has then ended: it never writes again.
func (r *Run) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return nil
	}
	r.ended = true
	err := r.rec.Close()
	r.rec.end()
	if cerr := r.lock.release(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("unlocking %s: %w", r.paths.Lock, cerr))
	}
	return err
}

// Resumable is a recorded run that can be continued.
type Resumable struct {
	RunID   int64
	Plan    bench.Plan     // its settings and its latest grid
	Results []bench.Result // its results in that grid, the last of each config
	// OtherGrid, when no run matched, is the grid of the latest run with
	// the wanted settings but another grid: a mistyped list is the likely
	// cause.
	OtherGrid *bench.Grid
	// Baseline is the JSONL the run was compared with ("" for none).
	Baseline string
}

// Done is how many configs of the grid have a result.
func (r Resumable) Done() int { return len(r.Results) }

// FindResumable picks the run that a resume continues, among every run in
// recs, the latest first (by each run's last record: a resumed run appends
// under its old id). With want nil it is the latest unfinished run whatever
// its settings (the workbench's offer, --resume alone); runs that did not
// record their grid are skipped, since what is left of them is unknown.
// Otherwise it is the latest run measured with want's settings and exactly
// want's grid, finished or not (a finished one has its reports written
// again); a legacy run without a recorded grid matches when every config
// it finished is in want's grid.
func FindResumable(recs []Record, want *bench.Plan) (Resumable, bool) {
	var order []int64
	last := map[int64]int{}
	byRun := map[int64][]Record{}
	for i, r := range recs {
		if _, ok := last[r.RunID]; !ok {
			order = append(order, r.RunID)
		}
		last[r.RunID] = i
		byRun[r.RunID] = append(byRun[r.RunID], r)
	}
	slices.SortStableFunc(order, func(a, b int64) int { return last[b] - last[a] })
	var none Resumable
	for _, id := range order {
		p, grid, ok := runPlan(byRun[id])
		if !ok {
			continue
		}
		if want == nil {
			if grid == nil {
				continue
			}
			res := inGrid(byRun[id], *grid)
			if len(res) > 0 && len(res) < grid.Size() {
				return Resumable{RunID: id, Plan: p, Results: res, Baseline: baselineOf(byRun[id])}, true
			}
			continue
		}
		if !sameSettings(p, *want) {
			continue
		}
		if grid != nil && !sameGrid(*grid, want.Grid) {
			if none.OtherGrid == nil {
				g := *grid
				none.OtherGrid = &g
			}
			continue
		}
		if grid == nil && !allIn(byRun[id], want.Grid) {
			continue
		}
		p.Grid = want.Grid
		if res := inGrid(byRun[id], want.Grid); len(res) > 0 {
			return Resumable{RunID: id, Plan: p, Results: res, Baseline: baselineOf(byRun[id])}, true
		}
	}
	return none, false
}

// runPlan is the plan one run's records were measured with: the settings
// of its records (which must agree), its latest recorded grid (nil when
// none was recorded) and whether its latest record kept every round.
func runPlan(rs []Record) (bench.Plan, *bench.Grid, bool) {
	first := rs[0]
	p := bench.Plan{
		Depths: first.Depths, Repeats: first.Repeats, Seed: first.Seed,
		Policy: first.Policy, Timing: first.Timing, Engine: first.Engine, Vs: first.VsSpec,
		SameWithin: first.SameWithin,
	}
	var grid *bench.Grid
	for _, r := range rs {
		q := bench.Plan{Depths: r.Depths, Repeats: r.Repeats, Seed: r.Seed, Policy: r.Policy, Timing: r.Timing, Engine: r.Engine, Vs: r.VsSpec}
		if !sameSettings(p, q) {
			return p, nil, false
		}
		if r.Grid != nil {
			grid = r.Grid
		}
	}
	p.KeepRounds = rs[len(rs)-1].KeepRounds
	if grid != nil {
		p.Grid = *grid
		if p.Validate() != nil {
			return p, nil, false
		}
	}
	return p, grid, true
}

// sameSettings reports whether two plans measure the same thing, grid aside.
func sameSettings(p, q bench.Plan) bool {
	return slices.Equal(p.Depths, q.Depths) && p.Repeats == q.Repeats && p.Seed == q.Seed &&
		p.Policy == q.Policy && p.Timing == q.Timing && p.EngineName() == q.EngineName() && p.Vs == q.Vs
}

// sameGrid reports whether two grids have the same configs: each axis the
// same set of values, in whatever order it was given.
func sameGrid(a, b bench.Grid) bool {
	set := func(v []int) []int {
		s := slices.Clone(v)
		slices.Sort(s)
		return slices.Compact(s)
	}
	return slices.Equal(set(a.Dims), set(b.Dims)) && slices.Equal(set(a.Branches), set(b.Branches)) &&
		slices.Equal(set(a.SeqLens), set(b.SeqLens))
}

func allIn(rs []Record, g bench.Grid) bool {
	for _, r := range rs {
		if !g.Contains(r.Config) {
			return false
		}
	}
	return true
}

// inGrid is the run's results in g, the last record of each config winning.
func inGrid(rs []Record, g bench.Grid) []bench.Result {
	pos := map[bench.Config]int{}
	var out []bench.Result
	for _, r := range rs {
		if !g.Contains(r.Config) {
			continue
		}
		if i, ok := pos[r.Config]; ok {
			out[i] = r.Result
			continue
		}
		pos[r.Config] = len(out)
		out = append(out, r.Result)
	}
	return out
}

// DescribePlan is the one-line form of what a resume matches on.
func DescribePlan(p bench.Plan) string {
	s := fmt.Sprintf("-D %s -K %s -T %s --depths %s --repeats %d --seed %d --policy %s --min-time %v",
		bench.FormatList(p.Grid.Dims), bench.FormatList(p.Grid.Branches), bench.FormatList(p.Grid.SeqLens),
		bench.FormatList(p.Depths), p.Repeats, p.Seed, p.Policy, p.Timing.MinTime)
	if e := p.EngineName(); e != bench.EngineGo {
		s += " --engine " + e
	}
	if !p.Vs.IsZero() {
		s += " --vs " + bench.ShellQuote(p.Vs.String())
	}
	return s
}

// ReadResumable reads the JSONL in dir without locking or changing it and
// returns the run a resume with want would continue (see FindResumable).
// A missing, unreadable or damaged history has nothing to offer.
func ReadResumable(dir string, want *bench.Plan) (Resumable, bool) {
	h, err := readHistory(PathsFor(dir).JSONL)
	if err != nil {
		return Resumable{}, false
	}
	return FindResumable(h.recs, want)
}

// baselineOf is the baseline the run's latest record names.
func baselineOf(rs []Record) string {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i].Baseline != "" {
			return rs[i].Baseline
		}
	}
	return ""
}
