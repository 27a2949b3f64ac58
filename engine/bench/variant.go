package bench

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// An A/B sweep (--vs) measures a second variant of the engine beside the
// one the main flags describe: variant B is variant A with a few
// overrides. Both are measured config by config in the same moments and
// compared over their paired ratios (README "A/B in one sweep").

// Variant keys (--vs KEY=VALUE).
const (
	VsEngine = "engine" // go or python
	VsQMLHC  = "qmlhc"  // another qml-hcs checkout
	VsPython = "python" // another interpreter
	VsPolicy = "policy" // another projection policy
	VsBinary = "binary" // another hcbench build, driven as a Go worker
)

// VsKeys lists the keys --vs accepts, in the order Variant.String writes them.
var VsKeys = []string{VsEngine, VsQMLHC, VsPython, VsPolicy, VsBinary}

// Variant is variant B's overrides of variant A; an empty field keeps A's.
// The zero Variant means no A/B.
type Variant struct {
	Engine string `json:"engine,omitempty"`
	QMLHC  string `json:"qmlhc,omitempty"`
	Python string `json:"python,omitempty"`
	Policy string `json:"policy,omitempty"`
	Binary string `json:"binary,omitempty"`
}

// IsZero reports whether v overrides nothing (no A/B sweep).
func (v Variant) IsZero() bool { return v == Variant{} }

// fields are v's values in VsKeys order.
func (v *Variant) fields() []*string {
	return []*string{&v.Engine, &v.QMLHC, &v.Python, &v.Policy, &v.Binary}
}

// String is the --vs spelling: "policy=minrisk,binary=/x/hcbench".
func (v Variant) String() string {
	var parts []string
	for i, p := range v.fields() {
		if *p != "" {
			parts = append(parts, VsKeys[i]+"="+*p)
		}
	}
	return strings.Join(parts, ",")
}

// ParseVariant reads a --vs value: KEY=VALUE pairs joined by commas, each
// key at most once. Values are checked as far as they can be without the
// file system (package launch resolves paths): the engine and policy
// names, and that no path holds a comma (it would read as two pairs).
func ParseVariant(s string) (Variant, error) {
	var v Variant
	if strings.TrimSpace(s) == "" {
		return v, fmt.Errorf("no KEY=VALUE: give one or more of %s, e.g. policy=minrisk", strings.Join(VsKeys, ", "))
	}
	for _, pair := range strings.Split(s, ",") {
		key, val, ok := strings.Cut(pair, "=")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		i := slices.Index(VsKeys, key)
		switch {
		case !ok:
			return Variant{}, fmt.Errorf("%q is not KEY=VALUE: keys are %s", pair, strings.Join(VsKeys, ", "))
		case i < 0:
			return Variant{}, fmt.Errorf("unknown key %q: allowed are %s", key, strings.Join(VsKeys, ", "))
		case val == "":
			return Variant{}, fmt.Errorf("%s= has no value", key)
		}
		p := v.fields()[i]
		if *p != "" {
			return Variant{}, fmt.Errorf("%s given twice (%q and %q)", key, *p, val)
		}
		*p = val
	}
	if v.Engine != "" {
		if _, err := ParseEngine(v.Engine); err != nil {
			return Variant{}, fmt.Errorf("engine=%s: %w", v.Engine, err)
		}
	}
	if v.Policy != "" {
		if _, err := ParsePolicy(v.Policy); err != nil {
			return Variant{}, fmt.Errorf("policy=%s: %w", v.Policy, err)
		}
	}
	return v, nil
}

// Check refuses a variant the engine of A cannot pair with: paths with
// commas (they could not be written back as --vs), and overrides that
// only a Python engine has.
func (v Variant) Check(engineA string) error {
	for i, p := range v.fields() {
		if strings.ContainsAny(*p, ",\n") {
			return fmt.Errorf("%s=%q: a value may not hold a comma or a newline", VsKeys[i], *p)
		}
	}
	engineB := orElse(v.Engine, engineA)
	if engineB != EnginePython && (v.QMLHC != "" || v.Python != "") {
		return fmt.Errorf("qmlhc= and python= are for a Python variant; variant B's engine is %s (add engine=python)", engineB)
	}
	if v.Binary != "" && engineB != EngineGo {
		return fmt.Errorf("binary=%s is another hcbench build, a Go engine; variant B's engine is %s", v.Binary, engineB)
	}
	return nil
}

// orElse is a unless it is empty, else b.
func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// DefaultSameWithin is the equivalence margin of the verdict "same", in
// percent (--same-within).
const DefaultSameWithin = 2.0

// ParseSameWithin checks a --same-within value: a percentage in (0, 50].
func ParseSameWithin(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || math.IsNaN(v) {
		return 0, fmt.Errorf("not a number: give a percentage such as 2 or 0.5")
	}
	if v <= 0 || v > 50 {
		return 0, fmt.Errorf("out of range: the margin must be above 0 and at most 50 (percent)")
	}
	return v, nil
}

// How the two variants of an A/B sweep are paired (Result.ABPairing).
const (
	// PairRounds: both variants measured by one worker, round by round,
	// the order alternating (ABBA): pairs share the same few milliseconds.
	PairRounds = "rounds"
	// PairMeasurements: each variant in its own worker, one measurement
	// right after the other, the order alternating between measurements.
	PairMeasurements = "measurements"
)
