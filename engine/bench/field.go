package bench

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The plan's fields as typed by a user — a command-line flag or a form
// field — parsed and checked by one set of rules. Each error says what is
// wrong with the value and what is allowed; the caller names the field.

// axisRange is the values allowed on each LIST field.
var axisRange = map[string][2]int{
	"D": {1, MaxDim}, "K": {2, MaxBranch}, "T": {1, MaxSeqLen}, "depths": {1, MaxDepth},
}

// ParseAxis parses a LIST for axis "D", "K", "T" or "depths" and checks
// each value against the axis's range.
func ParseAxis(axis, s string) ([]int, error) {
	r, ok := axisRange[axis]
	if !ok {
		return nil, fmt.Errorf("unknown axis %q", axis)
	}
	vs, err := ParseList(s)
	if errors.Is(err, ErrIntRange) {
		return nil, fmt.Errorf("out of range: each value must be in %d..%d", r[0], r[1])
	}
	if err != nil {
		// ParseList names the bad element; when that is the whole value,
		// the caller's message already shows it.
		return nil, errors.New(strings.TrimPrefix(err.Error(), strconv.Quote(strings.TrimSpace(s))+": "))
	}
	name := axis
	if axis == "depths" {
		name = "depth"
	}
	if err := checkAxis(name, vs, r[0], r[1]); err != nil {
		return nil, err
	}
	return vs, nil
}

// ParseRepeats parses the number of repeats.
func ParseRepeats(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if errors.Is(err, strconv.ErrRange) || err == nil && (n < 1 || n > MaxRepeats) {
		return 0, fmt.Errorf("out of range: repeats must be in 1..%d", MaxRepeats)
	}
	if err != nil {
		return 0, fmt.Errorf("not an integer: repeats must be in 1..%d", MaxRepeats)
	}
	return n, nil
}

// ParseSeed parses the base seed.
func ParseSeed(s string) (uint64, error) {
	v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if _, ierr := strconv.ParseInt(strings.TrimSpace(s), 10, 64); strings.HasPrefix(strings.TrimSpace(s), "-") &&
		(ierr == nil || errors.Is(ierr, strconv.ErrRange)) {
		return 0, fmt.Errorf("negative: the seed must be in 0..%d", uint64(math.MaxUint64))
	}
	if errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("out of range: the seed must be in 0..%d", uint64(math.MaxUint64))
	}
	if err != nil {
		return 0, fmt.Errorf("not an integer: the seed must be in 0..%d", uint64(math.MaxUint64))
	}
	return v, nil
}

// CheckSeeds checks that every repeat's seed (repeat r uses seed+r) fits
// in a uint64: a seed near the top would wrap the later repeats to 0, 1, …
func CheckSeeds(seed uint64, repeats int) error {
	if repeats > 1 && seed > math.MaxUint64-uint64(repeats-1) {
		return fmt.Errorf("with %d repeats the last uses seed+%d, past %d: give a seed of at most %d",
			repeats, repeats-1, uint64(math.MaxUint64), uint64(math.MaxUint64)-uint64(repeats-1))
	}
	return nil
}

// ParseMinTime parses the measuring time per depth, a Go duration ("10ms",
// "1.5s"); 0 means the minimum number of epochs only.
func ParseMinTime(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, errors.New("not a duration: give a number with a unit, e.g. 10ms or 1.5s (0 to 1h)")
	}
	t := DefaultTiming
	t.MinTime = d
	if err := t.Validate(); err != nil {
		return 0, err
	}
	return d, nil
}

// ParsePolicy checks a policy name.
func ParsePolicy(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !slices.Contains(Policies, s) {
		return "", fmt.Errorf("unknown policy: allowed are %s", strings.Join(Policies, ", "))
	}
	return s, nil
}

// ParsePercent parses a percentage such as "20" or "20%".
func ParsePercent(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	switch {
	case errors.Is(err, strconv.ErrRange) || math.IsInf(v, 0):
		return 0, errors.New("out of range: too large for a number; give a percentage ≥ 0, e.g. 20")
	case err != nil || math.IsNaN(v):
		return 0, errors.New("not a number: give a percentage ≥ 0, e.g. 20")
	case v < 0:
		return 0, errors.New("negative: give a percentage ≥ 0, e.g. 20")
	}
	return v, nil
}

// ParseBytes parses a memory size: a number with an optional unit B, K, M,
// G, T, P or E (powers of 1024; KB, KiB, MB, MiB, … are read the same
// way), e.g. 512M, 1.5G, 8GiB or 1073741824; below 8E (2^63 bytes).
func ParseBytes(s string) (int64, error) {
	const allowed = "give a size such as 512M, 1.5G or 8GiB (powers of 1024: K, M, G, T, P, E), above 0"
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := 1.0
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGTPE", t[n-1]); i >= 0 {
			mult = math.Pow(1024, float64(i+1))
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(v):
		return 0, errors.New("not a size: " + allowed)
	case v <= 0:
		return 0, errors.New("not above 0: " + allowed)
	case errors.Is(err, strconv.ErrRange) || v*mult >= math.MaxInt64:
		return 0, errors.New("out of range: must be below 8E (8 exbibytes, 2^63 bytes), e.g. 7E")
	}
	return int64(v * mult), nil
}

// FormatBytes writes n in the largest unit of 1024 that keeps a digit
// before the point, e.g. "1.5 GiB".
func FormatBytes(n int64) string {
	v, unit := float64(n), 0
	for v >= 1024 && unit < 6 {
		v /= 1024
		unit++
	}
	if unit == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGTPE"[unit-1])
}

// ExpandHome expands a leading "~" (alone, or before a separator) to the
// user's home directory, as a shell does outside quotes: a path given
// quoted ('~/x') or typed in the workbench's form means the same folder
// as one the shell expanded. Other paths, and "~user", are returned as
// given.
func ExpandHome(p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, "~"+string(filepath.Separator)) {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return p
	}
	return filepath.Join(home, p[1:])
}
