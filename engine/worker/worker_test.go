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
	"sync/atomic"
	"testing"
	"time"
)

// fakeEnv makes the test binary a fake worker of the named kind.
const fakeEnv = "HCBENCH_FAKE_WORKER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeEnv); mode != "" {
		os.Exit(fakeWorker(mode))
	}
	os.Exit(m.Run())
}

// fakeMeasure runs req.MaxRounds rounds (holding and reporting progress
// in each) and returns them as samples; seed 666 is refused.
func fakeMeasure(rounds *atomic.Int64) MeasureFunc {
	return func(req Request, ctl *Control) (Result, error) {
		switch req.Seed {
		case 666:
			return Result{}, errors.New("seed 666 is refused")
		case 667: // as the Python worker said it: the config first
			return Result{}, fmt.Errorf("%s seed %d: ZeroDivisionError: float division by zero", req.Config, req.Seed)
		}
		var samples []float64
		for i := 0; i < req.MaxRounds; i++ {
			if !ctl.Hold() {
				return Result{}, ErrStopped
			}
			rounds.Add(1)
			samples = append(samples, float64(i+1))
			ctl.Progress(req.Depths[0], float64(i+1)/float64(req.MaxRounds))
			if req.Warmup > 0 { // slow rounds, for the pause tests
				time.Sleep(time.Millisecond)
			}
		}
		run, _ := json.Marshal(map[string]any{"seed": req.Seed})
		return Result{Batch: 1, Rounds: req.MaxRounds, Samples: samples, Run: run, MemKind: "buffers"}, nil
	}
}

func fakeWorker(mode string) int {
	out := os.Stdout
	hello := `{"type":"hello","protocol":1,"engine":"fake","engine_version":"v0"}` + "\n"
	switch mode {
	case "ok":
		var n atomic.Int64
		if err := Serve(os.Stdin, out, Hello{Engine: "fake", EngineVersion: "v0"}, fakeMeasure(&n)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case "fatal":
		fmt.Fprintln(out, `{"type":"fatal","error":"no numpy"}`)
		return 1
	case "proto2":
		fmt.Fprintln(out, `{"type":"hello","protocol":2,"engine":"fake"}`)
	case "nohello":
		fmt.Fprintln(os.Stderr, "import error: qmlhc")
		return 4
	case "stuck", "stalls":
		// A worker whose measurement never ends while its heartbeat goes
		// on, as a Python worker's does when forward_epoch never returns:
		// "stuck" never finishes a round, "stalls" finishes three.
		io.WriteString(out, hello)
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			var m struct {
				Type string `json:"type"`
				ID   int64  `json:"id"`
			}
			json.Unmarshal(sc.Bytes(), &m)
			if m.Type != "measure" {
				continue
			}
			go func() {
				frac := 0.0
				for i := 0; ; i++ {
					if mode == "stalls" && i < 3 {
						frac = float64(i+1) / 10
					}
					fmt.Fprintf(out, `{"type":"progress","id":%d,"depth":2,"fraction":%g}`+"\n", m.ID, frac)
					time.Sleep(2 * time.Millisecond)
				}
			}()
		}
	case "oom":
		// A Go runtime crash: the line that says why, then a long dump.
		io.WriteString(out, hello)
		bufio.NewReader(os.Stdin).ReadString('\n')
		io.WriteString(os.Stderr, oomStderr)
		return 2
	case "closeout", "closeout-hello":
		// Closes its stdout (after the hello, on the first request) and
		// runs on until killed.
		if mode == "closeout" {
			io.WriteString(out, hello)
			bufio.NewReader(os.Stdin).ReadString('\n')
		}
		fmt.Fprintln(os.Stderr, "closing stdout")
		out.Close()
		time.Sleep(15 * time.Minute)
	case "badjson", "crash", "silent", "unknown", "spawn":
		io.WriteString(out, hello)
		if mode == "spawn" {
			// A grandchild in the worker's group, which must die with it.
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), fakeEnv+"=sleep")
			if err := cmd.Start(); err != nil {
				return 1
			}
			fmt.Fprintf(os.Stderr, "grandchild %d\n", cmd.Process.Pid)
		}
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			switch mode {
			case "badjson":
				fmt.Fprintln(out, "Traceback (most recent call last):")
			case "crash":
				fmt.Fprintln(os.Stderr, "panic: boom")
				return 3
			case "unknown":
				fmt.Fprintln(out, `{"type":"gossip"}`)
			}
		}
	case "sleep":
		// Longer than go test's default -timeout: a grandchild that
		// outlived its worker keeps TestCancelKillsProcessGroup waiting.
		time.Sleep(15 * time.Minute)
	}
	return 0
}

// oomStderr is what a Go worker that ran out of memory writes: the cause
// first, then more than 4 KiB of goroutine dump.
var oomStderr = "runtime: out of memory: cannot allocate 4194304-byte block (0 in use)\nfatal error: out of memory\n\nruntime stack:\n" +
	strings.Repeat("runtime.throw({0x83b86c?, 0x7ffdbe1609e0?})\n\t/usr/local/go/src/runtime/panic.go:1229 +0x48\n", 100) +
	"\ngoroutine 1 gp=0xc000002380 m=0 mp=0x1092280 [running]:\nruntime: g 0 gp=0x1090600: unknown pc\n"

