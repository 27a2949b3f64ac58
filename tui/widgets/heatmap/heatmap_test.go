package heatmap

import (
	"strings"
	"testing"
)

// FuzzHeaderLabelAt: reading a heatmap header off the screen never panics.
func FuzzHeaderLabelAt(f *testing.F) {
	f.Add("    K=3        K=5        K=9", 14)
	f.Add("D\\K 2–11  13–23", 0)
	f.Add("", -3)
	f.Fuzz(func(t *testing.T, head string, x int) {
		if l, _, ok := headerLabelAt([]rune(head), x); ok && (l == "" || !strings.Contains(string([]rune(head)), l)) {
			t.Errorf("label %q is not in the header %q", l, head)
		}
		if head != "" && rangeTerm(head) == "" {
			t.Errorf("rangeTerm(%q) is empty", head)
		}
	})
}
