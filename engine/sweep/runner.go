package sweep

import (
	"context"
	"errors"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/worker"
)

// ErrSweepOver is returned by Runner.SetGrid once the sweep has ended; start
// a new Runner with the finished results as Options.Prior instead.
var ErrSweepOver = errors.New("the sweep has ended")

// progressInterval coalesces Progress events to about 30 a second.
const progressInterval = time.Second / 30

// Options tune a Runner beyond its Plan.
type Options struct {
	// Prior holds results finished earlier with the same plan settings
	// (depths, repeats, seed, policy, timing). A config of the grid that has
	// a prior result is not measured again: the result is reported as
	// finished (Event.Reused) and kept.
	Prior []bench.Result
	// Worker returns the command that starts one worker process (see
	// package worker); the sweep starts a few and measures in them, never
	// in its own process. nil means worker.SelfCommand: the running binary
	// re-executing itself as a Go worker, which needs measure.MainIfWorker
	// first thing in its main (or TestMain). Package launch passes the
	// Python worker here for --engine python.
	Worker func() (*exec.Cmd, error)
	// WorkerOptions name the workers in errors, set their no-output
	// timeout and the least time a measurement is given, and say where the
	// stderr of a worker that breaks is written. A measurement's limit is
	// derived from an estimate of its config's epoch (worker.Limit): its
	// slowest round so far, else the slowest rate of work of the sweep's
	// configs, else the calibrated Estimator (for a Python engine, with
	// nothing timed yet, pythonSlowdown times that).
	WorkerOptions worker.Options
	// Vs makes the sweep an A/B sweep of the plan's Vs (pair.go); nil
	// measures variant A alone. Package launch sets it.
	Vs *Vs

	// sched overrides the schedule's constants (tests).
	sched schedule
	// held, if set, is called (with the runner's lock held: it must not
	// block) whenever the sweep starts waiting for a Resume (tests).
	held func()
	// limits, if set, stands in for worker.CurrentLimits (tests).
	limits func() worker.Limits
}

// Runner runs one sweep in its own goroutine. Its methods are safe for
// concurrent use. The sweep never waits for a consumer: events queue up
// (Progress events coalesce) until Events() is read.
type Runner struct {
	ctx    context.Context
	cancel context.CancelFunc
	start  time.Time

	mu        sync.Mutex
	wake      *sync.Cond // signalled on resume, grid edit and cancel
	plan      bench.Plan
	order     []bench.Config                 // current grid, sweep order
	results   map[bench.Config]*bench.Result // finished, including ones dropped from the grid
	finished  []bench.Config                 // finish order
	inFlight  map[bench.Config]bool          // admitted and not final yet (see admit)
	over      bool                           // the sweep goroutine has returned
	err       error                          // why it ended, nil when finished
	paused    atomic.Bool
	pausedAt  time.Time     // when the current pause began
	pausedFor time.Duration // paused time before it
	stop      atomic.Bool   // set when ctx is done: checked once an epoch
	pending   []Event       // events not yet taken by the forwarder
	lastProg  time.Time

	opts    Options
	workers int                           // worker processes at most (PoolSize)
	active  atomic.Pointer[worker.Client] // the worker measuring now, if any

	notify chan struct{} // wakes the forwarder
	events chan Event
	doneCh chan struct{}
}

// Start validates the plan, checks that the open-file limit leaves room
// for a worker process (PoolSize) and starts the sweep. Cancelling ctx
// stops it within one epoch; results already reported stay valid.
func Start(ctx context.Context, p bench.Plan, opts Options) (*Runner, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	limits := opts.limits
	if limits == nil {
		limits = worker.CurrentLimits
	}
	workers, _, err := poolSize(p, limits(), filesDuring) // a caller's files are open by now
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithCancel(ctx)
	r := &Runner{
		ctx:      cctx,
		cancel:   cancel,
		start:    time.Now(),
		plan:     clonePlan(p),
		order:    p.Grid.Configs(),
		results:  make(map[bench.Config]*bench.Result),
		inFlight: make(map[bench.Config]bool),
		notify:   make(chan struct{}, 1),
		events:   make(chan Event, 64),
		doneCh:   make(chan struct{}),
		opts:     opts,
		workers:  workers,
	}
	r.wake = sync.NewCond(&r.mu)
	for i := range opts.Prior {
		res := opts.Prior[i]
		r.results[res.Config] = &res
		r.finished = append(r.finished, res.Config)
	}
	context.AfterFunc(cctx, func() {
		r.stop.Store(true)
		r.mu.Lock()
		r.wake.Broadcast()
		r.mu.Unlock()
	})
	go r.forward()
	go r.loop()
	return r, nil
}

// Events delivers the sweep's events in order. The channel is closed after
// the final SweepFinished, SweepCancelled or SweepFailed event.
func (r *Runner) Events() <-chan Event { return r.events }

