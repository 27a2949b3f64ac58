package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
)

// Flag names, as in DESIGN.md's command-line contract.
const (
	flagDims       = "dims"
	flagBranches   = "branches"
	flagSeqLen     = "seq-len"
	flagDepths     = "depths"
	flagRepeats    = "repeats"
	flagSeed       = "seed"
	flagOut        = "out"
	flagMinTime    = "min-time"
	flagPolicy     = "policy"
	flagHeadless   = "headless"
	flagRun        = "run"
	flagResume     = "resume"
	flagBaseline   = "baseline"
	flagFailOnRegr = "fail-on-regression"
	flagMaxMemory  = "max-memory"
)

// defaultOut is where results go unless --out says otherwise.
const defaultOut = ".benchmarks"

// options is a validated command line.
type options struct {
	plan bench.Plan
	out  string

	headless bool // --headless given
	startNow bool // --run
	resume   bool
	// planGiven is set when a flag of the plan was given: --resume then
	// continues the run with exactly that plan, and without one the latest
	// unfinished run whatever its settings.
	planGiven bool

	maxMemory      int64 // --max-memory in bytes; 0 means the machine's available memory
	maxMemoryGiven bool

	workers sweep.Options // --engine python: its workers (Prior unset)
	python  engineFlags   // --engine python: the flags as typed, to prefill the TUI's form

	baselinePath string
	failOnRegr   bool    // --fail-on-regression given
	failPct      float64 // its value, in percent

	help    bool
	version bool
}

// usageError is a bad command line: exit 2, one line naming the flag, the
// value and what is allowed.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// flagError says that flag's value is refused and why.
func flagError(flag, value string, why error) error {
	return usagef("--%s %q: %v", flag, value, why)
}

// rawFlags holds the flag values as typed. Every value flag is read as a
// string so that the refusal message is ours (naming the flag, the value and
// what is allowed) rather than strconv's.
type rawFlags struct {
	dims, branches, seqLens, depths string
	repeats, seed, minTime, policy  string
	out, baseline, failOnRegr       string
	maxMemory                       string
	eng                             engineFlags
	headless, run, resume           bool
	help, version                   bool
}

