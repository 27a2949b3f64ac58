package engine

import "time"

// TEMPORARY placeholder measurer (replaced by the real one within the hour).
type measurer struct{ r *Runner }

func newMeasurer(r *Runner) *measurer { return &measurer{r: r} }

func (m *measurer) measure(p Plan, c Config) (*Result, error) {
	for i := 0; i < 10; i++ {
		if m.r.stop.Load() {
			return nil, m.r.ctx.Err()
		}
		time.Sleep(2 * time.Millisecond)
		m.r.emit(Event{Kind: Progress, Config: c, Fraction: float64(i+1) / 10})
	}
	t := float64(c.D*c.K*c.T) * 1e-8
	return &Result{Config: c, Depths: p.Depths, Repeats: p.Repeats, TimeEpochMean: t, TimeEpochMedian: t,
		TimeEpochCILow: t * 0.9, TimeEpochCIHigh: t * 1.1, Samples: []float64{t, t}, EpochsMeasured: 2,
		RMSEMean: 0.19, RobustnessMean: 0.96, TotalMean: 0.03, MemPeakBytesMax: int64(c.D * c.K * c.T * 8), Policy: p.Policy}, nil
}
