package engine

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

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
	Prior []Result
	// Worker returns the command that starts one worker process (see
	// package worker); the sweep starts a few and measures in them, never
	// in its own process. nil means worker.SelfCommand: the running binary
	// re-executing itself as a Go worker, which needs engine.MainIfWorker
	// first thing in its main (or TestMain). --engine python passes its
	// Python worker here.
	Worker func() (*exec.Cmd, error)
	// WorkerOptions name the workers in errors and set their no-output
	// timeout.
	WorkerOptions worker.Options
}

// Runner runs one sweep in its own goroutine. Its methods are safe for
// concurrent use. The engine never waits for a consumer: events queue up
// (Progress events coalesce) until Events() is read.
type Runner struct {
	ctx    context.Context
	cancel context.CancelFunc
	start  time.Time

	mu       sync.Mutex
	wake     *sync.Cond // signalled on resume, grid edit and cancel
	plan     Plan
	order    []Config           // current grid, sweep order
	results  map[Config]*Result // finished, including ones dropped from the grid
	finished []Config           // finish order
	running  []Config           // the block of configs being measured, if any
	over     bool               // the sweep goroutine has returned
	err      error              // why it ended, nil when finished
	paused   atomic.Bool
	stop     atomic.Bool // set when ctx is done: checked once an epoch
	pending  []Event     // events not yet taken by the forwarder
	lastProg time.Time

	opts   Options
	active atomic.Pointer[worker.Client] // the worker measuring now, if any

	notify chan struct{} // wakes the forwarder
	events chan Event
	doneCh chan struct{}
}

// Start validates the plan and starts the sweep. Cancelling ctx stops it
// within one epoch; results already reported stay valid.
func Start(ctx context.Context, p Plan, opts Options) (*Runner, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	cctx, cancel := context.WithCancel(ctx)
	r := &Runner{
		ctx:     cctx,
		cancel:  cancel,
		start:   time.Now(),
		plan:    clonePlan(p),
		order:   p.Grid.Configs(),
		results: make(map[Config]*Result),
		notify:  make(chan struct{}, 1),
		events:  make(chan Event, 64),
		doneCh:  make(chan struct{}),
		opts:    opts,
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
func (r *Runner) Plan() Plan {
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

// SetGrid changes the grid of a running sweep: configs new to the grid are
// queued, configs dropped before they ran are skipped, finished results are
// kept (and reused should they come back). The config now running finishes.
func (r *Runner) SetGrid(g Grid) error {
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
func (r *Runner) Results() []Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Result, 0, len(r.results))
	seen := make(map[Config]bool, len(r.results))
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

// next picks the next block: the first n configs of the grid without a
// result, waiting while paused. It returns false when there is none left
// or the sweep is stopped.
func (r *Runner) next(n int) ([]Config, Plan, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.paused.Load() && !r.stop.Load() {
		r.wake.Wait()
	}
	if r.stop.Load() {
		return nil, Plan{}, false
	}
	var block []Config
	for _, c := range r.order {
		if _, ok := r.results[c]; !ok {
			block = append(block, c)
			if len(block) == n {
				break
			}
		}
	}
	if len(block) == 0 {
		return nil, Plan{}, false
	}
	r.running = block
	return block, clonePlan(r.plan), true
}

// stopping reports whether the sweep is being stopped: its context is done
// (r.stop follows a moment later, set by an AfterFunc).
func (r *Runner) stopping() bool { return r.stop.Load() || r.ctx.Err() != nil }

// hold is called by the measurer before each epoch: it waits while the sweep
// is paused and reports false when the sweep must stop.
func (r *Runner) hold() bool {
	if r.stop.Load() {
		return false
	}
	if !r.paused.Load() {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.paused.Load() && !r.stop.Load() {
		r.wake.Wait()
	}
	return !r.stop.Load()
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
	m := newMeasurer(r, r.opts)
	defer m.close()
	size := firstBlock
	for {
		block, plan, ok := r.next(size)
		if !ok {
			break
		}
		start := time.Now()
		results, failed, err := m.measureBlock(plan, block)
		r.mu.Lock()
		r.running = nil
		r.mu.Unlock()
		if err != nil {
			if r.stopping() {
				break
			}
			r.end(err, Event{Kind: SweepFailed, Config: failed, Err: fmt.Errorf("config %s: %w", failed, err)})
			return
		}
		for _, res := range results {
			cfg := res.Config
			r.mu.Lock()
			if _, dup := r.results[cfg]; !dup {
				r.finished = append(r.finished, cfg)
			}
			r.results[cfg] = res
			r.mu.Unlock()
			cp := *res
			r.emit(Event{Kind: ConfigFinished, Config: cfg, Result: &cp})
		}
		size = blockSize(time.Since(start), len(block))
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
func (r *Runner) emitLocked(ev Event) {
	now := time.Now()
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

func clonePlan(p Plan) Plan {
	p.Grid = cloneGrid(p.Grid)
	p.Depths = append([]int(nil), p.Depths...)
	return p
}

func cloneGrid(g Grid) Grid {
	return Grid{
		Dims:     append([]int(nil), g.Dims...),
		Branches: append([]int(nil), g.Branches...),
		SeqLens:  append([]int(nil), g.SeqLens...),
	}
}