// newFlagSet declares the flags on a fresh set bound to raw.
func newFlagSet(raw *rawFlags) *pflag.FlagSet {
	def := bench.DefaultPlan()
	fs := pflag.NewFlagSet("hcbench", pflag.ContinueOnError)
	// pflag would print its own error and usage; run prints one line instead.
	fs.SetOutput(discard{})
	fs.Usage = func() {}
	fs.SortFlags = false
	// The plan's flags may be given once each: a second -D would silently
	// replace the first, which is never what a script meant.
	once := func(p *string, name, short, value string) {
		*p = value
		fs.VarP(&onceValue{p: p}, name, short, "")
	}
	once(&raw.dims, flagDims, "D", bench.FormatList(def.Grid.Dims))
	once(&raw.branches, flagBranches, "K", bench.FormatList(def.Grid.Branches))
	once(&raw.seqLens, flagSeqLen, "T", bench.FormatList(def.Grid.SeqLens))
	once(&raw.depths, flagDepths, "", bench.FormatList(def.Depths))
	once(&raw.repeats, flagRepeats, "", strconv.Itoa(def.Repeats))
	once(&raw.seed, flagSeed, "", strconv.FormatUint(def.Seed, 10))
	fs.StringVarP(&raw.out, flagOut, "o", defaultOut, "")
	once(&raw.minTime, flagMinTime, "", def.Timing.MinTime.String())
	once(&raw.policy, flagPolicy, "", def.Policy)
	once(&raw.maxMemory, flagMaxMemory, "", "")
	raw.eng.declare(once)
	fs.BoolVar(&raw.headless, flagHeadless, false, "")
	fs.BoolVar(&raw.run, flagRun, false, "")
	fs.BoolVar(&raw.resume, flagResume, false, "")
	fs.StringVar(&raw.baseline, flagBaseline, "", "")
	fs.StringVar(&raw.failOnRegr, flagFailOnRegr, "", "")
	fs.BoolVar(&raw.version, "version", false, "")
	fs.BoolVarP(&raw.help, "help", "h", false, "")
	return fs
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

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// parseArgs parses and validates the whole command line. It touches nothing
// on disk; the baseline file is read later by loadBaseline.
func parseArgs(args []string) (*options, error) {
	var raw rawFlags
	fs := newFlagSet(&raw)
	if err := fs.Parse(args); err != nil {
		return nil, usagef("%v (run hcbench --help for the flags)", err)
	}
	if raw.help || raw.version {
		// Anything else on the line is a mistake worth saying: a script
		// calling "hcbench --version junk" would otherwise pass.
		if fs.NArg() > 0 {
			return nil, usagef("unexpected argument %q after --help/--version (run hcbench --help)", fs.Arg(0))
		}
		return &options{help: raw.help, version: raw.version}, nil
	}

	o := &options{
		plan:         bench.DefaultPlan(),
		out:          raw.out,
		headless:     raw.headless,
		startNow:     raw.run,
		resume:       raw.resume,
		baselinePath: raw.baseline,
	}
	for _, f := range []string{flagDims, flagBranches, flagSeqLen, flagDepths, flagRepeats, flagSeed, flagMinTime, flagPolicy} {
		o.planGiven = o.planGiven || fs.Changed(f)
	}
	p := &o.plan
	var err error
	for _, ax := range []struct {
		flag, axis, raw string
		dst             *[]int
	}{
		{flagDims, "D", raw.dims, &p.Grid.Dims},
		{flagBranches, "K", raw.branches, &p.Grid.Branches},
		{flagSeqLen, "T", raw.seqLens, &p.Grid.SeqLens},
		{flagDepths, "depths", raw.depths, &p.Depths},
	} {
		if *ax.dst, err = bench.ParseAxis(ax.axis, ax.raw); err != nil {
			return nil, flagError(ax.flag, ax.raw, err)
		}
	}
	if n := p.Grid.Size(); n > bench.MaxConfigs {
		g := p.Grid
		return nil, usagef("--%s %q × --%s %q × --%s %q: the grid has %d×%d×%d = %d configs: at most %d allowed",
			flagDims, raw.dims, flagBranches, raw.branches, flagSeqLen, raw.seqLens,
			len(g.Dims), len(g.Branches), len(g.SeqLens), len(g.Dims)*len(g.Branches)*len(g.SeqLens), bench.MaxConfigs)
	}
	if p.Repeats, err = bench.ParseRepeats(raw.repeats); err != nil {
		return nil, flagError(flagRepeats, raw.repeats, err)
	}
	if p.Seed, err = bench.ParseSeed(raw.seed); err != nil {
		return nil, flagError(flagSeed, raw.seed, err)
	}
	if p.Timing.MinTime, err = bench.ParseMinTime(raw.minTime); err != nil {
		return nil, flagError(flagMinTime, raw.minTime, err)
	}
	if p.Policy, err = bench.ParsePolicy(raw.policy); err != nil {
		return nil, flagError(flagPolicy, raw.policy, err)
	}
	if err := raw.eng.apply(fs, o); err != nil {
		return nil, err
	}
	// Every field has been checked on its own; this catches whatever the
	// engine adds to its rules later.
	if err := p.Validate(); err != nil {
		return nil, usagef("invalid benchmark plan: %v", err)
	}
	if fs.Changed(flagMaxMemory) {
		o.maxMemoryGiven = true
		if o.maxMemory, err = bench.ParseBytes(raw.maxMemory); err != nil {
			return nil, flagError(flagMaxMemory, raw.maxMemory, err)
		}
	}

	if strings.TrimSpace(o.out) == "" {
		return nil, flagError(flagOut, raw.out, errors.New("empty: give the directory for the results, e.g. .benchmarks"))
	}
	if fs.Changed(flagBaseline) && strings.TrimSpace(raw.baseline) == "" {
		return nil, flagError(flagBaseline, raw.baseline, errors.New("empty: give an earlier run's qmlhc_benchmarks.jsonl"))
	}
	if fs.Changed(flagFailOnRegr) {
		o.failOnRegr = true
		if o.failPct, err = bench.ParsePercent(raw.failOnRegr); err != nil {
			return nil, flagError(flagFailOnRegr, raw.failOnRegr, err)
		}
		if o.baselinePath == "" {
			return nil, usagef("--%s %s needs --%s FILE.jsonl to compare with", flagFailOnRegr, raw.failOnRegr, flagBaseline)
		}
	}
	// Checked last: "-D -o out" gives -D the value "-o", and the message
	// about that value helps more than one about the stray "out".
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q: hcbench takes only flags (run hcbench --help)", fs.Arg(0))
	}
	return o, nil
}

