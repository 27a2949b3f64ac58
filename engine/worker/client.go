package worker

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultTimeout is how long a worker may say nothing before it counts as
// hung. The Go worker says something at least once a second (a heartbeat
// while an epoch runs long); a minute leaves room for a loaded machine.
const DefaultTimeout = time.Minute

// closeGrace is how long a worker has to exit after its stdin is closed.
const closeGrace = 2 * time.Second

// maxLine bounds one protocol line (a result holds at most MaxRounds samples).
const maxLine = 64 << 20

// ErrStopped is returned by Measure when the measurement was abandoned by Stop.
var ErrStopped = errors.New("measurement stopped")

// Options tune a Client.
type Options struct {
	// Name says which worker an error is about, e.g. "go worker" (default
	// "worker").
	Name string
	// Timeout is how long the worker may stay silent (while not paused)
	// before it is killed as hung; 0 means DefaultTimeout.
	Timeout time.Duration
	// MinLimit is the least time a measurement is given to deliver its
	// result, whatever its plan (see Limit); 0 means DefaultMinLimit.
	MinLimit time.Duration
	// LogDir, when set, is where the whole stderr of a worker that broke
	// is written, in a file the error names; without it the error quotes
	// the end of the stderr.
	LogDir string

	limits func() Limits // CurrentLimits unless set (tests)
	grace  time.Duration // closeGrace unless set (tests)
}

// RunError is a measurement the worker refused or failed (its "error"
// reply); the worker stays usable.
type RunError struct {
	Config Config
	Seed   uint64
	Msg    string
}

func (e *RunError) Error() string { return fmt.Sprintf("%s: %s", measuring(e.Config, e.Seed), e.Msg) }

// measuring names a measurement: its config and seed.
func measuring(c Config, seed uint64) string { return fmt.Sprintf("%s seed %d", c, seed) }

// trimRepeated drops what a worker put before its message that the error
// says already: the config, with or without the seed.
func trimRepeated(msg string, c Config, seed uint64) string {
	for _, p := range []string{measuring(c, seed) + ": ", c.String() + ": "} {
		if strings.HasPrefix(msg, p) {
			return msg[len(p):]
		}
	}
	return msg
}

// Client is the parent's end of one worker process. Measure is for one
// goroutine at a time; Pause, Resume, Stop, Close and Kill may be called
// from any goroutine.
type Client struct {
	name     string
	timeout  time.Duration
	minLimit time.Duration
	logDir   string
	limits   func() Limits
	grace    time.Duration // how long a worker may run on after closing its stdout
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	stderr   *stderrLog
	hello    Hello

	lines chan []byte   // stdout lines, closed at EOF
	quit  chan struct{} // closed when the client gives up on the worker
	done  chan struct{} // closed once the process has been waited for
	rerr  error         // why reading stopped (nil at EOF); valid after lines closes
	werr  error         // the process's exit; valid after done

	wmu        sync.Mutex // serialises writes to stdin
	mu         sync.Mutex
	quiet      bool          // pause sent: silence is expected until resumed
	quietSince time.Time     // when quiet began
	quietTotal time.Duration // time spent quiet before that
	excused    int           // timeouts forgiven while quiet (for tests)
	deferred   int           // measurement limits reached while quiet and extended (for tests)
	broken     error         // set once the worker is unusable
	lingered   bool          // it closed its stdout but ran on, and was killed
	logged     bool          // its stderr was written to logPath (if not "")
	logPath    string
	quitOnce   sync.Once
	nextID     int64
}

