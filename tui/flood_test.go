package tui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/report/session"
)

// bigPlan is a 1,000-config grid (10 × 10 × 10).
func bigPlan() bench.Plan {
	p := bench.DefaultPlan()
	p.Grid = bench.Grid{
		Dims:     []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
		Branches: []int{2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
		SeqLens:  []int{16, 32, 48, 64, 80, 96, 112, 128, 144, 160},
	}
	return p
}

// configEvents are the events one config produces: start, progress
// (coalesced by the engine to ~30/s, so a handful), finish.
func configEvents(p bench.Plan, i int, c bench.Config) []sweep.Event {
	total := p.Grid.Size()
	evs := []sweep.Event{{Kind: sweep.ConfigStarted, Config: c, Done: i, Total: total}}
	for d := 1; d <= 3; d++ {
		evs = append(evs, sweep.Event{Kind: sweep.Progress, Config: c, Depth: d, Fraction: float64(d) / 4, Done: i, Total: total})
	}
	return append(evs, sweep.Event{Kind: sweep.ConfigFinished, Config: c, Result: synthResult(c, p), Done: i + 1, Total: total})
}

// BenchmarkFloodUpdateView measures one engine message (a config's worth of
// events) through Update and View during a 1,000-config sweep, with a
// frame every fourth message as the 20 fps ticker would give under a flood.
func BenchmarkFloodUpdateView(b *testing.B) {
	p := bigPlan()
	cs := p.Grid.Configs()
	evs := make([][]sweep.Event, len(cs))
	for i, c := range cs {
		evs[i] = configEvents(p, i, c)
	}
	fresh := func() Model {
		m, started := testModel(b, topts{Plan: p, StartNow: true})
		m = update(m, size(120, 40), startMsg{})
		<-started
		return m
	}
	m := fresh()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(cs)
		if k == 0 && i > 0 {
			b.StopTimer()
			m = fresh()
			b.StartTimer()
		}
		nm, _ := m.Update(updatesMsg{run: m.a.run, updates: asUpdates(evs[k]...)})
		m = nm.(Model)
		if i%4 == 0 {
			nm, _ = m.Update(frameMsg{})
			m = nm.(Model)
		}
		_ = m.View()
	}
}

// BenchmarkFrame1000 is one full redraw at 120×40 with 1,000 results, the
// most a frame can cost.
func BenchmarkFrame1000(b *testing.B) {
	p := bigPlan()
	cs := p.Grid.Configs()
	m, started := testModel(b, topts{Plan: p, StartNow: true})
	m = update(m, size(120, 40), startMsg{})
	<-started
	var all []sweep.Event
	for i, c := range cs {
		all = append(all, configEvents(p, i, c)...)
	}
	m = feed(m, all...)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.a.sw.Version++ // as if a result had come in
		m.a.valid = false
		_ = m.View()
	}
}

// TestKeyAnsweredUnderFlood checks, without a clock, what keeps a key
// quick while a 1,000-config sweep floods the screen: the drain has at most
// one batch in flight (so at most one batch is queued ahead of a key), a
// batch never redraws (only the next frame does, once), and a key's effect
// is in the very next View, with no frame needed. How long that takes in
// wall time is BenchmarkKeyUnderFlood's job.
func TestKeyAnsweredUnderFlood(t *testing.T) {
	p := bigPlan()
	cs := p.Grid.Configs()
	m, started := testModel(t, topts{Plan: p, StartNow: true})
	m = update(m, size(120, 40), startMsg{})
	<-started
	wants := []string{"Heatmap: RMSE", "Heatmap: robustness", "Heatmap: memory", "Heatmap: median time/epoch"}
	keys := 0
	for i, c := range cs {
		before := m.View()
		nm, cmd := m.Update(updatesMsg{run: m.a.run, updates: asUpdates(configEvents(p, i, c)...)})
		m = nm.(Model)
		if cmd == nil {
			t.Fatalf("config %d: the batch asked for no further drain", i)
		}
		if got := m.View(); got != before {
			t.Fatalf("config %d: a batch of events redrew the screen; only frames may", i)
		}
		if i%7 == 3 {
			m = update(m, frameMsg{})
		}
		if i%250 == 125 {
			want := wants[keys%len(wants)]
			keys++
			m = update(m, keyMsg("m"))
			if v := m.View(); !strings.Contains(v, want) {
				t.Fatalf("after config %d, key m: %q not in the next view:\n%s", i, want, v)
			}
		}
	}
	if keys != 4 {
		t.Fatalf("sent %d keys, want 4", keys)
	}
}

// BenchmarkKeyUnderFlood is the wall-clock measure of the same thing: keys
// sent through a real program while events stream as fast as the channel
// takes them; it reports the worst key-to-screen time.
func BenchmarkKeyUnderFlood(b *testing.B) {
	var worst time.Duration
	for range b.N {
		worst = max(worst, floodOnce(b))
	}
	b.ReportMetric(float64(worst.Microseconds())/1e3, "worst-key-ms")
}

func floodOnce(b *testing.B) time.Duration {
	p := bigPlan()
	cs := p.Grid.Configs()
	m, started := testModel(b, topts{Plan: p, StartNow: true})
	tm := teatest.NewTestModel(b, m, teatest.WithInitialTermSize(120, 40))
	f := <-started
	stop := make(chan struct{})
	streamed := make(chan int)
	go func() {
		n := 0
		defer func() { streamed <- n }()
		send := func(ev sweep.Event) bool {
			if !f.sendOr(session.Update{Event: ev}, stop) {
				return false
			}
			n++
			return true
		}
		for i, c := range cs {
			for _, ev := range configEvents(p, i, c) {
				if !send(ev) {
					return
				}
			}
			if i%5 == 4 {
				time.Sleep(time.Millisecond)
			}
		}
		last := cs[len(cs)-1]
		for send(sweep.Event{Kind: sweep.Progress, Config: last, Fraction: 0.5, Done: len(cs), Total: len(cs)}) {
		}
	}()
	var screen bytes.Buffer
	read := func() {
		buf := make([]byte, 1<<16)
		for {
			n, _ := tm.Output().Read(buf)
			if n == 0 {
				return
			}
			screen.Write(buf[:n])
		}
	}
	var worst time.Duration
	for _, want := range []string{"Heatmap: RMSE", "Heatmap: robustness", "Heatmap: memory", "Heatmap: median time/epoch"} {
		time.Sleep(20 * time.Millisecond)
		read()
		screen.Reset()
		start := time.Now()
		tm.Type("m")
		for !strings.Contains(screen.String(), want) {
			if time.Since(start) > 5*time.Second {
				b.Fatalf("%q not on screen after 5s", want)
			}
			time.Sleep(time.Millisecond)
			read()
		}
		worst = max(worst, time.Since(start))
	}
	close(stop)
	<-streamed
	if err := tm.Quit(); err != nil {
		b.Fatal(err)
	}
	tm.WaitFinished(b, teatest.WithFinalTimeout(5*time.Second))
	return worst
}
