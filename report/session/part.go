package session

import (
	"fmt"
	"slices"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
)

// A run of part of the grid (Spec.Part, a shard's): the sweep is given the
// whole grid, with the configs outside the part standing in as prior
// results that it skips; their events are left out of Updates and the
// counts are those of the part.

// Usagef is a request refused as asked (exit 2), for every front door.
func Usagef(format string, args ...any) error { return &UsageError{fmt.Errorf(format, args...)} }

// sweepPrior is the sweep's Options.Prior: the run's own prior results
// and, for a part, a stand-in for every config of the grid outside it.
func (s *Session) sweepPrior() []bench.Result {
	prior := s.run.Prior
	if s.spec.Part == nil {
		return prior
	}
	prior = slices.Clone(prior)
	for _, c := range s.run.Plan.Grid.Configs() {
		if !slices.Contains(s.spec.Part, c) {
			prior = append(prior, bench.Result{Config: c})
		}
	}
	return prior
}

// outside is how many configs of p's grid are outside the part.
func (s *Session) outside(p bench.Plan) int {
	if s.spec.Part == nil {
		return 0
	}
	n := 0
	for _, c := range s.spec.Part {
		if p.Grid.Contains(c) {
			n++
		}
	}
	return p.Grid.Size() - n
}

// outsidePart reports an event about a config outside the part (to leave
// out) and makes the counts of the others the part's.
func (s *Session) outsidePart(ev *sweep.Event) bool {
	if s.spec.Part == nil {
		return false
	}
	if ev.Kind == sweep.ConfigFinished && ev.Reused && !slices.Contains(s.spec.Part, ev.Config) {
		return true
	}
	if ev.Total > 0 {
		n := s.outside(s.run.Plan)
		ev.Done, ev.Total = max(ev.Done-n, 0), max(ev.Total-n, 0)
	}
	return false
}

// total is how many configs the run measures: p's grid, or the part of it.
func (s *Session) total(p bench.Plan) int { return p.Grid.Size() - s.outside(p) }
