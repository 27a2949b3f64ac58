// Package session is a run's life, once, for every front door: open
// (check the plan, the memory, the engine and the baseline; lock the
// output directory; pick the run to resume or a new run id) → start the
// sweep → stream its updates, each finished config on disk before anyone
// sees it → save → finish with an Outcome that says how the run ended and
// what to type to continue or repeat it. The headless command and the
// workbench are thin clients of it.
package session

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/launch"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/store"
)

// Flag names the session's commands spell besides the plan's and the
// engine's.
const (
	FlagOut      = "out"
	FlagResume   = "resume"
	FlagBaseline = "baseline"
	FlagHeadless = "headless"
	// FlagMaxMemory sets Spec.MaxMemory; a memory refusal names it.
	FlagMaxMemory = "max-memory"
	// DefaultOut is where results go unless --out says otherwise.
	DefaultOut = ".benchmarks"
)

// Spec is what a front door asks for.
type Spec struct {
	Plan bench.Plan
	// PlanGiven: the plan was given (a flag of it, or the form). A resume
	// then continues the latest run with exactly this plan; without, the
	// latest unfinished run whatever its settings.
	PlanGiven bool
	// Engine measures; EngineGiven says it was chosen rather than
	// defaulted, so that a resume without it takes the recorded run's.
	Engine      launch.Spec
	EngineGiven bool
	// Out is the output directory as the user typed it (printed in
	// commands); WorkDir resolves it when relative ("": the process's
	// working directory).
	Out, WorkDir string
	// Resume continues a recorded run (see PlanGiven); ResumeID, when set,
	// exactly that one.
	Resume   bool
	ResumeID int64
	// RunID, when set, is a new run's id (--run-id: the shards of one
	// sweep share it). Part, when set, are the configs of the grid this
	// run measures (a shard's, package engine/shard): the others are
	// neither measured nor reported.
	RunID int64
	Part  []bench.Config
	// Baseline is an earlier run's JSONL to compare with ("" for none; a
	// resumed run keeps the one it was started with).
	Baseline string
	// MaxMemory refuses a plan whose largest config needs more (0: no check);
	// MemorySource names where that budget comes from in the refusal
	// (e.g. "--max-memory", or MemoryBudget's source; "" says nothing).
	MaxMemory    int64
	MemorySource string
	// Version is hcbench's, written in every record.
	Version string
}

// Session is one run. Its methods are safe for concurrent use.
type Session struct {
	spec  Spec
	run   *store.Run
	paths store.Paths // as typed
	notes []string
	base  []bench.Result
	// basePath is the baseline as given (shown), run.Baseline absolute.
	basePath string
	engine   string // what the engine said about itself ("" for Go)

	mu       sync.Mutex
	runner   *sweep.Runner
	queue    []Update
	wake     chan struct{}
	updates  chan Update
	measured int // configs finished and recorded by this session
	dropped  int // finished after leaving the grid: not recorded
	sweepErr error
	started  time.Time
	stopped  bool // Stop was called before the sweep ended
	finished bool // Finish ran
	outcome  Outcome
}

// Update is one sweep event, after the session has dealt with it.
type Update struct {
	sweep.Event
	// Note is what the user should hear now: a write failing or
	// recovering, a config dropped from the grid finishing.
	Note string
	// Comparison is the run so far against its baseline, set on a
	// measured ConfigFinished when there is a baseline.
	Comparison *compare.Baseline
	// AB is an A/B sweep's comparison so far, set on a measured
	// ConfigFinished of a sweep with --vs.
	AB *compare.AB
	// Dropped: this ConfigFinished's config left the grid while it was
	// measured; its result is not recorded (README "Editing the grid").
	Dropped bool
}

// UsageError is a request refused as asked (exit 2): a bad flag value, a
// resume that does not fit.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error { return &UsageError{fmt.Errorf(format, args...)} }

