package worker

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// progressEvery throttles progress lines (the protocol allows ~10 a second).
const progressEvery = 100 * time.Millisecond

// heartbeat is how often a measuring worker repeats its last progress when
// it has said nothing else (an epoch can take longer than the parent's
// no-output timeout would allow otherwise).
const heartbeat = time.Second

// MeasureFunc runs one measurement. It calls ctl.Hold between rounds and
// returns ErrStopped (or any error wrapping it) when Hold reports false.
type MeasureFunc func(req Request, ctl *Control) (Result, error)

// Control is a running measurement's link to the parent.
type Control struct {
	s  *server
	id int64
	// last progress, for the heartbeat; guarded by s.mu
	lastDepth int
	lastFrac  float64
	lastSent  time.Time
}

// Hold returns at once unless the parent paused: then it says "paused",
// waits for resume (saying "resumed") or stop. It reports false when the
// measurement must end (stop, or the parent closed stdin). Time spent in
// Hold is not measured time: call it outside timed windows.
func (c *Control) Hold() bool {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paused && !s.stop && !s.eof {
		s.writeLocked(idMsg{Type: typePaused, ID: c.id})
		s.holding = true
		for s.paused && !s.stop && !s.eof {
			s.cond.Wait()
		}
		s.holding = false
		if !s.paused {
			s.writeLocked(idMsg{Type: typeResumed, ID: c.id})
		}
	}
	return !s.stop && !s.eof
}

// Progress reports the depth being measured and the fraction of the
// measurement done; lines are throttled to ~10 a second.
func (c *Control) Progress(depth int, fraction float64) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c.lastDepth, c.lastFrac = depth, fraction
	if now := time.Now(); now.Sub(c.lastSent) >= progressEvery {
		c.lastSent = now
		s.writeLocked(progressMsg{Type: typeProgress, Progress: Progress{ID: c.id, Depth: depth, Fraction: fraction}})
	}
}

type server struct {
	out io.Writer

	mu      sync.Mutex
	cond    *sync.Cond
	werr    error    // first write error: the parent is gone
	running *Control // the measurement in progress
	paused  bool
	holding bool // a measurement waits in Hold
	stop    bool
	eof     bool
	lastOut time.Time
}

// writeLocked writes one line; s.mu is held, so lines never interleave.
func (s *server) writeLocked(v any) {
	b, err := line(v)
	if err == nil {
		_, err = s.out.Write(b)
	}
	if err != nil && s.werr == nil {
		s.werr = err
	}
	s.lastOut = time.Now()
}

// Serve speaks the worker side of the protocol on in/out: it writes hello,
// then measures each request with measure until in reaches EOF, and returns
// nil then (exit 0). It returns an error for unreadable input or when out
// cannot be written (the parent is gone).
func Serve(in io.Reader, out io.Writer, hello Hello, measure MeasureFunc) error {
	s := &server{out: out}
	s.cond = sync.NewCond(&s.mu)
	hello.Protocol = Protocol
	s.mu.Lock()
	s.writeLocked(helloMsg{Type: typeHello, Hello: hello})
	err := s.werr
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("worker: cannot write hello: %w", err)
	}

	reqs := make(chan Request)
	readErr := make(chan error, 1)
	go func() { readErr <- s.readInput(in, reqs) }()

	stopBeat := make(chan struct{})
	defer close(stopBeat)
	go s.heartbeat(stopBeat)

	for {
		req, ok := <-reqs
		if !ok {
			return <-readErr
		}
		ctl := &Control{s: s, id: req.ID}
		s.mu.Lock()
		s.running, s.stop = ctl, false
		s.mu.Unlock()
		res, err := measure(req, ctl)
		s.mu.Lock()
		s.running = nil
		switch {
		case errors.Is(err, ErrStopped) || (err == nil && s.stop):
			s.writeLocked(idMsg{Type: typeStopped, ID: req.ID})
		case err != nil:
			s.writeLocked(idMsg{Type: typeError, ID: req.ID, Error: err.Error()})
		default:
			res.ID = req.ID
			s.writeLocked(resultMsg{Type: typeResult, Result: res})
		}
		s.stop = false
		werr := s.werr
		s.mu.Unlock()
		if werr != nil {
			return fmt.Errorf("worker: cannot write to the parent: %w", werr)
		}
	}
}

// readInput reads the parent's lines: measure requests go to reqs (closed
// at EOF), control messages change the state at once.
func (s *server) readInput(in io.Reader, reqs chan<- Request) error {
	defer close(reqs)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	defer func() {
		s.mu.Lock()
		s.eof = true
		s.cond.Broadcast()
		s.mu.Unlock()
	}()
	for sc.Scan() {
		var env envelope
		if err := json.Unmarshal(sc.Bytes(), &env); err != nil {
			return fmt.Errorf("worker: a line from the parent is not JSON: %q", clip(sc.Bytes()))
		}
		switch env.Type {
		case typeMeasure:
			var m requestMsg
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				return fmt.Errorf("worker: bad measure request %q: %w", clip(sc.Bytes()), err)
			}
			reqs <- m.Request
		case typePause, typeResume, typeStop:
			s.control(env.Type)
		default:
			return fmt.Errorf("worker: unknown message type %q", env.Type)
		}
	}
	return sc.Err()
}

// control applies pause, resume or stop. With no measurement running it is
// answered at once with id 0; pause and resume still set the state, so a
// pause sent between measurements holds the next one at its first round.
func (s *server) control(kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var id int64
	if s.running != nil {
		id = s.running.id
	}
	switch kind {
	case typePause:
		s.paused = true
		if s.running == nil {
			s.writeLocked(idMsg{Type: typePaused})
		}
		// else Hold says "paused" when it takes effect
	case typeResume:
		s.paused = false
		if s.holding {
			s.cond.Broadcast() // Hold says "resumed"
		} else {
			s.writeLocked(idMsg{Type: typeResumed, ID: id})
		}
	case typeStop:
		if s.running == nil {
			s.writeLocked(idMsg{Type: typeStopped})
			return
		}
		s.stop = true
		s.cond.Broadcast()
	}
}

// heartbeat repeats the running measurement's last progress when nothing
// was written for a second (and the worker is not paused).
func (s *server) heartbeat(stop <-chan struct{}) {
	t := time.NewTicker(heartbeat)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			s.mu.Lock()
			if c := s.running; c != nil && !s.holding && now.Sub(s.lastOut) >= heartbeat {
				s.writeLocked(progressMsg{Type: typeProgress, Progress: Progress{ID: c.id, Depth: c.lastDepth, Fraction: c.lastFrac}})
			}
			s.mu.Unlock()
		}
	}
}
