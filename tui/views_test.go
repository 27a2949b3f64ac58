package tui

import (
	"github.com/hcbench/hcbench/report"
	"math"
	"strings"
	"testing"
	"time"

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

// writeRuns records runs of p into dir through report.OpenRun, as the
// workbench and the headless mode do: each run's results are richResult's
// times scaled by its factor, and the first `partial` configs of the last
// run only when partial > 0.
func writeRuns(t *testing.T, dir string, p engine.Plan, scales []float64, partial int) []int64 {
	t.Helper()
	var ids []int64
	for i, sc := range scales {
		now := testEpoch.Add(time.Duration(i) * time.Hour)
		run, err := report.OpenRun(dir, p, report.RunOptions{Version: "test", Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		cs := p.Grid.Configs()
		if partial > 0 && i == len(scales)-1 {
			cs = cs[:partial]
		}
		for _, c := range cs {
			r := richResult(c, p)
			scaleResult(r, sc)
			if note := run.Add(*r); note != "" {
				t.Fatal(note)
			}
		}
		if err := run.Close(); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, run.ID)
	}
	return ids
}

func scaleResult(r *engine.Result, sc float64) {
	r.TimeEpochMedian *= sc
	r.TimeEpochMean *= sc
	r.TimeEpochCILow *= sc
	r.TimeEpochCIHigh *= sc
	for i := range r.Measurements {
		r.Measurements[i] *= sc
	}
	for i := range r.Samples {
		r.Samples[i] *= sc
	}
}

func TestHistoryPrint(t *testing.T) {
	p := engine.DefaultPlan()
	dir := t.TempDir()
	writeRuns(t, dir, p, []float64{1, 1.1, 1}, 5)
	for _, s := range sizes {
		m, _ := startedModel(t, s.w, s.h, richEvents(p, 12)...)
		m.a.opt.OutDir = dir
		m = update(m, keyMsg("h"))
		t.Logf("\n%s", m.View())
		m = update(m, keyMsg("j"), keyMsg("enter"))
		t.Logf("\n%s", m.View())
		m = update(m, keyMsg("esc"), keyMsg("x"), keyMsg("j"), keyMsg("x"), keyMsg("c"))
		t.Logf("\n%s", m.View())
	}
}
