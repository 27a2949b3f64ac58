package tui

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzSetupFields types arbitrary text into every setup field: nothing
// panics, the screen keeps its size, and a form whose fields all pass their
// checks yields a plan the engine accepts (or the one whole-grid error,
// too many configs).
func FuzzSetupFields(f *testing.F) {
	for _, s := range []string{"3,6", "3..12:3", "2,5..9:2", "", ",", "3..", "..3", "9..1", "1..1000000000000",
		"-5", "mean", "minrisk", "0", "18446744073709551616", "3,,6", " 7 ", "\x00\x1b[A", "µs", "1..1000:0"} {
		f.Add(s, 1)
	}
	f.Fuzz(func(t *testing.T, s string, field int) {
		m, started := testModel(t, topts{})
		m = update(m, size(50, 15))
		n := len(m.a.setup.Form().Fields)
		field = ((field % n) + n) % n
		if m.a.setup.Form().Fields[field].Name == "out" && (filepath.IsAbs(s) || strings.Contains(s, "..")) {
			return // a relative directory lands under the test's WorkDir; others could escape it
		}
		for range field {
			m = update(m, keyMsg("tab"))
		}
		m = update(m, keyMsg("ctrl+u"))
		for _, r := range s {
			if r == '?' {
				continue // opens the help, by design; tested elsewhere
			}
			m = update(m, keyMsg(string(r)))
		}
		checkFits(t, m.View(), 50, 15)
		p, _, err := m.a.setup.Plan()
		if _, ferr := m.a.setup.Form().FirstError(); ferr == nil && err != nil &&
			!strings.Contains(err.Error(), "configs: at most") {
			t.Fatalf("fields pass but the plan does not: %v", err)
		}
		m = update(m, keyMsg("enter"))
		if err == nil {
			if len(started) != 1 {
				t.Fatal("a valid form did not start")
			}
			if got := (<-started).Plan(); got.Validate() != nil || got.Grid.Size() != p.Grid.Size() {
				t.Fatalf("started %+v", got)
			}
		} else if len(started) != 0 {
			t.Fatal("an invalid form started a sweep")
		}
	})
}