func fake(t *testing.T, mode string, opt Options) (*Client, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), fakeEnv+"="+mode)
	if opt.Name == "" {
		opt.Name = "fake worker"
	}
	c, err := Start(context.Background(), cmd, opt)
	if c != nil {
		t.Cleanup(c.Kill)
	}
	return c, err
}

var cfg = Config{D: 3, K: 5, T: 48}

func req(seed uint64, rounds int) Request {
	return Request{Config: cfg, Seed: seed, Policy: "mean", Depths: []int{2}, MaxRounds: rounds}
}

func TestMeasureRoundTrip(t *testing.T) {
	c, err := fake(t, "ok", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h := c.Hello(); h.Engine != "fake" || h.Protocol != Protocol {
		t.Fatalf("hello = %+v", h)
	}
	for i, seed := range []uint64{5, 6} {
		var last Progress
		res, err := c.Measure(context.Background(), req(seed, 3), func(p Progress) { last = p })
		if err != nil {
			t.Fatal(err)
		}
		if res.Rounds != 3 || len(res.Samples) != 3 || res.Samples[2] != 3 || res.ID != int64(i+1) {
			t.Errorf("result %d = %+v", i, res)
		}
		if string(res.Run) != fmt.Sprintf(`{"seed":%d}`, seed) {
			t.Errorf("run = %s", res.Run)
		}
		if last.Depth != 2 || last.Fraction <= 0 {
			t.Errorf("progress = %+v", last)
		}
	}
	// A refused config leaves the worker usable.
	_, err = c.Measure(context.Background(), req(666, 3), nil)
	var re *RunError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "seed 666 is refused") || !strings.Contains(err.Error(), "D=3 K=5 T=48") {
		t.Fatalf("err = %v, want a RunError naming the config", err)
	}
	if _, err := c.Measure(context.Background(), req(7, 2), nil); err != nil {
		t.Fatalf("after a refused config: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close = %v, want a clean exit", err)
	}
}