// Open checks everything that can refuse the request before anything is
// created — the plan, its memory, the engine (a python worker is started
// once to read its handshake), the baseline — then takes the output
// directory (a *store.LockedError when another hcbench writes it) and
// picks the run. Nothing is measured until Start. A cancelled ctx
// abandons a slow check and returns ctx.Err().
func Open(ctx context.Context, spec Spec) (*Session, error) {
	if err := spec.Plan.Validate(); err != nil {
		return nil, usagef("invalid benchmark plan: %v", err)
	}
	if err := spec.checkMemory(spec.Plan); err != nil {
		return nil, err
	}
	if spec.Out == "" {
		spec.Out = DefaultOut
	}
	// The plan records who measures: a resume matches on it.
	spec.Plan.Engine = spec.Engine.Name()
	vs, err := launch.ResolveVs(spec.Engine, spec.Plan.Vs)
	if err != nil {
		return nil, usagef("--%s %q: %v", bench.FlagVs, spec.Plan.Vs.String(), err)
	}
	spec.Plan.Vs = vs
	s := &Session{spec: spec, wake: make(chan struct{}, 1), updates: make(chan Update)}
	limitNote, err := launch.CheckLimits(spec.Plan)
	if err != nil {
		return nil, err
	}
	if err := s.probe(ctx); err != nil {
		return nil, err
	}
	if spec.Baseline != "" {
		base, err := loadBaseline(ctx, s.resolve(spec.Baseline))
		if err != nil {
			return nil, err
		}
		s.base, s.basePath = base.Results, spec.Baseline
		s.notes = append(s.notes, baselineNotes(base)...)
	}
	absBase := ""
	if spec.Baseline != "" {
		absBase, _ = filepath.Abs(s.resolve(spec.Baseline))
	}
	dir := s.resolve(spec.Out)
	run, err := store.OpenRun(dir, spec.Plan, store.RunOptions{
		Resume: spec.Resume, AnyPlan: spec.Resume && !spec.PlanGiven, ResumeID: spec.ResumeID,
		Version: spec.Version, Baseline: absBase, ID: spec.RunID,
	})
	var le *store.LockedError
	if errors.As(err, &le) {
		return nil, fmt.Errorf("--%s %q: %v; wait for it to finish or choose another --%s", FlagOut, spec.Out, err, FlagOut)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot write results to --%s %q: %w", FlagOut, spec.Out, err)
	}
	s.run, s.paths = run, store.PathsFor(spec.Out)
	if err := s.adoptResumed(ctx); err != nil {
		run.Close()
		return nil, err
	}
	line, err := launch.ProbeVs(ctx, s.spec.Engine, run.Plan)
	if err != nil {
		run.Close()
		return nil, err
	}
	if line != "" {
		s.notes = append(s.notes, line)
	}
	s.notes = append(s.notes, run.Notes...)
	if limitNote != "" {
		s.notes = append(s.notes, limitNote)
	}
	if busy := store.BusyWarning(); busy != "" {
		s.notes = append([]string{"warning: " + busy}, s.notes...)
	}
	if note := slowNote(run.Plan, run.Prior); note != "" {
		s.notes = append(s.notes, note)
	}
	return s, nil
}

// checkMemory refuses p when its largest config needs more than the
// budget: allocating it would kill the process with a runtime fatal error.
func (spec Spec) checkMemory(p bench.Plan) error {
	err := bench.CheckMemory(p, spec.MaxMemory)
	switch {
	case err == nil:
		return nil
	case spec.MemorySource == "":
		return usagef("%v", err)
	}
	return usagef("%v %s", err, bench.MemoryHint(spec.MemorySource, FlagMaxMemory))
}

// CheckPaths refuses an output directory, or a baseline when one was
// given, that is empty or blank: each is a path the user meant to type.
func (spec Spec) CheckPaths(baselineGiven bool) error {
	if strings.TrimSpace(spec.Out) == "" {
		return &bench.FlagError{Flag: FlagOut, Value: spec.Out, Err: errors.New("empty: give the directory for the results, e.g. .benchmarks")}
	}
	if baselineGiven && strings.TrimSpace(spec.Baseline) == "" {
		return &bench.FlagError{Flag: FlagBaseline, Value: spec.Baseline, Err: errors.New("empty: give an earlier run's qmlhc_benchmarks.jsonl")}
	}
	return nil
}

// resolve is path relative to the spec's WorkDir.
func (s *Session) resolve(path string) string {
	if s.spec.WorkDir == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(s.spec.WorkDir, path)
}

// probe starts one worker of a python engine to read its handshake.
func (s *Session) probe(ctx context.Context) error {
	line, err := launch.Probe(ctx, s.spec.Engine)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return err
	}
	s.engine = line
	if line != "" {
		s.notes = append(s.notes, line)
	}
	return nil
}

