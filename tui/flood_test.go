package tui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hcbench/hcbench/engine"
)

// bigPlan is a 1,000-config grid (10 × 10 × 10).
func bigPlan() engine.Plan {
	p := engine.DefaultPlan()
	p.Grid = engine.Grid{
		Dims:     []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
		Branches: []int{2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
		SeqLens:  []int{16, 32, 48, 64, 80, 96, 112, 128, 144, 160},
	}
	return p
}

// configEvents are the events one config produces: start, progress
// (coalesced by the engine to ~30/s, so a handful), finish.
func configEvents(p engine.Plan, i int, c engine.Config) []engine.Event {
	total := p.Grid.Size()
	evs := []engine.Event{{Kind: engine.ConfigStarted, Config: c, Done: i, Total: total}}
	for d := 1; d <= 3; d++ {
		evs = append(evs, engine.Event{Kind: engine.Progress, Config: c, Depth: d, Fraction: float64(d) / 4, Done: i, Total: total})
	}
	return append(evs, engine.Event{Kind: engine.ConfigFinished, Config: c, Result: synthResult(c, p), Done: i + 1, Total: total})
}

// BenchmarkFloodUpdateView measures one engine message (a config's worth of
// events) through Update and View during a 1,000-config sweep, with a
// frame every fourth message as the 20 fps ticker would give under a flood.
func BenchmarkFloodUpdateView(b *testing.B) {
	p := bigPlan()
	cs := p.Grid.Configs()
	evs := make([][]engine.Event, len(cs))
	for i, c := range cs {
		evs[i] = configEvents(p, i, c)
	}
	fresh := func() Model {
		m, started := testModel(b, Options{Plan: p, StartNow: true})
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
		nm, _ := m.Update(eventsMsg{run: m.a.run, events: evs[k]})
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
	m, started := testModel(b, Options{Plan: p, StartNow: true})
	m = update(m, size(120, 40), startMsg{})
	<-started
	var all []engine.Event
	for i, c := range cs {
		all = append(all, configEvents(p, i, c)...)
	}
	m = feed(m, all...)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.a.sw.version++ // as if a result had come in
		m.a.valid = false
		_ = m.View()
	}
}

// TestKeyAnsweredUnderFlood sends keys while a 1,000-config sweep streams
// events as fast as the engine can emit them, and checks each key's effect
// is on screen within 100ms.
func TestKeyAnsweredUnderFlood(t *testing.T) {
	p := bigPlan()
	cs := p.Grid.Configs()
	m, started := testModel(t, Options{Plan: p, StartNow: true})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	f := <-started
	// The stream runs through every key press: the configs (about 5,000
	// events, paced a little as measuring would), then progress events
	// without pause until the test ends.
	stop := make(chan struct{})
	streamed := make(chan int)
	go func() {
		n := 0
		defer func() { streamed <- n }()
		send := func(ev engine.Event) bool {
			select {
			case f.ch <- ev:
				n++
				return true
			case <-stop:
				return false
			}
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
		for send(engine.Event{Kind: engine.Progress, Config: last, Fraction: 0.5, Done: len(cs), Total: len(cs)}) {
		}
	}()

	var screen bytes.Buffer
	read := func() {
		b := make([]byte, 1<<16)
		for {
			n, _ := tm.Output().Read(b)
			if n == 0 {
				return
			}
			screen.Write(b[:n])
		}
	}
	var worst time.Duration
	for _, want := range []string{"Heatmap: RMSE", "Heatmap: robustness", "Heatmap: memory", "Heatmap: time/epoch"} {
		time.Sleep(20 * time.Millisecond)
		read()
		screen.Reset()
		start := time.Now()
		tm.Type("m")
		for !strings.Contains(screen.String(), want) {
			if time.Since(start) > 2*time.Second {
				t.Fatalf("%q not on screen after 2s", want)
			}
			time.Sleep(time.Millisecond)
			read()
		}
		worst = max(worst, time.Since(start))
	}
	close(stop)
	n := <-streamed
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	t.Logf("worst key-to-screen time %v while %d events streamed", worst, n)
	if worst > 100*time.Millisecond {
		t.Errorf("a key took %v to reach the screen, want ≤ 100ms", worst)
	}
}