func TestPauseResumeStop(t *testing.T) {
	c, err := fake(t, "ok", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := req(1, 1<<30)
	r.Warmup = 1 // 1ms rounds
	type out struct {
		res Result
		err error
	}
	done := make(chan out, 1)
	progressed := make(chan struct{}, 1)
	go func() {
		res, err := c.Measure(context.Background(), r, func(Progress) {
			select {
			case progressed <- struct{}{}:
			default:
			}
		})
		done <- out{res, err}
	}()
	<-progressed
	if err := c.Pause(); err != nil {
		t.Fatal(err)
	}
	if !c.Paused() {
		t.Error("Paused = false after Pause")
	}
	if err := c.Resume(); err != nil {
		t.Fatal(err)
	}
	<-progressed
	<-progressed // progress flows again after the resume
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	o := <-done
	if !errors.Is(o.err, ErrStopped) {
		t.Fatalf("Measure after Stop = %v, want ErrStopped", o.err)
	}
	if _, err := c.Measure(context.Background(), req(2, 2), nil); err != nil {
		t.Fatalf("after a stop the worker must stay usable: %v", err)
	}
}

// TestPausedSilenceIsNoHang: a worker that says nothing while paused is not
// killed as hung, however long the pause; once resumed, the same silence
// is a hang. The worker here never answers; the no-output timeout is made
// short after its hello.
func TestPausedSilenceIsNoHang(t *testing.T) {
	c, err := fake(t, "silent", Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.timeout = 20 * time.Millisecond
	if err := c.Pause(); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := c.Measure(context.Background(), req(1, 1), nil)
		errc <- err
	}()
	// Wait until the timeout has fired while paused, and was forgiven.
	for {
		c.mu.Lock()
		excused := c.excused
		c.mu.Unlock()
		if excused > 0 {
			break
		}
		select {
		case err := <-errc:
			t.Fatalf("Measure ended while paused: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	if err := c.Resume(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err == nil || !strings.Contains(err.Error(), "killed as hung") {
		t.Fatalf("Measure of a silent worker after Resume = %v, want it killed as hung", err)
	}
}

func TestStartErrors(t *testing.T) {
	for _, tc := range []struct{ mode, want string }{
		{"fatal", "cannot start: no numpy"},
		{"proto2", "speaks protocol 2; this hcbench speaks protocol 1"},
		{"nohello", "ended before saying hello: exited: exit status 4; stderr: import error: qmlhc"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			_, err := fake(t, tc.mode, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "fake worker") {
				t.Fatalf("err = %v, want it to name the worker and say %q", err, tc.want)
			}
		})
	}
	if _, err := Start(context.Background(), exec.Command("/nonexistent/worker"), Options{}); err == nil ||
		!strings.Contains(err.Error(), "/nonexistent/worker") {
		t.Errorf("missing program: err = %v", err)
	}
}

func TestBrokenWorkers(t *testing.T) {
	for _, tc := range []struct {
		mode, want string
		timeout    time.Duration
	}{
		{"badjson", `wrote a line that is not JSON: "Traceback`, 0},
		{"crash", "exited: exit status 3; stderr: panic: boom", 0},
		{"unknown", `unknown message type "gossip"`, 0},
		{"silent", "said nothing for 100ms; killed as hung", 100 * time.Millisecond},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			c, err := fake(t, tc.mode, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.timeout > 0 {
				c.timeout = tc.timeout // after the hello, which it must not hurry
			}
			_, err = c.Measure(context.Background(), req(1, 1), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "measuring D=3 K=5 T=48") {
				t.Fatalf("err = %v, want it to name the config and say %q", err, tc.want)
			}
			<-c.Done() // killed
			if _, err2 := c.Measure(context.Background(), req(1, 1), nil); err2 == nil {
				t.Error("a broken worker measured again")
			}
		})
	}
}

func TestCancelKillsProcessGroup(t *testing.T) {
	c, err := fake(t, "spawn", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := c.Measure(ctx, req(1, 1), nil)
		errc <- err
	}()
	// The grandchild's pid is on the worker's stderr once it started.
	var pid int
	for pid == 0 {
		select {
		case err := <-errc:
			t.Fatalf("Measure ended before the grandchild started: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
		fmt.Sscanf(c.stderr.String(), "grandchild %d", &pid)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Measure = %v, want context.Canceled", err)
	}
	<-c.Done()
	// The grandchild sleeps longer than the test may run: the wait ends
	// because the kill reached it, or the test times out.
	waitGone(pid)
}

// TestServeProtocol drives Serve through pipes, line by line.
func TestServeProtocol(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var rounds atomic.Int64
	served := make(chan error, 1)
	go func() {
		served <- Serve(inR, outW, Hello{Engine: "fake"}, fakeMeasure(&rounds))
		outW.Close()
	}()
	sc := bufio.NewScanner(outR)
	next := func() map[string]any {
		t.Helper()
		if !sc.Scan() {
			t.Fatalf("no line: %v", sc.Err())
		}
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not JSON: %s", sc.Text())
		}
		return m
	}
	until := func(typ string) map[string]any {
		t.Helper()
		for {
			if m := next(); m["type"] == typ {
				return m
			}
		}
	}
	send := func(s string) {
		t.Helper()
		if _, err := io.WriteString(inW, s+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	if h := next(); h["type"] != "hello" || h["protocol"] != 1.0 || h["engine"] != "fake" {
		t.Fatalf("hello = %v", h)
	}
	// Control with nothing running is answered with id 0.
	send(`{"type":"stop"}`)
	if m := next(); m["type"] != "stopped" || m["id"] != 0.0 {
		t.Fatalf("idle stop → %v", m)
	}
	send(`{"type":"measure","id":9,"config":{"D":3,"K":5,"T":48},"seed":1,"depths":[1],"max_rounds":1000000000,"warmup":1}`)
	until("progress")
	send(`{"type":"pause"}`)
	if m := until("paused"); m["id"] != 9.0 {
		t.Fatalf("paused → %v", m)
	}
	atPause := rounds.Load()
	// Let the paused worker's other goroutines run: the measurement must
	// stay in Hold until the resume below, which only this test sends.
	runtime.Gosched()
	if n := rounds.Load(); n != atPause {
		t.Fatalf("%d rounds ran while paused", n-atPause)
	}
	send(`{"type":"resume"}`)
	if m := until("resumed"); m["id"] != 9.0 {
		t.Fatalf("resumed → %v", m)
	}
	send(`{"type":"stop"}`)
	if m := until("stopped"); m["id"] != 9.0 {
		t.Fatalf("stopped → %v", m)
	}
	send(`{"type":"measure","id":10,"config":{"D":3,"K":5,"T":48},"seed":666,"depths":[1],"max_rounds":1}`)
	if m := until("error"); m["id"] != 10.0 || m["error"] != "seed 666 is refused" {
		t.Fatalf("error → %v", m)
	}
	send(`{"type":"measure","id":11,"config":{"D":3,"K":5,"T":48},"seed":2,"depths":[1],"max_rounds":2}`)
	if m := until("result"); m["id"] != 11.0 || m["rounds"] != 2.0 {
		t.Fatalf("result → %v", m)
	}
	inW.Close()
	if err := <-served; err != nil {
		t.Fatalf("Serve after EOF = %v, want nil", err)
	}
}

func TestServeRejectsBadInput(t *testing.T) {
	for _, in := range []string{"not json\n", `{"type":"gossip"}` + "\n"} {
		var out strings.Builder
		var n atomic.Int64
		if err := Serve(strings.NewReader(in), &out, Hello{}, fakeMeasure(&n)); err == nil {
			t.Errorf("Serve(%q) = nil, want an error", in)
		}
	}
}
