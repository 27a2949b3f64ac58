package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/launch"
	"github.com/hcbench/hcbench/engine/pyworker/pyworkertest"
	"github.com/muesli/termenv"
)

// The setup form's engine choice: go or python, the Python engine's
// checkout and interpreter shown only while python is chosen, checked as
// typed like --qmlhc and --python, and the form scrolling when it does not
// fit.

var (
	keyRight = tea.KeyMsg{Type: tea.KeyRight}
	keyLeft  = tea.KeyMsg{Type: tea.KeyLeft}
	keyUp    = tea.KeyMsg{Type: tea.KeyUp}
)

// qmlhcDir makes a directory that passes --qmlhc's checks.
var qmlhcDir = pyworkertest.Checkout

// toField tabs from the top of the form to the field named name.
func toField(t *testing.T, m Model, name string) Model {
	t.Helper()
	f := m.a.setup.Form()
	for range len(f.Fields) {
		if f.Fields[f.Focus].Name == name {
			return m
		}
		m = update(m, keyMsg("tab"))
	}
	t.Fatalf("no field %q on the form", name)
	return m
}

// setField replaces the value of the field named name.
func setField(t *testing.T, m Model, name, value string) Model {
	t.Helper()
	m = toField(t, m, name)
	return update(m, keyMsg("ctrl+u"), keyMsg(value))
}

