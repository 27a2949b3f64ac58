package bench

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// MaxConfigs is the largest grid a Plan accepts.
const MaxConfigs = 1_000_000

// Limits on single values; they keep one run's buffers within reason.
const (
	MaxDim     = 1 << 16
	MaxBranch  = 1 << 16
	MaxSeqLen  = 1 << 24
	MaxDepth   = 1 << 10
	MaxRepeats = 1 << 16
)

// Grid is the set of values swept for each axis. Configs are visited in the
// order D (outer), K, T (inner), each axis in the order given.
type Grid struct {
	Dims     []int `json:"dims"`
	Branches []int `json:"branches"`
	SeqLens  []int `json:"seq_lens"`
}

// DefaultGrid is the reference's grid.
func DefaultGrid() Grid {
	return Grid{Dims: []int{3, 6}, Branches: []int{3, 5, 9}, SeqLens: []int{48, 96}}
}

// Size is the number of configs in the grid (saturating at MaxConfigs+1).
func (g Grid) Size() int {
	n := 1
	for _, l := range [][]int{g.Dims, g.Branches, g.SeqLens} {
		n *= len(l)
		if n > MaxConfigs {
			return MaxConfigs + 1
		}
	}
	return n
}

// Configs lists the grid's configs in sweep order.
func (g Grid) Configs() []Config {
	out := make([]Config, 0, g.Size())
	for _, d := range g.Dims {
		for _, k := range g.Branches {
			for _, t := range g.SeqLens {
				out = append(out, Config{D: d, K: k, T: t})
			}
		}
	}
	return out
}

// SortInSweepOrder sorts results in the grid's sweep order (Configs'),
// those outside the grid last in their order: results are reported as
// configs finish, which with several in flight is not the sweep order,
// and the reports list them as the reference does.
func (g Grid) SortInSweepOrder(rs []Result) {
	pos := func(vs []int) map[int]int {
		m := make(map[int]int, len(vs))
		for i, v := range vs {
			if _, dup := m[v]; !dup {
				m[v] = i
			}
		}
		return m
	}
	pd, pk, pt := pos(g.Dims), pos(g.Branches), pos(g.SeqLens)
	nk, nt := len(g.Branches), len(g.SeqLens)
	index := func(c Config) int {
		d, ok1 := pd[c.D]
		k, ok2 := pk[c.K]
		t, ok3 := pt[c.T]
		if !ok1 || !ok2 || !ok3 {
			return math.MaxInt
		}
		return (d*nk+k)*nt + t
	}
	slices.SortStableFunc(rs, func(a, b Result) int { return cmp.Compare(index(a.Config), index(b.Config)) })
}

// Contains reports whether c is a point of the grid.
func (g Grid) Contains(c Config) bool {
	return slices.Contains(g.Dims, c.D) && slices.Contains(g.Branches, c.K) && slices.Contains(g.SeqLens, c.T)
}

// Validate checks every axis; the error names the axis, the value and what is allowed.
func (g Grid) Validate() error {
	if err := checkAxis("D", g.Dims, 1, MaxDim); err != nil {
		return err
	}
	if err := checkAxis("K", g.Branches, 2, MaxBranch); err != nil {
		return err
	}
	if err := checkAxis("T", g.SeqLens, 1, MaxSeqLen); err != nil {
		return err
	}
	if n := g.Size(); n > MaxConfigs {
		return fmt.Errorf("grid has %d×%d×%d configs: at most %d allowed",
			len(g.Dims), len(g.Branches), len(g.SeqLens), MaxConfigs)
	}
	return nil
}

func checkAxis(name string, vals []int, lo, hi int) error {
	if len(vals) == 0 {
		return fmt.Errorf("%s: no values: give at least one integer in %d..%d", name, lo, hi)
	}
	for _, v := range vals {
		if v < lo || v > hi {
			return fmt.Errorf("%s=%d is out of range: each value must be in %d..%d", name, v, lo, hi)
		}
	}
	return nil
}

