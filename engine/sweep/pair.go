package sweep

import (
	"math"
	"os/exec"
	"slices"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/stats"
	"github.com/hcbench/hcbench/engine/worker"
)

// An A/B sweep (Plan.Vs) measures variant B of every config in the same
// moments as variant A, so that what the machine does meanwhile — the
// contention that comes and goes over 0.5–2 s here — is shared by both
// and cancels in their ratio. Each of a config's measurements is paired:
//   - in one worker (Vs.InWorker), round by round — within a round the
//     two variants take turns batch by batch, which goes first
//     alternating (docs/protocol.md) — where the worker can hold both variants (another policy, or
//     for Python another checkout): pairs a few milliseconds apart. The
//     measurement's paired estimate is the median over its pairs of
//     log(b/a);
//   - else in two workers, one measurement right after the other, the
//     order alternating between measurements; the paired estimate is the
//     log of the ratio of their medians.
// Each variant's measurements also make its own headline and interval.
// The comparison (package compare, CompareAB) rests on the paired estimates.

// Vs is variant B of an A/B sweep, as the sweep measures it.
type Vs struct {
	// InWorker, when set, goes with every request: A's workers measure B
	// in the same run, round by round.
	InWorker *worker.Vs
	// Otherwise Worker starts B's workers (as Options.Worker does A's),
	// WorkerOptions name them, and Policy is B's policy.
	Worker        func() (*exec.Cmd, error)
	WorkerOptions worker.Options
	Policy        string
}

// vsResult is B's result for f's config, made on first use.
func (f *flight) vsResult() *bench.Result {
	if f.res.Vs == nil {
		b := &bench.Result{Config: f.res.Config, Depths: slices.Clone(f.res.Depths), Repeats: f.res.Repeats, Policy: f.res.Policy}
		f.res.Vs = b
	}
	return f.res.Vs
}

// measurePairInWorker makes f's next measurement of both variants in one
// worker, round by round.
func (m *measurer) measurePairInWorker(f *flight, req worker.Request, base float64) error {
	b := f.vsResult()
	if m.vs.InWorker.Policy != "" {
		b.Policy = m.vs.InWorker.Policy
	}
	req.Vs = m.vs.InWorker
	engine := f.res.Engine
	if engine == "" {
		engine = m.r.Plan().EngineName()
	}
	req.Epoch = m.epoch(f.res, engine) + m.epoch(b, engine)
	out, cl, err := m.measureIn(&m.pool, f, f.res, req, base, 0, 1)
	if err != nil {
		return err
	}
	if err := m.add(f, f.res, &f.runParts, cl, out.Batch, out.MemKind, out.Samples, out.Run, req.Seed); err != nil {
		return err
	}
	if err := m.add(f, b, &f.runPartsB, cl, out.Batch, out.Vs.MemKind, out.Vs.Samples, out.Vs.Run, req.Seed); err != nil {
		return err
	}
	if out.Vs.Details != nil { // B is another checkout: its own version and details
		b.EngineVersion, b.EngineDetails = out.Vs.EngineVersion, out.Vs.Details
	}
	f.res.ABPairing = bench.PairRounds
	f.res.ABLogRatios = append(f.res.ABLogRatios, pairedRounds(out.Samples, out.Vs.Samples))
	f.res.ABPairs = append(f.res.ABPairs, len(out.Samples))
	return nil
}

// measurePairInTwo makes f's next measurement of A in one of A's workers
// and of B in one of B's, back to back: A first in even measurements, B
// first in odd ones.
func (m *measurer) measurePairInTwo(f *flight, req worker.Request, base float64) error {
	b := f.vsResult()
	reqB := req
	if m.vs.Policy != "" {
		reqB.Policy = m.vs.Policy
		b.Policy = m.vs.Policy
	}
	reqB.Batch = b.Batch
	type side struct {
		p     *pool
		res   *bench.Result
		parts *[]bench.Run
		req   worker.Request
		out   worker.Result
	}
	sides := []*side{{&m.pool, f.res, &f.runParts, req, worker.Result{}}, {m.poolB, b, &f.runPartsB, reqB, worker.Result{}}}
	order := slices.Clone(sides)
	if f.done%2 == 1 {
		slices.Reverse(order)
	}
	for i, s := range order {
		out, cl, err := m.measureIn(s.p, f, s.res, s.req, base, 0.5*float64(i), 0.5)
		if err != nil {
			return err
		}
		if err := m.add(f, s.res, s.parts, cl, out.Batch, out.MemKind, out.Samples, out.Run, s.req.Seed); err != nil {
			return err
		}
		s.out = out
	}
	f.res.ABPairing = bench.PairMeasurements
	f.res.ABLogRatios = append(f.res.ABLogRatios, math.Log(stats.Median(sides[1].out.Samples)/stats.Median(sides[0].out.Samples)))
	f.res.ABPairs = append(f.res.ABPairs, 1)
	return nil
}

// pairedRounds is the paired estimate of one measurement made round by
// round: the median over its pairs of rounds of log(b/a) (NaN when no pair
// has two positive times).
func pairedRounds(a, b []float64) float64 {
	var l []float64
	for i := range min(len(a), len(b)) {
		if a[i] > 0 && b[i] > 0 {
			l = append(l, math.Log(b[i]/a[i]))
		}
	}
	if len(l) == 0 {
		return math.NaN()
	}
	return stats.Median(l)
}

// finishVs completes B's result when f's config is final: its own
// headline, at the moments A's was measured in.
func finishVs(f *flight) {
	b := f.res.Vs
	if b == nil {
		return
	}
	bench.Aggregate(b)
	b.SharedSpread = f.res.SharedSpread
	bench.Headline(b)
	b.TimeElapsed = f.res.TimeElapsed
}
