package report

import (
	"time"

	"github.com/hcbench/hcbench/engine/bench"
)

// fixtureRunID is the run id of the hand-built results.
const fixtureRunID = 1700000000

// fixtureResults are hand-built results on the reference's grid (D 3,6 × K
// 3,5,9 × T 48,96), with times that grow like D^0.3 K^0.5 T and a small
// deterministic jitter, quality numbers from the reference's CSV, and a few
// timing samples each. Only products of constants are used (no math.Pow, no
// a*b+c that a compiler may fuse), so the numbers are the same bits on
// every platform and the golden files hold everywhere.
func fixtureResults() []bench.Result {
	var out []bench.Result
	// Quality columns of the reference CSV, by T (they do not depend on K).
	rmse := map[int][2]float64{48: {0.19384764767169807, 0.0038874352337795984}, 96: {0.19149577862754064, 0.002844420050806141}}
	rob := map[int]float64{48: 0.9637715536027688, 96: 0.9646196854394145}
	i := 0
	for _, d := range []int{3, 6} {
		for _, k := range []int{3, 5, 9} {
			for _, t := range []int{48, 96} {
				// D^0.3 and K^0.5, rounded.
				dPow := map[int]float64{3: 1.390, 6: 1.712}[d]
				kPow := map[int]float64{3: 1.732, 5: 2.236, 9: 3.0}[k]
				jitter := []float64{0.96, 0.98, 1, 1.02, 1.04}[(i*7)%5]
				mean := 0.4e-6 * dPow * kPow * float64(t) * jitter
				samples := []float64{mean * 0.99, mean * 1.01, mean * 0.995, mean * 1.005, mean, mean * 1.002, mean * 0.998}
				out = append(out, bench.Result{
					Config:          bench.Config{D: d, K: k, T: t},
					Depths:          []int{1, 2, 3},
					Repeats:         3,
					TimeEpochMean:   mean,
					TimeEpochStd:    mean * 0.25,
					TimeForwardMean: mean / float64(t),
					TimeForwardStd:  mean * 0.25 / float64(t),
					MemPeakBytesMax: int64(1024 * (d + k)),
					TotalMean:       0.03414007002822786 - float64(0.0002*float64(k)),
					TotalStd:        0.0017329789542562628,
					RMSEMean:        rmse[t][0],
					RMSEStd:         rmse[t][1],
					OvershootMean:   0,
					RobustnessMean:  rob[t],
					TimeEpochMedian: mean,
					TimeEpochCILow:  mean * 0.95,
					TimeEpochCIHigh: mean * 1.06,
					CILevel:         0.95,
					Measurements:    []float64{mean * 0.99, mean * 1.01, mean * 0.995, mean * 1.005, mean, mean},
					Batch:           1,
					Engine:          "go",
					MemKind:         "buffers",
					EpochsMeasured:  21,
					Outliers:        i % 2,
					Samples:         samples,
					Runs: []bench.Run{{
						Seed: 123,
						Depths: []bench.DepthResult{{Depth: 1, Epochs: 7, TimeEpochMean: mean * 0.7, Total: 0.033,
							Task: 0.02, Consistency: 0.01, Coherence: 0.005, RMSE: rmse[t][0], Robustness: rob[t]}},
						TimeEpochMean: mean, TimeEpochStd: mean * 0.25, TimeForwardMean: mean / float64(t),
						TimeForwardStd: mean * 0.25 / float64(t), MemPeakBytes: int64(1024 * (d + k)),
						TotalMean: 0.034, TotalStd: 0.0017, RMSEMean: rmse[t][0], RMSEStd: rmse[t][1], RobustnessMean: rob[t],
					}},
					Policy:      bench.PolicyMean,
					TimeElapsed: 0.05 + float64(0.001*float64(i)),
				})
				i++
			}
		}
	}
	return out
}

// fixtureMeta is the run description of the fixture.
func fixtureMeta() Meta {
	p := bench.DefaultPlan()
	p.Timing = bench.Timing{MinTime: 10 * time.Millisecond, MinEpochs: 5}
	return Meta{RunID: fixtureRunID, Plan: p, Version: "v0.0.0-test"}
}

// fixedMachine stands in for the machine so that the JSONL is the same
// everywhere.
func fixedMachine(version string) Machine {
	return Machine{Version: version, GoVersion: "go1.26.0", OS: "linux", Arch: "amd64",
		CPU: "Test CPU @ 3.00GHz", NumCPU: 2}
}

// fixedNow is the fixture's clock.
func fixedNow() time.Time { return time.Unix(fixtureRunID, 0) }

// testEnv is a deterministic environment over fsys.
func testEnv(fsys fileSystem) env { return env{fs: fsys, machine: fixedMachine, now: fixedNow} }