// Plan is everything a sweep needs.
type Plan struct {
	Grid    Grid   `json:"grid"`
	Depths  []int  `json:"depths"`
	Repeats int    `json:"repeats"`
	Seed    uint64 `json:"seed"` // repeat r uses Seed+r
	Policy  string `json:"policy"`
	Timing  Timing `json:"timing"`
	// Engine is who measures: EngineGo ("" too) or EnginePython. Package
	// launch starts the engine's workers; its flags are not the plan's.
	Engine string `json:"engine,omitempty"`
	// KeepRounds records every round of every measurement (Result.Samples)
	// in the JSONL, not only their summary. It changes what is written,
	// not what is measured: a resume does not match on it (package store).
	KeepRounds bool `json:"keep_rounds,omitempty"`
	// Vs, when not zero, makes the sweep an A/B sweep: each config is also
	// measured as variant B, these overrides of the plan's engine and
	// policy, paired with A (README "A/B in one sweep").
	Vs Variant `json:"vs,omitzero"`
	// SameWithin is the equivalence margin of an A/B verdict "same", in
	// percent (0: DefaultSameWithin). It changes the verdicts, not what is
	// measured: a resume does not match on it.
	SameWithin float64 `json:"same_within,omitempty"`
}

// Margin is the plan's --same-within, its default when unset.
func (p Plan) Margin() float64 {
	if p.SameWithin > 0 {
		return p.SameWithin
	}
	return DefaultSameWithin
}

// Engine names accepted by Plan.Engine, the default first.
const (
	EngineGo     = "go"     // the built-in port
	EnginePython = "python" // the user's own qml-hcs, through its worker
)

// Engines lists the accepted engine names, the default first.
var Engines = []string{EngineGo, EnginePython}

// EngineName is the plan's engine, "" read as EngineGo.
func (p Plan) EngineName() string {
	if p.Engine == "" {
		return EngineGo
	}
	return p.Engine
}

// ParseEngine checks an --engine value.
func ParseEngine(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !slices.Contains(Engines, s) {
		return "", fmt.Errorf("unknown engine: allowed are %s", strings.Join(Engines, ", "))
	}
	return s, nil
}

// DefaultPlan is the reference's benchmark: its grid, depths 1,2,3, three
// repeats from seed 123, the mean policy, default timing.
func DefaultPlan() Plan {
	return Plan{
		Grid:    DefaultGrid(),
		Depths:  []int{1, 2, 3},
		Repeats: 3,
		Seed:    123,
		Policy:  PolicyMean,
		Timing:  DefaultTiming,
	}
}

// Validate checks the whole plan.
func (p Plan) Validate() error {
	if err := p.Grid.Validate(); err != nil {
		return err
	}
	if err := checkAxis("depth", p.Depths, 1, MaxDepth); err != nil {
		return err
	}
	if p.Repeats < 1 || p.Repeats > MaxRepeats {
		return fmt.Errorf("repeats=%d is out of range: must be in 1..%d", p.Repeats, MaxRepeats)
	}
	if err := CheckSeeds(p.Seed, p.Repeats); err != nil {
		return fmt.Errorf("seed=%d: %w", p.Seed, err)
	}
	if !slices.Contains(Policies, p.Policy) {
		return fmt.Errorf("policy %q is unknown: allowed are %v", p.Policy, Policies)
	}
	if !slices.Contains(Engines, p.EngineName()) {
		return fmt.Errorf("engine %q is unknown: allowed are %v", p.Engine, Engines)
	}
	if err := p.Vs.Check(p.EngineName()); err != nil {
		return fmt.Errorf("--vs %s: %w", p.Vs, err)
	}
	if p.SameWithin < 0 || p.SameWithin > 50 {
		return fmt.Errorf("same-within=%g is out of range: must be above 0 and at most 50 (percent)", p.SameWithin)
	}
	return p.Timing.Validate()
}

// Validate checks the timing options.
func (t Timing) Validate() error {
	if t.MinTime < 0 {
		return fmt.Errorf("min-time=%v is negative: must be ≥ 0", t.MinTime)
	}
	if t.MinTime > time.Hour {
		return fmt.Errorf("min-time=%v is too long: at most 1h", t.MinTime)
	}
	if t.MinEpochs < 1 {
		return errors.New("min-epochs must be ≥ 1")
	}
	return nil
}

// ValidateDepths checks a depth schedule.
func ValidateDepths(depths []int) error { return checkAxis("depth", depths, 1, MaxDepth) }
