package bench

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// timeUnits are the units FormatSeconds and the figures choose from.
var timeUnits = []struct {
	name  string
	scale float64 // seconds per unit
}{{"ns", 1e-9}, {"µs", 1e-6}, {"ms", 1e-3}, {"s", 1}}

// FormatDuration writes a wall-clock duration for progress lines: "850ms",
// "4.2s", "3m07s", "2h05m".
func FormatDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		s := int(math.Round(d.Seconds()))
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	m := int(math.Round(d.Minutes()))
	return fmt.Sprintf("%dh%02dm", m/60, m%60)
}

// FormatLevel writes a confidence level as a percentage with one decimal
// when it has one ("96.9%", "95%"), "no" for 0 (no interval).
func FormatLevel(l float64) string {
	if !(l > 0) {
		return "no"
	}
	v := strconv.FormatFloat(100*l, 'f', 1, 64)
	return strings.TrimSuffix(v, ".0") + "%"
}

// FormatSeconds writes a duration in seconds readably with three
// significant digits: "850ns", "41.2µs", "3.05ms", "1.20s", "125s".
func FormatSeconds(sec float64) string {
	switch {
	case math.IsNaN(sec):
		return "n/a"
	case math.IsInf(sec, 0):
		if sec < 0 {
			return "-∞"
		}
		return "∞"
	case sec < 0:
		return "-" + FormatSeconds(-sec)
	case sec == 0:
		return "0s"
	}
	if sec >= 999.5 {
		return strconv.FormatFloat(math.Round(sec), 'f', 0, 64) + "s" // whole seconds: "4321s", not "4320s"
	}
	for i, u := range timeUnits {
		v := Round3(sec / u.scale)
		// Move up a unit when rounding reaches 1000 ("1.00ms", not "1000µs").
		if v < 1000 || i == len(timeUnits)-1 {
			return strconv.FormatFloat(v, 'f', Decimals3(v), 64) + u.name
		}
	}
	panic("unreachable")
}

// Round3 rounds v > 0 to three significant digits.
func Round3(v float64) float64 {
	if v <= 0 {
		return v
	}
	p := math.Pow(10, 2-math.Floor(math.Log10(v)))
	return math.Round(v*p) / p
}

// Decimals3 is the number of decimals that shows three significant digits
// of v (none from 100 up).
func Decimals3(v float64) int {
	if v <= 0 {
		return 0
	}
	return max(0, 2-int(math.Floor(math.Log10(v))))
}

// FormatDepths writes a depth schedule as the reference does: "[1, 2, 3]".
func FormatDepths(d []int) string {
	s := make([]string, len(d))
	for i, v := range d {
		s[i] = strconv.Itoa(v)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// TimeUnitFor picks the unit FormatSeconds would use for the largest
// value, so an axis reads "20 40 60 (µs)" rather than "2e-05".
func TimeUnitFor(vals ...float64) (name string, scale float64) {
	top := 0.0
	for _, v := range vals {
		if v > top && !math.IsInf(v, 1) {
			top = v
		}
	}
	name, scale = timeUnits[0].name, timeUnits[0].scale
	for _, u := range timeUnits {
		if top >= u.scale {
			name, scale = u.name, u.scale
		}
	}
	return name, scale
}

// Plural is n and word, with an "s" unless n is 1: "1 config", "12 configs".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