// Start starts cmd as a worker and reads its hello. cmd must not have its
// Stdin, Stdout or Stderr set. The worker is killed if ctx is cancelled
// before the hello arrives; after that, ctx no longer matters (each
// Measure has its own). The error names the worker and quotes its stderr.
func Start(ctx context.Context, cmd *exec.Cmd, opt Options) (*Client, error) {
	c := &Client{
		name:     opt.Name,
		timeout:  opt.Timeout,
		minLimit: opt.MinLimit,
		logDir:   opt.LogDir,
		limits:   opt.limits,
		grace:    opt.grace,
		cmd:      cmd,
		stderr:   &stderrLog{},
		lines:    make(chan []byte),
		quit:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	if c.name == "" {
		c.name = "worker"
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.minLimit <= 0 {
		c.minLimit = DefaultMinLimit
	}
	if c.limits == nil {
		c.limits = CurrentLimits
	}
	if c.grace <= 0 {
		c.grace = closeGrace
	}
	if cmd.Stdin != nil || cmd.Stdout != nil || cmd.Stderr != nil {
		return nil, fmt.Errorf("%s: the command's standard streams must not be set", c.name)
	}
	ownGroup(cmd)
	cmd.Stderr = c.stderr
	cmd.WaitDelay = closeGrace
	var err error
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, c.startError(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		c.stdin.Close()
		return nil, c.startError(err)
	}
	if err := cmd.Start(); err != nil {
		return nil, c.startError(err)
	}
	go c.read(stdout)

	fail := func(err error) (*Client, error) {
		c.Kill()
		return nil, err
	}
	timer := time.NewTimer(c.timeout)
	defer timer.Stop()
	select {
	case b, ok := <-c.lines:
		if !ok {
			<-c.done
			return fail(fmt.Errorf("%s ended before saying hello: %s", c.name, c.exitReason()))
		}
		var env envelope
		if err := json.Unmarshal(b, &env); err != nil {
			c.Kill()
			return fail(fmt.Errorf("%s: first line is not JSON: %q%s", c.name, clip(b), c.diagnosis()))
		}
		switch env.Type {
		case typeHello:
		case typeFatal:
			c.Kill()
			return fail(fmt.Errorf("%s cannot start: %s%s", c.name, env.Error, c.diagnosis()))
		default:
			return fail(fmt.Errorf("%s: first line is %q, not a hello", c.name, env.Type))
		}
		var h helloMsg
		if err := json.Unmarshal(b, &h); err != nil {
			return fail(fmt.Errorf("%s: bad hello %q: %w", c.name, clip(b), err))
		}
		if h.Protocol != Protocol {
			return fail(fmt.Errorf("%s speaks protocol %d; this hcbench speaks protocol %d", c.name, h.Protocol, Protocol))
		}
		c.hello = h.Hello
		return c, nil
	case <-timer.C:
		c.Kill()
		return fail(fmt.Errorf("%s said nothing for %v after starting%s", c.name, c.timeout, c.diagnosis()))
	case <-ctx.Done():
		return fail(fmt.Errorf("%s: %w", c.name, ctx.Err()))
	}
}

// Hello is the worker's handshake.
func (c *Client) Hello() Hello { return c.hello }

// Pid is the worker's process id.
func (c *Client) Pid() int { return c.cmd.Process.Pid }

// Name is the worker's name in messages (Options.Name).
func (c *Client) Name() string { return c.name }

// read forwards stdout lines until EOF or the client quits, then waits for
// the process. A worker whose stdout ends normally exits at once; one that
// runs on for c.grace after closing it is killed (and said to have
// lingered, so that its end is not taken for a crash of its own).
func (c *Client) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	defer func() {
		c.rerr = sc.Err()
		close(c.lines)
		exited := make(chan struct{})
		go func() {
			c.werr = c.cmd.Wait()
			close(exited)
		}()
		grace := time.NewTimer(c.grace)
		select {
		case <-exited:
		case <-c.quit:
		case <-grace.C:
			c.mu.Lock()
			c.lingered = true
			c.mu.Unlock()
		}
		grace.Stop()
		c.quitNow() // nothing more will be read: make sure the worker's group ends
		<-exited
		close(c.done)
	}()
	for sc.Scan() {
		b := append([]byte(nil), sc.Bytes()...)
		select {
		case c.lines <- b:
		case <-c.quit:
			return
		}
	}
}

// quitNow gives up on the worker: its process group is killed.
func (c *Client) quitNow() {
	c.quitOnce.Do(func() {
		close(c.quit)
		killGroup(c.cmd)
	})
}

// send writes one line to the worker.
func (c *Client) send(v any) error {
	b, err := line(v)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := c.stdin.Write(b); err != nil {
		return fmt.Errorf("%s: cannot write to it: %w", c.name, err)
	}
	return nil
}

// Measure runs one measurement and returns its result. progress, if not
// nil, is called from Measure's goroutine for each progress line. A
// *RunError means the worker refused this config and is still usable;
// ErrStopped means Stop abandoned it; any other error means the worker is
// broken and has been killed (the error names the config and seed, and
// says why: quoting the worker's stderr, or that it made no progress
// within the measurement's Limit). Cancelling ctx kills the worker and
// returns ctx's error.
func (c *Client) Measure(ctx context.Context, req Request, progress func(Progress)) (Result, error) {
	c.mu.Lock()
	if c.broken != nil {
		err := c.broken
		c.mu.Unlock()
		return Result{}, err
	}
	c.nextID++
	if req.ID == 0 {
		req.ID = c.nextID
	}
	c.mu.Unlock()
	if req.Vs != nil && !slices.Contains(c.Hello().Features, FeatureVs) {
		return Result{}, fmt.Errorf("%s (pid %d, %s %s) cannot measure two variants in one run (its hello offers no %q)",
			c.name, c.Pid(), c.Hello().Engine, c.Hello().EngineVersion, FeatureVs)
	}
	broke := func(format string, a ...any) (Result, error) {
		err := fmt.Errorf("%s (pid %d) measuring %s: %s", c.name, c.Pid(), measuring(req.Config, req.Seed), fmt.Sprintf(format, a...))
		c.mu.Lock()
		c.broken = err
		c.mu.Unlock()
		c.quitNow()
		return Result{}, err
	}
	if err := c.send(requestMsg{Type: typeMeasure, Request: req}); err != nil {
		c.Kill()
		return broke("%v%s", err, c.diagnosis())
	}
	limit := Limit(req, c.minLimit)
	clock := c.activeClock()
	var last Progress  // the furthest progress, by fraction: a heartbeat repeats it
	var moved duration // active time when it moved last
	timer := time.NewTimer(c.timeout)
	defer timer.Stop()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		select {
		case <-ctx.Done():
			c.mu.Lock()
			c.broken = fmt.Errorf("%s: killed when its measurement was cancelled", c.name)
			c.mu.Unlock()
			c.quitNow()
			return Result{}, ctx.Err()
		case <-timer.C:
			c.mu.Lock()
			quiet := c.quiet
			c.mu.Unlock()
			if quiet {
				c.mu.Lock()
				c.excused++
				c.mu.Unlock()
				timer.Reset(c.timeout)
				continue
			}
			c.Kill()
			return broke("said nothing for %v; killed as hung%s", c.timeout, c.diagnosis())
		case <-deadline.C:
			active, quiet := clock()
			if quiet { // paused time does not count: look again later
				c.mu.Lock()
				c.deferred++
				c.mu.Unlock()
				deadline.Reset(max(limit-active, min(limit, time.Second)))
				continue
			}
			if active < limit {
				deadline.Reset(limit - active)
				continue
			}
			c.Kill()
			return broke("%s%s", c.noProgress(req, limit, last, active-moved.d, moved.set), c.diagnosis())
		case b, ok := <-c.lines:
			if !ok {
				<-c.done
				return broke("%s", c.exitReason())
			}
			timer.Reset(c.timeout)
			var env envelope
			if err := json.Unmarshal(b, &env); err != nil {
				c.Kill()
				return broke("wrote a line that is not JSON: %q%s", clip(b), c.diagnosis())
			}
			switch env.Type {
			case typeProgress:
				var p progressMsg
				if err := json.Unmarshal(b, &p); err != nil {
					c.Kill()
					return broke("bad progress line %q: %v", clip(b), err)
				}
				if p.ID != req.ID {
					continue
				}
				if p.Fraction > last.Fraction {
					last = p.Progress
					moved.d, _ = clock()
					moved.set = true
				}
				if progress != nil {
					progress(p.Progress)
				}
			case typeResult:
				var r resultMsg
				if err := json.Unmarshal(b, &r); err != nil {
					c.Kill()
					return broke("bad result line %q: %v", clip(b), err)
				}
				if r.ID != req.ID {
					c.Kill()
					return broke("result for measurement %d, expected %d", r.ID, req.ID)
				}
				if req.Vs != nil && (r.Vs == nil || len(r.Vs.Samples) != len(r.Samples)) {
					c.Kill()
					return broke("asked for two variants, its result has %s", vsRounds(r.Result))
				}
				return r.Result, nil
			case typeError:
				if env.ID == req.ID {
					msg := trimRepeated(env.Error, req.Config, req.Seed)
					if memoryCause(msg) {
						msg += addressSpaceNote(c.limits().AddressSpace)
					}
					return Result{}, &RunError{Config: req.Config, Seed: req.Seed, Msg: msg}
				}
				c.Kill()
				return broke("error for measurement %d, expected %d: %s", env.ID, req.ID, env.Error)
			case typeStopped:
				if env.ID == req.ID {
					return Result{}, ErrStopped
				}
			case typePaused:
				c.setQuiet(true)
			case typeResumed:
				c.setQuiet(false)
			case typeFatal:
				c.Kill()
				return broke("failed: %s%s", env.Error, c.diagnosis())
			default:
				c.Kill()
				return broke("unknown message type %q", env.Type)
			}
		}
	}
}

