package bench

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseList(t *testing.T) {
	tests := []struct {
		in   string
		want []int
	}{
		{"3", []int{3}},
		{"3,6", []int{3, 6}},
		{"3..12", []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
		{"3..12:3", []int{3, 6, 9, 12}},
		{"3..13:3", []int{3, 6, 9, 12}}, // the end need not be on the step
		{"2,5..9:2", []int{2, 5, 7, 9}},
		{"5..5", []int{5}},
		{"5..5:7", []int{5}},
		{"9,3,6", []int{9, 3, 6}},            // order kept
		{"3,6,3,1..4", []int{3, 6, 1, 2, 4}}, // duplicates dropped, first kept
		{" 3 , 6 ", []int{3, 6}},
		{"3 .. 5 : 2", []int{3, 5}},
		{"-2..1", []int{-2, -1, 0, 1}}, // syntax allows negatives; Plan.Validate judges ranges
		{"+4", []int{4}},
		{"48..4800:48", func() []int {
			var v []int
			for t := 48; t <= 4800; t += 48 {
				v = append(v, t)
			}
			return v
		}()},
		{"1..1000000", nil}, // exactly MaxConfigs: accepted; checked by length below
		{strconv.Itoa(math.MaxInt-1) + ".." + strconv.Itoa(math.MaxInt), []int{math.MaxInt - 1, math.MaxInt}},
		{strconv.Itoa(math.MinInt) + ".." + strconv.Itoa(math.MaxInt) + ":" + strconv.Itoa(math.MaxInt),
			[]int{math.MinInt, -1, math.MaxInt - 1}},
	}
	for _, tt := range tests {
		got, err := ParseList(tt.in)
		if err != nil {
			t.Errorf("ParseList(%q): %v", tt.in, err)
			continue
		}
		if tt.want == nil {
			if len(got) != MaxConfigs {
				t.Errorf("ParseList(%q) has %d values, want %d", tt.in, len(got), MaxConfigs)
			}
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ParseList(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseListErrors(t *testing.T) {
	big := "99999999999999999999"
	tests := []struct {
		in string
		// every fragment must appear in the message
		want []string
	}{
		{"", []string{"empty list", "3..12:3"}},
		{"   ", []string{"empty list"}},
		{"3,,6", []string{"value 2 of 3 is empty", "separated by commas"}},
		{"3,", []string{"value 2 of 2 is empty"}},
		{",3", []string{"value 1 of 2 is empty"}},
		{"abc", []string{`"abc" is not an integer`, "ranges (3..12)"}},
		{"1.5", []string{`"1.5" is not an integer`}},
		{"3;6", []string{`"3;6" is not an integer`}},
		{"3:2", []string{`"3:2" is not an integer`}},
		{"3..x", []string{`"3..x": range end "x" is not an integer`}},
		{"y..3", []string{`"y..3": range start "y" is not an integer`}},
		{"3..5..7", []string{`range end "5..7" is not an integer`}},
		{"3..12:z", []string{`step "z" is not an integer`}},
		{"3..1", []string{`"3..1": range end 1 is below its start 3`}},
		{"3..12:0", []string{`"3..12:0": step 0 must be at least 1`}},
		{"3..12:-2", []string{`step -2 must be at least 1`}},
		{"3..12:", []string{"step is missing"}},
		{"..12", []string{"range has no start"}},
		{"3..", []string{"range has no end"}},
		{big, []string{big, "out of range", "largest integer"}},
		{"-" + big, []string{"out of range", "smallest integer"}},
		{"1.." + big, []string{"range end " + big + " is out of range"}},
		{"1..1000001", []string{`"1..1000001": range has 1000001 values: at most 1000000 allowed`}},
		{strconv.Itoa(math.MinInt) + ".." + strconv.Itoa(math.MaxInt), []string{"more than 18446744073709551615 values"}},
		{"1..600000,1..600000", []string{"more than 1000000 values"}},
	}
	for _, tt := range tests {
		got, err := ParseList(tt.in)
		if err == nil {
			t.Errorf("ParseList(%q) = %v, want an error", tt.in, got)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ParseList(%q) error %q does not contain %q", tt.in, err, w)
			}
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseList(%q) error spans lines: %q", tt.in, err)
		}
	}
}

func TestFormatList(t *testing.T) {
	tests := []struct {
		in   []int
		want string
	}{
		{nil, ""},
		{[]int{3}, "3"},
		{[]int{3, 6}, "3,6"},
		{[]int{3, 4}, "3,4"},
		{[]int{3, 4, 5}, "3,4,5"},
		{[]int{3, 4, 5, 6}, "3..6"},
		{[]int{3, 6, 9, 12}, "3..12:3"},
		{[]int{2, 5, 7, 9}, "2,5,7,9"},
		{[]int{2, 5, 7, 9, 11}, "2,5..11:2"},
		{[]int{1, 2, 4, 6, 8}, "1,2..8:2"},
		{[]int{9, 6, 3}, "9,6,3"}, // descending runs have no range form
		{[]int{48, 96}, "48,96"},
		{[]int{1, 2, 3, 4, 10, 20, 30, 40, 7}, "1..4,10..40:10,7"},
		{[]int{1, 2, 3}, "1,2,3"},
		{[]int{-4, -3, -2, -1}, "-4..-1"},
		{[]int{math.MinInt, 0, math.MaxInt}, strconv.Itoa(math.MinInt) + ",0," + strconv.Itoa(math.MaxInt)},
	}
	for _, tt := range tests {
		if got := FormatList(tt.in); got != tt.want {
			t.Errorf("FormatList(%v) = %q, want %q", tt.in, got, tt.want)
		}
		if len(tt.in) == 0 {
			continue
		}
		back, err := ParseList(tt.want)
		if err != nil || !slices.Equal(back, tt.in) {
			t.Errorf("ParseList(%q) = %v, %v; want %v", tt.want, back, err, tt.in)
		}
	}
}

// TestParseListRefusesWithoutAllocating checks that a huge range is refused
// from its arithmetic, not by expanding it.
func TestParseListRefusesWithoutAllocating(t *testing.T) {
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := ParseList("1..9000000000000000000"); err == nil {
			t.Fatal("huge range accepted")
		}
	})
	if allocs > 20 {
		t.Errorf("refusing a huge range made %v allocations", allocs)
	}
}

func FuzzParseList(f *testing.F) {
	for _, s := range []string{"3,6", "3..12", "3..12:3", "2,5..9:2", "", ",", "3..1", "3..12:0",
		"99999999999999999999", "-5..5", "1..1000000:999999", "1,1,1", "0..9223372036854775807:4611686018427387904"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vs, err := ParseList(s)
		if err != nil {
			if vs != nil {
				t.Fatalf("ParseList(%q) returned values with error %v", s, err)
			}
			return
		}
		if len(vs) == 0 || len(vs) > MaxConfigs {
			t.Fatalf("ParseList(%q) returned %d values", s, len(vs))
		}
		seen := make(map[int]bool, len(vs))
		for _, v := range vs {
			if seen[v] {
				t.Fatalf("ParseList(%q) repeats %d", s, v)
			}
			seen[v] = true
		}
		f := FormatList(vs)
		back, err := ParseList(f)
		if err != nil {
			t.Fatalf("ParseList(FormatList(ParseList(%q))) = ParseList(%q): %v", s, f, err)
		}
		if !slices.Equal(back, vs) {
			t.Fatalf("round trip of %q through %q changed %v to %v", s, f, vs, back)
		}
	})
}
