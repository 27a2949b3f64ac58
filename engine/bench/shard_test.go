package bench

import (
	"strings"
	"testing"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Shard
		err  string
	}{
		{"0/3", Shard{0, 3}, ""},
		{"2/3", Shard{2, 3}, ""},
		{" 1 / 4 ", Shard{1, 4}, ""},
		{"0/1", Shard{0, 1}, ""},
		{"3/3", Shard{}, "0..2"},
		{"-1/3", Shard{}, "0..2"},
		{"1/0", Shard{}, "1..100000"},
		{"1", Shard{}, "want I/N"},
		{"a/b", Shard{}, "N must"},
		{"1/2/3", Shard{}, "N must"},
		{"", Shard{}, "want I/N"},
	} {
		got, err := ParseShard(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseShard(%q) = %v, %v; want an error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want || got.String() != strings.ReplaceAll(strings.TrimSpace(tc.in), " ", "") {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseRunID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{{"42", 42, true}, {"1796179555", 1796179555, true}, {"0", 0, false}, {"-3", 0, false}, {"x", 0, false}} {
		got, err := ParseRunID(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseRunID(%q) = %d, %v", tc.in, got, err)
		}
	}
}

// FuzzParseShard: whatever is accepted is a valid shard that reads back
// from its own spelling.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/3", "2/3", "9/10", "x", "1/0", "/", "0/100000", "-0/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := ParseShard(s)
		if err != nil {
			return
		}
		if sh.Count < 1 || sh.Count > MaxShards || sh.Index < 0 || sh.Index >= sh.Count {
			t.Fatalf("ParseShard(%q) = %+v: out of range", s, sh)
		}
		back, err := ParseShard(sh.String())
		if err != nil || back != sh {
			t.Fatalf("ParseShard(%q) = %+v, but its spelling %q reads as %+v, %v", s, sh, sh.String(), back, err)
		}
	})
}
