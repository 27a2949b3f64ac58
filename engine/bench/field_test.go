package bench

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFields(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"T beyond int", second(ParseAxis("T", "99999999999999999999")), "each value must be in 1..16777216"},
		{"K=1", second(ParseAxis("K", "1..3")), "K=1 is out of range"},
		{"depth 0", second(ParseAxis("depths", "0")), "depth=0"},
		{"repeats beyond int", second(ParseRepeats("99999999999999999999")), "out of range: repeats must be in 1..65536"},
		{"repeats word", second(ParseRepeats("x")), "not an integer"},
		{"seed beyond uint64", second(ParseSeed("99999999999999999999")), "out of range"},
		{"percent 1e400", second(ParsePercent("1e400")), "out of range"},
		{"percent word", second(ParsePercent("lots")), "not a number"},
		{"policy", second(ParsePolicy("fast")), "mean, median, minrisk"},
		{"bytes word", second(ParseBytes("lots")), "not a size"},
		{"bytes zero", second(ParseBytes("0")), "above 0"},
		{"bytes huge", second(ParseBytes("9E9T")), "out of range"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: %v; want it to say %q", tc.name, tc.err, tc.want)
		}
	}
	for s, want := range map[string]int64{"1024": 1024, "1K": 1024, "512M": 512 << 20, "1.5G": 3 << 29, "8GiB": 8 << 30, "2tb": 2 << 40} {
		if got, err := ParseBytes(s); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	if got := FormatBytes(3 << 29); got != "1.5 GiB" {
		t.Errorf("FormatBytes = %q", got)
	}
}

func second[T any](_ T, err error) error { return err }

// TestFieldWording: the messages the issue found wrong read right.
func TestFieldWording(t *testing.T) {
	if _, err := ParseSeed("-5"); err == nil || !strings.HasPrefix(err.Error(), "negative") {
		t.Errorf("seed -5: %v", err)
	}
	if _, err := ParseSeed("x"); err == nil || !strings.HasPrefix(err.Error(), "not an integer") {
		t.Errorf("seed x: %v", err)
	}
	if err := CheckSeeds(math.MaxUint64, 2); err == nil || !strings.Contains(err.Error(), "at most 18446744073709551614") {
		t.Errorf("seed max with 2 repeats: %v", err)
	}
	if err := CheckSeeds(math.MaxUint64, 1); err != nil {
		t.Errorf("seed max with 1 repeat: %v", err)
	}
	p := DefaultPlan()
	p.Seed, p.Repeats = math.MaxUint64-1, 3
	if err := p.Validate(); err == nil {
		t.Error("a plan whose repeats wrap their seed validates")
	}
	if n, err := ParseBytes("7E"); err != nil || n != 7<<60 {
		t.Errorf("7E: %d, %v", n, err)
	}
	if n, err := ParseBytes("2P"); err != nil || n != 2<<50 {
		t.Errorf("2P: %d, %v", n, err)
	}
	if _, err := ParseBytes("8E"); err == nil || !strings.Contains(err.Error(), "below 8E") {
		t.Errorf("8E: %v", err)
	}
	if got := MemoryHint("--max-memory", "max-memory"); !strings.Contains(got, "raise --max-memory") {
		t.Errorf("hint for a set budget: %q", got)
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		if got := ExpandHome("~/x"); got != filepath.Join(home, "x") {
			t.Errorf("ExpandHome(~/x) = %q", got)
		}
	}
	if got := ExpandHome("a/~/x"); got != "a/~/x" {
		t.Errorf("ExpandHome(a/~/x) = %q", got)
	}
	if got := Plural(1, "config") + " " + Plural(2, "run"); got != "1 config 2 runs" {
		t.Errorf("Plural: %q", got)
	}
}
