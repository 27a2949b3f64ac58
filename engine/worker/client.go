package worker

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"
)

// DefaultTimeout is how long a worker may say nothing before it counts as
// hung. The Go worker says something at least once a second (a heartbeat
// while an epoch runs long); a minute leaves room for a loaded machine.
const DefaultTimeout = time.Minute

// closeGrace is how long a worker has to exit after its stdin is closed.
const closeGrace = 2 * time.Second

// stderrKeep is how much of the end of a worker's stderr an error quotes.
const stderrKeep = 4 << 10

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
}

// RunError is a measurement the worker refused or failed (its "error"
// reply); the worker stays usable.
type RunError struct {
	Config Config
	Msg    string
}

func (e *RunError) Error() string { return fmt.Sprintf("%s: %s", e.Config, e.Msg) }

// Client is the parent's end of one worker process. Measure is for one
// goroutine at a time; Pause, Resume, Stop, Close and Kill may be called
// from any goroutine.
type Client struct {
	name    string
	timeout time.Duration
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stderr  *tail
	hello   Hello

	lines chan []byte   // stdout lines, closed at EOF
	quit  chan struct{} // closed when the client gives up on the worker
	done  chan struct{} // closed once the process has been waited for
	rerr  error         // why reading stopped (nil at EOF); valid after lines closes
	werr  error         // the process's exit; valid after done

	wmu      sync.Mutex // serialises writes to stdin
	mu       sync.Mutex
	quiet    bool  // pause sent: silence is expected until resumed
	excused  int   // timeouts forgiven while quiet (for tests)
	broken   error // set once the worker is unusable
	quitOnce sync.Once
	nextID   int64
}

// Start starts cmd as a worker and reads its hello. cmd must not have its
// Stdin, Stdout or Stderr set. The worker is killed if ctx is cancelled
// before the hello arrives; after that, ctx no longer matters (each
// Measure has its own). The error names the worker and quotes its stderr.
func Start(ctx context.Context, cmd *exec.Cmd, opt Options) (*Client, error) {
	c := &Client{
		name:    opt.Name,
		timeout: opt.Timeout,
		cmd:     cmd,
		stderr:  &tail{},
		lines:   make(chan []byte),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	if c.name == "" {
		c.name = "worker"
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if cmd.Stdin != nil || cmd.Stdout != nil || cmd.Stderr != nil {
		return nil, fmt.Errorf("%s: the command's standard streams must not be set", c.name)
	}
	ownGroup(cmd)
	cmd.Stderr = c.stderr
	cmd.WaitDelay = closeGrace
	var err error
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("%s: %w", c.name, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.name, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start %s (%s): %w", c.name, cmd.Path, err)
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
			return fail(fmt.Errorf("%s exited before saying hello: %s", c.name, c.exitReason()))
		}
		var env envelope
		if err := json.Unmarshal(b, &env); err != nil {
			return fail(fmt.Errorf("%s: first line is not JSON: %q%s", c.name, clip(b), c.stderrNote()))
		}
		switch env.Type {
		case typeHello:
		case typeFatal:
			return fail(fmt.Errorf("%s cannot start: %s%s", c.name, env.Error, c.stderrNote()))
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
		return fail(fmt.Errorf("%s said nothing for %v after starting%s", c.name, c.timeout, c.stderrNote()))
	case <-ctx.Done():
		return fail(fmt.Errorf("%s: %w", c.name, ctx.Err()))
	}
}

// Hello is the worker's handshake.
func (c *Client) Hello() Hello { return c.hello }

// Pid is the worker's process id.
func (c *Client) Pid() int { return c.cmd.Process.Pid }

// read forwards stdout lines until EOF or the client quits, then waits for
// the process.
func (c *Client) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	defer func() {
		c.rerr = sc.Err()
		close(c.lines)
		c.quitNow() // nothing more will be read: make sure the worker ends
		c.werr = c.cmd.Wait()
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
// broken and has been killed (the error names the config and quotes the
// worker's stderr). Cancelling ctx kills the worker and returns ctx's error.
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
	broke := func(format string, a ...any) (Result, error) {
		err := fmt.Errorf("%s (pid %d) measuring %s: %s", c.name, c.Pid(), req.Config, fmt.Sprintf(format, a...))
		c.mu.Lock()
		c.broken = err
		c.mu.Unlock()
		c.quitNow()
		return Result{}, err
	}
	if err := c.send(requestMsg{Type: typeMeasure, Request: req}); err != nil {
		return broke("%v%s", err, c.stderrNote())
	}
	timer := time.NewTimer(c.timeout)
	defer timer.Stop()
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
			return broke("said nothing for %v; killed as hung%s", c.timeout, c.stderrNote())
		case b, ok := <-c.lines:
			if !ok {
				<-c.done
				return broke("%s", c.exitReason())
			}
			timer.Reset(c.timeout)
			var env envelope
			if err := json.Unmarshal(b, &env); err != nil {
				return broke("wrote a line that is not JSON: %q%s", clip(b), c.stderrNote())
			}
			switch env.Type {
			case typeProgress:
				var p progressMsg
				if err := json.Unmarshal(b, &p); err != nil {
					return broke("bad progress line %q: %v", clip(b), err)
				}
				if progress != nil && p.ID == req.ID {
					progress(p.Progress)
				}
			case typeResult:
				var r resultMsg
				if err := json.Unmarshal(b, &r); err != nil {
					return broke("bad result line %q: %v", clip(b), err)
				}
				if r.ID != req.ID {
					return broke("result for measurement %d, expected %d", r.ID, req.ID)
				}
				return r.Result, nil
			case typeError:
				if env.ID == req.ID {
					return Result{}, &RunError{Config: req.Config, Msg: env.Error}
				}
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
				return broke("failed: %s%s", env.Error, c.stderrNote())
			default:
				return broke("unknown message type %q", env.Type)
			}
		}
	}
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
	c.quiet = q
	c.mu.Unlock()
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
			<-c.done
			c.quitNow() // the group may hold more than the worker
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
	var s string
	switch {
	case c.rerr != nil:
		s = "cannot read its output: " + c.rerr.Error()
	case c.werr != nil:
		s = "exited: " + c.werr.Error()
	default:
		s = "exited without an answer"
	}
	return s + c.stderrNote()
}

// stderrNote is the end of the worker's stderr, as "; stderr: …", or "".
func (c *Client) stderrNote() string {
	t := strings.TrimSpace(c.stderr.String())
	if t == "" {
		return ""
	}
	return "; stderr: " + t
}

// clip shortens a line for an error message.
func clip(b []byte) string {
	const n = 200
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// tail keeps the last stderrKeep bytes written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - stderrKeep; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
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

// startExe is this program's path, resolved when it started: a file put
// in its place later (a rebuild mid-run) is another program.
var startExe, startExeErr = os.Executable()

// selfPath is the program to re-execute: on Linux /proc/self/exe, which is
// the running binary itself even when its file was replaced or removed
// since, so that a rebuild mid-run cannot mix two builds in one run;
// elsewhere the path resolved at start.
func selfPath() (string, error) {
	if runtime.GOOS == "linux" {
		if _, err := os.Stat("/proc/self/exe"); err == nil {
			return "/proc/self/exe", nil
		}
	}
	return startExe, startExeErr
}
