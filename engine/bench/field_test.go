package bench

import (
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
