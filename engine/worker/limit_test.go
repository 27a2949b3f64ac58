package worker

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPlannedAndLimit(t *testing.T) {
	ms := time.Millisecond
	// Three depths, 3 warm-up epochs, 10ms of measuring per depth.
	base := Request{Depths: []int{1, 2, 3}, TimeMin: 0.01, MinEpochs: 5, MaxRounds: 100, Warmup: 3}
	with := func(f func(*Request)) Request {
		r := base
		r.Depths = append([]int(nil), base.Depths...)
		f(&r)
		return r
	}
	tests := []struct {
		name    string
		req     Request
		epoch   time.Duration
		planned time.Duration
	}{
		// Unknown epoch: only the measuring time, 3 × 10ms.
		{"no estimate", base, 0, 30 * ms},
		// 1ms epochs: (3+5) setup epochs × 3 depths, then 10 rounds of one
		// epoch per depth (30ms, at least 5 epochs).
		{"fast epochs", base, ms, 24*ms + 30*ms},
		// 100ms epochs: the time wants 1 round, min_epochs 5 rounds.
		{"min epochs decide", base, 100 * ms, 2400*ms + 1500*ms},
		// A calibrated batch of 4 rounds up the rounds to whole batches.
		{"batch", with(func(r *Request) { r.Batch = 4 }), 10 * ms, 240*ms + 2*4*30*ms},
		// Batch calibration: 30ms target, 0.3µs rounds, 100 rounds at most.
		{"calibrated batch", with(func(r *Request) { r.MaxRounds = 10 }), 100 * time.Nanosecond, 2400*time.Nanosecond + 30*ms},
		{"no depths", with(func(r *Request) { r.Depths = nil }), ms, 8*ms + 10*ms},
		{"absurd epoch saturates", base, time.Duration(1 << 62), time.Duration(1<<63-1) / 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Planned(tt.req, tt.epoch)
			if d := got - tt.planned; d < -time.Microsecond || d > time.Microsecond {
				t.Errorf("Planned = %v, want %v", got, tt.planned)
			}
		})
	}
	// The limit: 10× the plan, at least the floor (2 minutes by default).
	slow := with(func(r *Request) { r.Epoch = time.Second })
	for _, tt := range []struct {
		name  string
		req   Request
		floor time.Duration
		want  time.Duration
	}{
		{"default floor", base, 0, DefaultMinLimit},
		{"given floor", base, 50 * ms, 300 * ms},
		{"long plan", slow, 0, LimitSlack * Planned(slow, time.Second)},
	} {
		if got := Limit(tt.req, tt.floor); got != tt.want {
			t.Errorf("%s: Limit = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestNoProgressIsAHang: a worker whose measurement never delivers,
// though its heartbeat goes on (a Python forward_epoch that never
// returns), is killed once the measurement's limit is reached, with an
// error that names the config and seed and says how far it got.
func TestNoProgressIsAHang(t *testing.T) {
	for _, tc := range []struct {
		mode string
		want []string
	}{
		{"stuck", []string{"no result after 50ms, its limit (the least any measurement is given)", "its epochs made no progress — not one round finished", "kept answering; killed"}},
		{"stalls", []string{"no result after 50ms", "made no progress for the last", "at 30% of the measurement, depth 2"}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			c, err := fake(t, tc.mode, Options{MinLimit: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Measure(context.Background(), req(123, 1), nil)
			if err == nil {
				t.Fatal("Measure of a worker that never delivers succeeded")
			}
			var re *RunError
			if errors.As(err, &re) {
				t.Fatalf("a hung worker is not a refused config: %v", err)
			}
			t.Logf("error: %v", err)
			for _, w := range append(tc.want, "fake worker", "measuring D=3 K=5 T=48 seed 123") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			<-c.Done() // killed
		})
	}
}

// TestPausedTimeIsNotMeasuredTime: a measurement held by a pause past its
// limit is not killed; resumed, it delivers.
func TestPausedTimeIsNotMeasuredTime(t *testing.T) {
	c, err := fake(t, "ok", Options{MinLimit: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Pause(); err != nil { // the measurement holds at its first round
		t.Fatal(err)
	}
	type out struct {
		res Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := c.Measure(context.Background(), req(1, 3), nil)
		done <- out{res, err}
	}()
	// Wait until the limit has been reached while paused, and extended.
	for {
		c.mu.Lock()
		deferred := c.deferred
		c.mu.Unlock()
		if deferred > 0 {
			break
		}
		select {
		case o := <-done:
			t.Fatalf("Measure ended while paused: %v", o.err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	if err := c.Resume(); err != nil {
		t.Fatal(err)
	}
	if o := <-done; o.err != nil || o.res.Rounds != 3 {
		t.Fatalf("Measure after the pause = %+v, %v; want its 3 rounds", o.res, o.err)
	}
}

// TestRunErrorSaysTheConfigOnce: a worker that repeats the config in its
// error (the Python worker did) is quoted without the repetition.
func TestRunErrorSaysTheConfigOnce(t *testing.T) {
	c, err := fake(t, "ok", Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Measure(context.Background(), req(667, 1), nil)
	var re *RunError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a RunError", err)
	}
	if want := "D=3 K=5 T=48 seed 667: ZeroDivisionError: float division by zero"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

// TestClosedOutputIsNotAKill: a worker that closes its stdout and runs on
// is ended by the client; the error says what the worker did, not the
// "signal: killed" of the client's own kill.
func TestClosedOutputIsNotAKill(t *testing.T) {
	opt := Options{grace: 20 * time.Millisecond}
	want := "closed its output without an answer and ran on for 20ms; killed; stderr: closing stdout"
	t.Run("before its hello", func(t *testing.T) {
		_, err := fake(t, "closeout-hello", opt)
		if err == nil || !strings.Contains(err.Error(), "ended before saying hello: "+want) || strings.Contains(err.Error(), "signal") {
			t.Fatalf("err = %v, want it to say %q", err, want)
		}
	})
	t.Run("measuring", func(t *testing.T) {
		c, err := fake(t, "closeout", opt)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Measure(context.Background(), req(1, 1), nil)
		if err == nil || !strings.Contains(err.Error(), "measuring D=3 K=5 T=48 seed 1: "+want) || strings.Contains(err.Error(), "signal") {
			t.Fatalf("err = %v, want it to say %q", err, want)
		}
	})
}