// adoptResumed takes over what a resumed run was measured with: its
// engine (refusing another one given explicitly), its memory need and its
// baseline.
func (s *Session) adoptResumed(ctx context.Context) error {
	run := s.run
	if !run.Resumed {
		return nil
	}
	recorded := run.Plan.EngineName()
	if recorded != s.spec.Engine.Name() {
		if s.spec.EngineGiven || len(run.Prior) == 0 {
			return usagef("the run to resume was measured by --%s %s, not %s: resume it with --%s %s (or start a new run in another --%s)",
				launch.FlagEngine, recorded, s.spec.Engine.Name(), launch.FlagEngine, recorded, FlagOut)
		}
		eng, err := launch.Resolve(launch.SpecOf(run.Prior[len(run.Prior)-1]))
		if err != nil {
			return usagef("the run to resume was measured by --%s %s, which cannot start now: %v", launch.FlagEngine, recorded, err)
		}
		s.spec.Engine = eng
		if err := s.probe(ctx); err != nil {
			return err
		}
	}
	if err := s.spec.checkMemory(run.Plan); err != nil {
		return err
	}
	if s.base == nil && run.Baseline != "" {
		base, err := loadBaseline(ctx, run.Baseline)
		if err != nil {
			s.notes = append(s.notes, fmt.Sprintf("warning: run %d was compared with %s, which cannot be read now (%v): its reports will have no comparison; give --%s FILE to compare",
				run.ID, run.Baseline, err, FlagBaseline))
		} else {
			s.base, s.basePath = base.Results, run.Baseline
			s.notes = append(s.notes, fmt.Sprintf("comparing with the run's baseline %s, as when it started", run.Baseline))
			s.notes = append(s.notes, baselineNotes(base)...)
		}
	}
	if done, total := len(run.Prior), s.total(run.Plan); done < total {
		s.notes = append(s.notes, fmt.Sprintf("resuming run %d in %s: %d of %d configs already done", run.ID, s.paths.JSONL, done, total))
	} else {
		s.notes = append(s.notes, fmt.Sprintf("run %d in %s is already complete (%d configs): writing its reports again", run.ID, s.paths.JSONL, total))
	}
	return nil
}

// loadBaseline reads a baseline, FILE or FILE@RUN_ID, abandoned when ctx
// is cancelled so that a file that never answers (a slow network mount)
// cannot hold the process; a FIFO or device is refused outright.
func loadBaseline(ctx context.Context, spec string) (compare.RecordedRun, error) {
	type loaded struct {
		run compare.RecordedRun
		err error
	}
	ch := make(chan loaded, 1)
	go func() {
		run, err := compare.LoadRecordedRun(spec)
		ch <- loaded{run, err}
	}()
	select {
	case <-ctx.Done():
		return compare.RecordedRun{}, ctx.Err()
	case l := <-ch:
		if l.err != nil {
			// The flag's message names the path already.
			why := errors.New(strings.TrimPrefix(l.err.Error(), spec+": "))
			return compare.RecordedRun{}, &UsageError{&bench.FlagError{Flag: FlagBaseline, Value: spec, Err: why}}
		}
		if len(l.run.Results) == 0 {
			return compare.RecordedRun{}, &UsageError{&bench.FlagError{Flag: FlagBaseline, Value: spec, Err: errors.New("holds no results to compare with")}}
		}
		return l.run, nil
	}
}

// baselineNotes are what the baseline's reading left out or found
// suspicious (compare.RecordedRun.Notes), said as notes of the run.
func baselineNotes(base compare.RecordedRun) []string {
	out := make([]string, len(base.Notes))
	for i, n := range base.Notes {
		out[i] = "note: baseline " + n
	}
	return out
}

// slowThreshold is when a config counts as slow enough to be announced
// before the sweep: a log would otherwise show nothing for a long time.
const slowThreshold = 10 * time.Second

// slowNote estimates, before anything is measured, how long the largest
// config and the whole grid take — said only when the largest config alone
// takes more than slowThreshold.
func slowNote(p bench.Plan, prior []bench.Result) string {
	e, err := sweep.NewEstimator(p)
	if err != nil {
		return ""
	}
	c := bench.LargestConfig(p.Grid)
	least := e.Config(c)
	if least < slowThreshold {
		return ""
	}
	done := make(map[bench.Config]bool, len(prior))
	for _, r := range prior {
		done[r.Config] = true
	}
	return fmt.Sprintf("note: the largest config %s takes about %s per epoch here, so at least %s to measure; the whole grid at least %s (estimated from a short calibration, not measured)",
		c, bench.FormatSeconds(e.Epoch(c).Seconds()), bench.FormatDuration(least), bench.FormatDuration(e.Grid(done)))
}

// ID is the run id.
func (s *Session) ID() int64 { return s.run.ID }

// Plan is what runs: the resumed run's plan, or the spec's, with live
// grid edits.
func (s *Session) Plan() bench.Plan {
	s.mu.Lock()
	r := s.runner
	s.mu.Unlock()
	if r != nil {
		return r.Plan()
	}
	return s.run.Plan
}

// Prior are the results a resumed run had already.
func (s *Session) Prior() []bench.Result { return s.run.Prior }