func lineWith(v, s string) string {
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

func TestSetupEngineChoice(t *testing.T) {
	t.Setenv(launch.EnvQMLHC, "")
	m, _ := testModel(t, topts{})
	m = update(m, size(120, 40))
	if v := m.View(); !strings.Contains(v, "engine") || strings.Contains(v, "qml-hcs dir") {
		t.Fatalf("go engine: want the engine choice and no python fields:\n%s", v)
	}
	m = toField(t, m, "engine")
	if l := lineWith(m.View(), "engine"); !strings.Contains(l, "‹ go ›") {
		t.Errorf("focused choice not marked ‹ go ›: %q", l)
	}
	m = update(m, keyMsg("x")) // typing does not change a choice
	if got := m.a.setup.Form().Value("engine"); got != bench.EngineGo {
		t.Errorf("typing changed the choice to %q", got)
	}
	m = update(m, keyRight)
	v := m.View()
	if got := m.a.setup.Form().Value("engine"); got != bench.EnginePython {
		t.Fatalf("→ chose %q, want python", got)
	}
	for _, want := range []string{"qml-hcs dir", "python3", "✗ qmlhc: give a qml-hcs checkout"} {
		if !strings.Contains(v, want) {
			t.Errorf("python chosen: %q missing:\n%s", want, v)
		}
	}
	if _, _, err := m.a.setup.Plan(); err == nil || !strings.Contains(err.Error(), "qmlhc") {
		t.Errorf("python without a checkout: plan error %v, want one naming qmlhc", err)
	}
	// The hidden fields come back into the tab order and leave it again.
	m = update(m, keyMsg("tab"))
	if name := m.a.setup.Form().Fields[m.a.setup.Form().Focus].Name; name != "qmlhc" {
		t.Errorf("tab after engine (python) reached %q, want qmlhc", name)
	}
	m = update(m, keyUp, keyLeft) // back to go
	if got := m.a.setup.Form().Value("engine"); got != bench.EngineGo {
		t.Fatalf("← chose %q, want go", got)
	}
	if v := m.View(); strings.Contains(v, "qml-hcs dir") || strings.Contains(v, "✗") {
		t.Errorf("go chosen again: python fields or their errors still shown:\n%s", v)
	}
	if _, _, err := m.a.setup.Plan(); err != nil {
		t.Errorf("go engine with an empty (hidden) checkout: %v", err)
	}
	m = update(m, keyMsg("tab"))
	if name := m.a.setup.Form().Fields[m.a.setup.Form().Focus].Name; name != "D" {
		t.Errorf("tab after engine (go) reached %q, want D (wrapping past hidden fields)", name)
	}
}

func TestSetupPythonFieldsPrefilledAndChecked(t *testing.T) {
	good := qmlhcDir(t)
	t.Setenv(launch.EnvQMLHC, good)
	self, err := os.Executable() // any executable stands in for python here
	if err != nil {
		t.Fatal(err)
	}
	p := bench.DefaultPlan()
	p.Engine = bench.EnginePython

	m, _ := testModel(t, topts{Plan: p})
	if got := m.a.setup.Form().Value("qmlhc"); got != good {
		t.Errorf("qmlhc prefilled %q, want $QMLHC_PATH %q", got, good)
	}
	if got := m.a.setup.Form().Value("python"); got != launch.DefaultPython {
		t.Errorf("python prefilled %q, want %q", got, launch.DefaultPython)
	}
	m, _ = testModel(t, topts{Plan: p, QMLHC: "flagdir", Python: self})
	if got, want := m.a.setup.Form().Value("qmlhc")+" "+m.a.setup.Form().Value("python"), "flagdir "+self; got != want {
		t.Errorf("prefilled %q, want the flags' %q", got, want)
	}

	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "afile"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(work, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		field, value string
		want         string // "" means accepted
	}{
		{"qmlhc", good, ""},
		{"qmlhc", "", "give a qml-hcs checkout"},
		{"qmlhc", "nowhere", "no such directory"},
		{"qmlhc", "afile", "not a directory"},
		{"qmlhc", "empty", "not a qml-hcs checkout: it has no src/qmlhc/__init__.py"},
		{"python", self, ""},
		{"python", "no-such-python-here", "no such interpreter"},
		{"python", "venv/bin/python", "no such interpreter"},
	}
	for _, tt := range tests {
		m, _ := testModel(t, topts{Plan: p, WorkDir: work, Python: self})
		m = update(m, size(120, 40))
		m = setField(t, m, tt.field, tt.value)
		v := m.View()
		line := lineWith(v, map[string]string{"qmlhc": "› qml-hcs dir", "python": "› python"}[tt.field])
		if tt.want == "" {
			if strings.Contains(v, "✗") {
				t.Errorf("%s %q refused:\n%s", tt.field, tt.value, v)
			}
			continue
		}
		if !strings.Contains(line, "✗") || !strings.Contains(v, "✗ "+tt.field+": ") || !strings.Contains(v, tt.want) {
			t.Errorf("%s %q: want ✗ on its line and %q:\n%s", tt.field, tt.value, tt.want, v)
		}
	}
	if ents, _ := os.ReadDir(work); len(ents) != 2 {
		t.Errorf("checking the fields created files: %v", ents)
	}
}

// At 50×15 the python form does not fit: it scrolls, the focused field
// always shown with markers for what is out of sight, and the key help
// keeps its line. At 80×24 it fits whole.
func TestSetupFormScrolls(t *testing.T) {
	good := qmlhcDir(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := bench.DefaultPlan()
	p.Engine = bench.EnginePython
	m, _ := testModel(t, topts{Plan: p, QMLHC: good, Python: self})

	m = update(m, size(80, 24))
	v := m.View()
	checkFits(t, v, 80, 24)
	for _, want := range []string{"D  dims", "baseline", "qml-hcs dir", "python", "12 configs", "esc quit"} {
		if !strings.Contains(v, want) {
			t.Errorf("80×24: %q missing:\n%s", want, v)
		}
	}
	if strings.Contains(v, "more") {
		t.Errorf("80×24 scrolls, want the whole form:\n%s", v)
	}

	m = update(m, size(50, 15))
	f := m.a.setup.Form()
	for i := range f.Fields {
		v := m.View()
		checkFits(t, v, 50, 15)
		focused := f.Fields[f.Focus].Label
		if lineWith(v, "› "+focused) == "" {
			t.Errorf("50×15, field %d: focused %q not shown:\n%s", i, focused, v)
		}
		if !strings.Contains(v, "esc quit") {
			t.Errorf("50×15, field %d: key help lost:\n%s", i, v)
		}
		switch f.Focus {
		case 0:
			if strings.Contains(v, "↑ more") || !strings.Contains(v, "↓ more") {
				t.Errorf("at the top: want only ↓ more:\n%s", v)
			}
		case len(f.Fields) - 1:
			if !strings.Contains(v, "↑ more") || strings.Contains(v, "↓ more") {
				t.Errorf("at the bottom: want only ↑ more:\n%s", v)
			}
		}
		m = update(m, keyMsg("tab"))
	}
	// With errors listed the form still fits, the message shown in full.
	m = setField(t, m, "seed", "x")
	v = m.View()
	checkFits(t, v, 50, 15)
	if !strings.Contains(v, "✗ seed:") || lineWith(v, "seed") == "" || !strings.Contains(v, "esc quit") {
		t.Errorf("50×15 with an error: want the seed line, its message and the key help:\n%s", v)
	}
}

// fakePythonFor builds engine/pyworker/internal/fakepython, a Python
// stand-in written in Go that speaks the worker protocol.
var fakePythonFor = pyworkertest.FakePython

// Enter with python chosen checks a worker first (its handshake), then
// starts the sweep with the form's Python workers; a worker that fails its
// handshake is one line on screen, and nothing is created.
func TestSetupStartsPythonSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the fake python")
	}
	fake := fakePythonFor(t)
	good := qmlhcDir(t)
	t.Setenv("FAKE_PYTHON_PIDS", "")

	start := func(t *testing.T, mode, dir string) (Model, string) {
		t.Helper()
		t.Setenv("FAKE_PYTHON_MODE", mode)
		work := t.TempDir()
		m, _ := testModel(t, topts{OutDir: "out", WorkDir: work})
		m.a.open = openSession // the real session: it checks the worker
		m = update(m, size(80, 24))
		m = toField(t, m, "engine")
		m = update(m, keyRight)
		m = setField(t, m, "qmlhc", dir)
		m = setField(t, m, "python", fake)
		nm, _ := m.Update(keyMsg("enter"))
		m = nm.(Model)
		if op := m.a.opening; op != nil {
			if !strings.Contains(m.View(), "checking the python engine") {
				t.Errorf("no word while the worker is checked:\n%s", m.View())
			}
			if nm, _ := m.Update(keyMsg("enter")); nm.(Model).a.opening != op {
				t.Error("a second enter while checking started another check")
			}
			m = opened(m, op)
		}
		if m.a.run != nil {
			t.Cleanup(func() { m.a.run.finish() })
		}
		return m, work
	}

	t.Run("ok", func(t *testing.T) {
		m, work := start(t, "ok", good)
		if m.a.run == nil {
			t.Fatalf("no sweep started:\n%s", m.View())
		}
		s := m.a.run.s
		if eng := s.Engine(); eng.Name() != bench.EnginePython || eng.QMLHC != good || eng.Python != fake {
			t.Errorf("sweep engine %+v, want python on %s with %s", eng, good, fake)
		}
		if s.Plan().EngineName() != bench.EnginePython {
			t.Errorf("sweep plan engine %q, want python", s.Plan().EngineName())
		}
		if !strings.Contains(m.a.status, "engine: python") {
			t.Errorf("the status does not say what measures: %q", m.a.status)
		}
		if !fileExists(filepath.Join(work, "out")) {
			t.Error("the started sweep has no output directory")
		}
	})

	t.Run("import error", func(t *testing.T) {
		m, work := start(t, "importerror", good)
		if m.a.run != nil {
			t.Fatal("a sweep started with a worker that failed its handshake")
		}
		v := m.View()
		l := lineWith(v, "✗ --engine python:")
		if l == "" || !strings.Contains(v, "No module named 'scipy'") {
			t.Errorf("handshake failure not shown as one ✗ message:\n%s", v)
		}
		if m.a.screen != screenSetup || m.a.setup.Opening {
			t.Error("the form should stay, ready for another enter")
		}
		// At 50×15 the message is shown whole, wrapped, and the form
		// scrolls around it: the focused field and the key help stay.
		m = update(m, size(50, 15))
		v = m.View()
		checkFits(t, v, 50, 15)
		if lineWith(v, "› python") == "" || !strings.Contains(v, "esc quit") || !strings.Contains(v, "'scipy'") {
			t.Errorf("50×15 after a refused start: want the python field, the whole message and the key help:\n%s", v)
		}
		if ents, _ := os.ReadDir(work); len(ents) != 0 {
			t.Errorf("a refused start created %v", ents)
		}
	})

	t.Run("bad checkout", func(t *testing.T) {
		m, work := start(t, "ok", t.TempDir())
		if m.a.run != nil {
			t.Fatal("a sweep started on a directory that is not a checkout")
		}
		if v := m.View(); !strings.Contains(v, "not a qml-hcs checkout") {
			t.Errorf("bad checkout not shown:\n%s", v)
		}
		if ents, _ := os.ReadDir(work); len(ents) != 0 {
			t.Errorf("a refused start created %v", ents)
		}
	})
}

