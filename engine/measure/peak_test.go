package measure

import (
	"math"
	"runtime"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
)

// TestPeakBytesMatchesRuntime compares the computed peak with what the Go
// runtime allocates for one run done alone.
func TestPeakBytesMatchesRuntime(t *testing.T) {
	for _, c := range []bench.Config{{D: 3, K: 3, T: 48}, {D: 6, K: 9, T: 96}, {D: 16, K: 8, T: 2000}} {
		p := bench.DefaultPlan()
		// TotalAlloc counts the whole process: take the least of a few
		// tries, so an allocation elsewhere (the runtime, a goroutine of
		// another test winding down) cannot be blamed on the run.
		var b *runBuffers
		got := math.Inf(1)
		for try := 0; try < 5; try++ {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var err error
			b, err = newRunBuffers(p.Policy, c)
			if err != nil {
				t.Fatal(err)
			}
			FillSeries(b.x, c.T, c.D, 123)
			for _, d := range p.Depths {
				b.chain.SetDepth(d)
				b.ws.Epoch()
			}
			runtime.ReadMemStats(&after)
			got = math.Min(got, float64(after.TotalAlloc-before.TotalAlloc))
		}
		want := float64(b.bytes())
		t.Logf("%v: runtime %.0f B, computed %.0f B (%+.1f%%)", c, got, want, 100*(got-want)/want)
		if math.Abs(got-want) > 0.10*want {
			t.Errorf("%v: runtime allocated %.0f bytes, the run holds %.0f (off by %.1f%%)", c, got, want, 100*(got-want)/want)
		}
		pb, _ := peakBytes(p, c)
		if pb != b.bytes() {
			t.Errorf("%v: peakBytes %d differs from the run's %d", c, pb, b.bytes())
		}
	}
}