// Resumed reports whether a recorded run is continued.
func (s *Session) Resumed() bool { return s.run.Resumed }

// Notes are what the user should hear about the opening, in order.
func (s *Session) Notes() []string { return s.notes }

// Paths are the run's files, under the directory as typed.
func (s *Session) Paths() store.Paths { return s.paths }

// Engine is who measures.
func (s *Session) Engine() launch.Spec { return s.spec.Engine }

// Baseline is the baseline's path as given and its results (nil: none).
func (s *Session) Baseline() (string, []bench.Result) { return s.basePath, s.base }

// Results are the run's results in its current grid, in sweep order.
func (s *Session) Results() []bench.Result { return s.run.Results() }

// Comparison is the run so far against its baseline, nil without one.
func (s *Session) Comparison() *compare.Baseline {
	if s.base == nil {
		return nil
	}
	b := compare.CompareBaseline(s.basePath, s.base, s.run.Results())
	return &b
}

// Start starts the sweep; Updates then delivers its events. Cancelling
// ctx stops it within one epoch, as Stop does.
func (s *Session) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runner != nil || s.finished {
		return errors.New("the session has already started")
	}
	opts := s.spec.Engine.Options()
	opts.Vs = launch.VsOptions(s.spec.Engine, s.run.Plan)
	opts.Prior = s.sweepPrior()
	opts.WorkerOptions.LogDir = s.resolve(s.spec.Out) // a broken worker's stderr, next to the results
	r, err := sweep.Start(ctx, s.run.Plan, opts)
	if err != nil {
		return fmt.Errorf("cannot start the sweep: %w", err)
	}
	s.runner, s.started = r, time.Now()
	go s.record(r)
	go s.deliver()
	return nil
}

// record takes every event from the sweep as it comes — recording each
// finished config before anything else — and queues it for Updates, which
// never holds the sweep or the recording up.
func (s *Session) record(r *sweep.Runner) {
	for ev := range r.Events() {
		u := Update{Event: ev}
		if s.outsidePart(&u.Event) {
			continue
		}
		if ev.Kind == sweep.ConfigFinished && ev.Result != nil && !ev.Reused {
			if !r.Plan().Grid.Contains(ev.Result.Config) {
				u.Dropped = true
				u.Note = fmt.Sprintf("%s finished after it was dropped from the grid: not recorded", ev.Result.Config)
				s.mu.Lock()
				s.dropped++
				s.mu.Unlock()
			} else {
				u.Note = s.run.Add(*ev.Result)
				s.mu.Lock()
				s.measured++
				s.mu.Unlock()
				u.Comparison = s.Comparison()
				u.AB = s.AB()
			}
		}
		s.push(u, false)
	}
	err := r.Wait()
	s.mu.Lock()
	s.sweepErr = err
	s.mu.Unlock()
	s.push(Update{}, true)
}