// TestGoldenSetupPython pins the setup form with the Python engine chosen
// and the engine field focused, at every supported size (at 50×15 it
// scrolls). Paths are relative to the work directory so the files are
// stable. Run with -update to regenerate.
func TestGoldenSetupPython(t *testing.T) {
	work := t.TempDir()
	for _, f := range []string{"qml-hcs/src/qmlhc/__init__.py", "qml-hcs/examples/ex_benchmark_performance_demo.py", "venv/bin/python3"} {
		p := filepath.Join(work, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	p := bench.DefaultPlan()
	p.Engine = bench.EnginePython
	for _, s := range sizes {
		t.Run(s.name, func(t *testing.T) {
			m, _ := testModel(t, topts{Plan: p, OutDir: ".benchmarks", WorkDir: work, QMLHC: "qml-hcs", Python: "venv/bin/python3"})
			m = update(m, size(s.w, s.h))
			m = toField(t, m, "engine")
			v := m.View()
			checkFits(t, v, s.w, s.h)
			if strings.Contains(v, "✗") {
				t.Errorf("valid python setup shows an error:\n%s", v)
			}
			teatest.RequireEqualOutput(t, []byte(v))
		})
	}
}

// A focused value longer than its box scrolls inside it in colour too
// (the cursor is a reversed cell there): the hints stay in their column.
func TestFocusedLongValueStaysInItsBox(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	long := strings.Repeat("x", 60)
	m, _ := testModel(t, topts{})
	m = update(m, size(120, 40))
	m = setField(t, m, "seed", "1")
	m = update(m, keyMsg(long), keyMsg("backspace")) // wrong, then still wrong
	v := ansi.Strip(m.View())
	seed, repeats := lineWith(v, "› seed"), lineWith(v, "repeats")
	hint := strings.Index(repeats, "repeat r uses")
	// Columns, not bytes: the value may show "…" where it was cut.
	if mark := strings.Index(seed, "✗"); mark < 0 || ansi.StringWidth(seed[:mark]) > ansi.StringWidth(repeats[:hint]) {
		t.Errorf("focused long value pushes its ✗ past the hint column %d:\n%s\n%s", hint, repeats, seed)
	}
	if !strings.Contains(seed, "xxx") {
		t.Errorf("the end of the value being typed is not shown: %q", seed)
	}
}