// usageText is what --help prints.
func usageText() string {
	def := bench.DefaultPlan()
	return fmt.Sprintf(`hcbench benchmarks the QMLHC hypercausal engine over a grid of output
dimensions D, branch counts K and sequence lengths T, like the reference's
benchmark, and saves JSONL, CSV and figures.

In a terminal it opens an interactive workbench; with --headless, or when its
output is not a terminal, it runs the sweep, shows progress on stderr and
prints a summary on stdout.

Usage:
  hcbench [flags]
  hcbench compare OLD NEW [--fail-on-regression PCT]   (see hcbench compare --help)

Grid and measurement:
  -D, --dims LIST               output dimensions D, each ≥ 1 (default %s)
  -K, --branches LIST           branch counts K, each ≥ 2 (default %s)
  -T, --seq-len LIST            sequence lengths T, each ≥ 1 (default %s)
      --depths LIST             depth schedule of every run, each ≥ 1 (default %s)
      --repeats N               runs per config; repeat r uses seed+r (default %d)
      --seed N                  base random seed (default %d)
      --min-time DURATION       measuring time per depth and repeat after the
                                warm-up, at least %d epochs (default %v)
      --policy NAME             branch projection: %s (default %s)
      --engine NAME             go (the built-in port, default) or python (your
                                own qml-hcs: see the README)
      --qmlhc DIR               with --engine python: the qml-hcs checkout, with
                                src/ and examples/ (default $QMLHC_PATH)
      --python PATH             with --engine python: the interpreter, which
                                needs numpy (default python3; e.g. /usr/bin/python3)

Output and mode:
  -o, --out DIR                 directory for the results (default %s)
      --headless                no interactive screen: progress on stderr,
                                summary on stdout
      --run                     interactive: start the sweep at launch
      --resume                  continue the latest unfinished run in DIR with
                                its own settings; with grid or measurement flags,
                                the latest run with exactly those; starts a new
                                run when there is none (runs headless)
      --max-memory SIZE         refuse a grid whose largest config needs more
                                memory, e.g. 512M or 8G (default: the memory
                                available now, or ¾ of ulimit -v)

Comparing:
      --baseline FILE.jsonl     compare with an earlier run (its latest run)
      --fail-on-regression PCT  exit 3 when a config is slower than the baseline
                                by more than PCT %% with confidence (Holm-corrected)

  -h, --help                    show this help
      --version                 show the version

LIST is comma-separated integers and ranges: 3,6 or 3..12 (step 1) or
3..12:3 (step 3) or a mix such as 2,5..9:2. A grid may hold at most %d configs.
Each grid or measurement flag may be given once.

Interactive keys (? shows them all): enter start · r run/restart ·
e edit the grid live · p pause · s save now · m heatmap metric · a axes ·
o/O sort/reverse the table · ↑/↓ PgUp/PgDn Home/End scroll · q quit (saves).

Environment:
  NO_COLOR=1     no colours (the heatmap still reads by glyph density)
  TERM=dumb      no full-screen workbench: the headless output instead

Examples:
  hcbench                                  the reference's grid, interactively
  hcbench --headless                       the same, printing a summary
  hcbench --headless -D 3,6 -K 2..9 -T 48..192:48 -o results
  hcbench --headless --baseline old/qmlhc_benchmarks.jsonl --fail-on-regression 10
  hcbench --resume                         continue the latest unfinished run

Exit status: 0 done, 1 error, 2 bad command line, 3 regression against the
baseline, 130 interrupted (finished configs are saved).
`,
		bench.FormatList(def.Grid.Dims), bench.FormatList(def.Grid.Branches), bench.FormatList(def.Grid.SeqLens),
		bench.FormatList(def.Depths), def.Repeats, def.Seed, def.Timing.MinEpochs, def.Timing.MinTime,
		strings.Join(bench.Policies, ", "), def.Policy, defaultOut, bench.MaxConfigs)
}
