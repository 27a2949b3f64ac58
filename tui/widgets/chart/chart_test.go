package chart

import "testing"

func TestTickStep(t *testing.T) {
	for _, s := range []struct{ n, maxTicks, want int }{{12, 10, 2}, {12, 12, 1}, {10000, 6, 2000}, {1000, 10, 100}} {
		if got := tickStep(s.n, s.maxTicks); got != s.want {
			t.Errorf("tickStep(%d, %d) = %d, want %d", s.n, s.maxTicks, got, s.want)
		}
	}
}
