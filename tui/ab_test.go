package tui

import (
	"math"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
)

// withB gives a synthetic result a variant B ratio times slower, paired.
func withB(r *bench.Result, ratio float64) *bench.Result {
	b := *r
	b.TimeEpochMedian *= ratio
	b.Policy = "median"
	r.Vs = &b
	r.ABPairing = bench.PairRounds
	for j := 0; j < 9; j++ {
		r.ABLogRatios = append(r.ABLogRatios, math.Log(ratio)+0.001*float64(j%3-1))
	}
	return r
}

// b opens the A/B view of a sweep with --vs, live as configs finish, and
// says why there is none without --vs.
func TestABViewLive(t *testing.T) {
	p := bench.DefaultPlan()
	p.Vs = bench.Variant{Policy: "median"}
	m, started := testModel(t, topts{StartNow: true, Plan: p})
	m = update(m, size(120, 40), startMsg{})
	<-started
	cs := p.Grid.Configs()
	evs := []sweep.Event{{Kind: sweep.SweepStarted, Total: len(cs)}}
	for i, c := range cs[:5] {
		evs = append(evs, sweep.Event{Kind: sweep.ConfigFinished, Config: c, Done: i + 1, Total: len(cs), Result: withB(synthResult(c, p), 1.3)})
	}
	m = feed(m, evs...)
	m = press(m, "b")
	v := m.View()
	mustContain(t, v, "A/B: variant B is --vs policy=median", "B/A geomean 1.30×", "5 slower", "▲▲", "·")
	// The next config arrives while the view is open: it shows at once.
	m = feed(m, sweep.Event{Kind: sweep.ConfigFinished, Config: cs[5], Done: 6, Total: len(cs), Result: withB(synthResult(cs[5], p), 1.0)})
	mustContain(t, m.View(), "5 slower, 1 same", "D=3 K=9 T=96    1.000× [0.999×, 1.001×]")
	m = press(m, "esc")
	if strings.Contains(m.View(), "A/B: variant B is") {
		t.Error("esc did not close the A/B view")
	}

	// Without --vs, b says why.
	plain, started2 := testModel(t, topts{StartNow: true})
	plain = update(plain, size(120, 40), startMsg{})
	<-started2
	plain = feed(plain, sweepEvents(bench.DefaultPlan(), 3, false)...)
	plain = press(plain, "b")
	mustContain(t, plain.View(), "no A/B view", "--vs")
}
