package bench

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// The command-line spelling of a plan, both ways: PlanFlags reads it,
// Args writes it. Every command hcbench prints or copies (continue,
// rerun, the workbench's "copy command") is built from Args, so that it
// reads back as the same plan.

// Flag names of a plan.
const (
	FlagDims     = "dims"
	FlagBranches = "branches"
	FlagSeqLen   = "seq-len"
	FlagDepths   = "depths"
	FlagRepeats  = "repeats"
	FlagSeed     = "seed"
	FlagMinTime  = "min-time"
	FlagPolicy   = "policy"
	// FlagKeepRounds records every round (Plan.KeepRounds), a switch.
	FlagKeepRounds = "keep-rounds"
	// FlagVs makes an A/B sweep (Plan.Vs); FlagSameWithin is its
	// equivalence margin (Plan.SameWithin), which changes verdicts only.
	FlagVs         = "vs"
	FlagSameWithin = "same-within"
)

// planFlagNames are the flags of what a plan measures, in the order Args
// writes them (--keep-rounds, which says only what is recorded, follows).
var planFlagNames = []string{FlagDims, FlagBranches, FlagSeqLen, FlagDepths, FlagRepeats, FlagSeed, FlagPolicy, FlagMinTime, FlagVs}

// FlagError is a refused flag value: it names the flag, the value and
// what is allowed.
type FlagError struct {
	Flag, Value string
	Err         error
}

func (e *FlagError) Error() string { return fmt.Sprintf("--%s %q: %v", e.Flag, e.Value, e.Err) }
func (e *FlagError) Unwrap() error { return e.Err }

// PlanFlags are a plan's flags as typed. Every value is read as a string
// so that a refusal is worded by the plan's own parsers.
type PlanFlags struct {
	dims, branches, seqLens, depths string
	repeats, seed, minTime, policy  string
	vs, sameWithin                  string
	keepRounds                      bool
	fs                              *pflag.FlagSet
}

// Register declares the plan's flags on fs with the default plan's
// values. Each may be given once: a second -D would silently replace the
// first, which is never what a script meant.
func (f *PlanFlags) Register(fs *pflag.FlagSet) {
	f.fs = fs
	def := DefaultPlan()
	once := func(p *string, name, short, value string) { OnceString(fs, p, name, short, value) }
	once(&f.dims, FlagDims, "D", FormatList(def.Grid.Dims))
	once(&f.branches, FlagBranches, "K", FormatList(def.Grid.Branches))
	once(&f.seqLens, FlagSeqLen, "T", FormatList(def.Grid.SeqLens))
	once(&f.depths, FlagDepths, "", FormatList(def.Depths))
	once(&f.repeats, FlagRepeats, "", strconv.Itoa(def.Repeats))
	once(&f.seed, FlagSeed, "", strconv.FormatUint(def.Seed, 10))
	once(&f.minTime, FlagMinTime, "", def.Timing.MinTime.String())
	once(&f.policy, FlagPolicy, "", def.Policy)
	fs.BoolVar(&f.keepRounds, FlagKeepRounds, def.KeepRounds, "")
	once(&f.vs, FlagVs, "", "")
	once(&f.sameWithin, FlagSameWithin, "", strconv.FormatFloat(DefaultSameWithin, 'g', -1, 64))
}

// Given reports whether any flag of what the plan measures was given: a
// resume then continues a run with exactly those settings. --keep-rounds
// does not count: it is a way of recording any run, so "--resume
// --keep-rounds" continues the latest unfinished run, keeping its rounds.
func (f *PlanFlags) Given() bool {
	return slices.ContainsFunc(planFlagNames, f.fs.Changed)
}

