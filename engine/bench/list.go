package bench

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrIntRange is wrapped by ParseList's error for a number that does not
// fit in an int, so that callers can restate the range their field allows.
var ErrIntRange = errors.New("too large for an integer")

// listSyntax is appended to syntax errors so that a message read on its own
// (a CLI flag, a TUI input field) says what would have been accepted.
const listSyntax = "a LIST is integers (3), ranges (3..12) or stepped ranges (3..12:3), separated by commas"

// ParseList parses a LIST of integers: single values ("3,6"), inclusive
// ranges with step 1 ("3..12") or another positive step ("3..12:3"), and any
// comma-separated mix of them ("2,5..9:2"). Spaces around elements are
// ignored. Duplicates are removed, keeping the first occurrence, so the
// result is in the order written.
//
// A list that would expand to more than MaxConfigs values is refused before
// any of them is allocated: no axis of an accepted grid can be longer.
//
// Errors name the offending element and say what is allowed, so they read
// well on their own, e.g. `"3..1": range end 1 is below its start 3`.
func ParseList(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("empty list: give at least one value; " + listSyntax)
	}
	parts := strings.Split(s, ",")
	elems := make([]listElem, 0, len(parts))
	var count uint64
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, fmt.Errorf("value %d of %d is empty (a stray comma?); %s", i+1, len(parts), listSyntax)
		}
		e, err := parseElem(p)
		if err != nil {
			return nil, err
		}
		// count ≤ MaxConfigs before the addition and e.n ≤ MaxConfigs, so
		// the sum cannot overflow.
		count += e.n
		if count > MaxConfigs {
			return nil, fmt.Errorf("%q: the list expands to more than %d values: at most %d allowed",
				p, MaxConfigs, MaxConfigs)
		}
		elems = append(elems, e)
	}

	out := make([]int, 0, count)
	// A single range or value cannot repeat itself: skip the set.
	var seen map[int]struct{}
	if len(elems) > 1 {
		seen = make(map[int]struct{}, count)
	}
	for _, e := range elems {
		for j := uint64(0); j < e.n; j++ {
			// lo + j*step ≤ hi, computed in uint64 so that it cannot overflow.
			v := int(uint64(e.lo) + j*e.step)
			if seen != nil {
				if _, dup := seen[v]; dup {
					continue
				}
				seen[v] = struct{}{}
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// listElem is one parsed element: n values lo, lo+step, ….
type listElem struct {
	lo   int
	step uint64
	n    uint64
}

// parseElem parses "N", "A..B" or "A..B:S".
func parseElem(p string) (listElem, error) {
	lo, rest, isRange := strings.Cut(p, "..")
	if !isRange {
		v, err := parseListInt(p, p, "")
		if err != nil {
			return listElem{}, err
		}
		return listElem{lo: v, step: 1, n: 1}, nil
	}
	hi, stepStr, hasStep := strings.Cut(rest, ":")
	lo, hi, stepStr = strings.TrimSpace(lo), strings.TrimSpace(hi), strings.TrimSpace(stepStr)
	if lo == "" {
		return listElem{}, fmt.Errorf("%q: range has no start; write it as start..end, e.g. 3..12", p)
	}
	if hi == "" {
		return listElem{}, fmt.Errorf("%q: range has no end; write it as start..end, e.g. 3..12", p)
	}
	a, err := parseListInt(p, lo, "range start ")
	if err != nil {
		return listElem{}, err
	}
	b, err := parseListInt(p, hi, "range end ")
	if err != nil {
		return listElem{}, err
	}
	step := 1
	if hasStep {
		if stepStr == "" {
			return listElem{}, fmt.Errorf("%q: step is missing after the colon; write start..end:step, e.g. 3..12:3", p)
		}
		if step, err = parseListInt(p, stepStr, "step "); err != nil {
			return listElem{}, err
		}
		if step < 1 {
			return listElem{}, fmt.Errorf("%q: step %d must be at least 1", p, step)
		}
	}
	if b < a {
		return listElem{}, fmt.Errorf("%q: range end %d is below its start %d; ranges count upwards", p, b, a)
	}
	// b-a fits in uint64 even when it overflows int; the count is q+1, which
	// itself overflows for the full int range, so compare q.
	q := (uint64(b) - uint64(a)) / uint64(step)
	if q >= MaxConfigs {
		count := "more than " + strconv.FormatUint(math.MaxUint64, 10)
		if q < math.MaxUint64 {
			count = strconv.FormatUint(q+1, 10)
		}
		return listElem{}, fmt.Errorf("%q: range has %s values: at most %d allowed", p, count, MaxConfigs)
	}
	return listElem{lo: a, step: uint64(step), n: q + 1}, nil
}

// parseListInt parses one integer of element elem; what names its role
// ("range end ") for the message.
func parseListInt(elem, s, what string) (int, error) {
	v, err := strconv.Atoi(s)
	if err == nil {
		return v, nil
	}
	if errors.Is(err, strconv.ErrRange) {
		bound := "above the largest integer " + strconv.Itoa(math.MaxInt)
		if strings.HasPrefix(s, "-") {
			bound = "below the smallest integer " + strconv.Itoa(math.MinInt)
		}
		return 0, fmt.Errorf("%q: %s%s is out of range: %s: %w", elem, what, s, bound, ErrIntRange)
	}
	if s == elem {
		return 0, fmt.Errorf("%q is not an integer; %s", elem, listSyntax)
	}
	return 0, fmt.Errorf("%q: %s%q is not an integer; %s", elem, what, s, listSyntax)
}

// FormatList writes vs in the compact LIST form ParseList reads back:
// arithmetic runs of four or more increasing values become ranges
// ("3..12", "3..12:3"); shorter runs read better as they are ("1,2,3"). For a list
// without duplicates (anything ParseList returns) ParseList(FormatList(vs))
// gives vs back. An empty list formats as "".
func FormatList(vs []int) string {
	var b strings.Builder
	for i := 0; i < len(vs); {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		j := runEnd(vs, i)
		switch {
		case j-i >= minRangeRun:
			b.WriteString(strconv.Itoa(vs[i]))
			b.WriteString("..")
			b.WriteString(strconv.Itoa(vs[j-1]))
			if step := vs[i+1] - vs[i]; step != 1 {
				b.WriteByte(':')
				b.WriteString(strconv.Itoa(step))
			}
		default:
			b.WriteString(strconv.Itoa(vs[i]))
			j = i + 1
		}
		i = j
	}
	return b.String()
}

// minRangeRun is the shortest run FormatList writes as a range.
const minRangeRun = 4

// runEnd returns the end (exclusive) of the increasing arithmetic run that
// starts at vs[i]; a run of one value ends at i+1.
func runEnd(vs []int, i int) int {
	if i+1 >= len(vs) {
		return i + 1
	}
	step, ok := diff(vs[i+1], vs[i])
	if !ok || step < 1 {
		return i + 1
	}
	j := i + 2
	for j < len(vs) {
		if d, ok := diff(vs[j], vs[j-1]); !ok || d != step {
			break
		}
		j++
	}
	return j
}

// diff returns a-b and whether it fits in an int.
func diff(a, b int) (int, bool) {
	d := a - b
	// Overflow happened when the operands' signs differ and the result's
	// sign differs from a's.
	if (a >= 0) != (b >= 0) && (d >= 0) != (a >= 0) {
		return 0, false
	}
	return d, true
}
