package console

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report/compare"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/report/store"
)

// steady is a result of config c whose nine measurements agree: no noise
// warning.
func steady(c bench.Config, t float64) *bench.Result {
	r := &bench.Result{Config: c, TimeEpochMean: t}
	for i := range 9 {
		r.Measurements = append(r.Measurements, t*(1+float64(i%3)/1000))
	}
	r.Samples = r.Measurements
	bench.Headline(r)
	return r
}

// sweepUpdates is a small sweep's updates: three configs, one of them
// reused from a resumed run, with progress in between; the last measured
// one has two contended measurements.
func sweepUpdates() []session.Update {
	t0 := time.Unix(1000, 0)
	cfgs := []bench.Config{{D: 3, K: 3, T: 48}, {D: 3, K: 3, T: 96}, {D: 6, K: 3, T: 48}}
	var us []session.Update
	add := func(ms int, ev sweep.Event) {
		d := time.Duration(ms) * time.Millisecond
		ev.Time, ev.Elapsed = t0.Add(d), d
		us = append(us, session.Update{Event: ev})
	}
	add(0, sweep.Event{Kind: sweep.SweepStarted, Done: 1, Total: 3})
	add(0, sweep.Event{Kind: sweep.ConfigFinished, Done: 1, Total: 3, Config: cfgs[0], Reused: true, Result: steady(cfgs[0], 1e-5)})
	ms := 0
	for i, c := range cfgs[1:] {
		ms += 10
		add(ms, sweep.Event{Kind: sweep.ConfigStarted, Done: 1 + i, Total: 3, Config: c})
		for j := 1; j <= 5; j++ {
			ms += 150 // beyond RedrawInterval, so that each one draws
			add(ms, sweep.Event{Kind: sweep.Progress, Done: 1 + i, Total: 3, Config: c, Depth: j%3 + 1, Fraction: float64(j) / 5})
		}
		r := steady(c, 2.5e-5)
		if i == 1 {
			r.Contended = 2
		}
		add(ms, sweep.Event{Kind: sweep.ConfigFinished, Done: 2 + i, Total: 3, Config: c, Result: r})
	}
	add(ms, sweep.Event{Kind: sweep.SweepFinished, Done: 3, Total: 3})
	return us
}

func play(p *Printer, us []session.Update) {
	for _, u := range us {
		p.Update(u)
		p.Tick(u.Time)
	}
}

// TestNoEscapesWhereThereIsNoScreen: a pipe, NO_COLOR and TERM=dumb get no
// escape code; only a colour terminal does. Only a terminal is redrawn
// (carriage returns).
func TestNoEscapesWhereThereIsNoScreen(t *testing.T) {
	for _, tc := range []struct {
		name          string
		opt           Options
		escapes, live bool
	}{
		{"pipe", Options{}, false, false},
		{"pipe, TERM set", Options{Term: "xterm-256color"}, false, false},
		{"terminal", Options{Terminal: true, Term: "xterm-256color", Width: 80}, true, true},
		{"terminal, NO_COLOR", Options{Terminal: true, Term: "xterm", NoColor: true, Width: 80}, false, true},
		{"TERM=dumb", Options{Terminal: true, Term: "dumb", Width: 80}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := New(&buf, tc.opt)
			play(p, sweepUpdates())
			p.Note("a message")
			p.Clear()
			out := buf.String()
			if got := strings.Contains(out, "\x1b"); got != tc.escapes {
				t.Errorf("escape codes: %v, want %v: %q", got, tc.escapes, out)
			}
			if got := strings.Contains(out, "\r"); got != tc.live {
				t.Errorf("carriage returns: %v, want %v: %q", got, tc.live, out)
			}
			if tc.escapes && !strings.Contains(out, "\r\x1b[2K") {
				t.Errorf("no line clearing: %q", out)
			}
			if tc.live {
				// Everything but the message is redrawn in place, and fits.
				if n := strings.Count(out, "\n"); n != 1 {
					t.Errorf("%d newlines, want 1 (the message): %q", n, out)
				}
				if !strings.Contains(out, "running D=3 K=3 T=96 depth") {
					t.Errorf("the running config is not shown: %q", out)
				}
				for _, frame := range strings.Split(out, "\r") {
					frame = strings.TrimSuffix(strings.TrimPrefix(frame, "\x1b[2K\x1b[1m"), "\x1b[0m")
					if n := len([]rune(strings.TrimRight(frame, " \n"))); n > 79 {
						t.Errorf("a frame of %d columns on an 80-column terminal: %q", n, frame)
					}
				}
			}
		})
	}
}