// duration is a time that may not have been set yet.
type duration struct {
	d   time.Duration
	set bool
}

// activeClock starts a clock of the time the worker is not paused (not
// quiet) from now; it reports that time and whether the worker is quiet.
func (c *Client) activeClock() func() (time.Duration, bool) {
	c.mu.Lock()
	t0, q0 := time.Now(), c.quietTotal
	if c.quiet {
		q0 -= time.Since(c.quietSince)
	}
	c.mu.Unlock()
	return func() (time.Duration, bool) {
		c.mu.Lock()
		defer c.mu.Unlock()
		now := time.Now()
		q := c.quietTotal
		if c.quiet {
			q += now.Sub(c.quietSince)
		}
		return now.Sub(t0) - (q - q0), c.quiet
	}
}

// noProgress says why a measurement that reached its limit was given up:
// what its limit was, and how far it got (since the last progress that
// moved, still, for how long, when it ever did).
func (c *Client) noProgress(req Request, limit time.Duration, last Progress, still time.Duration, moved bool) string {
	epoch := "its epochs"
	if c.hello.Engine == "python" {
		epoch = "forward_epoch"
	}
	why := fmt.Sprintf("no result after %v, its limit (the least any measurement is given)", round(limit))
	if planned := Planned(req, req.Epoch); planned > 0 {
		why = fmt.Sprintf("no result after %v, its limit (%d× the %v it was planned to take, at least %v)",
			round(limit), LimitSlack, round(planned), round(c.minLimit))
	}
	if !moved {
		return fmt.Sprintf("%s: %s made no progress — not one round finished — though the worker kept answering; killed", why, epoch)
	}
	return fmt.Sprintf("%s: %s made no progress for the last %v (at %.0f%% of the measurement, depth %d) though the worker kept answering; killed",
		why, epoch, round(still), 100*last.Fraction, last.Depth)
}

