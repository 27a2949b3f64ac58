package tui

import (
	"math"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hcbench/hcbench/engine"
)

// richResult is synthResult with what the detail view shows: independent
// measurements, per-repeat and per-depth figures, and 60 round samples
// with two stalls.
func richResult(c engine.Config, p engine.Plan) *engine.Result {
	r := synthResult(c, p)
	t := r.TimeEpochMedian
	r.Measurements = []float64{t * 0.99, t * 1.01, t, t * 1.02, t * 0.98, t}
	r.CILevel = 0.95
	r.Samples = make([]float64, 60)
	for i := range r.Samples {
		r.Samples[i] = t * (0.95 + 0.1*math.Mod(float64(i)*0.618, 1))
	}
	r.Samples[7], r.Samples[42] = 3*t, 4*t
	r.Outliers = 2
	r.Batch = 4
	r.Runs = nil
	for k := 0; k < p.Repeats; k++ {
		run := engine.Run{Seed: p.Seed + uint64(k), TimeEpochMean: t * (1 + 0.01*float64(k)), RMSEMean: r.RMSEMean}
		for _, d := range p.Depths {
			run.Depths = append(run.Depths, engine.DepthResult{Depth: d, Epochs: 30, TimeEpochMean: t * (0.9 + 0.1*float64(d)) * (1 + 0.01*float64(k))})
		}
		r.Runs = append(r.Runs, run)
	}
	return r
}

// richEvents is sweepEvents with richResult's results.
func richEvents(p engine.Plan, n int) []engine.Event {
	evs := sweepEvents(p, n, false)
	for i := range evs {
		if evs[i].Result != nil {
			evs[i].Result = richResult(evs[i].Config, p)
		}
	}
	return evs
}

func TestViewsPrint(t *testing.T) {
	p := engine.DefaultPlan()
	for _, s := range sizes {
		m, f := startedModel(t, s.w, s.h, richEvents(p, 12)...)
		f.finish(12)
		m = feed(m, engine.Event{Kind: engine.SweepFinished, Done: 12, Total: 12})
		m.View()
		m = update(m, keyMsg("j"), keyMsg("j"), tea.KeyMsg{Type: tea.KeyEnter})
		t.Logf("\n%s", m.View())
		m = update(m, keyMsg("esc"), keyMsg("c"))
		t.Logf("\n%s", m.View())
		m = update(m, keyMsg("esc"), keyMsg("/"), keyMsg("K=9"))
		t.Logf("\n%s", m.View())
		_ = strings.Contains
	}
}