// Plan is the plan the flags describe, every value checked; the error is
// a *FlagError.
func (f *PlanFlags) Plan() (Plan, error) {
	p := DefaultPlan()
	var err error
	for _, ax := range []struct {
		flag, axis, raw string
		dst             *[]int
	}{
		{FlagDims, "D", f.dims, &p.Grid.Dims},
		{FlagBranches, "K", f.branches, &p.Grid.Branches},
		{FlagSeqLen, "T", f.seqLens, &p.Grid.SeqLens},
		{FlagDepths, "depths", f.depths, &p.Depths},
	} {
		if *ax.dst, err = ParseAxis(ax.axis, ax.raw); err != nil {
			return p, &FlagError{ax.flag, ax.raw, err}
		}
	}
	if n := p.Grid.Size(); n > MaxConfigs {
		g := p.Grid
		return p, fmt.Errorf("--%s %q × --%s %q × --%s %q: the grid has %d×%d×%d configs: at most %d allowed",
			FlagDims, f.dims, FlagBranches, f.branches, FlagSeqLen, f.seqLens,
			len(g.Dims), len(g.Branches), len(g.SeqLens), MaxConfigs)
	}
	if p.Repeats, err = ParseRepeats(f.repeats); err != nil {
		return p, &FlagError{FlagRepeats, f.repeats, err}
	}
	if p.Seed, err = ParseSeed(f.seed); err != nil {
		return p, &FlagError{FlagSeed, f.seed, err}
	}
	if err = CheckSeeds(p.Seed, p.Repeats); err != nil {
		return p, &FlagError{FlagSeed, f.seed, err}
	}
	if p.Timing.MinTime, err = ParseMinTime(f.minTime); err != nil {
		return p, &FlagError{FlagMinTime, f.minTime, err}
	}
	if p.Policy, err = ParsePolicy(f.policy); err != nil {
		return p, &FlagError{FlagPolicy, f.policy, err}
	}
	p.KeepRounds = f.keepRounds
	if f.fs.Changed(FlagVs) {
		if p.Vs, err = ParseVariant(f.vs); err != nil {
			return p, &FlagError{FlagVs, f.vs, err}
		}
	}
	if f.fs.Changed(FlagSameWithin) {
		if p.SameWithin, err = ParseSameWithin(f.sameWithin); err != nil {
			return p, &FlagError{FlagSameWithin, f.sameWithin, err}
		}
		if p.Vs.IsZero() {
			return p, fmt.Errorf("--%s is the margin of an A/B sweep's verdict \"same\": give --%s too", FlagSameWithin, FlagVs)
		}
	}
	return p, nil
}

// Args is the command-line spelling of p's grid and measurement settings:
// the grid always (so that --resume matches exactly this plan rather than
// the latest unfinished run), the other settings where they differ from
// the defaults. PlanFlags reads it back as p (the engine aside: its flags
// are the launcher's).
func Args(p Plan) []string {
	def := DefaultPlan()
	args := []string{"-D", FormatList(p.Grid.Dims), "-K", FormatList(p.Grid.Branches), "-T", FormatList(p.Grid.SeqLens)}
	if !slices.Equal(p.Depths, def.Depths) {
		args = append(args, "--"+FlagDepths, FormatList(p.Depths))
	}
	if p.Repeats != def.Repeats {
		args = append(args, "--"+FlagRepeats, strconv.Itoa(p.Repeats))
	}
	if p.Seed != def.Seed {
		args = append(args, "--"+FlagSeed, strconv.FormatUint(p.Seed, 10))
	}
	if p.Policy != def.Policy {
		args = append(args, "--"+FlagPolicy, p.Policy)
	}
	if p.Timing.MinTime != def.Timing.MinTime {
		args = append(args, "--"+FlagMinTime, p.Timing.MinTime.String())
	}
	if !p.Vs.IsZero() {
		args = append(args, "--"+FlagVs, p.Vs.String())
	}
	if p.SameWithin > 0 && p.SameWithin != DefaultSameWithin {
		args = append(args, "--"+FlagSameWithin, strconv.FormatFloat(p.SameWithin, 'g', -1, 64))
	}
	if p.KeepRounds {
		args = append(args, "--"+FlagKeepRounds)
	}
	return args
}

// CommandLine joins a program and its arguments into one line a POSIX
// shell reads back as the same words.
func CommandLine(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = ShellQuote(w)
	}
	return strings.Join(q, " ")
}

// ShellQuote quotes s for a POSIX shell when it needs it.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-+=:,@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// onceValue is a string flag that refuses a second value.
type onceValue struct {
	p   *string
	set bool
}

func (v *onceValue) String() string { return *v.p }
func (v *onceValue) Type() string   { return "string" }
func (v *onceValue) Set(s string) error {
	if v.set {
		return fmt.Errorf("given twice (the first was %q): give the flag once, with every value in one LIST", *v.p)
	}
	*v.p, v.set = s, true
	return nil
}

// OnceString declares a string flag on fs that may be given once, as the
// plan's flags are.
func OnceString(fs *pflag.FlagSet, p *string, name, short, value string) {
	*p = value
	fs.VarP(&onceValue{p: p}, name, short, "")
}