// TestPipedLines: a pipe gets the sweep's first line, one line per
// measured config (none for the reused one) naming contended
// measurements, and the messages.
func TestPipedLines(t *testing.T) {
	var buf bytes.Buffer
	p := New(&buf, Options{})
	play(p, sweepUpdates())
	p.Note("a message")
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	want := [][]string{
		{"hcbench: measuring 2 of 3 configs (1 done before)"},
		{"hcbench: 2/3  67% finished D=3 K=3 T=96", "median time/epoch 25.0µs", "elapsed", "ETA"},
		{"3/3 100% finished D=6 K=3 T=48", "(2 of 9 measurements contended, left out)", "ETA 0s"},
		{"hcbench: a message"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i, ws := range want {
		for _, w := range ws {
			if !strings.Contains(lines[i], w) {
				t.Errorf("line %d %q lacks %q", i+1, lines[i], w)
			}
		}
	}
}

// TestUpdateNotesAndWarnings: an update's note is printed; a noisy
// measured config gets a warning as it finishes, a reused one does not;
// a config dropped from the grid gets its note and no finished line.
func TestUpdateNotesAndWarnings(t *testing.T) {
	c := bench.Config{D: 3, K: 3, T: 48}
	noisy := &bench.Result{Config: c, Measurements: []float64{1e-5}, Samples: []float64{1e-5}}
	bench.Headline(noisy)
	for _, tc := range []struct {
		name string
		u    session.Update
		want []string
	}{
		{"write failing", session.Update{Event: sweep.Event{Kind: sweep.Progress}, Note: "warning: cannot save X: no space left on device"},
			[]string{"hcbench: warning: cannot save X: no space left on device"}},
		{"noisy config", session.Update{Event: sweep.Event{Kind: sweep.ConfigFinished, Done: 1, Total: 2, Config: c, Result: noisy}},
			[]string{"finished D=3 K=3 T=48", "hcbench: warning: D=3 K=3 T=48 is noisy (one measurement, so no interval)"}},
		{"reused noisy config", session.Update{Event: sweep.Event{Kind: sweep.ConfigFinished, Config: c, Result: noisy, Reused: true}}, nil},
		{"dropped config", session.Update{Event: sweep.Event{Kind: sweep.ConfigFinished, Config: c, Result: noisy}, Dropped: true,
			Note: "D=3 K=3 T=48 finished after it was dropped from the grid: not recorded"},
			[]string{"hcbench: D=3 K=3 T=48 finished after it was dropped from the grid: not recorded"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			New(&buf, Options{}).Update(tc.u)
			lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if buf.Len() == 0 {
				lines = nil
			}
			if len(lines) != len(tc.want) {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), len(tc.want), buf.String())
			}
			for i, w := range tc.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("line %d %q lacks %q", i+1, lines[i], w)
				}
			}
		})
	}
}

