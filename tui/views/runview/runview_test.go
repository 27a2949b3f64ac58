package runview

import (
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
)

// TestNoisyLineWhyFirst: the noisy line gives the example and its reason
// before the advice, so a narrow pane cuts the advice, not the reason.
func TestNoisyLineWhyFirst(t *testing.T) {
	l := noisyLine(2, bench.Config{D: 3, K: 5, T: 96}, "95% CI ±5.1% over 8 measurements, 1 contended left out")
	if !strings.HasPrefix(l, "⚠ 2 noisy configs, e.g. D=3 K=5 T=96: 95% CI ±5.1% over 8 measurements, 1 contended left out · ") ||
		!strings.Contains(l, "--repeats") {
		t.Errorf("noisy line %q", l)
	}
}