// round shortens a duration for a message.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// Paused reports whether a Pause was sent and no Resume since. The worker
// keeps a pause across measurements, so a client paused between two of
// them must be resumed before it measures again.
func (c *Client) Paused() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.quiet
}

func (c *Client) setQuiet(q bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case q && !c.quiet:
		c.quietSince = time.Now()
	case !q && c.quiet:
		c.quietTotal += time.Since(c.quietSince)
	}
	c.quiet = q
}

// Pause asks the worker to hold after its current round; paused time is not
// measured, and the worker's silence while paused is not a hang.
func (c *Client) Pause() error {
	c.setQuiet(true)
	return c.send(idMsg{Type: typePause})
}

// Resume continues a paused measurement.
func (c *Client) Resume() error {
	err := c.send(idMsg{Type: typeResume})
	c.setQuiet(false)
	return err
}

// Stop abandons the current measurement; Measure returns ErrStopped.
func (c *Client) Stop() error { return c.send(idMsg{Type: typeStop}) }

// Close ends the worker: its stdin is closed, and it is killed (with its
// process group) if it has not exited within two seconds. It returns the
// worker's exit error when it did not exit cleanly by itself.
func (c *Client) Close() error {
	c.wmu.Lock()
	_ = c.stdin.Close()
	c.wmu.Unlock()
	// Drain anything still said so the reader reaches EOF.
	grace := time.NewTimer(closeGrace)
	defer grace.Stop()
	for {
		select {
		case _, ok := <-c.lines:
			if ok {
				continue
			}
			select {
			case <-c.done:
			case <-grace.C:
				c.Kill()
				return fmt.Errorf("%s did not exit within %v of its input closing; killed", c.name, closeGrace)
			}
			c.quitNow() // the group may hold more than the worker
			c.mu.Lock()
			lingered := c.lingered
			c.mu.Unlock()
			if lingered {
				return fmt.Errorf("%s closed its output but did not exit within %v of its input closing; killed", c.name, c.grace)
			}
			return c.werr
		case <-grace.C:
			c.Kill()
			return fmt.Errorf("%s did not exit within %v of its input closing; killed", c.name, closeGrace)
		}
	}
}

// Kill ends the worker and its process group at once and waits for it.
func (c *Client) Kill() {
	c.quitNow()
	c.wmu.Lock()
	_ = c.stdin.Close()
	c.wmu.Unlock()
	<-c.done
}

