package session

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
)

// TestMemoryBudget: where the OS tells (Linux's MemAvailable), there is a
// budget and it says where it comes from.
func TestMemoryBudget(t *testing.T) {
	budget, source := MemoryBudget()
	if runtime.GOOS == "linux" && (budget <= 0 || source == "") {
		t.Errorf("MemoryBudget() = %d, %q; want the memory available and its source", budget, source)
	}
}

// TestMemoryRefusalNamesItsSource: a plan beyond the budget is a usage
// error naming the config, the bytes and where the budget comes from.
func TestMemoryRefusalNamesItsSource(t *testing.T) {
	p := bench.DefaultPlan()
	for _, tc := range []struct {
		spec Spec
		want []string
	}{
		{Spec{MaxMemory: 1024, MemorySource: "--max-memory"}, []string{"D=6 K=9 T=96 needs", "1024 bytes", "(the budget --max-memory gives): shrink the grid or raise --max-memory"}},
		{Spec{MaxMemory: 1024, MemorySource: "available memory"}, []string{"(the budget: available memory): shrink the grid or set --max-memory"}},
		{Spec{MaxMemory: 1024}, []string{"D=6 K=9 T=96 needs", "1024 bytes"}},
	} {
		err := tc.spec.checkMemory(p)
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Fatalf("%+v: %v, want a usage error", tc.spec, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q lacks %q", err, w)
			}
		}
	}
	if err := (Spec{}).checkMemory(p); err != nil {
		t.Errorf("no budget: %v", err)
	}
}