// Cancel stops the sweep, as cancelling its context does.
func (r *Runner) Cancel() { r.cancel() }

// Wait blocks until the sweep goroutine has returned and every event has
// been delivered or dropped. It returns nil when the sweep finished, the
// context's error when it was cancelled, or the failure.
func (r *Runner) Wait() error {
	<-r.doneCh
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Done is closed when the sweep goroutine has returned.
func (r *Runner) Done() <-chan struct{} { return r.doneCh }

// Plan returns the current plan (with any grid edits).
func (r *Runner) Plan() bench.Plan {
	r.mu.Lock()
	defer r.mu.Unlock()
	return clonePlan(r.plan)
}

// Pause holds the sweep after the measuring worker's current round (and
// before the next measurement). Paused time is not measured.
func (r *Runner) Pause() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.paused.Swap(true) {
		r.pausedAt = time.Now()
		if c := r.active.Load(); c != nil {
			_ = c.Pause() // a broken worker shows in its Measure
		}
		r.emitLocked(Event{Kind: Paused})
	}
}

// Resume continues a paused sweep.
func (r *Runner) Resume() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.paused.Swap(false) {
		r.pausedFor += time.Since(r.pausedAt)
		if c := r.active.Load(); c != nil {
			_ = c.Resume()
		}
		r.wake.Broadcast()
		r.emitLocked(Event{Kind: Resumed})
	}
}

// setActive records the worker about to measure (nil when done). Under
// r.mu, so that a Pause either reaches the worker or is seen by hold first.
//
// A worker keeps a pause across measurements: a Pause that reached it just
// after its last round (before setActive(nil)) would otherwise hold its
// next measurement for ever, the sweep's Resume having gone to no worker.
func (r *Runner) setActive(c *worker.Client) {
	r.mu.Lock()
	r.active.Store(c)
	switch {
	case c == nil:
	case r.paused.Load():
		_ = c.Pause()
	case c.Paused():
		_ = c.Resume()
	}
	r.mu.Unlock()
}

// IsPaused reports whether Pause is in effect.
func (r *Runner) IsPaused() bool { return r.paused.Load() }

// pausedTime is the time the sweep has spent paused so far: the measurer
// leaves it out of measurement durations.
func (r *Runner) pausedTime() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := r.pausedFor
	if r.paused.Load() {
		d += time.Since(r.pausedAt)
	}
	return d
}

// SetGrid changes the grid of a running sweep: configs new to the grid are
// queued, configs dropped before they started are skipped, finished results
// are kept (and reused should they come back). Configs in flight (started,
// not final) finish, whether or not they are still in the grid: their
// measurements so far are not thrown away.
func (r *Runner) SetGrid(g bench.Grid) error {
	if err := g.Validate(); err != nil {
		return err
	}
	r.mu.Lock()
	if r.over {
		r.mu.Unlock()
		return ErrSweepOver
	}
	r.plan.Grid = cloneGrid(g)
	r.order = g.Configs()
	r.wake.Broadcast()
	done, total := r.countLocked()
	r.mu.Unlock()
	r.emit(Event{Kind: PlanChanged, Done: done, Total: total})
	return nil
}

// Results returns the finished results: the current grid's in sweep order,
// then any finished config no longer in the grid, in finish order.
func (r *Runner) Results() []bench.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]bench.Result, 0, len(r.results))
	seen := make(map[bench.Config]bool, len(r.results))
	for _, c := range r.order {
		if res, ok := r.results[c]; ok {
			out = append(out, *res)
			seen[c] = true
		}
	}
	for _, c := range r.finished {
		if !seen[c] {
			out = append(out, *r.results[c])
			seen[c] = true
		}
	}
	return out
}

// Progress returns how many configs of the current grid are done, and how many there are.
func (r *Runner) Progress() (done, total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.countLocked()
}

func (r *Runner) countLocked() (done, total int) {
	for _, c := range r.order {
		if _, ok := r.results[c]; ok {
			done++
		}
	}
	return done, len(r.order)
}

// admit takes up to n configs into flight: the first of the grid, in sweep
// order, that have no result and are not in flight already. It waits while
// the sweep is paused (so that edits made meanwhile count), and returns the
// configs with the plan they are measured with; none when the grid has no
// config left to start. It reports false when the sweep is stopped.
func (r *Runner) admit(n int) ([]bench.Config, bench.Plan, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waitResumeLocked()
	if r.stop.Load() {
		return nil, bench.Plan{}, false
	}
	var cs []bench.Config
	for _, c := range r.order {
		if len(cs) == n {
			break
		}
		if _, ok := r.results[c]; !ok && !r.inFlight[c] {
			cs = append(cs, c)
			r.inFlight[c] = true
		}
	}
	return cs, clonePlan(r.plan), true
}