// Done is closed once the worker process has ended and been waited for.
func (c *Client) Done() <-chan struct{} { return c.done }

// exitReason says how the worker ended, with its stderr; call after done.
func (c *Client) exitReason() string {
	c.mu.Lock()
	lingered := c.lingered
	c.mu.Unlock()
	var s string
	switch {
	case c.rerr != nil:
		s = "cannot read its output: " + c.rerr.Error()
	case lingered:
		s = fmt.Sprintf("closed its output without an answer and ran on for %v; killed", c.grace)
	case c.werr != nil:
		s = "exited: " + c.werr.Error()
	default:
		s = "exited without an answer"
	}
	return s + c.diagnosis()
}

// diagnosis is what the worker's stderr says about its end, for an error:
// "; stderr: " and the line that says why it died (else the end of it),
// what that means under an address-space limit, and the log file that
// holds the whole of it (Options.LogDir); "" when it wrote nothing. Call
// once the worker has ended (Kill, or done), so that all of it was read.
func (c *Client) diagnosis() string {
	text := strings.TrimSpace(c.stderr.String())
	if text == "" {
		return ""
	}
	why := cause(text)
	path := c.saveLog()
	var b strings.Builder
	b.WriteString("; stderr: ")
	switch {
	case why != "":
		b.WriteString(why)
	case path != "":
		b.WriteString(lastBytes(text, quoteTail))
	default:
		b.WriteString(lastBytes(text, quoteKeep))
	}
	if why != "" && memoryCause(why) {
		b.WriteString(addressSpaceNote(c.limits().AddressSpace))
	}
	if path != "" {
		b.WriteString("; the whole of it is in " + path)
	}
	return b.String()
}

// saveLog writes the worker's stderr to a file in the log directory, once,
// and returns its path ("" when there is no directory or it failed).
func (c *Client) saveLog() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.logged && c.logDir != "" {
		c.logged = true
		c.logPath, _ = writeLog(c.logDir, c.name, c.cmd.Process.Pid, c.stderr.String())
	}
	return c.logPath
}

// startError says why the worker's process could not start, plainly: the
// program's path as the user knows it, and what the system said.
func (c *Client) startError(err error) error {
	prog := c.cmd.Path
	if prog == selfExe && startExe != "" {
		prog = startExe + " (this program)"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	msg := err.Error()
	if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
		if l := c.limits().OpenFiles; l > 0 {
			msg += fmt.Sprintf(" (the open-file limit, ulimit -n, is %d)", l)
		}
	}
	return fmt.Errorf("cannot start %s %s: %s", c.name, prog, msg)
}

// clip shortens a line for an error message.
func clip(b []byte) string {
	const n = 200
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// SelfCommand is a command that starts the running executable as a Go
// worker (EnvVar=go): the hcbench binary, or a test binary whose TestMain
// calls measure.MainIfWorker.
func SelfCommand() (*exec.Cmd, error) {
	exe, err := selfPath()
	if err != nil {
		return nil, fmt.Errorf("cannot find this program to start a worker: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), EnvVar+"=go")
	return cmd, nil
}

// BinaryCommand starts another hcbench build at path as a Go worker (an
// A/B sweep's --vs binary=PATH). Its handshake says which protocol it
// speaks; Start refuses another version.
func BinaryCommand(path string) *exec.Cmd {
	cmd := exec.Command(path)
	cmd.Env = append(os.Environ(), EnvVar+"=go")
	return cmd
}

// vsRounds says what a paired result holds, for an error.
func vsRounds(r Result) string {
	if r.Vs == nil {
		return "none of variant B"
	}
	return fmt.Sprintf("%d rounds of variant B to %d of A", len(r.Vs.Samples), len(r.Samples))
}

// selfExe is the running program on Linux, whatever became of its file.
const selfExe = "/proc/self/exe"

// startExe is this program's path, resolved when it started: a file put
// in its place later (a rebuild mid-run) is another program.
var startExe, startExeErr = os.Executable()

// selfPath is the program to re-execute: on Linux /proc/self/exe, which is
// the running binary itself even when its file was replaced or removed
// since, so that a rebuild mid-run cannot mix two builds in one run;
// elsewhere the path resolved at start.
func selfPath() (string, error) {
	if runtime.GOOS == "linux" {
		if _, err := os.Stat(selfExe); err == nil {
			return selfExe, nil
		}
	}
	return startExe, startExeErr
}
