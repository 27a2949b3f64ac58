package runstate

import (
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/compare"
)

// ABComparison is an A/B sweep's comparison of variant B with A over the
// results so far (report/compare's CompareAB, the session's computation),
// made again only when the results changed; nil for a run without --vs.
func (s *Run) ABComparison() *compare.AB {
	if s.Plan.Vs.IsZero() && !s.anyVs() {
		return nil
	}
	if s.ab == nil || s.abVersion != s.Version {
		rs := make([]bench.Result, 0, len(s.Results))
		for _, c := range s.Order {
			if r, ok := s.Results[c]; ok {
				rs = append(rs, *r)
			}
		}
		a := compare.CompareAB(rs, s.Plan.SameWithin)
		s.ab, s.abVersion = &a, s.Version
	}
	return s.ab
}

// anyVs reports whether a result has a variant B (a recorded run read
// back without its plan's --vs).
func (s *Run) anyVs() bool {
	for _, r := range s.Results {
		if r.Vs != nil {
			return true
		}
	}
	return false
}