// finish records a config's final result and reports it; inFlight is the
// Event.InFlight that goes with it.
func (r *Runner) finish(res *bench.Result, inFlight float64) {
	c := res.Config
	r.mu.Lock()
	delete(r.inFlight, c)
	if _, dup := r.results[c]; !dup {
		r.finished = append(r.finished, c)
	}
	r.results[c] = res
	r.mu.Unlock()
	cp := *res
	r.emit(Event{Kind: ConfigFinished, Config: c, Result: &cp, InFlight: inFlight})
}

// stopping reports whether the sweep is being stopped: its context is done
// (r.stop follows a moment later, set by an AfterFunc).
func (r *Runner) stopping() bool { return r.stop.Load() || r.ctx.Err() != nil }

// hold is called by the measurer before each measurement: it waits while
// the sweep is paused and reports false when the sweep must stop. Else it
// emits start, if not nil, before it returns and while it holds the lock
// that Pause takes: a config's ConfigStarted never follows a Paused whose
// Resume has not come yet.
func (r *Runner) hold(start *Event) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waitResumeLocked()
	if r.stop.Load() {
		return false
	}
	if start != nil {
		r.emitLocked(*start)
	}
	return true
}

// waitResumeLocked waits, r.mu held, while the sweep is paused and not
// stopped.
func (r *Runner) waitResumeLocked() {
	for r.paused.Load() && !r.stop.Load() {
		if r.opts.held != nil {
			r.opts.held()
		}
		r.wake.Wait()
	}
}

func (r *Runner) loop() {
	defer close(r.doneCh)
	done, total := r.Progress()
	r.emit(Event{Kind: SweepStarted, Done: done, Total: total})
	// Prior results that belong to the grid are reported once, up front.
	grid := r.Plan().Grid
	for _, res := range r.Results() {
		if grid.Contains(res.Config) {
			rr := res
			r.emit(Event{Kind: ConfigFinished, Config: res.Config, Result: &rr, Reused: true})
		}
	}
	m := newMeasurer(r, r.opts, r.workers)
	defer m.close()
	failed, err := m.sweep()
	// Configs still in flight are dropped: incomplete, they have no result.
	r.mu.Lock()
	clear(r.inFlight)
	r.mu.Unlock()
	if err != nil && !r.stopping() {
		// The error names the config it happened on, or is not about one
		// (a worker that could not start).
		r.end(err, Event{Kind: SweepFailed, Config: failed, Err: err})
		return
	}
	if r.stopping() {
		r.end(r.ctx.Err(), Event{Kind: SweepCancelled})
		return
	}
	r.end(nil, Event{Kind: SweepFinished})
}

// end records the outcome and queues the final event.
func (r *Runner) end(err error, ev Event) {
	r.mu.Lock()
	r.over = true
	r.err = err
	r.mu.Unlock()
	r.emit(ev)
	r.cancel() // release the context's resources
}

// emit queues an event without ever blocking the engine. A Progress event
// replaces a Progress event still waiting in the queue.
func (r *Runner) emit(ev Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.emitLocked(ev)
}

// emitLocked is emit with r.mu held.
func (r *Runner) emitLocked(ev Event) { r.emitAt(ev, time.Now()) }

// emitAt is emitLocked with the clock read: now is the event's time.
func (r *Runner) emitAt(ev Event, now time.Time) {
	ev.Time = now
	ev.Elapsed = now.Sub(r.start)
	if ev.Kind != PlanChanged && ev.Kind != SweepStarted {
		ev.Done, ev.Total = r.countLocked()
	}
	if ev.Kind == Progress {
		if n := len(r.pending); n > 0 && r.pending[n-1].Kind == Progress {
			r.pending[n-1] = ev
			return
		}
		if now.Sub(r.lastProg) < progressInterval {
			return
		}
		r.lastProg = now
	}
	r.pending = append(r.pending, ev)
	select {
	case r.notify <- struct{}{}: // never blocks: the forwarder drains pending itself
	default:
	}
}

// forward moves queued events to the Events channel, closing it after the
// final event.
func (r *Runner) forward() {
	defer close(r.events)
	for {
		r.mu.Lock()
		batch := r.pending
		r.pending = nil
		r.mu.Unlock()
		for _, ev := range batch {
			r.events <- ev
			switch ev.Kind {
			case SweepFinished, SweepCancelled, SweepFailed:
				return
			}
		}
		<-r.notify
	}
}

func clonePlan(p bench.Plan) bench.Plan {
	p.Grid = cloneGrid(p.Grid)
	p.Depths = append([]int(nil), p.Depths...)
	return p
}

func cloneGrid(g bench.Grid) bench.Grid {
	return bench.Grid{
		Dims:     append([]int(nil), g.Dims...),
		Branches: append([]int(nil), g.Branches...),
		SeqLens:  append([]int(nil), g.SeqLens...),
	}
}