// TestHeartbeatOnPipe: while a long config runs, a piped log gets a line
// every HeartbeatInterval naming the config, depth, elapsed time and
// estimate; a terminal (redrawn in place) gets none.
func TestHeartbeatOnPipe(t *testing.T) {
	t0 := time.Unix(1000, 0)
	c := bench.Config{D: 512, K: 256, T: 4096}
	for _, terminal := range []bool{false, true} {
		var buf bytes.Buffer
		p := New(&buf, Options{Terminal: terminal, NoColor: true})
		for _, ev := range []sweep.Event{
			{Kind: sweep.SweepStarted, Time: t0, Total: 2},
			{Kind: sweep.ConfigStarted, Time: t0, Config: c, Total: 2},
			{Kind: sweep.Progress, Time: t0.Add(time.Second), Config: c, Depth: 2, Fraction: 0.25, Total: 2},
		} {
			p.Update(session.Update{Event: ev})
		}
		for s := 2; s <= 95; s++ {
			p.Tick(t0.Add(time.Duration(s) * time.Second))
		}
		out := buf.String()
		if terminal {
			if strings.Contains(out, "\n") {
				t.Errorf("terminal: lines printed: %q", out)
			}
			continue
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 4 || lines[0] != "hcbench: measuring 2 configs" {
			t.Fatalf("%d lines in 95 s; want the first and 3 heartbeats (every 30 s):\n%s", len(lines), out)
		}
		for _, w := range []string{"running D=512 K=256 T=4096 depth 2", "elapsed 30.0s", "ETA 3m30s"} {
			if !strings.Contains(lines[1], w) {
				t.Errorf("heartbeat %q lacks %q", lines[1], w)
			}
		}
	}
}

// TestEnd: the summary goes to its own stream; the lasting lines say
// truthfully what a signal left, nothing is claimed saved that was not,
// and a save error comes last.
func TestEnd(t *testing.T) {
	paths := store.PathsFor("out")
	for _, tc := range []struct {
		name     string
		o        session.Outcome
		signal   string
		terminal bool
		want     []string // the lines, each a prefix
	}{
		{"signal before any config finished", session.Outcome{Paths: paths, Started: true, Stopped: true, Total: 4}, "SIGINT", false,
			[]string{"hcbench: interrupted by SIGINT before any config finished: nothing was recorded, and the reports in out were left as they were"}},
		{"signal after some finished", session.Outcome{Paths: paths, Started: true, Stopped: true, Done: 2, Total: 4}, "SIGTERM", false,
			[]string{"hcbench: interrupted by SIGTERM: 2 of 4 configs finished and saved"}},
		{"signal, save failed", session.Outcome{Paths: paths, Started: true, Stopped: true, Done: 2, Total: 4, SaveErr: errors.New("disk\nfull")}, "SIGHUP", false,
			[]string{"hcbench: interrupted by SIGHUP: 2 of 4 configs finished", `hcbench: cannot save the reports in "out": disk; full`}},
		{"stopped by quitting", session.Outcome{Paths: paths, Started: true, Stopped: true, Done: 2, Total: 4}, "", false, nil},
		{"complete on a pipe", session.Outcome{Paths: paths, Started: true, Done: 4, Total: 4}, "", false, nil},
		{"complete on a terminal", session.Outcome{Paths: paths, Started: true, Done: 4, Total: 4}, "", true, []string{"hcbench: 4 configs in "}},
		{"failed", session.Outcome{Paths: paths, Started: true, Done: 1, Total: 4, Err: errors.New("boom")}, "", true,
			[]string{"hcbench: the sweep failed: boom"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf, summary bytes.Buffer
			New(&buf, Options{Terminal: tc.terminal, NoColor: true}).End(tc.o, &summary, tc.signal)
			var lines []string
			if buf.Len() > 0 {
				lines = strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			}
			if len(lines) != len(tc.want) {
				t.Fatalf("End printed %q, want %d lines %q", buf.String(), len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("line %d %q, want %q", i+1, lines[i], w)
				}
			}
			if !strings.HasPrefix(summary.String(), "Benchmark ") {
				t.Errorf("the summary went elsewhere: %q", summary.String())
			}
		})
	}
}

// TestNotStartedAndGate: the lines for a session that never started and
// for the regression gate.
func TestNotStartedAndGate(t *testing.T) {
	var buf bytes.Buffer
	p := New(&buf, Options{})
	p.NotStarted("")
	p.NotStarted("SIGINT")
	want := "hcbench: no sweep was started: nothing was measured or saved\n" +
		"hcbench: interrupted by SIGINT before the sweep started: nothing was measured or saved\n"
	if buf.String() != want {
		t.Errorf("got %q\nwant %q", buf.String(), want)
	}
	if failed, err := p.Gate(&compare.Baseline{Path: "old.jsonl"}, 5); failed || err == nil || !strings.Contains(err.Error(), "nothing was compared") {
		t.Errorf("a gate that compared nothing: %v, %v; want an error", failed, err)
	}
	invalid := &compare.Baseline{Path: "old.jsonl", Entries: []compare.BaselineEntry{{Invalid: true, Verdict: compare.VerdictTooFew}}, Invalid: 1}
	if failed, err := p.Gate(invalid, 5); failed || err == nil || !strings.Contains(err.Error(), "nothing was compared") {
		t.Errorf("a gate over invalid values only: %v, %v; want an error", failed, err)
	}
}

// TestMeasuringLine: the piped log's first line counts what is left.
func TestMeasuringLine(t *testing.T) {
	for _, tc := range []struct {
		done, total int
		want        string
	}{
		{0, 1, "measuring 1 config"},
		{0, 12, "measuring 12 configs"},
		{5, 12, "measuring 7 of 12 configs (5 done before)"},
		{12, 12, "nothing left to measure: the 12 configs were done before"},
	} {
		if got := measuring(tc.done, tc.total); got != tc.want {
			t.Errorf("measuring(%d, %d) = %q, want %q", tc.done, tc.total, got, tc.want)
		}
	}
}
