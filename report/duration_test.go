package report

import (
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
)

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second:                     "0s",
		850 * time.Millisecond:           "850ms",
		12300 * time.Millisecond:         "12.3s",
		4*time.Minute + 5*time.Second:    "4m05s",
		2*time.Hour + 7*time.Minute + 59: "2h07m",
	} {
		if got := bench.FormatDuration(d); got != want {
			t.Errorf("bench.FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
