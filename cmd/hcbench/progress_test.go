package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
)

// sweepEvents is a small sweep's event stream: three configs, one of them
// reused from a resumed run, with progress in between.
func sweepEvents() []sweep.Event {
	t0 := time.Unix(1000, 0)
	at := func(ms int) (time.Time, time.Duration) {
		d := time.Duration(ms) * time.Millisecond
		return t0.Add(d), d
	}
	cfgs := []bench.Config{{D: 3, K: 3, T: 48}, {D: 3, K: 3, T: 96}, {D: 6, K: 3, T: 48}}
	var evs []sweep.Event
	add := func(ms int, ev sweep.Event) {
		ev.Time, ev.Elapsed = at(ms)
		evs = append(evs, ev)
	}
	add(0, sweep.Event{Kind: sweep.SweepStarted, Done: 1, Total: 3})
	add(0, sweep.Event{Kind: sweep.ConfigFinished, Done: 1, Total: 3, Config: cfgs[0], Reused: true,
		Result: &bench.Result{Config: cfgs[0], TimeEpochMean: 1e-5}})
	ms := 0
	for _, c := range cfgs[1:] {
		ms += 10
		add(ms, sweep.Event{Kind: sweep.ConfigStarted, Done: evs[len(evs)-1].Done, Total: 3, Config: c})
		for i := 1; i <= 5; i++ {
			ms += 150 // beyond redrawInterval, so each one draws
			add(ms, sweep.Event{Kind: sweep.Progress, Done: evs[len(evs)-1].Done, Total: 3, Config: c,
				Depth: i%3 + 1, Fraction: float64(i) / 5})
		}
		done := evs[len(evs)-1].Done + 1
		add(ms, sweep.Event{Kind: sweep.ConfigFinished, Done: done, Total: 3, Config: c,
			Result: &bench.Result{Config: c, TimeEpochMean: 2.5e-5}})
	}
	add(ms, sweep.Event{Kind: sweep.SweepFinished, Done: 3, Total: 3})
	return evs
}

func TestProgressPiped(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, environment{}, nil)
	for _, ev := range sweepEvents() {
		p.event(ev)
		p.tick(ev.Time)
	}
	p.say("a message")
	p.clear()
	out := buf.String()
	if strings.ContainsAny(out, "\x1b\r") {
		t.Errorf("piped progress has escape codes or carriage returns: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	// One line per measured config (the reused one prints none), plus the message.
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), out)
	}
	for _, w := range []string{"2/3", "67%", "D=3 K=3 T=96", "ETA", "elapsed"} {
		if !strings.Contains(lines[0], w) {
			t.Errorf("line %q lacks %q", lines[0], w)
		}
	}
	if !strings.Contains(lines[1], "3/3 100%") || !strings.Contains(lines[1], "ETA 0s") {
		t.Errorf("last line %q", lines[1])
	}
}

func TestProgressTerminal(t *testing.T) {
	for _, noColor := range []bool{false, true} {
		var buf bytes.Buffer
		p := newProgress(&buf, environment{stderrTerminal: true, noColor: noColor, stderrWidth: 80}, nil)
		for _, ev := range sweepEvents() {
			p.event(ev)
		}
		p.say("interrupted")
		p.clear()
		out := buf.String()
		if noColor && strings.Contains(out, "\x1b") {
			t.Errorf("NO_COLOR: escape codes in %q", out)
		}
		if !noColor && !strings.Contains(out, "\r\x1b[2K") {
			t.Errorf("terminal: no line clearing in %q", out)
		}
		// Everything but the message is redrawn in place.
		if n := strings.Count(out, "\n"); n != 1 {
			t.Errorf("noColor=%v: %d newlines, want 1 (the message): %q", noColor, n, out)
		}
		if !strings.Contains(out, "running D=3 K=3 T=96 depth") || !strings.Contains(out, "1/3") {
			t.Errorf("noColor=%v: running config missing: %q", noColor, out)
		}
		for _, frame := range strings.Split(out, "\r") {
			frame = strings.TrimPrefix(frame, "\x1b[2K\x1b[1m")
			frame = strings.TrimSuffix(frame, "\x1b[0m")
			if n := len([]rune(strings.TrimRight(frame, " \n"))); n > 79 {
				t.Errorf("noColor=%v: frame of %d columns on an 80-column terminal: %q", noColor, n, frame)
			}
		}
	}
}

// TestHeartbeatOnPipe: while a long config runs, a piped log gets a line
// every heartbeatInterval naming the config, depth, elapsed time and
// estimate; a terminal (redrawn in place) gets none.
func TestHeartbeatOnPipe(t *testing.T) {
	t0 := time.Unix(1000, 0)
	c := bench.Config{D: 512, K: 256, T: 4096}
	for _, terminal := range []bool{false, true} {
		var buf bytes.Buffer
		p := newProgress(&buf, environment{stderrTerminal: terminal, noColor: true}, nil)
		p.event(sweep.Event{Kind: sweep.SweepStarted, Time: t0, Total: 2})
		p.event(sweep.Event{Kind: sweep.ConfigStarted, Time: t0, Config: c, Total: 2})
		p.event(sweep.Event{Kind: sweep.Progress, Time: t0.Add(time.Second), Config: c, Depth: 2, Fraction: 0.25, Total: 2})
		for s := 2; s <= 95; s++ {
			p.tick(t0.Add(time.Duration(s) * time.Second))
		}
		out := buf.String()
		if terminal {
			if strings.Contains(out, "\n") {
				t.Errorf("terminal: lines printed: %q", out)
			}
			continue
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("%d heartbeat lines in 95 s; want 3 (every 30 s):\n%s", len(lines), out)
		}
		for _, w := range []string{"running D=512 K=256 T=4096 depth 2", "elapsed 30.0s", "ETA 3m30s"} {
			if !strings.Contains(lines[0], w) {
				t.Errorf("heartbeat %q lacks %q", lines[0], w)
			}
		}
	}
}

// TestSlowNote: a grid whose largest config is slow is announced with an
// estimate before it runs; a quick one is not.
func TestSlowNote(t *testing.T) {
	p := bench.DefaultPlan()
	if note := slowNote(p, nil); note != "" {
		t.Errorf("the reference's grid gets a note: %q", note)
	}
	p.Grid = bench.Grid{Dims: []int{3, 512}, Branches: []int{256}, SeqLens: []int{16384}}
	note := slowNote(p, nil)
	for _, w := range []string{"D=512 K=256 T=16384", "per epoch", "whole grid about", "estimated"} {
		if !strings.Contains(note, w) {
			t.Errorf("note %q lacks %q", note, w)
		}
	}
}