// push queues u; end closes the queue.
func (s *Session) push(u Update, end bool) {
	s.mu.Lock()
	if end {
		s.queue = append(s.queue, Update{Event: sweep.Event{Kind: endOfUpdates}})
	} else {
		s.queue = append(s.queue, u)
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// endOfUpdates marks the end of the queue (never delivered).
const endOfUpdates sweep.EventKind = -1

// deliver hands the queue to Updates in order.
func (s *Session) deliver() {
	defer close(s.updates)
	for {
		s.mu.Lock()
		q := s.queue
		s.queue = nil
		s.mu.Unlock()
		for _, u := range q {
			if u.Kind == endOfUpdates {
				return
			}
			s.updates <- u
		}
		<-s.wake
	}
}

// Updates delivers the sweep's events in order, each finished config
// already recorded; the channel is closed after the last (SweepFinished,
// SweepCancelled or SweepFailed). Read it to the end, then call Finish.
func (s *Session) Updates() <-chan Update { return s.updates }

// SetGrid edits the grid of the running sweep: new configs are queued,
// dropped ones that have not started are skipped, finished results are
// kept, and a config dropped while in flight finishes but is not recorded.
func (s *Session) SetGrid(g bench.Grid) error {
	s.mu.Lock()
	r := s.runner
	s.mu.Unlock()
	if r == nil {
		return errors.New("the sweep has not started")
	}
	if err := r.SetGrid(g); err != nil {
		return err
	}
	s.run.SetGrid(g)
	return nil
}

// Pause, Resume and IsPaused hold and release the sweep.
func (s *Session) Pause() {
	if r := s.sweep(); r != nil {
		r.Pause()
	}
}

func (s *Session) Resume() {
	if r := s.sweep(); r != nil {
		r.Resume()
	}
}

func (s *Session) IsPaused() bool {
	r := s.sweep()
	return r != nil && r.IsPaused()
}

// Stop ends the sweep early (quit, a signal): it stops within one epoch;
// read Updates to its end, then Finish.
func (s *Session) Stop() {
	s.mu.Lock()
	s.stopped = true
	r := s.runner
	s.mu.Unlock()
	if r != nil {
		r.Cancel()
	}
}

func (s *Session) sweep() *sweep.Runner {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runner
}

// Save writes what is pending to the JSONL and every report of what has
// finished; with nothing finished yet it writes nothing, so that the
// reports of an earlier run in the directory stay as they were. After
// Finish the run has ended: store.ErrRunEnded.
func (s *Session) Save() error {
	if err := s.run.Flush(); err != nil {
		if errors.Is(err, store.ErrRunEnded) {
			return err
		}
		return errors.Join(err, s.writeReports())
	}
	return s.writeReports()
}

func (s *Session) writeReports() error {
	res := s.run.Results()
	if len(res) == 0 {
		return nil
	}
	m := s.run.Machine()
	return report.Write(store.PathsFor(s.resolve(s.spec.Out)), report.Report{
		RunID: s.run.ID, Results: res, Total: s.total(s.Plan()), Machine: &m, Baseline: s.Comparison(),
		AB: s.AB(), Vs: s.run.Plan.Vs,
	})
}

// AB is an A/B sweep's comparison of variant B with A so far; nil
// without --vs.
func (s *Session) AB() *compare.AB {
	p := s.run.Plan
	if p.Vs.IsZero() {
		return nil
	}
	a := compare.CompareAB(s.run.Results(), p.SameWithin)
	return &a
}

// Finish ends the run: it stops the sweep if it still runs, waits for its
// last events to be recorded, saves the reports of what finished (none
// when nothing did: earlier reports stay untouched), releases the output
// directory and returns how the run ended. It never writes again after
// that; calling it again returns the same Outcome.
func (s *Session) Finish() Outcome {
	s.mu.Lock()
	if s.finished {
		defer s.mu.Unlock()
		return s.outcome
	}
	r := s.runner
	s.mu.Unlock()
	if r != nil {
		select {
		case <-r.Done():
		default:
			s.Stop()
		}
		// The events not yet taken by the front door are recorded by
		// record regardless; wait for it to have seen the last one.
		for range s.updates {
		}
	}
	out := Outcome{RunID: s.run.ID, Paths: s.paths, BaselinePath: s.basePath, Engine: s.spec.Engine}
	out.SaveErr = s.Save()
	out.Results = s.run.Results()
	out.ReportsWritten = len(out.Results) > 0 && out.SaveErr == nil
	out.Comparison = s.Comparison()
	out.AB = s.AB()
	if err := s.run.Close(); err != nil {
		out.SaveErr = errors.Join(out.SaveErr, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	plan := s.run.Plan
	if s.runner != nil {
		plan = s.runner.Plan()
		out.Elapsed = time.Since(s.started)
	}
	out.Plan = plan
	out.Started = s.runner != nil
	out.Done, out.Total = len(out.Results), s.total(plan)
	out.Measured, out.Dropped = s.measured, s.dropped
	out.Err = s.sweepErr
	if errors.Is(out.Err, context.Canceled) {
		out.Err = nil
		out.Stopped = true
	}
	out.Stopped = out.Stopped || (s.stopped && out.Done < out.Total)
	out.Continue = s.command(plan, true)
	out.Rerun = s.command(plan, false)
	s.finished, s.outcome = true, out
	return out
}

// command is the hcbench command that continues the run (resume) or
// measures it again as a new run: every setting spelled out, so that it
// reproduces the run — grid, measurement, engine, baseline, directory.
func (s *Session) command(p bench.Plan, resume bool) string {
	words := []string{"hcbench"}
	if resume {
		words = append(words, "--"+FlagResume)
	} else {
		words = append(words, "--"+FlagHeadless)
	}
	words = append(words, bench.Args(p)...)
	words = append(words, s.spec.Engine.Args()...)
	if s.basePath != "" {
		words = append(words, "--"+FlagBaseline, s.basePath)
	}
	if s.spec.Out != DefaultOut {
		words = append(words, "-o", s.spec.Out)
	}
	return bench.CommandLine(words...)
}

// Close releases the run without saving: for a session opened and never
// started. Finish is the normal end.
func (s *Session) Close() error {
	s.mu.Lock()
	started := s.runner != nil
	s.mu.Unlock()
	if started {
		s.Finish()
		return nil
	}
	return s.run.Close()
}
